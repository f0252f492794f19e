package dev.vigil.replay;

import dev.vigil.core.nearline.ActivityFilter;
import dev.vigil.core.nearline.OnTimeRows;
import dev.vigil.core.tiles.MemberTimeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.schemas.v1.LabelKind;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.scoring.TrainingRow;
import java.util.ArrayList;
import java.util.List;

/**
 * Training rows from an archived period: the records go, in event-time order, through the code the jobs
 * run ({@link ActivityFilter} with the default rules, {@link OnTimeRows} with the filter's default 5 s
 * windows), and every on-time row gets the member's label as of the row's boundary. Rows of unlabelled
 * members are skipped, or taken as benign when asked.
 */
public final class ArchiveTrainingRows {
  public record Result(List<TrainingRow> rows, long skippedUnlabelled, long malformedFiles) {}

  private ArchiveTrainingRows() {}

  public static Result build(ArchiveSelection selection, AbuseLabels labels, String windows, boolean unlabelledAreBenign) {
    ActivityFilter filter = ActivityFilter.withDefaults();
    List<TrainingRow> rows = new ArrayList<>();
    long[] skipped = {0};
    long[] malformed = {0};
    OnTimeRows loop = new OnTimeRows(TileLayout.parse(windows), r -> {
      LabelKind kind = labels.at(r.memberId(), r.row().asOfMs() - 1);
      if (kind == null && !unlabelledAreBenign) {
        skipped[0] += r.row().windows().size();
        return;
      }
      for (MemberTimeline.WindowFeatures w : r.row().windows()) {
        rows.add(new TrainingRow(TrainingRow.toFloats(w.values()), kind == LabelKind.ABUSIVE));
      }
    });
    selection.forEachInEventTimeOrder(r -> {
      ExtractedActivity kept = null;
      if (r.raw().getHasValue() && filter.process(r.raw().getValue().toByteArray(), r.raw().getKafkaTimestampMs(), Long.MAX_VALUE)
          instanceof ActivityFilter.Kept k) {
        kept = k.event();
      }
      loop.add(kept, r.eventTimeMs());
    }, e -> malformed[0]++);
    loop.finish();
    return new Result(rows, skipped[0], malformed[0]);
  }
}
