package dev.vigil.model;

import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.MemberActivityPartial;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The model job's logic, source- and sink-free: member partials in; verdicts and dead letters (partials
 * beyond the allowed lateness) out. {@link ModelPipeline} wires it to Kafka, the replay tools to the
 * filter's output over an archive.
 */
public final class ScoreMemberActivity extends PTransform<PCollection<MemberActivityPartial>, PCollectionTuple> {
  public static final TupleTag<AbuseScore> SCORES = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = TileMemberActivity.DEAD_LETTERS;

  private final TileMemberActivity tiles;
  private final ScoreMemberRows scoring;

  public ScoreMemberActivity(TileMemberActivity tiles, ScoreMemberRows scoring) {
    this.tiles = tiles;
    this.scoring = scoring;
  }

  public static ScoreMemberActivity from(ModelPipelineOptions options) {
    return new ScoreMemberActivity(TileMemberActivity.from(options), ScoreMemberRows.from(options));
  }

  @Override
  public PCollectionTuple expand(PCollection<MemberActivityPartial> partials) {
    // Timelines live in the global window; partials straight from the filter (a replay) arrive in its short windows.
    PCollectionTuple tiled = partials
        .apply("GlobalWindow", Window.into(new GlobalWindows()))
        .apply("TileMemberActivity", tiles);
    PCollection<AbuseScore> scores = tiled.get(TileMemberActivity.ROWS).apply("ScoreMemberRows", scoring);
    return PCollectionTuple.of(SCORES, scores).and(DEAD_LETTERS, tiled.get(TileMemberActivity.DEAD_LETTERS));
  }
}
