package dev.vigil.core.tiles;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.schemas.v1.PaneTiming;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
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
 * processing-time delay.
 *
 * <p>A partial whose boundary is at or before the horizon is late. Within the allowed lateness it updates
 * the tiles, and the next flush re-emits, as late rows, <em>every</em> row it changed: the row as of its own
 * boundary (a batch run would have had one) and each emitted row whose windows reach back to it. So the
 * last row emitted for each boundary is the row a batch run over the same partials computes, however
 * late the partials came. Beyond the lateness a partial is refused ({@link Admission#TOO_LATE}) for the
 * caller to dead-letter. Tiles are kept as long as a row that late data could still change needs them
 * ({@code maxLength + allowedLateness} behind the horizon); with nothing pending, the whole timeline
 * expires that long after the horizon.
 *
 * <p>Partials are identified by their short window and pane index, and a member's panes of one window come
 * in pane order (one key, one partition), so a pane at or below the last index seen for its window is a
 * record sent again after a recovery: it is refused ({@link Admission#DUPLICATE}) rather than counted twice.
 * The last index is kept per window while a pane of it could still be admitted.
 *
 * <p>Lateness is judged against this member's horizon, not a global watermark, so the verdict on a
 * partial depends only on this member's data and order: the same in a stream and in a batch.
 */
public final class MemberTimeline {
  /** What {@link #admit} did with a partial. */
  public enum Admission {
    ON_TIME, LATE, TOO_LATE,
    /** A pane of a short window that this timeline already took in: a record sent again after a recovery. */
    DUPLICATE
  }

  /** The features of one window of a row. */
  public record WindowFeatures(long startMs, long endMs, long lastEventMs, double[] values) {}

  /** One feature row: every window length as of one boundary. */
  public record Row(long asOfMs, long lastEventMs, PaneTiming timing, List<WindowFeatures> windows) {}

  /** The bookkeeping a state backend stores beside the tiles. */
  public record Bookkeeping(long horizonMs, long lastEmittedAsOfMs, boolean changedSinceEmit, long[] pendingBoundaries,
      long[] finalBoundaries, long[] lateChangedBoundaries, Map<Long, Long> lastPaneByWindow) {}

  private final MemberTiles tiles;
  private final long allowedLatenessMs;
  private final NavigableSet<Long> pending = new TreeSet<>();
  /** Boundaries whose rows are final (at or before the horizon) and that late data can still change. */
  private final NavigableSet<Long> finalBoundaries = new TreeSet<>();
  /** Of those, the ones late data changed since their last row: the next flush emits them again. */
  private final NavigableSet<Long> lateChanged = new TreeSet<>();
  /** Last pane index admitted per short window start, while a pane of that window could still be admitted. */
  private final NavigableMap<Long, Long> lastPaneByWindow = new TreeMap<>();
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
  public static MemberTimeline restore(TileLayout layout, long allowedLatenessMs, Bookkeeping stored) {
    MemberTimeline t = new MemberTimeline(layout, allowedLatenessMs);
    t.horizonMs = stored.horizonMs();
    t.lastEmittedAsOfMs = stored.lastEmittedAsOfMs();
    t.changedSinceEmit = stored.changedSinceEmit();
    Arrays.stream(stored.pendingBoundaries()).forEach(t.pending::add);
    Arrays.stream(stored.finalBoundaries()).forEach(t.finalBoundaries::add);
    Arrays.stream(stored.lateChangedBoundaries()).forEach(t.lateChanged::add);
    t.lastPaneByWindow.putAll(stored.lastPaneByWindow());
    return t;
  }

  /** What {@link #restore} takes back. */
  public Bookkeeping bookkeeping() {
    return new Bookkeeping(horizonMs, lastEmittedAsOfMs, changedSinceEmit, toArray(pending), toArray(finalBoundaries),
        toArray(lateChanged), Collections.unmodifiableMap(lastPaneByWindow));
  }

  private static long[] toArray(NavigableSet<Long> set) {
    return set.stream().mapToLong(Long::longValue).toArray();
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

  /**
   * Takes in the activity of pane {@code paneIndex} of the short window starting at {@code windowStartMs}
   * (the partial's event time).
   */
  public Admission admit(long windowStartMs, long paneIndex, MemberActivityAggregate activity) {
    Long lastPane = lastPaneByWindow.get(windowStartMs);
    if (lastPane != null && paneIndex <= lastPane) {
      return Admission.DUPLICATE;
    }
    Admission admission = admit(windowStartMs, activity);
    if (admission != Admission.TOO_LATE) {
      lastPaneByWindow.put(windowStartMs, paneIndex);
    }
    return admission;
  }

  /**
   * Takes in activity observed at {@code eventTimeMs} without a pane identity, so nothing is refused as a
   * duplicate: for callers that produce each aggregate once (a plain loop, tests).
   */
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
    tiles.add(eventTimeMs, activity);
    finalBoundaries.add(boundary);
    // Every final row whose windows reach back to this activity: [E - maxLength, E) holds eventTimeMs.
    lateChanged.addAll(finalBoundaries.subSet(boundary, true, eventTimeMs + layout().maxLengthMs(), true));
    changedSinceEmit = true; // the early row, if one is pending, changed too
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
   * first (a row identical to the last one emitted is not repeated), then eviction of what late data can
   * no longer change.
   */
  public List<Row> onEventTime(long timeMs) {
    List<Row> rows = new ArrayList<>();
    while (!pending.isEmpty() && pending.first() <= timeMs) {
      long boundary = pending.pollFirst();
      horizonMs = boundary;
      finalBoundaries.add(boundary);
      lateChanged.remove(boundary);
      if (boundary != lastEmittedAsOfMs || changedSinceEmit) {
        boolean newerRowChanged = changedSinceEmit && !pending.isEmpty();
        rows.add(emit(boundary, PaneTiming.PANE_ON_TIME));
        // The running row of a newer pending boundary holds the same changes and has not been emitted with them: the
        // next flush still owes it (without this, a member's last partial waited for its on-time row).
        changedSinceEmit = newerRowChanged;
      }
    }
    if (horizonMs != Long.MIN_VALUE) {
      // Late data can reach back to horizon - lateness; the rows it changes need maxLength of tiles before that.
      long oldestChangeable = horizonMs - allowedLatenessMs;
      finalBoundaries.headSet(oldestChangeable).clear();
      lateChanged.headSet(oldestChangeable).clear();
      tiles.evictEndingBy(oldestChangeable - layout().maxLengthMs());
      lastPaneByWindow.headMap(oldestChangeable - layout().finestMs()).clear();
    }
    return rows;
  }

  /** Whether nothing is pending and {@code timeMs} is past expiry: the caller drops the timeline. */
  public boolean isExpiredAt(long timeMs) {
    return pending.isEmpty() && timeMs >= expiryMs();
  }

  /**
   * The rows that changed since they were last emitted: each final row that late data changed (late,
   * oldest first), then the running row as of the newest pending boundary (early) if anything changed.
   */
  public List<Row> flush() {
    List<Row> rows = new ArrayList<>();
    for (long boundary : lateChanged) {
      rows.add(row(tiles, boundary, PaneTiming.PANE_LATE));
    }
    lateChanged.clear();
    if (changedSinceEmit && !pending.isEmpty() && pending.last() > horizonMs) {
      rows.add(emit(pending.last(), PaneTiming.PANE_EARLY));
    }
    changedSinceEmit = false;
    return rows;
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
