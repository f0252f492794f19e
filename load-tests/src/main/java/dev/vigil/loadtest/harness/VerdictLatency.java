package dev.vigil.loadtest.harness;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * End-to-end latency of sampled events: from the moment an event was produced (its timestamp, the generator's wall
 * clock at send) to the first verdict about its member that covers it (a verdict whose event time is at or after
 * the event's), as seen by a consumer of the verdict topic. Every event of a member that a verdict covers is
 * counted once, at the first such verdict, so an event that waits for a later verdict is charged its whole wait.
 *
 * <p>Thread-safe: producer threads call {@link #sent}, the verdict tail calls {@link #verdict}, the sampler calls
 * {@link #takeInterval}.
 */
final class VerdictLatency {
  private static final long MAX_MS = 3_600_000;
  private final Map<Long, ArrayDeque<long[]>> pending = new HashMap<>();
  private final Histogram total = new Histogram(MAX_MS, 3);
  /** The same events, to the moment the model job computed the verdict (its processing time): where the time goes. */
  private final Histogram toComputed = new Histogram(MAX_MS, 3);
  private Histogram interval = new Histogram(MAX_MS, 3);
  private long pendingCount;

  /** A sampled event of {@code memberId} stamped {@code eventTimeMs} was produced. */
  synchronized void sent(long memberId, long eventTimeMs) {
    pending.computeIfAbsent(memberId, m -> new ArrayDeque<>()).addLast(new long[] {eventTimeMs});
    pendingCount++;
  }

  /**
   * A verdict about {@code memberId} covering its events up to {@code verdictEventTimeMs}, computed by the model job at
   * {@code computedAtMs}, was read at {@code seenAtMs}. Returns the event time of the oldest event it covered first, or
   * -1 if it covered none (for the store probe).
   */
  synchronized long verdict(long memberId, long verdictEventTimeMs, long computedAtMs, long seenAtMs) {
    ArrayDeque<long[]> queue = pending.get(memberId);
    long oldest = -1;
    while (queue != null && !queue.isEmpty() && queue.peekFirst()[0] <= verdictEventTimeMs) {
      long eventTime = queue.pollFirst()[0];
      long latency = Math.max(0, Math.min(MAX_MS, seenAtMs - eventTime));
      total.recordValue(latency);
      interval.recordValue(latency);
      toComputed.recordValue(Math.max(0, Math.min(MAX_MS, computedAtMs - eventTime)));
      pendingCount--;
      oldest = oldest < 0 ? eventTime : oldest;
    }
    if (queue != null && queue.isEmpty()) {
      pending.remove(memberId);
    }
    return oldest;
  }

  /** The latencies recorded since the previous call. */
  synchronized Histogram takeInterval() {
    Histogram taken = interval;
    interval = new Histogram(MAX_MS, 3);
    return taken;
  }

  synchronized Histogram total() {
    return total.copy();
  }

  /** Event produced -> verdict computed, for every event {@link #total} holds. */
  synchronized Histogram toComputed() {
    return toComputed.copy();
  }

  /** Sampled events no verdict has covered yet. */
  synchronized long uncovered() {
    return pendingCount;
  }
}
