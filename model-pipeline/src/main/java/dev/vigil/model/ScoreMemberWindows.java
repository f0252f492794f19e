package dev.vigil.model;

import dev.vigil.core.policy.ScorePolicy;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.MemberFeatures;
import dev.vigil.scoring.BundleScorer;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * Scores member-window feature vectors with the serving model and turns each score into an action with
 * reasons. Rows are scored in batches of up to {@code batchSize} within a bundle (the runner bounds a
 * bundle's duration, which bounds the latency batching adds); results are emitted at the end of the
 * bundle in their own windows and timestamps.
 */
public final class ScoreMemberWindows extends PTransform<PCollection<MemberFeatures>, PCollection<AbuseScore>> {
  private final ServingModel.Source source;
  private final int batchSize;

  public ScoreMemberWindows(String modelDir, long modelCheckMillis, int batchSize) {
    this.source = new ServingModel.Source(modelDir, modelCheckMillis);
    this.batchSize = batchSize;
  }

  public static ScoreMemberWindows from(ModelPipelineOptions o) {
    return new ScoreMemberWindows(o.getModelDir(), o.getModelCheckSeconds() * 1000L, o.getScoringBatchSize());
  }

  @Override
  public PCollection<AbuseScore> expand(PCollection<MemberFeatures> features) {
    return features.apply("ScoreInBatches", ParDo.of(new ScoreFn(source, batchSize))).setCoder(ProtoCoder.of(AbuseScore.class));
  }

  static final class ScoreFn extends DoFn<MemberFeatures, AbuseScore> {
    private record Pending(MemberFeatures features, Instant timestamp, BoundedWindow window) {}

    private record Scored(AbuseScore score, Instant timestamp, BoundedWindow window) {}

    private final ServingModel.Source source;
    private final int batchSize;
    private final Counter emitted = Metrics.counter(ModelMetrics.NAMESPACE, ModelMetrics.SCORES_EMITTED);
    private final Counter flagged = Metrics.counter(ModelMetrics.NAMESPACE, ModelMetrics.FLAGGED);
    private final Counter swaps = Metrics.counter(ModelMetrics.NAMESPACE, ModelMetrics.MODEL_SWAPS);
    private final Distribution batchSizes = Metrics.distribution(ModelMetrics.NAMESPACE, ModelMetrics.SCORING_BATCH_SIZE);

    private transient ServingModel model;
    private transient List<Pending> pending;
    private transient List<Scored> scored;

    ScoreFn(ServingModel.Source source, int batchSize) {
      this.source = source;
      this.batchSize = batchSize;
    }

    @Setup
    public void setup() {
      model = new ServingModel(source);
    }

    @StartBundle
    public void startBundle() {
      pending = new ArrayList<>();
      scored = new ArrayList<>();
      if (model.refreshIfDue()) {
        swaps.inc();
      }
    }

    @ProcessElement
    public void process(@Element MemberFeatures features, @Timestamp Instant timestamp, BoundedWindow window) {
      pending.add(new Pending(features, timestamp, window));
      if (pending.size() >= batchSize) {
        scorePending();
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      scorePending();
      for (Scored s : scored) {
        context.output(s.score(), s.timestamp(), s.window());
      }
      scored.clear();
    }

    private void scorePending() {
      if (pending.isEmpty()) {
        return;
      }
      BundleScorer scorer = model.scorer();
      ScorePolicy policy = scorer.bundle().policy();
      float[][] rows = new float[pending.size()][];
      for (int i = 0; i < rows.length; i++) {
        List<Double> values = pending.get(i).features().getValuesList();
        rows[i] = new float[values.size()];
        for (int j = 0; j < rows[i].length; j++) {
          rows[i][j] = values.get(j).floatValue();
        }
      }
      float[] scores = scorer.score(rows);
      batchSizes.update(rows.length);
      long now = System.currentTimeMillis();
      for (int i = 0; i < rows.length; i++) {
        Pending p = pending.get(i);
        MemberFeatures f = p.features();
        double[] values = f.getValuesList().stream().mapToDouble(Double::doubleValue).toArray();
        ScorePolicy.Verdict verdict = policy.decide(scores[i], values);
        emitted.inc();
        if (verdict.action() != Action.NONE) {
          flagged.inc();
        }
        scored.add(new Scored(AbuseScore.newBuilder()
            .setMemberId(f.getMemberId())
            .setScore(scores[i])
            .setAction(verdict.action())
            .addAllReasons(verdict.reasons())
            .setModelName(scorer.bundle().name())
            .setModelVersion(scorer.bundle().version())
            .setWindowStartMs(f.getWindowStartMs())
            .setWindowEndMs(f.getWindowEndMs())
            .setEventTimeMs(f.getLastEventMs())
            .setProcessingTimeMs(now)
            .build(), p.timestamp(), p.window()));
      }
      pending.clear();
    }

    @Teardown
    public void teardown() {
      if (model != null) {
        model.close();
      }
    }
  }
}
