package dev.vigil.replay;

import dev.vigil.core.console.ProgressLine;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code replay publish}: archived records of a period back into a topic, in event-time order, at a
 * multiple of their original pace (or as fast as the broker takes them), with their original keys, values
 * and record timestamps. Hour by hour: an hour's records are read, sorted by event time and sent, so memory
 * holds one hour. Malformed files are reported and skipped; only acknowledged records are counted.
 */
public final class ReplayPublish {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayPublish.class);

  private ReplayPublish() {}

  /** Publishing speed: a multiple of the original pace, or {@code max} (no pacing). */
  public record Speed(double factor) {
    public static final Speed MAX = new Speed(Double.POSITIVE_INFINITY);

    public static Speed parse(String text) {
      if ("max".equalsIgnoreCase(text)) {
        return MAX;
      }
      try {
        double factor = Double.parseDouble(text.endsWith("x") ? text.substring(0, text.length() - 1) : text);
        if (factor > 0 && Double.isFinite(factor)) {
          return new Speed(factor);
        }
      } catch (NumberFormatException e) {
        // fall through to the one-line error
      }
      throw new IllegalArgumentException("--speed must be a positive multiple like 10x, or max; got '" + text + "'");
    }

    @Override
    public String toString() {
      return Double.isInfinite(factor) ? "max" : factor + "x";
    }
  }

  public record Result(long published, long malformedFiles, long failed) {}

  /** Publishes to {@code topic} on the brokers of {@code kafka}, with its operator settings (security). */
  public static Result run(ArchiveSelection selection, KafkaClientSettings kafka, String topic, Speed speed) {
    Map<String, Object> p = kafka.clientConfig(Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, "5",
        ProducerConfig.BATCH_SIZE_CONFIG, "262144",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000"));
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    AtomicLong malformed = new AtomicLong();
    long total = selection.records();
    long startNanos = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      long[] firstEventMs = {-1};
      selection.forEachInEventTimeOrder(r -> {
        if (firstEventMs[0] < 0) {
          firstEventMs[0] = r.eventTimeMs();
        }
        if (!Double.isInfinite(speed.factor())) {
          pace(startNanos + (long) ((r.eventTimeMs() - firstEventMs[0]) * 1_000_000 / speed.factor()));
        }
        var raw = r.raw();
        producer.send(new ProducerRecord<>(topic, null, raw.getKafkaTimestampMs(), raw.getKey().isEmpty() ? null : raw.getKey().toByteArray(),
            raw.getHasValue() ? raw.getValue().toByteArray() : null), (meta, error) -> {
              if (error == null) {
                acknowledged.incrementAndGet();
              } else {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error);
              }
            });
        long eventTime = r.eventTimeMs();
        ProgressLine.show(() -> ReplayLabel.progress("publish", acknowledged.get(), total,
            "at " + Instant.ofEpochMilli(eventTime) + " ", System.nanoTime() - startNanos));
      }, e -> {
        malformed.incrementAndGet();
        LOG.warn("skipping the rest of a malformed archive file: {}", e.getMessage());
      });
      producer.flush();
    } finally {
      ProgressLine.done();
    }
    if (firstFailure.get() != null) {
      LOG.warn("{} records were not acknowledged; first error: {}", failed.get(), firstFailure.get().getMessage());
    }
    return new Result(acknowledged.get(), malformed.get(), failed.get());
  }

  /** Waits until {@code dueNanos} on the original timeline, stretched by the speed; pacing, not synchronisation. */
  private static void pace(long dueNanos) {
    long waitNanos = dueNanos - System.nanoTime();
    if (waitNanos > 1_000_000) {
      try {
        Thread.sleep(waitNanos / 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("publish interrupted");
      }
    }
  }

}
