package dev.vigil.filter;

import dev.vigil.schemas.v1.DeadLetterReason;

/** Stable metric names of the filter job (namespace {@value #NAMESPACE}). */
public final class FilterMetrics {
  public static final String NAMESPACE = "vigil.filter";
  public static final String PARSED_VALID = "parsed_valid";
  public static final String EXTRACTED = "extracted";
  public static final String PARTIALS_EMITTED = "partials_emitted";
  public static final String LATE_PARTIALS = "late_partials_emitted";
  public static final String EVENTS_PER_PARTIAL = "events_per_partial";
  public static final String EMPTY_PANES_SKIPPED = "empty_panes_skipped";

  private FilterMetrics() {}

  public static final String DEAD_LETTERS_PREFIX = "dead_letters_";

  public static String deadLetters(DeadLetterReason reason) {
    return DEAD_LETTERS_PREFIX + reason.name().toLowerCase(java.util.Locale.ROOT);
  }
}
