package dev.vigil.platform.kafka;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event time from the record itself, with a watermark that trails the newest event time seen in the
 * partition by a fixed bound. A partition that has been caught up and silent for the idle timeout lets its
 * watermark follow wall-clock time minus the bound; otherwise one quiet partition would hold every window
 * of the job open (Flink's "withIdleness", which KafkaIO lacks). Until a partition's first record, and for at
 * most the startup grace, it does not: a job started before its input arrives (a backlog about to be
 * written, another job still starting) would otherwise run its watermark to the clock and treat every
 * record of the backlog as late.
 */
public final class BoundedOutOfOrdernessPolicy<K, V> extends TimestampPolicy<K, V> {
  private final SerializableFunction<KafkaRecord<K, V>, Instant> eventTime;
  private final Duration maxOutOfOrderness;
  private final Duration idleTimeout;
  private final Clock clock;
  private final Instant graceEnds;
  private boolean seenRecord;
  private Instant maxEventTime;
  private Instant watermark;
  private Instant lastRecordWallTime;

  /** Wall-clock source; tests pass a fake. */
  public interface Clock extends java.io.Serializable {
    Instant now();
  }

  BoundedOutOfOrdernessPolicy(SerializableFunction<KafkaRecord<K, V>, Instant> eventTime, Duration maxOutOfOrderness,
      Duration idleTimeout, Duration startupGrace, Optional<Instant> previousWatermark, Clock clock) {
    this.eventTime = eventTime;
    this.maxOutOfOrderness = maxOutOfOrderness;
    this.idleTimeout = idleTimeout;
    this.clock = clock;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.maxEventTime = previousWatermark.map(w -> w.plus(maxOutOfOrderness)).orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.lastRecordWallTime = clock.now();
    this.graceEnds = clock.now().plus(startupGrace);
  }

  public static <K, V> TimestampPolicyFactory<K, V> factory(SerializableFunction<KafkaRecord<K, V>, Instant> eventTime,
      Duration maxOutOfOrderness, Duration idleTimeout, Duration startupGrace) {
    return factory(eventTime, maxOutOfOrderness, idleTimeout, startupGrace, Instant::now);
  }

  static <K, V> TimestampPolicyFactory<K, V> factory(SerializableFunction<KafkaRecord<K, V>, Instant> eventTime,
      Duration maxOutOfOrderness, Duration idleTimeout, Duration startupGrace, Clock clock) {
    return (TopicPartition tp, Optional<Instant> previous) ->
        new BoundedOutOfOrdernessPolicy<>(eventTime, maxOutOfOrderness, idleTimeout, startupGrace, previous, clock);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<K, V> record) {
    Instant ts = eventTime.apply(record);
    if (ts.isAfter(maxEventTime)) {
      maxEventTime = ts;
    }
    lastRecordWallTime = clock.now();
    seenRecord = true;
    return ts;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    Instant candidate = maxEventTime.minus(maxOutOfOrderness);
    Instant now = clock.now();
    boolean idle = ctx.getMessageBacklog() == 0 && !now.isBefore(lastRecordWallTime.plus(idleTimeout))
        && (seenRecord || !now.isBefore(graceEnds));
    if (idle) {
      Instant wallClockBound = now.minus(maxOutOfOrderness);
      if (wallClockBound.isAfter(candidate)) {
        candidate = wallClockBound;
      }
    }
    if (candidate.isAfter(watermark)) {
      watermark = candidate; // never moves back
    }
    return watermark;
  }
}
