package dev.vigil.loadtest.traffic;

import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.ActivityEvent;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes synthetic traffic to a raw topic as an outside producer would: value = serialized
 * {@link ActivityEvent}, key = member id as a decimal string. Optional malformed and internal records
 * exercise the dead-letter path and the filter rules.
 */
public final class ActivityProducer {

  /** Records sent by kind, and how many of them the broker acknowledged (the rest failed). */
  public record Summary(long valid, long healthChecks, long malformed, long elapsedMs, long acknowledged) {
    public long total() {
      return valid + healthChecks + malformed;
    }
  }

  /**
   * {@code kafka}: the brokers and the operator's client settings (security). {@code abuseOnsetSpreadMs} > 0 staggers abusers' start times over that span from the start of the run
   * (see {@link SyntheticActivityGenerator#staggerAbuseOnsets}); 0 = every abuser active from the start.
   */
  public record Settings(KafkaClientSettings kafka, String topic, long count, int ratePerSecond, int members,
      double abusiveFraction, double malformedFraction, double healthCheckFraction, long seed, long abuseOnsetSpreadMs) {
    public Settings(KafkaClientSettings kafka, String topic, long count, int ratePerSecond, int members,
        double abusiveFraction, double malformedFraction, double healthCheckFraction, long seed) {
      this(kafka, topic, count, ratePerSecond, members, abusiveFraction, malformedFraction, healthCheckFraction,
          seed, 0);
    }

    public Settings {
      if (abuseOnsetSpreadMs < 0) throw new IllegalArgumentException("abuse onset spread must be >= 0, got " + abuseOnsetSpreadMs);
      if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
      if (ratePerSecond < 0) throw new IllegalArgumentException("rate must be >= 0 (0 = unthrottled), got " + ratePerSecond);
      if (malformedFraction < 0 || malformedFraction > 1) throw new IllegalArgumentException("malformed fraction must be in [0, 1]");
      if (healthCheckFraction < 0 || healthCheckFraction > 1) throw new IllegalArgumentException("health-check fraction must be in [0, 1]");
    }
  }

  private ActivityProducer() {}

  /** Sends {@code count} records, throttled to the rate (0 = as fast as possible); reports progress every second. */
  public static Summary run(Settings s, LongConsumer progress) {
    return run(s, generator(s, System.currentTimeMillis()), e -> { }, progress);
  }

  /** The generator a run with these settings uses, its abuse onsets counted from {@code startMs}. */
  public static SyntheticActivityGenerator generator(Settings s, long startMs) {
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(s.seed(), s.members(), s.abusiveFraction());
    return s.abuseOnsetSpreadMs() > 0 ? generator.staggerAbuseOnsets(startMs, s.abuseOnsetSpreadMs()) : generator;
  }

  /**
   * As {@link #run(Settings, LongConsumer)} with a given generator (so the caller can ask it for ground
   * truth), handing every valid event sent to {@code sent}, on this thread.
   */
  public static Summary run(Settings s, SyntheticActivityGenerator generator, Consumer<ActivityEvent> sent,
      LongConsumer progress) {
    TrafficRecords records = new TrafficRecords(generator, s.seed() ^ 0x5eed, s.malformedFraction(), s.healthCheckFraction());
    TrafficProducers.Acknowledgements acks = new TrafficProducers.Acknowledgements(s.kafka().bootstrapServers());
    long valid = 0;
    long health = 0;
    long bad = 0;
    long start = System.nanoTime();
    long lastReport = start;
    try (KafkaProducer<byte[], byte[]> producer = TrafficProducers.open(s.kafka(), TrafficProducers.ACTIVITY_PRODUCER)) {
      for (long i = 0; i < s.count(); i++) {
        if (s.ratePerSecond() > 0) {
          long due = start + (long) (i * 1e9 / s.ratePerSecond());
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        switch (records.next(System.currentTimeMillis())) {
          case MALFORMED -> bad++;
          case HEALTH_CHECK -> health++;
          case VALID -> {
            valid++;
            sent.accept(records.event());
          }
        }
        acks.send(producer, new ProducerRecord<>(s.topic(), records.key(), records.value()));
        long t = System.nanoTime();
        if (t - lastReport >= 1_000_000_000L) {
          progress.accept(i + 1);
          lastReport = t;
        }
      }
      producer.flush();
    }
    progress.accept(s.count());
    return new Summary(valid, health, bad, (System.nanoTime() - start) / 1_000_000, acks.acknowledged());
  }
}
