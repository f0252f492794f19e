package dev.vigil.core.extract;

import java.time.Duration;
import java.time.Instant;

/**
 * Which event times a job accepts. An event may claim to be at most {@code maxFutureSkewMs} ahead of its
 * reference time: the record's own (Kafka) timestamp, or the wall clock when that is later or absent. An
 * event beyond that (a client clock in the year 2100, {@code Long.MAX_VALUE}) is refused: it must never
 * move a watermark, or every real event after it would be judged late. In a replay of history the
 * record timestamps are the reference, so the verdict on a record is the same as when it streamed by.
 * Likewise an event more than {@code maxPastAgeMs} behind its reference (a clock at 1970, a device that
 * held events for weeks) is refused with its reason rather than left to be dropped as late, uncounted by
 * reason, by whichever window it lands in.
 */
public record EventTimeBounds(long maxFutureSkewMs, long maxPastAgeMs) implements java.io.Serializable {
  public static final long DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000L;
  public static final long DEFAULT_MAX_PAST_AGE_MS = 7 * 24 * 3_600_000L;

  public EventTimeBounds {
    if (maxFutureSkewMs < 0) {
      throw new IllegalArgumentException("max future skew must be >= 0, got " + maxFutureSkewMs);
    }
    if (maxPastAgeMs < 0) {
      throw new IllegalArgumentException("max past age must be >= 0, got " + maxPastAgeMs);
    }
  }

  public static EventTimeBounds defaults() {
    return new EventTimeBounds(DEFAULT_MAX_FUTURE_SKEW_MS, DEFAULT_MAX_PAST_AGE_MS);
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

  /** The earliest acceptable event time for a record. */
  public long earliestAcceptableMs(long recordTimeMs, long nowMs) {
    long reference = referenceMs(recordTimeMs, nowMs);
    return reference < Long.MIN_VALUE + maxPastAgeMs ? Long.MIN_VALUE : reference - maxPastAgeMs;
  }

  public boolean accepts(long eventTimeMs, long recordTimeMs, long nowMs) {
    return eventTimeMs <= latestAcceptableMs(recordTimeMs, nowMs) && eventTimeMs >= earliestAcceptableMs(recordTimeMs, nowMs);
  }

  /** Why an event time is refused, for the dead letter; null when it is accepted. */
  public String refusal(long eventTimeMs, long recordTimeMs, long nowMs) {
    if (accepts(eventTimeMs, recordTimeMs, nowMs)) {
      return null;
    }
    long reference = referenceMs(recordTimeMs, nowMs);
    boolean ahead = eventTimeMs > reference;
    return "timestamp_ms " + eventTimeMs + " (" + Instant.ofEpochMilli(eventTimeMs) + ") is more than "
        + Duration.ofMillis(ahead ? maxFutureSkewMs : maxPastAgeMs) + (ahead ? " ahead of" : " behind")
        + " the record's time " + Instant.ofEpochMilli(reference);
  }
}
