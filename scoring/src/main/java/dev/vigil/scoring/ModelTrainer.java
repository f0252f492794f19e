package dev.vigil.scoring;

import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.core.policy.ScorePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains a model on labelled feature rows, measures it on a held-out split, and writes a complete model
 * bundle: the artifact, then the manifest with the thresholds, the benign feature baselines the policy uses
 * for reasons, and the quality numbers. Two algorithms, one per DJL engine the scorer supports.
 */
public final class ModelTrainer {

  /** What to train, and the DJL engine and artifact file the bundle then names. */
  public enum Algorithm {
    /** xgboost4j binary logistic trees, served by DJL's XGBoost engine: the default. */
    GRADIENT_BOOSTED_TREES("XGBoost", "model.json"),
    /** {@link LogisticRegressionModel} exported as ONNX, served by DJL's OnnxRuntime engine. */
    LOGISTIC_REGRESSION("OnnxRuntime", "model.onnx");

    private final String engine;
    private final String artifact;

    Algorithm(String engine, String artifact) {
      this.engine = engine;
      this.artifact = artifact;
    }

    public String engine() {
      return engine;
    }

    public String artifact() {
      return artifact;
    }
  }

  /** L2 penalty and Newton iteration cap for {@link Algorithm#LOGISTIC_REGRESSION}. */
  static final double LOGISTIC_L2 = 1.0;
  static final int LOGISTIC_MAX_ITERATIONS = 50;

  /**
   * Training knobs; {@link #defaults} is what the shipped bundle was trained with. {@code rounds},
   * {@code maxDepth} and {@code eta} only apply to gradient-boosted trees.
   */
  public record Settings(String name, String version, Algorithm algorithm, int rounds, int maxDepth, double eta,
      double heldOutFraction, long seed, List<ModelManifest.ThresholdSpec> thresholds, String dataDescription,
      String command) {

    public static Settings defaults(String version) {
      return new Settings("vigil-abuse", version, Algorithm.GRADIENT_BOOSTED_TREES, 60, 5, 0.3, 0.25, 42,
          defaultThresholds(), null, null);
    }

    public Settings withData(String description, String command) {
      return new Settings(name, version, algorithm, rounds, maxDepth, eta, heldOutFraction, seed, thresholds,
          description, command);
    }

    public Settings withAlgorithm(Algorithm newAlgorithm) {
      return new Settings(name, version, newAlgorithm, rounds, maxDepth, eta, heldOutFraction, seed, thresholds,
          dataDescription, command);
    }
  }

  public static List<ModelManifest.ThresholdSpec> defaultThresholds() {
    return List.of(new ModelManifest.ThresholdSpec("CHALLENGE", 0.5), new ModelManifest.ThresholdSpec("RESTRICT", 0.8),
        new ModelManifest.ThresholdSpec("BLOCK", 0.95));
  }

  /** What the trainer measured on held-out rows. */
  public record Report(ModelBundle bundle, long trainRows, long testRows, long testPositives, ClassificationMetrics metrics) {
    public String describe() {
      return String.format("trained %s on %,d rows; held-out %,d rows (%,d abusive): AUC %.4f, precision %.4f, recall %.4f at %.2f",
          bundle, trainRows, testRows, testPositives, metrics.auc(), metrics.precision(), metrics.recall(), metrics.threshold());
    }
  }

  private ModelTrainer() {}

  public static Report train(List<TrainingRow> rows, Settings settings, Path bundleDir) throws IOException {
    if (rows.size() < 10) {
      throw new IllegalArgumentException("need at least 10 labelled rows, got " + rows.size());
    }
    for (TrainingRow r : rows) {
      if (r.features().length != MemberFeatureVector.COUNT) {
        throw new IllegalArgumentException("rows must have " + MemberFeatureVector.COUNT + " features, got " + r.features().length);
      }
    }
    List<TrainingRow> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(settings.seed()));
    int testSize = Math.max(1, (int) Math.round(shuffled.size() * settings.heldOutFraction()));
    List<TrainingRow> test = shuffled.subList(0, testSize);
    List<TrainingRow> train = shuffled.subList(testSize, shuffled.size());

    Files.createDirectories(bundleDir);
    float[] testScores = switch (settings.algorithm()) {
      case GRADIENT_BOOSTED_TREES -> fitTrees(train, test, settings, bundleDir.resolve(settings.algorithm().artifact()));
      case LOGISTIC_REGRESSION -> fitLogistic(train, test, settings, bundleDir.resolve(settings.algorithm().artifact()));
    };

    boolean[] testLabels = new boolean[test.size()];
    long testPositives = 0;
    for (int i = 0; i < testLabels.length; i++) {
      testLabels[i] = test.get(i).abusive();
      testPositives += testLabels[i] ? 1 : 0;
    }
    double challengeAt = settings.thresholds().stream().mapToDouble(ModelManifest.ThresholdSpec::minScore).min().orElse(0.5);
    ClassificationMetrics metrics = ClassificationMetrics.of(testScores, testLabels, challengeAt);

    ModelManifest manifest = new ModelManifest(settings.name(), settings.version(), settings.algorithm().engine(),
        settings.algorithm().artifact(),
        MemberFeatureVector.SCHEMA, MemberFeatureVector.NAMES, settings.thresholds(),
        new ModelManifest.ReasonSpec(3.0, 3, benignBaselines(train)),
        new ModelManifest.TrainingSpec(train.size(), test.size(), round4(metrics.auc()), round4(metrics.precision()),
            round4(metrics.recall()), challengeAt, settings.dataDescription(), settings.command()),
        Instant.now().toString());
    ModelBundle.writeManifest(bundleDir, manifest);
    return new Report(ModelBundle.load(bundleDir), train.size(), test.size(), testPositives, metrics);
  }

  private static float[] fitTrees(List<TrainingRow> train, List<TrainingRow> test, Settings settings, Path artifact) {
    try {
      DMatrix trainMatrix = matrix(train);
      DMatrix testMatrix = matrix(test);
      Map<String, Object> params = new HashMap<>();
      params.put("objective", "binary:logistic");
      params.put("eval_metric", "auc");
      params.put("max_depth", settings.maxDepth());
      params.put("eta", settings.eta());
      params.put("nthread", 1);
      params.put("seed", settings.seed());
      params.put("verbosity", 0);
      Booster booster = XGBoost.train(trainMatrix, params, settings.rounds(), new LinkedHashMap<>(), null, null);
      float[][] predictions = booster.predict(testMatrix);
      float[] testScores = new float[predictions.length];
      for (int i = 0; i < predictions.length; i++) {
        testScores[i] = predictions[i][0];
      }
      booster.saveModel(artifact.toString());
      booster.dispose();
      trainMatrix.dispose();
      testMatrix.dispose();
      return testScores;
    } catch (XGBoostError e) {
      throw new IllegalStateException("xgboost training failed: " + e.getMessage(), e);
    }
  }

  private static float[] fitLogistic(List<TrainingRow> train, List<TrainingRow> test, Settings settings, Path artifact)
      throws IOException {
    LogisticRegressionModel model = LogisticRegressionModel.fit(train, LOGISTIC_L2, LOGISTIC_MAX_ITERATIONS);
    float[] testScores = new float[test.size()];
    for (int i = 0; i < testScores.length; i++) {
      testScores[i] = (float) model.predict(test.get(i).features());
    }
    Path tmp = artifact.resolveSibling(artifact.getFileName() + ".tmp");
    Files.write(tmp, model.toOnnx(settings.name() + " " + settings.version() + ": logistic regression on log1p features"));
    Files.move(tmp, artifact, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return testScores;
  }

  private static DMatrix matrix(List<TrainingRow> rows) throws XGBoostError {
    float[] flat = new float[rows.size() * MemberFeatureVector.COUNT];
    float[] labels = new float[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i).features(), 0, flat, i * MemberFeatureVector.COUNT, MemberFeatureVector.COUNT);
      labels[i] = rows.get(i).abusive() ? 1f : 0f;
    }
    DMatrix m = new DMatrix(flat, rows.size(), MemberFeatureVector.COUNT, Float.NaN);
    m.setLabel(labels);
    return m;
  }

  /** Mean and standard deviation of each feature over the benign training rows. */
  static Map<String, ModelManifest.BaselineSpec> benignBaselines(List<TrainingRow> train) {
    double[] sum = new double[MemberFeatureVector.COUNT];
    double[] sumSq = new double[MemberFeatureVector.COUNT];
    long n = 0;
    for (TrainingRow r : train) {
      if (r.abusive()) {
        continue;
      }
      n++;
      for (int i = 0; i < MemberFeatureVector.COUNT; i++) {
        sum[i] += r.features()[i];
        sumSq[i] += (double) r.features()[i] * r.features()[i];
      }
    }
    Map<String, ModelManifest.BaselineSpec> out = new LinkedHashMap<>();
    for (int i = 0; i < MemberFeatureVector.COUNT; i++) {
      String name = MemberFeatureVector.NAMES.get(i);
      if (name.equals("window_minutes")) {
        continue; // describes the window, never a reason
      }
      double mean = n == 0 ? 0 : sum[i] / n;
      double variance = n == 0 ? 0 : Math.max(0, sumSq[i] / n - mean * mean);
      out.put(name, new ModelManifest.BaselineSpec(round4(mean), round4(Math.max(Math.sqrt(variance), 1e-3)),
          ScorePolicy.defaultReasonCode(name)));
    }
    return out;
  }

  private static double round4(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 10_000) / 10_000.0;
  }
}
