package dev.vigil.scoring;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a model bundle: what the artifact is, which features it expects in which
 * order, and how its scores become actions and reasons. Written by the trainer, validated on load.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelManifest(
    String name,
    String version,
    /** DJL engine name: {@code XGBoost} or {@code OnnxRuntime}. */
    String engine,
    /** File name of the model artifact inside the bundle directory. */
    String artifact,
    String featureSchema,
    List<String> features,
    List<ThresholdSpec> thresholds,
    ReasonSpec reasons,
    TrainingSpec training,
    String createdAt) {

  /** Scores at or above {@code minScore} get {@code action} (NONE, CHALLENGE, RESTRICT, BLOCK). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ThresholdSpec(String action, double minScore) {}

  /** How reasons are chosen: features at least {@code minDeviation} benign standard deviations high. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ReasonSpec(double minDeviation, int maxReasons, Map<String, BaselineSpec> baselines) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BaselineSpec(double mean, double stddev, String code) {}

  /** Where the model came from and how good it was on held-out rows. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TrainingSpec(long trainRows, long testRows, double auc, double precision, double recall,
      double threshold, String data, String command) {}
}
