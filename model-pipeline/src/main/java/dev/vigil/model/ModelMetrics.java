package dev.vigil.model;

/** Stable names of the model job's Beam metrics (namespace {@value #NAMESPACE}). */
public final class ModelMetrics {
  public static final String NAMESPACE = "vigil.model";
  public static final String PARTIALS_READ = "partials_read";
  public static final String MEMBER_WINDOWS_FEATURIZED = "member_windows_featurized";
  public static final String SCORES_EMITTED = "scores_emitted";
  public static final String FLAGGED = "flagged";
  public static final String SCORING_BATCH_SIZE = "scoring_batch_size";
  public static final String MODEL_SWAPS = "model_swaps";

  private ModelMetrics() {}
}
