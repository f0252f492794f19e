package dev.vigil.core.nearline;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.tiles.MemberTimeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The model job's per-member state as a plain loop: a {@link MemberTimeline} per member, and the on-time
 * rows that come out as event time advances. What the trainer and the plain-loop baselines run in place
 * of the streaming job's stateful transform.
 */
public final class MemberTimelines {
  /** One member's row. */
  public record MemberRow(long memberId, MemberTimeline.Row row) {}

  private record Due(long timeMs, long memberId) {}

  private final TileLayout layout;
  private final long allowedLatenessMs;
  private final Map<Long, MemberTimeline> timelines = new HashMap<>();
  /** Per member, the time of its one live entry in {@link #due} (older entries for it are stale). */
  private final Map<Long, Long> scheduled = new HashMap<>();
  private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> Long.compare(a.timeMs(), b.timeMs()));

  public MemberTimelines(TileLayout layout, long allowedLatenessMs) {
    this.layout = layout;
    this.allowedLatenessMs = allowedLatenessMs;
  }

  public MemberTimeline.Admission admit(MemberActivityPartial partial) {
    MemberTimeline timeline = timelines.computeIfAbsent(partial.getMemberId(), m -> new MemberTimeline(layout, allowedLatenessMs));
    // No pane identity here: a plain loop produces each partial once (only a recovered job sends one again), and
    // its late events make a second pane 0 of a window, which is new activity.
    MemberTimeline.Admission admission = timeline.admit(partial.getWindowStartMs(), MemberActivityAggregate.fromPartial(partial));
    if (admission == MemberTimeline.Admission.ON_TIME) {
      schedule(partial.getMemberId(), timeline.nextEventTimeMs());
    }
    return admission;
  }

  /** Event time has reached {@code eventTimeMs}: every member's on-time rows up to it; expired members are dropped. */
  public List<MemberRow> advanceTo(long eventTimeMs) {
    List<MemberRow> rows = new ArrayList<>();
    while (!due.isEmpty() && due.peek().timeMs() <= eventTimeMs) {
      Due next = due.poll();
      long member = next.memberId();
      if (scheduled.getOrDefault(member, Long.MIN_VALUE) != next.timeMs()) {
        continue; // superseded by an earlier entry
      }
      scheduled.remove(member);
      MemberTimeline timeline = timelines.get(member);
      for (MemberTimeline.Row row : timeline.onEventTime(eventTimeMs)) {
        rows.add(new MemberRow(member, row));
      }
      if (timeline.isExpiredAt(eventTimeMs)) {
        timelines.remove(member);
      } else {
        schedule(member, timeline.nextEventTimeMs());
      }
    }
    return rows;
  }

  private void schedule(long member, long timeMs) {
    Long current = scheduled.get(member);
    if (current == null || timeMs < current) {
      scheduled.put(member, timeMs);
      due.add(new Due(timeMs, member));
    }
  }

  /** Members with state. */
  public int size() {
    return timelines.size();
  }
}
