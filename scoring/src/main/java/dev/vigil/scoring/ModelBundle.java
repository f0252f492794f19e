package dev.vigil.scoring;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.core.policy.ScorePolicy;
import dev.vigil.schemas.v1.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model bundle on disk: a directory holding {@code manifest.json} and the model artifact it names.
 * {@link #load} validates the manifest against the feature schema this build computes, so a model
 * trained on other features fails at start with a message rather than scoring garbage.
 */
public final class ModelBundle {
  public static final String MANIFEST = "manifest.json";
  /** DJL engines a bundle may name, with the artifact suffix DJL looks for. */
  static final Map<String, String> ENGINE_SUFFIXES = Map.of("XGBoost", ".json", "OnnxRuntime", ".onnx");

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path directory;
  private final ModelManifest manifest;
  private final ScorePolicy policy;

  private ModelBundle(Path directory, ModelManifest manifest, ScorePolicy policy) {
    this.directory = directory;
    this.manifest = manifest;
    this.policy = policy;
  }

  /** Reads and validates the bundle in {@code directory}. */
  public static ModelBundle load(Path directory) {
    Path manifestFile = directory.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw new ModelBundleException("model bundle " + directory + ": no " + MANIFEST);
    }
    ModelManifest m;
    try {
      m = JSON.readValue(manifestFile.toFile(), ModelManifest.class);
    } catch (IOException e) {
      throw new ModelBundleException("model bundle " + directory + ": unreadable " + MANIFEST + ": " + e.getMessage(), e);
    }
    String where = "model bundle " + directory + ": ";
    require(m.name() != null && !m.name().isBlank(), where + "manifest has no name");
    require(m.version() != null && !m.version().isBlank(), where + "manifest has no version");
    require(m.engine() != null && ENGINE_SUFFIXES.containsKey(m.engine()),
        where + "engine must be one of " + ENGINE_SUFFIXES.keySet() + ", got " + m.engine());
    require(m.artifact() != null && m.artifact().endsWith(ENGINE_SUFFIXES.get(m.engine())),
        where + "artifact for engine " + m.engine() + " must end with " + ENGINE_SUFFIXES.get(m.engine()) + ", got " + m.artifact());
    require(Files.isRegularFile(directory.resolve(m.artifact())), where + "artifact " + m.artifact() + " is missing");
    require(MemberFeatureVector.SCHEMA.equals(m.featureSchema()),
        where + "feature schema " + m.featureSchema() + " does not match this build's " + MemberFeatureVector.SCHEMA);
    validateFeatures(where, m.features());
    ScorePolicy policy;
    try {
      policy = policy(m);
    } catch (IllegalArgumentException e) {
      throw new ModelBundleException(where + e.getMessage(), e);
    }
    return new ModelBundle(directory, m, policy);
  }

  private static void validateFeatures(String where, List<String> features) {
    require(features != null && !features.isEmpty(), where + "manifest lists no features");
    for (int i = 0; i < Math.max(features.size(), MemberFeatureVector.COUNT); i++) {
      String expected = i < MemberFeatureVector.COUNT ? MemberFeatureVector.NAMES.get(i) : "(none)";
      String actual = i < features.size() ? features.get(i) : "(none)";
      require(expected.equals(actual), where + "feature " + i + " is " + actual + " but " + MemberFeatureVector.SCHEMA
          + " has " + expected + " there");
    }
  }

  private static ScorePolicy policy(ModelManifest m) {
    List<ScorePolicy.Threshold> thresholds = new ArrayList<>();
    for (ModelManifest.ThresholdSpec t : m.thresholds() == null ? List.<ModelManifest.ThresholdSpec>of() : m.thresholds()) {
      Action action;
      try {
        action = Action.valueOf(t.action());
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("unknown action " + t.action() + " in thresholds");
      }
      thresholds.add(new ScorePolicy.Threshold(t.minScore(), action));
    }
    if (thresholds.isEmpty()) {
      throw new IllegalArgumentException("manifest has no thresholds");
    }
    Map<String, ScorePolicy.Baseline> baselines = new HashMap<>();
    ModelManifest.ReasonSpec reasons = m.reasons();
    if (reasons != null && reasons.baselines() != null) {
      Set<String> known = Set.copyOf(MemberFeatureVector.NAMES);
      reasons.baselines().forEach((feature, b) -> {
        if (!known.contains(feature)) {
          throw new IllegalArgumentException("baseline for unknown feature " + feature);
        }
        baselines.put(feature, new ScorePolicy.Baseline(b.mean(), b.stddev(),
            b.code() == null ? ScorePolicy.defaultReasonCode(feature) : b.code()));
      });
    }
    return new ScorePolicy(thresholds, MemberFeatureVector.NAMES, baselines,
        reasons == null ? 3.0 : reasons.minDeviation(), reasons == null ? 3 : reasons.maxReasons());
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new ModelBundleException(message);
    }
  }

  /** Writes {@code manifest} into {@code directory} atomically (write to a temp file, then move). */
  public static void writeManifest(Path directory, ModelManifest manifest) throws IOException {
    Path tmp = directory.resolve(MANIFEST + ".tmp");
    JSON.writeValue(tmp.toFile(), manifest);
    Files.move(tmp, directory.resolve(MANIFEST), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  public Path directory() {
    return directory;
  }

  public ModelManifest manifest() {
    return manifest;
  }

  public String name() {
    return manifest.name();
  }

  public String version() {
    return manifest.version();
  }

  public ScorePolicy policy() {
    return policy;
  }

  /** A new scorer with its own DJL model and predictor: one per thread. */
  public BundleScorer newScorer() {
    return new BundleScorer(this);
  }

  @Override
  public String toString() {
    return manifest.name() + ":" + manifest.version() + " (" + manifest.engine() + ", " + directory + ")";
  }
}
