package dev.vigil.platform.kafka;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;

/**
 * The watermark of a partition written by {@link WriteWithProgressMarkers}: the newest progress marker read from it,
 * nothing else. A marker is its writer's own bound (no on-time record before it follows), so no out-of-orderness is
 * subtracted; records do not move it (one partition has records from many of the writer's workers, whose event
 * times interleave), and neither does silence or the wall clock (the writer may still be working through a backlog).
 * A partition whose writer has stopped keeps its watermark until the writer is back.
 */
public final class ProgressMarkerPolicy<K, V> extends TimestampPolicy<K, V> {
  private final SerializableFunction<KafkaRecord<K, V>, Instant> eventTime;
  private final SerializableFunction<KafkaRecord<K, V>, Instant> progress;
  private Instant watermark;

  private ProgressMarkerPolicy(SerializableFunction<KafkaRecord<K, V>, Instant> eventTime,
      SerializableFunction<KafkaRecord<K, V>, Instant> progress, Optional<Instant> previousWatermark) {
    this.eventTime = eventTime;
    this.progress = progress;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /**
   * @param eventTime every record's timestamp
   * @param progress a marker's watermark; null for any other record
   */
  public static <K, V> TimestampPolicyFactory<K, V> factory(SerializableFunction<KafkaRecord<K, V>, Instant> eventTime,
      SerializableFunction<KafkaRecord<K, V>, Instant> progress) {
    return (TopicPartition tp, Optional<Instant> previous) -> new ProgressMarkerPolicy<>(eventTime, progress, previous);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<K, V> record) {
    Instant marker = progress.apply(record);
    if (marker != null && marker.isAfter(watermark)) {
      watermark = marker; // never moves back
    }
    return eventTime.apply(record);
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    return watermark;
  }
}
