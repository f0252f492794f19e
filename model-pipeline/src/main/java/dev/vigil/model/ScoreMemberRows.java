package dev.vigil.model;

import dev.vigil.core.policy.ScorePolicy;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.MemberFeatureRow;
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
 * Scores member feature rows with the serving model: every window of a row is scored, and the row's
 * verdict is the highest of those scores, with the action and reasons of that window ("how risky is the
 * member now": the riskiest of its windows ending at its latest activity). Windows are scored in batches
 * of up to {@code batchSize} within a bundle (the runner bounds a bundle's duration, which bounds the
 * latency batching adds); verdicts are emitted at the end of the bundle in their rows' windows and
 * timestamps.
 */
public final class ScoreMemberRows extends PTransform<PCollection<MemberFeatureRow>, PCollection<AbuseScore>> {
  private final ServingModel.Source source;
  private final int batchSize;

  public ScoreMemberRows(String modelDir, long modelCheckMillis, int batchSize) {
    this.source = new ServingModel.Source(modelDir, modelCheckMillis);
    this.batchSize = batchSize;
  }

  public static ScoreMemberRows from(ModelPipelineOptions o) {
    return new ScoreMemberRows(o.getModelDir(), o.getModelCheckSeconds() * 1000L, o.getScoringBatchSize());
  }

  @Override
  public PCollection<AbuseScore> expand(PCollection<MemberFeatureRow> rows) {
    return rows.apply("ScoreInBatches", ParDo.of(new ScoreFn(source, batchSize))).setCoder(ProtoCoder.of(AbuseScore.class));
  }

  static final class ScoreFn extends DoFn<MemberFeatureRow, AbuseScore> {
    private record Pending(MemberFeatureRow row, Instant timestamp, BoundedWindow window) {}

    private record Scored(AbuseScore score, Instant timestamp, BoundedWindow window) {}

    private final ServingModel.Source source;
    private final int batchSize;
    private final Counter emitted = Metrics.counter(ModelMetrics.NAMESPACE, ModelMetrics.SCORES_EMITTED);
    private final Counter flagged = Metrics.counter(ModelMetrics.NAMESPACE, ModelMetrics.FLAGGED);
    private final Counter swaps = Metrics.counter(ModelMetrics.NAMESPACE, ModelMetrics.MODEL_SWAPS);
    private final Distribution batchSizes = Metrics.distribution(ModelMetrics.NAMESPACE, ModelMetrics.SCORING_BATCH_SIZE);
    private final Distribution batchMicros = Metrics.distribution(ModelMetrics.NAMESPACE, ModelMetrics.SCORING_BATCH_MICROS);
    private final Distribution verdictDelays = Metrics.distribution(ModelMetrics.NAMESPACE, ModelMetrics.VERDICT_DELAY_MS);

    private transient ServingModel model;
    private transient String modelInUse;
    private transient List<Pending> pending;
    private transient List<Scored> scored;
    private transient int pendingWindows;

    ScoreFn(ServingModel.Source source, int batchSize) {
      this.source = source;
      this.batchSize = batchSize;
    }

    @Setup
    public void setup() {
      model = new ServingModel(source);
    }

    /** Sets the model-in-use gauge: the bundle now served to 1, the one it replaced (if any) to 0. */
    private void reportModelInUse() {
      String now = ModelMetrics.modelInUse(model.scorer().bundle().name(), model.scorer().bundle().version());
      if (now.equals(modelInUse)) {
        return;
      }
      if (modelInUse != null) {
        Metrics.gauge(ModelMetrics.NAMESPACE, modelInUse).set(0);
      }
      Metrics.gauge(ModelMetrics.NAMESPACE, now).set(1);
      modelInUse = now;
    }

    @StartBundle
    public void startBundle() {
      pending = new ArrayList<>();
      pendingWindows = 0;
      scored = new ArrayList<>();
      if (model.refreshIfDue()) {
        swaps.inc();
      }
      reportModelInUse();
    }

    @ProcessElement
    public void process(@Element MemberFeatureRow row, @Timestamp Instant timestamp, BoundedWindow window) {
      pending.add(new Pending(row, timestamp, window));
      pendingWindows += row.getWindowsCount();
      if (pendingWindows >= batchSize) {
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
      float[][] vectors = new float[pendingWindows][];
      int v = 0;
      for (Pending p : pending) {
        for (MemberFeatures w : p.row().getWindowsList()) {
          vectors[v++] = toFloats(w);
        }
      }
      long startedNanos = System.nanoTime();
      float[] scores = scorer.score(vectors);
      batchMicros.update((System.nanoTime() - startedNanos) / 1_000);
      batchSizes.update(vectors.length);
      long now = System.currentTimeMillis();
      long flaggedHere = 0;
      v = 0;
      for (Pending p : pending) {
        MemberFeatureRow row = p.row();
        int riskiest = 0;
        for (int w = 1; w < row.getWindowsCount(); w++) {
          if (scores[v + w] > scores[v + riskiest]) {
            riskiest = w;
          }
        }
        MemberFeatures decisive = row.getWindows(riskiest);
        float score = scores[v + riskiest];
        v += row.getWindowsCount();
        verdictDelays.update(now - row.getLastEventMs());
        ScorePolicy.Verdict verdict = policy.decide(score, decisive.getValuesList().stream().mapToDouble(Double::doubleValue).toArray());
        flaggedHere += verdict.action() != Action.NONE ? 1 : 0;
        scored.add(new Scored(AbuseScore.newBuilder()
            .setMemberId(row.getMemberId())
            .setScore(score)
            .setAction(verdict.action())
            .addAllReasons(verdict.reasons())
            .setModelName(scorer.bundle().name())
            .setModelVersion(scorer.bundle().version())
            .setWindowStartMs(decisive.getWindowStartMs())
            .setWindowEndMs(decisive.getWindowEndMs())
            .setEventTimeMs(row.getLastEventMs())
            .setProcessingTimeMs(now)
            .setAsOfMs(row.getAsOfMs())
            .setPaneTiming(row.getPaneTiming())
            .build(), p.timestamp(), p.window()));
      }
      emitted.inc(pending.size());
      if (flaggedHere > 0) {
        flagged.inc(flaggedHere);
      }
      pending.clear();
      pendingWindows = 0;
    }

    private static float[] toFloats(MemberFeatures window) {
      float[] out = new float[window.getValuesCount()];
      for (int j = 0; j < out.length; j++) {
        out[j] = (float) window.getValues(j);
      }
      return out;
    }

    @Teardown
    public void teardown() {
      if (model != null) {
        model.close();
      }
    }
  }
}
