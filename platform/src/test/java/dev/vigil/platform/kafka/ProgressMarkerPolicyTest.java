package dev.vigil.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.ProgressMarkers;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicy.PartitionContext;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressMarkerPolicyTest {
  /** Caught up (no backlog) from the start: silence, to the old idle rule, would have been a reason to move. */
  private static final PartitionContext CAUGHT_UP = new PartitionContext() {
    @Override
    public long getMessageBacklog() {
      return 0;
    }

    @Override
    public Instant getBacklogCheckTime() {
      return Instant.now();
    }
  };

  private static TimestampPolicy<byte[], byte[]> policy(Optional<Instant> previous) {
    // Records carry their event time as a decimal value; a marker's value is its watermark.
    return ProgressMarkerPolicy.<byte[], byte[]>factory(r -> new Instant(Long.parseLong(new String(r.getKV().getValue(), StandardCharsets.UTF_8))),
        r -> ProgressMarkers.isMarker(r.getKV().getKey()) ? new Instant(Long.parseLong(new String(r.getKV().getValue(), StandardCharsets.UTF_8))) : null)
        .createTimestampPolicy(null, previous);
  }

  private static KafkaRecord<byte[], byte[]> partial(long eventTime) {
    return record("42".getBytes(StandardCharsets.UTF_8), eventTime);
  }

  private static KafkaRecord<byte[], byte[]> marker(long watermark) {
    return record(ProgressMarkers.key(), watermark);
  }

  private static KafkaRecord<byte[], byte[]> record(byte[] key, long value) {
    return new KafkaRecord<>("filtered", 0, 0, 0, KafkaTimestampType.CREATE_TIME, null, key,
        Long.toString(value).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void onlyMarkersMoveTheWatermarkNeitherRecordsNorSilence() {
    TimestampPolicy<byte[], byte[]> p = policy(Optional.empty());
    assertThat(p.getTimestampForRecord(CAUGHT_UP, partial(500_000))).isEqualTo(new Instant(500_000));
    assertThat(p.getWatermark(CAUGHT_UP)).as("a partial of hours ago, then silence").isEqualTo(BoundedWindow.TIMESTAMP_MIN_VALUE);

    assertThat(p.getTimestampForRecord(CAUGHT_UP, marker(490_000))).isEqualTo(new Instant(490_000));
    assertThat(p.getWatermark(CAUGHT_UP)).as("the writer's own bound, nothing subtracted").isEqualTo(new Instant(490_000));

    p.getTimestampForRecord(CAUGHT_UP, partial(900_000)); // another worker of the writer is further on: no effect
    p.getTimestampForRecord(CAUGHT_UP, marker(480_000)); // an older marker: no step back
    assertThat(p.getWatermark(CAUGHT_UP)).isEqualTo(new Instant(490_000));
    p.getTimestampForRecord(CAUGHT_UP, marker(800_000));
    assertThat(p.getWatermark(CAUGHT_UP)).isEqualTo(new Instant(800_000));
  }

  @Test
  void resumesFromThePreviousWatermark() {
    TimestampPolicy<byte[], byte[]> p = policy(Optional.of(new Instant(70_000)));
    p.getTimestampForRecord(CAUGHT_UP, marker(60_000));
    assertThat(p.getWatermark(CAUGHT_UP)).isEqualTo(new Instant(70_000));
  }
}
