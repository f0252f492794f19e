package dev.vigil.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.MemberFeatureRow;
import dev.vigil.schemas.v1.MemberFeatures;
import dev.vigil.scoring.BundleScorer;
import dev.vigil.scoring.ModelBundle;
import dev.vigil.scoring.ModelDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.GaugeResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring on the Direct runner: each row's verdict is its riskiest window, scored one window at a time by a
 * scorer of its own (the oracle), whatever batches the transform formed; and the scoring metrics an operator
 * reads (scoring time per batch, verdict delay, the model in use) are reported.
 */
@ExtendWith(TestPipelineExtension.class)
class ScoreMemberRowsTest {
  private static final int ROWS = 40;
  private static final long DELAY_MS = 90_000;

  @Test
  void eachRowGetsItsRiskiestWindowAndTheScoringMetricsAreReported(TestPipeline pipeline, @TempDir Path dir) {
    Path bundleDir = ModelDirectory.extractDefaultBundle(dir.resolve("bundle"));
    long lastEvent = System.currentTimeMillis() - DELAY_MS;
    List<MemberFeatureRow> rows = rows(new Random(7), lastEvent);

    Map<Long, Float> expectedScore = new HashMap<>();
    Map<Long, Long> expectedWindowStart = new HashMap<>();
    String name;
    String version;
    try (BundleScorer oracle = ModelBundle.load(bundleDir).newScorer()) {
      name = oracle.bundle().name();
      version = oracle.bundle().version();
      for (MemberFeatureRow row : rows) {
        float best = Float.NEGATIVE_INFINITY;
        for (MemberFeatures w : row.getWindowsList()) {
          float s = oracle.score(new float[][] {floats(w)})[0];
          if (s > best) {
            best = s;
            expectedWindowStart.put(row.getMemberId(), w.getWindowStartMs());
          }
        }
        expectedScore.put(row.getMemberId(), best);
      }
    }

    PCollection<AbuseScore> scores = pipeline.apply("Rows", Create.of(rows).withCoder(ProtoCoder.of(MemberFeatureRow.class)))
        .apply("Score", new ScoreMemberRows(bundleDir.toString(), 0, 16));
    PAssert.that(scores).satisfies(all -> {
      List<AbuseScore> list = new ArrayList<>();
      all.forEach(list::add);
      assertThat(list).hasSize(ROWS);
      for (AbuseScore s : list) {
        assertThat(s.getScore()).as("member %d", s.getMemberId()).isCloseTo((double) expectedScore.get(s.getMemberId()),
            org.assertj.core.data.Offset.offset(1e-5));
        assertThat(s.getWindowStartMs()).as("member %d's decisive window", s.getMemberId())
            .isEqualTo(expectedWindowStart.get(s.getMemberId()));
        assertThat(s.getModelVersion()).isEqualTo(version);
      }
      return null;
    });
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(ModelMetrics.NAMESPACE)).build());
    DistributionResult micros = distribution(metrics, ModelMetrics.SCORING_BATCH_MICROS);
    DistributionResult sizes = distribution(metrics, ModelMetrics.SCORING_BATCH_SIZE);
    assertThat(micros.getCount()).as("one scoring time per batch").isEqualTo(sizes.getCount()).isPositive();
    assertThat(micros.getMin()).as("a batch takes time").isPositive();
    DistributionResult delays = distribution(metrics, ModelMetrics.VERDICT_DELAY_MS);
    assertThat(delays.getCount()).as("one delay per verdict").isEqualTo(ROWS);
    assertThat(delays.getMin()).as("from the row's last event to its verdict").isGreaterThanOrEqualTo(DELAY_MS);
    GaugeResult inUse = null;
    for (MetricResult<GaugeResult> g : metrics.getGauges()) {
      if (g.getName().getName().equals(ModelMetrics.modelInUse(name, version))) {
        inUse = g.getAttempted();
      }
    }
    assertThat(inUse).as("gauge %s", ModelMetrics.modelInUse(name, version)).isNotNull();
    assertThat(inUse.getValue()).isEqualTo(1);
  }

  private static DistributionResult distribution(MetricQueryResults metrics, String name) {
    for (MetricResult<DistributionResult> d : metrics.getDistributions()) {
      if (d.getName().getName().equals(name)) {
        return d.getAttempted();
      }
    }
    throw new AssertionError("no distribution " + name);
  }

  /** Members with two windows each of random (non-negative) features, so either window may be the riskier. */
  private static List<MemberFeatureRow> rows(Random random, long lastEvent) {
    List<MemberFeatureRow> rows = new ArrayList<>();
    for (long member = 1; member <= ROWS; member++) {
      MemberFeatureRow.Builder row = MemberFeatureRow.newBuilder().setMemberId(member).setLastEventMs(lastEvent)
          .setAsOfMs(lastEvent + 1);
      for (long length : new long[] {60_000, 600_000}) {
        MemberFeatures.Builder w = MemberFeatures.newBuilder().setWindowStartMs(lastEvent + 1 - length).setWindowEndMs(lastEvent + 1);
        for (int f = 0; f < MemberFeatureVector.COUNT; f++) {
          w.addValues(random.nextInt(4) == 0 ? random.nextDouble() * 200 : 0);
        }
        row.addWindows(w);
      }
      rows.add(row.build());
    }
    return rows;
  }

  private static float[] floats(MemberFeatures w) {
    float[] out = new float[w.getValuesCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) w.getValues(i);
    }
    return out;
  }
}
