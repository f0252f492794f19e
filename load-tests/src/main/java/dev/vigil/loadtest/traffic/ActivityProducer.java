package dev.vigil.loadtest.traffic;

import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.ActivityEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes synthetic traffic to a raw topic as an outside producer would: value = serialized
 * {@link ActivityEvent}, key = member id as a decimal string. Optional malformed and internal records
 * exercise the dead-letter path and the filter rules.
 */
public final class ActivityProducer {

  /** What one run published. */
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
    java.util.SplittableRandom mix = new java.util.SplittableRandom(s.seed() ^ 0x5eed);
    Map<String, Object> props = s.kafka().clientConfig(Map.of(
        ProducerConfig.LINGER_MS_CONFIG, "5",
        ProducerConfig.BATCH_SIZE_CONFIG, "131072",
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        // A broker that is not there is reported in seconds, not after the client's default minute of retries.
        ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000",
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000",
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"));
    java.util.concurrent.atomic.AtomicLong acknowledged = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicReference<Exception> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
    long valid = 0;
    long health = 0;
    long bad = 0;
    long start = System.nanoTime();
    long lastReport = start;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < s.count(); i++) {
        if (s.ratePerSecond() > 0) {
          long due = start + (long) (i * 1e9 / s.ratePerSecond());
          long wait = due - System.nanoTime();
          if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
        }
        long now = System.currentTimeMillis();
        double roll = mix.nextDouble();
        byte[] key;
        byte[] value;
        if (roll < s.malformedFraction()) {
          key = null;
          value = generator.malformed(now);
          bad++;
        } else {
          ActivityEvent e = roll < s.malformedFraction() + s.healthCheckFraction() ? generator.healthCheck(now) : generator.next(now);
          if (e.getUserAgent().equals(SyntheticActivityGenerator.HEALTH_CHECK_AGENT)) {
            health++;
          } else {
            valid++;
            sent.accept(e);
          }
          key = Long.toString(e.getMemberId()).getBytes(StandardCharsets.UTF_8);
          value = e.toByteArray();
        }
        try {
          producer.send(new ProducerRecord<>(s.topic(), key, value), (meta, error) -> {
            if (error == null) {
              acknowledged.incrementAndGet();
            } else {
              firstFailure.compareAndSet(null, error);
            }
          });
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
          throw new IllegalArgumentException("no Kafka broker answered at " + s.kafka().bootstrapServers() + " within 5 s (" + e.getMessage() + ")");
        }
        if (firstFailure.get() != null && acknowledged.get() == 0) {
          Exception failure = firstFailure.get();
          throw new IllegalArgumentException(failure instanceof org.apache.kafka.common.errors.TimeoutException
              ? "no Kafka broker answered at " + s.kafka().bootstrapServers() + " within 5 s (" + failure.getMessage() + ")"
              : "Kafka at " + s.kafka().bootstrapServers() + " refused the first records: " + failure.getMessage());
        }
        long t = System.nanoTime();
        if (t - lastReport >= 1_000_000_000L) {
          progress.accept(i + 1);
          lastReport = t;
        }
      }
      producer.flush();
    }
    progress.accept(s.count());
    return new Summary(valid, health, bad, (System.nanoTime() - start) / 1_000_000, acknowledged.get());
  }
}
