package dev.vigil.core.nearline;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.List;
import java.util.function.Consumer;

/**
 * The filter and model jobs as one plain loop over events in event-time order: the filter's short-window
 * partials ({@link ShortWindowAggregator}) into the model job's timelines ({@link MemberTimelines}),
 * advanced once per second of event time as a watermark would, every on-time row handed on. The trainer
 * (synthetic traffic, or an archived period) builds its rows with it.
 */
public final class OnTimeRows {
  /** The filter job's default pre-aggregation window. */
  public static final long FILTER_WINDOW_MS = 5_000;

  private final ShortWindowAggregator partials = new ShortWindowAggregator(FILTER_WINDOW_MS, MemberActivityAggregate.DEFAULT_SKETCH_K);
  private final MemberTimelines timelines;
  private final Consumer<MemberTimelines.MemberRow> rows;
  private boolean started;
  private long lastAdvanceMs;

  public OnTimeRows(TileLayout layout, Consumer<MemberTimelines.MemberRow> rows) {
    this.timelines = new MemberTimelines(layout, 0);
    this.rows = rows;
  }

  /** One event at {@code eventTimeMs}: {@code kept} is what the filter kept of it, or null when it kept nothing. */
  public void add(ExtractedActivity kept, long eventTimeMs) {
    if (kept != null) {
      partials.add(kept);
    }
    if (!started || eventTimeMs - lastAdvanceMs >= 1_000) {
      started = true;
      lastAdvanceMs = eventTimeMs;
      advance(partials.closeUpTo(eventTimeMs), eventTimeMs - FILTER_WINDOW_MS);
    }
  }

  /** The end of the input: every remaining partial and row. */
  public void finish() {
    advance(partials.closeAll(), Long.MAX_VALUE);
  }

  private void advance(List<MemberActivityPartial> closed, long eventTimeMs) {
    closed.forEach(timelines::admit);
    timelines.advanceTo(eventTimeMs).forEach(rows);
  }
}
