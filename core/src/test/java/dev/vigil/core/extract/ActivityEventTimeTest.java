package dev.vigil.core.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ActivityEventTimeTest {
  @Test
  void readsTimestampAmongOtherFields() {
    ActivityEvent e = ActivityEvent.newBuilder().setEventId("x").setMemberId(3).setType(EventType.SEARCH)
        .setTimestampMs(1_700_000_123_456L).setUserAgent("ua").putAttributes("k", "v").build();
    assertThat(ActivityEventTime.millisOrMinusOne(e.toByteArray())).isEqualTo(1_700_000_123_456L);
  }

  @Test
  void minusOneWhenAbsentOrGarbage() {
    assertThat(ActivityEventTime.millisOrMinusOne(ActivityEvent.newBuilder().setMemberId(3).build().toByteArray())).isEqualTo(-1);
    assertThat(ActivityEventTime.millisOrMinusOne("garbage!".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    assertThat(ActivityEventTime.millisOrMinusOne(null)).isEqualTo(-1);
  }
}
