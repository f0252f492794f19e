package dev.vigil.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicy.PartitionContext;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class BoundedOutOfOrdernessPolicyTest {
  private final Instant[] wallClock = {new Instant(1_000_000)};
  private long backlog = 10;

  private final PartitionContext ctx = new PartitionContext() {
    @Override
    public long getMessageBacklog() {
      return backlog;
    }

    @Override
    public Instant getBacklogCheckTime() {
      return wallClock[0];
    }
  };

  private TimestampPolicy<byte[], Long> policy(Optional<Instant> previous) {
    return policy(previous, Duration.ZERO);
  }

  private TimestampPolicy<byte[], Long> policy(Optional<Instant> previous, Duration startupGrace) {
    // The record value carries its event time, as ActivityEvent bytes do.
    return new BoundedOutOfOrdernessPolicy<>(r -> new Instant(r.getKV().getValue()), Duration.millis(500),
        Duration.millis(2_000), startupGrace, previous, () -> wallClock[0]);
  }

  private static KafkaRecord<byte[], Long> record(long eventTime) {
    return new KafkaRecord<>("t", 0, 0, 0, KafkaTimestampType.CREATE_TIME, null, new byte[0], eventTime);
  }

  @Test
  void watermarkTrailsMaxEventTimeAndNeverRecedes() {
    TimestampPolicy<byte[], Long> p = policy(Optional.empty());
    assertThat(p.getWatermark(ctx)).isEqualTo(BoundedWindow.TIMESTAMP_MIN_VALUE);

    assertThat(p.getTimestampForRecord(ctx, record(10_000))).isEqualTo(new Instant(10_000));
    assertThat(p.getWatermark(ctx)).isEqualTo(new Instant(9_500));

    p.getTimestampForRecord(ctx, record(9_000)); // out of order: the watermark stays
    assertThat(p.getWatermark(ctx)).isEqualTo(new Instant(9_500));
  }

  @Test
  void idlePartitionFollowsWallClockOnlyWhenCaughtUpAndQuiet() {
    TimestampPolicy<byte[], Long> p = policy(Optional.empty());
    p.getTimestampForRecord(ctx, record(500_000));
    wallClock[0] = wallClock[0].plus(5_000);
    assertThat(p.getWatermark(ctx)).as("backlog pending: not idle").isEqualTo(new Instant(499_500));

    backlog = 0;
    assertThat(p.getWatermark(ctx)).as("caught up and quiet for the idle timeout")
        .isEqualTo(wallClock[0].minus(500));
  }

  @Test
  void emptyPartitionDoesNotHoldTheWatermarkForever() {
    backlog = 0;
    TimestampPolicy<byte[], Long> p = policy(Optional.empty());
    assertThat(p.getWatermark(ctx)).isEqualTo(BoundedWindow.TIMESTAMP_MIN_VALUE);
    wallClock[0] = wallClock[0].plus(2_000);
    assertThat(p.getWatermark(ctx)).isEqualTo(wallClock[0].minus(500));
  }

  @Test
  void withAStartupGraceAnEmptyPartitionWaitsForItsFirstRecordInsteadOfRunningToTheClock() {
    backlog = 0;
    TimestampPolicy<byte[], Long> p = policy(Optional.empty(), Duration.millis(60_000));
    wallClock[0] = wallClock[0].plus(10_000);
    assertThat(p.getWatermark(ctx)).as("idle, but nothing seen yet and within the grace").isEqualTo(BoundedWindow.TIMESTAMP_MIN_VALUE);

    p.getTimestampForRecord(ctx, record(300_000)); // a backlog from long ago arrives
    assertThat(p.getWatermark(ctx)).as("follows the backlog's event time").isEqualTo(new Instant(299_500));
    wallClock[0] = wallClock[0].plus(3_000);
    assertThat(p.getWatermark(ctx)).as("caught up and quiet after its first record: the clock").isEqualTo(wallClock[0].minus(500));

    TimestampPolicy<byte[], Long> never = policy(Optional.empty(), Duration.millis(60_000));
    wallClock[0] = wallClock[0].plus(60_000);
    assertThat(never.getWatermark(ctx)).as("a partition that never gets a record stops holding after the grace")
        .isEqualTo(wallClock[0].minus(500));
  }

  @Test
  void resumesFromPreviousWatermark() {
    TimestampPolicy<byte[], Long> p = policy(Optional.of(new Instant(70_000)));
    assertThat(p.getWatermark(ctx)).isEqualTo(new Instant(70_000));
    p.getTimestampForRecord(ctx, record(60_000));
    assertThat(p.getWatermark(ctx)).isEqualTo(new Instant(70_000));
  }
}
