package dev.vigil.core.extract;

import java.time.Duration;
import java.time.Instant;

/**
 * Which event times a job accepts. An event may claim to be at most {@code maxFutureSkewMs} ahead of its
 * reference time: the record's own (Kafka) timestamp, or the wall clock when that is later or absent. An
 * event beyond that (a client clock in the year 2100, {@code Long.MAX_VALUE}) is refused: it must never
 * move a watermark, or every real event after it would be judged late. In a replay of history the
 * record timestamps are the reference, so the verdict on a record is the same as when it streamed by.
 */
public record EventTimeBounds(long maxFutureSkewMs) implements java.io.Serializable {
  public static final long DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000L;

  public EventTimeBounds {
    if (maxFutureSkewMs < 0) {
      throw new IllegalArgumentException("max future skew must be >= 0, got " + maxFutureSkewMs);
    }
  }

  public static EventTimeBounds defaults() {
    return new EventTimeBounds(DEFAULT_MAX_FUTURE_SKEW_MS);
  }

  /** The time an event is judged against: the record's timestamp if it has one and it is not ahead of now. */
  public static long referenceMs(long recordTimeMs, long nowMs) {
    return recordTimeMs > 0 ? Math.min(recordTimeMs, nowMs) : nowMs;
  }

  /** The latest acceptable event time for a record. */
  public long latestAcceptableMs(long recordTimeMs, long nowMs) {
    long reference = referenceMs(recordTimeMs, nowMs);
    return reference > Long.MAX_VALUE - maxFutureSkewMs ? Long.MAX_VALUE : reference + maxFutureSkewMs;
  }

  public boolean accepts(long eventTimeMs, long recordTimeMs, long nowMs) {
    return eventTimeMs <= latestAcceptableMs(recordTimeMs, nowMs);
  }

  /** Why an event time is refused, for the dead letter; null when it is accepted. */
  public String refusal(long eventTimeMs, long recordTimeMs, long nowMs) {
    if (accepts(eventTimeMs, recordTimeMs, nowMs)) {
      return null;
    }
    long reference = referenceMs(recordTimeMs, nowMs);
    return "timestamp_ms " + eventTimeMs + " (" + Instant.ofEpochMilli(eventTimeMs) + ") is more than "
        + Duration.ofMillis(maxFutureSkewMs) + " ahead of the record's time " + Instant.ofEpochMilli(reference);
  }
}
