package dev.vigil.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import org.junit.jupiter.api.Test;

class ShortWindowPanesTest {
  private static ExtractedActivity event(long ts) {
    return ExtractedActivity.newBuilder().setMemberId(7).setType(EventType.SEARCH).setTimestampMs(ts).build();
  }

  @Test
  void panesDiscardWhatTheyEmittedAndOnlyTheFirstLateEventSchedulesALatePane() {
    ShortWindowPanes panes = new ShortWindowPanes(32);
    assertThat(panes.add(event(1))).isFalse();
    assertThat(panes.add(event(2))).isFalse();
    MemberActivityAggregate onTime = panes.fireOnTime();
    assertThat(onTime.eventCount()).isEqualTo(2);
    assertThat(panes.lastPaneIndex()).isZero();

    assertThat(panes.add(event(3))).as("first late event: schedule a late pane").isTrue();
    assertThat(panes.add(event(4))).as("a late pane is already due").isFalse();
    MemberActivityAggregate late = panes.fireLate();
    assertThat(late.eventCount()).isEqualTo(2);
    assertThat(late.firstEventMs()).isEqualTo(3);
    assertThat(panes.lastPaneIndex()).isEqualTo(1);
    assertThat(panes.fireLate()).as("nothing new: no pane").isNull();
    assertThat(panes.add(event(5))).isTrue();
    assertThat(late.sketchK()).isEqualTo(32);
  }

  @Test
  void aCopyIsDeepAndEqualInWhatItWillEmit() {
    ShortWindowPanes panes = new ShortWindowPanes(32);
    for (long t = 1; t <= 50; t++) {
      panes.add(ExtractedActivity.newBuilder().setMemberId(7).setType(EventType.PROFILE_VIEW).setTimestampMs(t)
          .setTargetId(1000 + t % 40).setIpPrefix("10.0." + t % 7).setSessionId("s" + t % 3).build());
    }
    ShortWindowPanes copy = panes.copy();
    copy.add(event(99)); // updating the copy leaves the original as it was
    assertThat(copy.fireOnTime().toPartial().build()).isNotEqualTo(panes.copy().fireOnTime().toPartial().build());

    ShortWindowPanes again = panes.copy();
    assertThat(again.fireOnTime().toPartial().build()).isEqualTo(panes.fireOnTime().toPartial().build());
    assertThat(again.lastPaneIndex()).isEqualTo(panes.lastPaneIndex());
    assertThat(again.add(event(100))).isEqualTo(panes.add(event(100))).isTrue();
  }
}
