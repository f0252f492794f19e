package dev.vigil.core.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.EventType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ActivityParserTest {
  private static final ActivityEvent VALID = ActivityEvent.newBuilder()
      .setEventId("e1").setMemberId(7).setType(EventType.PROFILE_VIEW).setTimestampMs(1_700_000_000_000L)
      .setIp("203.0.113.5").setUserAgent("curl/8").setTargetId(99).build();

  @Test
  void acceptsValidEvent() {
    assertThat(ActivityParser.parse(VALID.toByteArray())).isEqualTo(new ParsedActivity.Valid(VALID));
  }

  @Test
  void rejectsGarbage() {
    ParsedActivity result = ActivityParser.parse("definitely not protobuf".getBytes(StandardCharsets.UTF_8));
    assertThat(result).isInstanceOfSatisfying(ParsedActivity.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE));
  }

  @Test
  void rejectsTombstone() {
    assertThat(ActivityParser.parse(null)).isInstanceOfSatisfying(ParsedActivity.Rejected.class,
        r -> assertThat(r.detail()).contains("tombstone"));
  }

  @Test
  void rejectsMissingRequiredFields() {
    assertRejected(VALID.toBuilder().clearMemberId().build(), DeadLetterReason.MISSING_REQUIRED_FIELD, "member_id");
    assertRejected(VALID.toBuilder().clearType().build(), DeadLetterReason.MISSING_REQUIRED_FIELD, "type");
    assertRejected(VALID.toBuilder().clearTimestampMs().build(), DeadLetterReason.MISSING_REQUIRED_FIELD, "timestamp_ms");
    assertThat(ActivityParser.parse(new byte[0])).isInstanceOfSatisfying(ParsedActivity.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.MISSING_REQUIRED_FIELD));
  }

  @Test
  void rejectsOutOfRangeFields() {
    assertRejected(VALID.toBuilder().setMemberId(-3).build(), DeadLetterReason.INVALID_FIELD, "member_id");
    assertRejected(VALID.toBuilder().setTypeValue(999).build(), DeadLetterReason.INVALID_FIELD, "999");
    assertRejected(VALID.toBuilder().setTimestampMs(-1).build(), DeadLetterReason.INVALID_FIELD, "timestamp_ms");
  }

  private static void assertRejected(ActivityEvent event, DeadLetterReason reason, String detailFragment) {
    assertThat(ActivityParser.parse(event.toByteArray())).isInstanceOfSatisfying(ParsedActivity.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(reason);
      assertThat(r.detail()).contains(detailFragment);
    });
  }
}
