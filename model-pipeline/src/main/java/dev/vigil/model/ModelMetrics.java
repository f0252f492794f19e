package dev.vigil.model;

/** Stable names of the model job's Beam metrics (namespace {@value #NAMESPACE}). */
public final class ModelMetrics {
  public static final String NAMESPACE = "vigil.model";
  public static final String PARTIALS_READ = "partials_read";
  /** Progress markers of the filter read from the filtered topic (they move the watermark; no partial). */
  public static final String PROGRESS_MARKERS_READ = "progress_markers_read";
  public static final String PARTIALS_ON_TIME = "partials_on_time";
  public static final String PARTIALS_LATE = "partials_late";
  public static final String PARTIALS_TOO_LATE = "partials_too_late";
  /** Partials sent again after the filter job recovered (same window and pane as one already taken in). */
  public static final String PARTIALS_DUPLICATE = "partials_duplicate";
  public static final String FEATURE_ROWS = "feature_rows";
  public static final String TIMELINES_EXPIRED = "timelines_expired";
  public static final String SCORES_EMITTED = "scores_emitted";
  public static final String FLAGGED = "flagged";
  public static final String SCORING_BATCH_SIZE = "scoring_batch_size";
  public static final String MODEL_SWAPS = "model_swaps";
  /** Microseconds one scoring batch took in the model (DJL inference), per batch. */
  public static final String SCORING_BATCH_MICROS = "scoring_batch_micros";
  /** Milliseconds from a row's last event (event time) to its verdict (processing time): the nearline delay. */
  public static final String VERDICT_DELAY_MS = "verdict_delay_ms";
  /**
   * Gauge named {@code model_in_use.<name>@<version>}: 1 while a scorer serves that bundle, 0 once swapped out.
   * Flink shows gauges and counters but not Beam's string sets, so the version travels in the gauge's name.
   */
  public static final String MODEL_IN_USE_PREFIX = "model_in_use.";

  public static String modelInUse(String name, String version) {
    return MODEL_IN_USE_PREFIX + name + "@" + version;
  }

  private ModelMetrics() {}
}
