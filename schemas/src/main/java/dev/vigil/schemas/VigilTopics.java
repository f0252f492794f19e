package dev.vigil.schemas;

import java.util.List;

/** Default Kafka topic names. Every job takes its topics as options; these are only the defaults. */
public final class VigilTopics {
  /** Raw {@code ActivityEvent} bytes from producers. */
  public static final String ACTIVITY_RAW = "vigil.activity.raw";
  /**
   * {@code MemberActivityPartial} bytes from the filter pipeline, keyed by member id, and on every partition the
   * filter's {@code ProgressMarker}s ({@link ProgressMarkers}).
   */
  public static final String ACTIVITY_FILTERED = "vigil.activity.filtered";
  /** {@code DeadLetter} bytes: records a pipeline could not process, with the reason. */
  public static final String DEAD_LETTER = "vigil.deadletter";
  /** {@code AbuseScore} bytes from the model pipeline, keyed by member id. */
  public static final String SCORES = "vigil.scores";
  /** Real-time topic of the {@code abuse-scores} store: {@code AbuseScore} bytes keyed by member id. */
  public static final String STORE_ABUSE_SCORES_RT = "vigil.store.abuse-scores.rt";

  /** The topics a local broker creates at start. */
  public static final List<String> DEFAULTS = List.of(ACTIVITY_RAW, ACTIVITY_FILTERED, DEAD_LETTER, SCORES, STORE_ABUSE_SCORES_RT);

  private VigilTopics() {}
}
