package dev.vigil.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.core.features.MemberFeatureVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second DJL engine: a logistic regression the project fits itself, exported by its own ONNX writer,
 * loaded as a bundle and scored through DJL's OnnxRuntime engine.
 */
class OnnxBundleTest {
  @TempDir static Path dir;
  static List<TrainingRow> rows;
  static ModelTrainer.Report report;

  /** Abusive rows have heavy-tailed high rates on a few features; benign rows are moderate everywhere. */
  static List<TrainingRow> separableRows(Random random, int n) {
    List<TrainingRow> out = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      boolean abusive = random.nextDouble() < 0.2;
      float[] f = new float[MemberFeatureVector.COUNT];
      for (int i = 0; i < f.length; i++) {
        double base = random.nextDouble() * 5;
        f[i] = (float) (abusive && i % 4 == 1 ? base * 40 + random.nextDouble() * 400 : base);
      }
      out.add(new TrainingRow(f, abusive));
    }
    return out;
  }

  @BeforeAll
  static void train() throws Exception {
    rows = separableRows(new Random(17), 1_200);
    report = ModelTrainer.train(rows, ModelTrainer.Settings.defaults("onnx-1")
        .withAlgorithm(ModelTrainer.Algorithm.LOGISTIC_REGRESSION), dir.resolve("bundle"));
  }

  @Test
  void trainerWritesAnOnnxBundleThatSeparatesTheClasses() {
    ModelBundle bundle = report.bundle();
    assertThat(bundle.manifest().engine()).isEqualTo("OnnxRuntime");
    assertThat(bundle.manifest().artifact()).isEqualTo("model.onnx");
    assertThat(report.metrics().auc()).isGreaterThan(0.99);
    assertThat(report.metrics().recall()).isGreaterThan(0.9);
  }

  @Test
  void onnxRuntimeScoresEqualTheJavaModel() throws Exception {
    LogisticRegressionModel reference = LogisticRegressionModel.fit(rows, ModelTrainer.LOGISTIC_L2,
        ModelTrainer.LOGISTIC_MAX_ITERATIONS);
    Path exported = Files.createDirectories(dir.resolve("exported"));
    Files.write(exported.resolve("model.onnx"), reference.toOnnx("test export"));
    ModelBundle.writeManifest(exported, report.bundle().manifest());
    // random rows cover the whole range, including values far outside the training data
    float[][] batch = BundleScorerTest.randomRows(new Random(5), 300);
    try (BundleScorer scorer = ModelBundle.load(exported).newScorer()) {
      float[] scores = scorer.score(batch);
      assertThat(scores).hasSize(batch.length);
      for (int i = 0; i < batch.length; i++) {
        assertThat((double) scores[i]).as("row %d", i).isCloseTo(reference.predict(batch[i]), within(1e-4));
      }
    }
  }

  @Test
  void scoringManyBatchesLeavesNoArraysOnTheModelManager() {
    Random random = new Random(11);
    try (BundleScorer scorer = report.bundle().newScorer()) {
      scorer.score(BundleScorerTest.randomRows(random, 8));
      int before = scorer.modelManager().getManagedArrays().size();
      for (int i = 0; i < 1_000; i++) {
        scorer.score(BundleScorerTest.randomRows(random, 1 + random.nextInt(64)));
      }
      assertThat(scorer.modelManager().getManagedArrays().size()).isEqualTo(before);
    }
  }
}
