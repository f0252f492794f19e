package dev.vigil.core.nearline;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The filter job's pre-aggregation as a plain loop: each member's events folded per short event-time
 * window, and a partial per member and window once event time has passed the window's end.
 */
public final class ShortWindowAggregator {
  private final long windowMs;
  private final int sketchK;
  private final TreeMap<Long, Map<Long, MemberActivityAggregate>> windows = new TreeMap<>(); // start -> member -> activity

  public ShortWindowAggregator(long windowMs, int sketchK) {
    if (windowMs < 1) {
      throw new IllegalArgumentException("window must be >= 1 ms, got " + windowMs);
    }
    this.windowMs = windowMs;
    this.sketchK = sketchK;
  }

  public void add(ExtractedActivity event) {
    long ts = event.getTimestampMs();
    windows.computeIfAbsent(ts - Math.floorMod(ts, windowMs), w -> new HashMap<>())
        .computeIfAbsent(event.getMemberId(), m -> new MemberActivityAggregate(sketchK))
        .add(event);
  }

  /** Partials of every window that ends at or before {@code eventTimeMs}, oldest window first. */
  public List<MemberActivityPartial> closeUpTo(long eventTimeMs) {
    List<MemberActivityPartial> out = new ArrayList<>();
    for (Iterator<Map.Entry<Long, Map<Long, MemberActivityAggregate>>> it = windows.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Map<Long, MemberActivityAggregate>> window = it.next();
      long start = window.getKey();
      if (start + windowMs > eventTimeMs) {
        break;
      }
      for (MemberActivityAggregate a : window.getValue().values()) {
        out.add(a.toPartial().setWindowStartMs(start).setWindowEndMs(start + windowMs).build());
      }
      it.remove();
    }
    return out;
  }

  /** Partials of every open window. */
  public List<MemberActivityPartial> closeAll() {
    return closeUpTo(Long.MAX_VALUE);
  }
}
