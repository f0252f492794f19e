package dev.vigil.core.nearline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.tiles.MemberTimeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plain-loop forms of the two jobs, driven as event time advances, against whole-input computations. */
class PlainLoopTest {
  private static final long T0 = 1_700_000_400_000L;
  private static final TileLayout LAYOUT = TileLayout.parse("1m/30s,5m/1m");

  @Test
  void aggregatorEmitsOnePartialPerMemberAndClosedWindowHoldingEveryEvent() {
    Random random = new Random(1);
    ShortWindowAggregator aggregator = new ShortWindowAggregator(5_000, 64);
    Map<String, Long> expected = new HashMap<>();
    List<MemberActivityPartial> out = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      long ts = T0 + i * 20L;
      long member = 1 + random.nextInt(30);
      aggregator.add(ExtractedActivity.newBuilder().setMemberId(member).setType(EventType.PAGE_VIEW).setTimestampMs(ts).build());
      expected.merge(member + "@" + (ts - Math.floorMod(ts, 5_000L)), 1L, Long::sum);
      out.addAll(aggregator.closeUpTo(ts));
    }
    out.addAll(aggregator.closeAll());
    Map<String, Long> actual = new HashMap<>();
    for (MemberActivityPartial p : out) {
      assertThat(actual.put(p.getMemberId() + "@" + p.getWindowStartMs(), p.getEventCount())).as("one partial per member-window").isNull();
      assertThat(p.getDistinctTargets().getK()).isEqualTo(64);
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void timelinesAdvancedStepByStepGiveTheRowsOfAWholeInputRun() {
    Random random = new Random(2);
    ShortWindowAggregator aggregator = new ShortWindowAggregator(5_000, 128);
    MemberTimelines timelines = new MemberTimelines(LAYOUT, 0);
    Map<Long, List<MemberActivityPartial>> partialsByMember = new HashMap<>();
    List<MemberTimelines.MemberRow> rows = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      long ts = T0 + i * 100L; // 2,000 s of event time
      // Members come and go: some are silent for longer than a window plus the lateness, so they expire.
      long member = 1 + random.nextInt(i % 10_000 < 5_000 ? 20 : 5);
      aggregator.add(ExtractedActivity.newBuilder().setMemberId(member).setType(EventType.SEARCH).setTimestampMs(ts)
          .setTargetId(random.nextInt(50)).build());
      for (MemberActivityPartial p : aggregator.closeUpTo(ts)) {
        assertThat(timelines.admit(p)).isEqualTo(MemberTimeline.Admission.ON_TIME);
        partialsByMember.computeIfAbsent(p.getMemberId(), m -> new ArrayList<>()).add(p);
      }
      rows.addAll(timelines.advanceTo(ts - 5_000));
    }
    for (MemberActivityPartial p : aggregator.closeAll()) {
      timelines.admit(p);
      partialsByMember.computeIfAbsent(p.getMemberId(), m -> new ArrayList<>()).add(p);
    }
    rows.addAll(timelines.advanceTo(Long.MAX_VALUE));
    assertThat(timelines.size()).as("every member expired at the end").isZero();

    Map<Long, List<MemberTimeline.Row>> expected = new HashMap<>();
    partialsByMember.forEach((member, partials) -> {
      MemberTimeline whole = new MemberTimeline(LAYOUT, 0);
      partials.forEach(p -> whole.admit(p.getWindowStartMs(), MemberActivityAggregate.fromPartial(p)));
      expected.put(member, whole.onEventTime(Long.MAX_VALUE));
    });
    Map<Long, List<MemberTimeline.Row>> actual = new HashMap<>();
    rows.forEach(r -> actual.computeIfAbsent(r.memberId(), m -> new ArrayList<>()).add(r.row()));
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((member, want) -> {
      List<MemberTimeline.Row> got = actual.get(member);
      assertThat(got).extracting(MemberTimeline.Row::asOfMs).containsExactlyElementsOf(want.stream().map(MemberTimeline.Row::asOfMs).toList());
      for (int i = 0; i < want.size(); i++) {
        for (int w = 0; w < want.get(i).windows().size(); w++) {
          assertThat(got.get(i).windows().get(w).values()).isEqualTo(want.get(i).windows().get(w).values());
        }
      }
    });
  }
}
