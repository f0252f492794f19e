package dev.vigil.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.extract.EventTimeBounds;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Event times from hostile values never move the source's watermark. */
class ReadRawRecordsTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final EventTimeBounds BOUNDS = new EventTimeBounds(300_000, EventTimeBounds.DEFAULT_MAX_PAST_AGE_MS);
  private static final long YEAR_2100 = 4_102_444_800_000L;

  @Test
  void aValueTimeTooFarAheadIsReplacedByTheRecordTimeNeverLaterThanNow() {
    assertThat(ReadRawRecords.stampMs(NOW - 1_000, NOW - 500, NOW, BOUNDS)).isEqualTo(NOW - 1_000);
    assertThat(ReadRawRecords.stampMs(NOW + 200_000, NOW, NOW, BOUNDS)).as("within the skew").isEqualTo(NOW + 200_000);
    assertThat(ReadRawRecords.stampMs(YEAR_2100, NOW - 500, NOW, BOUNDS)).isEqualTo(NOW - 500);
    assertThat(ReadRawRecords.stampMs(Long.MAX_VALUE, NOW - 500, NOW, BOUNDS)).isEqualTo(NOW - 500);
    // A record timestamp in the future does not help: the reference is never later than now.
    assertThat(ReadRawRecords.stampMs(YEAR_2100, YEAR_2100, NOW, BOUNDS)).isEqualTo(NOW);
    assertThat(ReadRawRecords.stampMs(-1, NOW - 500, NOW, BOUNDS)).isEqualTo(NOW - 500);
  }

  @Test
  void twelveEventsFromTheYear2100LeaveTheWatermarkWithTheRealEvents() {
    TimestampPolicy<byte[], Long> policy = BoundedOutOfOrdernessPolicy.<byte[], Long>factory(
        r -> new Instant(ReadRawRecords.stampMs(r.getKV().getValue(), r.getTimestamp(), NOW, BOUNDS)),
        Duration.millis(5_000), Duration.millis(2_000), Duration.ZERO, () -> new Instant(NOW)).createTimestampPolicy(null, Optional.empty());
    TimestampPolicy.PartitionContext ctx = new TimestampPolicy.PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return 100;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return new Instant(NOW);
      }
    };
    policy.getTimestampForRecord(ctx, record(NOW - 60_000, NOW - 60_000));
    for (int i = 0; i < 12; i++) {
      policy.getTimestampForRecord(ctx, record(YEAR_2100 + i, NOW - 59_000));
    }
    policy.getTimestampForRecord(ctx, record(NOW - 58_000, NOW - 58_000));
    assertThat(policy.getWatermark(ctx)).isEqualTo(new Instant(NOW - 58_000 - 5_000));
  }

  private static KafkaRecord<byte[], Long> record(long eventTime, long recordTime) {
    return new KafkaRecord<>("t", 0, 0, recordTime, KafkaTimestampType.CREATE_TIME, null, new byte[0], eventTime);
  }
}
