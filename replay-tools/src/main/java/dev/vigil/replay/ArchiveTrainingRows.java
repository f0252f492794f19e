package dev.vigil.replay;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.nearline.ActivityFilter;
import dev.vigil.core.nearline.MemberTimelines;
import dev.vigil.core.nearline.ShortWindowAggregator;
import dev.vigil.core.tiles.MemberTimeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.schemas.v1.LabelKind;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.scoring.TrainingRow;
import java.util.ArrayList;
import java.util.List;

/**
 * Training rows from an archived period: the records go, in event-time order, through the code the jobs
 * run ({@link ActivityFilter}, {@link ShortWindowAggregator} with the filter's 5 s windows,
 * {@link MemberTimelines}), and every on-time row gets the member's label as of the row's boundary.
 * Rows of unlabelled members are skipped, or taken as benign when asked.
 */
public final class ArchiveTrainingRows {
  static final long FILTER_WINDOW_MS = 5_000;

  public record Result(List<TrainingRow> rows, long skippedUnlabelled, long malformedFiles) {}

  private ArchiveTrainingRows() {}

  public static Result build(ArchiveSelection selection, AbuseLabels labels, String windows, boolean unlabelledAreBenign) {
    ActivityFilter filter = ActivityFilter.withDefaults();
    ShortWindowAggregator partials = new ShortWindowAggregator(FILTER_WINDOW_MS, MemberActivityAggregate.DEFAULT_SKETCH_K);
    MemberTimelines timelines = new MemberTimelines(TileLayout.parse(windows), 0);
    List<TrainingRow> rows = new ArrayList<>();
    long[] skipped = {0};
    long[] malformed = {0};
    long[] lastAdvance = {Long.MIN_VALUE};
    selection.forEachInEventTimeOrder(r -> {
      if (r.raw().getHasValue() && filter.process(r.raw().getValue().toByteArray(), r.raw().getKafkaTimestampMs(), Long.MAX_VALUE)
          instanceof ActivityFilter.Kept kept) {
        partials.add(kept.event());
      }
      if (r.eventTimeMs() - lastAdvance[0] >= 1_000) { // once a second of event time, as a watermark would move
        lastAdvance[0] = r.eventTimeMs();
        advance(partials.closeUpTo(r.eventTimeMs()), timelines, r.eventTimeMs() - FILTER_WINDOW_MS, labels, unlabelledAreBenign, rows, skipped);
      }
    }, e -> malformed[0]++);
    advance(partials.closeAll(), timelines, Long.MAX_VALUE, labels, unlabelledAreBenign, rows, skipped);
    return new Result(rows, skipped[0], malformed[0]);
  }

  private static void advance(List<MemberActivityPartial> closed, MemberTimelines timelines, long eventTimeMs, AbuseLabels labels,
      boolean unlabelledAreBenign, List<TrainingRow> rows, long[] skipped) {
    closed.forEach(timelines::admit);
    for (MemberTimelines.MemberRow r : timelines.advanceTo(eventTimeMs)) {
      LabelKind kind = labels.at(r.memberId(), r.row().asOfMs() - 1);
      if (kind == null && !unlabelledAreBenign) {
        skipped[0] += r.row().windows().size();
        continue;
      }
      for (MemberTimeline.WindowFeatures w : r.row().windows()) {
        rows.add(new TrainingRow(TrainingRow.toFloats(w.values()), kind == LabelKind.ABUSIVE));
      }
    }
  }
}
