package dev.vigil.store.client;

import java.util.List;

/**
 * One member's value in the {@code abuse-scores} store, as the HTTP API returns it.
 *
 * @param updatedAtMs when the value was written: the real-time record's Kafka timestamp, or for a pushed
 *     row the score's processing time
 * @param updatedAt the same instant in ISO-8601, for people reading the JSON
 */
public record StoredScore(
    long memberId,
    double score,
    String action,
    List<Reason> reasons,
    String modelName,
    String modelVersion,
    long windowStartMs,
    long windowEndMs,
    long eventTimeMs,
    long updatedAtMs,
    String updatedAt) {

  /** Why the member was scored as they were. */
  public record Reason(String code, String feature, double value, double contribution) {}
}
