package dev.vigil.core.tiles;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.schemas.v1.PaneTiming;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Everything the model job keeps about one member, and the rules for when a feature row comes out. The
 * streaming job, the batch replay and the trainer drive the same class, so a row means the same thing
 * whichever produced it.
 *
 * <p>Time is cut at <em>boundaries</em>: ends of the finest tiles. A partial makes the boundary after its
 * event time pending. When event time passes a pending boundary {@code E} ({@link #onEventTime}), the row
 * as of {@code E} is final: every window {@code [E - length, E)}, computed from the tiles, is emitted on
 * time, and {@code E} becomes the member's <em>horizon</em>. Between those moments, {@link #flush} gives
 * the running (early) row as of the newest pending boundary, which the streaming job calls on a
 * processing-time delay. A partial whose boundary is at or before the horizon is late: within the
 * allowed lateness it updates the tiles and the next flush re-emits the row as of the horizon; beyond it,
 * it is refused ({@link Admission#TOO_LATE}) for the caller to dead-letter. Tiles that no window as of
 * the horizon can reach are evicted; with nothing pending, the whole timeline expires
 * {@code maxLength + allowedLateness} after the horizon.
 *
 * <p>Lateness is judged against this member's horizon, not a global watermark, so the verdict on a
 * partial depends only on this member's data and order: the same in a stream and in a batch.
 */
public final class MemberTimeline {
  /** What {@link #admit} did with a partial. */
  public enum Admission { ON_TIME, LATE, TOO_LATE }

  /** The features of one window of a row. */
  public record WindowFeatures(long startMs, long endMs, long lastEventMs, double[] values) {}

  /** One feature row: every window length as of one boundary. */
  public record Row(long asOfMs, long lastEventMs, PaneTiming timing, List<WindowFeatures> windows) {}

  private final MemberTiles tiles;
  private final long allowedLatenessMs;
  private final NavigableSet<Long> pending = new TreeSet<>();
  private long horizonMs = Long.MIN_VALUE;
  private long lastEmittedAsOfMs = Long.MIN_VALUE;
  private boolean changedSinceEmit;

  public MemberTimeline(TileLayout layout, long allowedLatenessMs) {
    if (allowedLatenessMs < 0) {
      throw new IllegalArgumentException("allowed lateness must be >= 0, got " + allowedLatenessMs);
    }
    this.tiles = new MemberTiles(layout);
    this.allowedLatenessMs = allowedLatenessMs;
  }

  /** Rebuilds a stored timeline; the tiles are restored through {@link #tiles()}. */
  public static MemberTimeline restore(TileLayout layout, long allowedLatenessMs, long horizonMs, long lastEmittedAsOfMs,
      boolean changedSinceEmit, long[] pendingBoundaries) {
    MemberTimeline t = new MemberTimeline(layout, allowedLatenessMs);
    t.horizonMs = horizonMs;
    t.lastEmittedAsOfMs = lastEmittedAsOfMs;
    t.changedSinceEmit = changedSinceEmit;
    for (long b : pendingBoundaries) {
      t.pending.add(b);
    }
    return t;
  }

  public TileLayout layout() {
    return tiles.layout();
  }

  public MemberTiles tiles() {
    return tiles;
  }

  public long allowedLatenessMs() {
    return allowedLatenessMs;
  }

  /** The latest boundary emitted on time, {@code Long.MIN_VALUE} before the first. */
  public long horizonMs() {
    return horizonMs;
  }

  public long lastEmittedAsOfMs() {
    return lastEmittedAsOfMs;
  }

  public boolean changedSinceEmit() {
    return changedSinceEmit;
  }

  /** Pending boundaries, ascending. */
  public long[] pendingBoundaries() {
    return pending.stream().mapToLong(Long::longValue).toArray();
  }

  /** Takes in the activity of one partial observed at {@code eventTimeMs} (its short window's start). */
  public Admission admit(long eventTimeMs, MemberActivityAggregate activity) {
    long boundary = layout().boundaryAfter(eventTimeMs);
    if (boundary > horizonMs) {
      tiles.add(eventTimeMs, activity);
      pending.add(boundary);
      changedSinceEmit = true;
      return Admission.ON_TIME;
    }
    if (boundary < horizonMs - allowedLatenessMs) {
      return Admission.TOO_LATE;
    }
    // Within the lateness. Only tiles a window as of the horizon reaches matter; older ones were evicted.
    if (boundary > horizonMs - layout().maxLengthMs()) {
      tiles.add(eventTimeMs, activity);
      changedSinceEmit = true;
    }
    return Admission.LATE;
  }

  /** The next event time at which {@link #onEventTime} has work: the first pending boundary, or expiry. */
  public long nextEventTimeMs() {
    return pending.isEmpty() ? expiryMs() : pending.first();
  }

  /** When the timeline can be dropped if nothing new arrives. */
  public long expiryMs() {
    long last = pending.isEmpty() ? horizonMs : Math.max(horizonMs, pending.last());
    return last == Long.MIN_VALUE ? Long.MIN_VALUE : last + layout().maxLengthMs() + allowedLatenessMs;
  }

  /**
   * Event time has reached {@code timeMs}: the on-time rows of every pending boundary up to it, oldest
   * first (a row identical to the last one emitted is not repeated), then eviction.
   */
  public List<Row> onEventTime(long timeMs) {
    List<Row> rows = new ArrayList<>();
    while (!pending.isEmpty() && pending.first() <= timeMs) {
      long boundary = pending.pollFirst();
      horizonMs = boundary;
      if (boundary != lastEmittedAsOfMs || changedSinceEmit) {
        rows.add(emit(boundary, PaneTiming.PANE_ON_TIME));
      }
    }
    if (horizonMs != Long.MIN_VALUE) {
      tiles.evictEndingBy(horizonMs - layout().maxLengthMs());
    }
    return rows;
  }

  /** Whether nothing is pending and {@code timeMs} is past expiry: the caller drops the timeline. */
  public boolean isExpiredAt(long timeMs) {
    return pending.isEmpty() && timeMs >= expiryMs();
  }

  /**
   * The running row, if anything changed since the last row: as of the newest pending boundary (early),
   * or as of the horizon when only late data changed (late).
   */
  public Row flush() {
    if (!changedSinceEmit) {
      return null;
    }
    if (!pending.isEmpty() && pending.last() > horizonMs) {
      return emit(pending.last(), PaneTiming.PANE_EARLY);
    }
    return emit(horizonMs, PaneTiming.PANE_LATE);
  }

  private Row emit(long asOfMs, PaneTiming timing) {
    lastEmittedAsOfMs = asOfMs;
    changedSinceEmit = false;
    return row(tiles, asOfMs, timing);
  }

  /** The row as of {@code asOfMs} computed from {@code tiles}: one entry per window of the layout. */
  private static Row row(MemberTiles tiles, long asOfMs, PaneTiming timing) {
    List<WindowSpec> specs = tiles.layout().windows();
    List<MemberActivityAggregate> activity = tiles.windowsAsOf(asOfMs);
    List<WindowFeatures> windows = new ArrayList<>(specs.size());
    long lastEvent = Long.MIN_VALUE;
    for (int i = 0; i < specs.size(); i++) {
      long start = asOfMs - specs.get(i).lengthMs();
      MemberActivityAggregate a = activity.get(i);
      long windowLast = a.eventCount() == 0 ? Long.MIN_VALUE : a.lastEventMs();
      lastEvent = Math.max(lastEvent, windowLast);
      windows.add(new WindowFeatures(start, asOfMs, windowLast, MemberFeatureVector.compute(a, start, asOfMs)));
    }
    return new Row(asOfMs, lastEvent, timing, List.copyOf(windows));
  }
}
