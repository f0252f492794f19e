package dev.vigil.loadtest.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.scoring.BundleScorer;
import dev.vigil.scoring.ModelTrainer;
import dev.vigil.scoring.TrainingRow;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Retrains each algorithm on a small generated data set and checks the held-out quality numbers. */
class TrainingQualityTest {
  static final LabelledFeatureRows.Settings DATA = new LabelledFeatureRows.Settings(5, 400, 0.03, 200, 8, "1m/30s,4m/1m");
  static List<TrainingRow> rows;

  @BeforeAll
  static void generate() {
    rows = LabelledFeatureRows.generate(DATA);
  }

  @Test
  void generatedRowsAreLabelledBothWaysAndReproducible() {
    assertThat(rows).hasSizeGreaterThan(1_000);
    assertThat(rows).anyMatch(TrainingRow::abusive).anyMatch(r -> !r.abusive());
    assertThat(LabelledFeatureRows.generate(DATA)).as("same seed, same rows")
        .usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(rows);
  }

  @ParameterizedTest
  @EnumSource(ModelTrainer.Algorithm.class)
  void smallRetrainSeparatesAbusersFromNormalMembers(ModelTrainer.Algorithm algorithm, @TempDir Path dir) throws Exception {
    ModelTrainer.Report report = ModelTrainer.train(rows,
        ModelTrainer.Settings.defaults("test-1").withAlgorithm(algorithm).withData(DATA.describe(), "test"),
        dir.resolve("bundle"));

    assertThat(report.bundle().manifest().engine()).isEqualTo(algorithm.engine());
    assertThat(report.metrics().auc()).isGreaterThan(0.95);
    assertThat(report.metrics().precision()).isGreaterThan(0.9);
    assertThat(report.metrics().recall()).isGreaterThan(0.8);
    assertThat(report.bundle().manifest().training().auc()).isEqualTo(Math.round(report.metrics().auc() * 10_000) / 10_000.0);
    try (BundleScorer scorer = report.bundle().newScorer()) {
      // The written bundle loads through DJL and scores a clear abuser above a clear normal member.
      TrainingRow abuser = rows.stream().filter(TrainingRow::abusive).max(Comparator.comparingDouble(r -> r.features()[1])).orElseThrow();
      TrainingRow normal = rows.stream().filter(r -> !r.abusive()).min(Comparator.comparingDouble(r -> r.features()[1])).orElseThrow();
      float[] scores = scorer.score(new float[][] {abuser.features(), normal.features()});
      assertThat(scores[0]).isGreaterThan(0.9f);
      assertThat(scores[1]).isLessThan(0.1f);
    }
  }
}
