package dev.vigil.schemas;

import dev.vigil.schemas.v1.AbuseScore;

/**
 * Which of two verdicts on a member stands: the one about later activity (event time), and between two
 * about the same activity, the one computed later (processing time). A verdict about older activity that
 * arrives late, a replayed early row, or a late pane never replaces what the store already knows of
 * newer activity. Every writer of member verdicts (the store's real-time ingestion, its batch push)
 * applies this one rule.
 */
public final class Verdicts {
  private Verdicts() {}

  /** Whether a verdict with these times replaces one with the {@code current} times. */
  public static boolean supersedes(long eventTimeMs, long processingTimeMs, long currentEventTimeMs, long currentProcessingTimeMs) {
    return eventTimeMs > currentEventTimeMs
        || eventTimeMs == currentEventTimeMs && processingTimeMs >= currentProcessingTimeMs;
  }

  public static boolean supersedes(AbuseScore candidate, AbuseScore current) {
    return supersedes(candidate.getEventTimeMs(), candidate.getProcessingTimeMs(), current.getEventTimeMs(),
        current.getProcessingTimeMs());
  }
}
