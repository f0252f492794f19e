package dev.vigil.core.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventTimeBoundsTest {
  private static final long NOW = 1_800_000_000_000L;
  private final EventTimeBounds bounds = new EventTimeBounds(60_000, 3_600_000);

  @Test
  void anEventMayBeAheadOfItsRecordByTheSkewAtMost() {
    assertThat(bounds.accepts(NOW + 60_000, NOW, NOW)).isTrue();
    assertThat(bounds.accepts(NOW + 60_001, NOW, NOW)).isFalse();
    assertThat(bounds.accepts(Long.MAX_VALUE, NOW, NOW)).isFalse();
    assertThat(bounds.accepts(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE)).as("no overflow").isTrue();
  }

  @Test
  void theReferenceIsTheRecordTimeButNeverLaterThanNow() {
    // Replaying history: judged against the record's own time, as when it streamed by.
    assertThat(bounds.accepts(NOW - 3_600_000 + 120_000, NOW - 3_600_000, NOW)).isFalse();
    // A record stamped in the future by its producer does not stretch the bound.
    assertThat(bounds.accepts(NOW + 120_000, NOW + 600_000, NOW)).isFalse();
    // No record time: now.
    assertThat(bounds.accepts(NOW + 30_000, 0, NOW)).isTrue();
  }

  @Test
  void theRefusalSaysHowFarAheadAndOfWhat() {
    assertThat(bounds.refusal(NOW, NOW, NOW)).isNull();
    assertThat(bounds.refusal(4_102_444_800_000L, NOW, NOW))
        .isEqualTo("timestamp_ms 4102444800000 (2100-01-01T00:00:00Z) is more than PT1M ahead of the record's time 2027-01-15T08:00:00Z");
    assertThat(bounds.refusal(Long.MAX_VALUE, NOW, NOW)).startsWith("timestamp_ms 9223372036854775807 (+292278994-08-17T07:12:55.807Z)");
  }

  @Test
  void anEventMayBeBehindItsRecordByThePastAgeAtMost() {
    assertThat(bounds.accepts(NOW - 3_600_000, NOW, NOW)).isTrue();
    assertThat(bounds.accepts(NOW - 3_600_001, NOW, NOW)).isFalse();
    assertThat(bounds.accepts(1L, NOW, NOW)).as("1970").isFalse();
    assertThat(bounds.accepts(Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE + 1)).as("no underflow").isTrue();
    assertThat(bounds.refusal(1L, NOW, NOW))
        .isEqualTo("timestamp_ms 1 (1970-01-01T00:00:00.001Z) is more than PT1H behind the record's time 2027-01-15T08:00:00Z");
  }
}
