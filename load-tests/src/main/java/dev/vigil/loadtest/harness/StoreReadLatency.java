package dev.vigil.loadtest.harness;

import dev.vigil.store.client.BatchGetResponse;
import dev.vigil.store.client.StoredScore;
import dev.vigil.store.client.VigilStoreClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Latency from an event's production to a verdict covering it being readable from the score store, as a service
 * would read it: for a sample of the verdicts {@link VerdictLatency} matched to an event, one thread asks the store
 * (one batch-get for every member it is waiting on, every {@value #POLL_MS} ms) until the stored value's event time
 * reaches the verdict's. A member whose verdict was replaced by a newer one before the poll counts too: the newer
 * value covers the event. At most {@value #MAX_WAITING} members are followed at once; further samples are skipped
 * and counted.
 */
final class StoreReadLatency implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreReadLatency.class);
  static final long POLL_MS = 20;
  static final int MAX_WAITING = 64;
  private static final long MAX_MS = 3_600_000;
  private static final long GIVE_UP_MS = 120_000;

  private record Waiting(long verdictEventTimeMs, long producedAtMs, long followedSinceMs) {}

  private final VigilStoreClient client;
  private final String store;
  private final Map<Long, Waiting> waiting = new HashMap<>();
  private final Histogram total = new Histogram(MAX_MS, 3);
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private long skipped;
  private long gaveUp;

  StoreReadLatency(VigilStoreClient client, String store) {
    this.client = client;
    this.store = store;
    this.thread = new Thread(this::loop, "store-read-latency");
    thread.setDaemon(true);
    thread.start();
  }

  /** Follow {@code memberId} until the store holds a value at or after {@code verdictEventTimeMs}. */
  synchronized void follow(long memberId, long verdictEventTimeMs, long producedAtMs) {
    if (waiting.containsKey(memberId) || waiting.size() >= MAX_WAITING) {
      skipped++;
      return;
    }
    waiting.put(memberId, new Waiting(verdictEventTimeMs, producedAtMs, System.currentTimeMillis()));
  }

  private void loop() {
    while (!closed.get()) {
      List<Long> members;
      synchronized (this) {
        members = new ArrayList<>(waiting.keySet());
      }
      if (!members.isEmpty()) {
        try {
          BatchGetResponse answer = client.batchGet(store, members);
          long now = System.currentTimeMillis();
          synchronized (this) {
            for (Map.Entry<String, StoredScore> e : answer.values().entrySet()) {
              long member = Long.parseLong(e.getKey());
              Waiting w = waiting.get(member);
              if (w != null && e.getValue().eventTimeMs() >= w.verdictEventTimeMs()) {
                total.recordValue(Math.max(0, Math.min(MAX_MS, now - w.producedAtMs())));
                waiting.remove(member);
              }
            }
            int before = waiting.size();
            waiting.values().removeIf(w -> now - w.followedSinceMs() > GIVE_UP_MS);
            gaveUp += before - waiting.size();
          }
        } catch (RuntimeException e) {
          LOG.debug("store read: {}", e.toString()); // the store is starting or stopping: the next poll tries again
        }
      }
      try {
        Thread.sleep(POLL_MS); // the probe's polling period, not a synchronisation
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  synchronized Histogram total() {
    return total.copy();
  }

  /** Samples not followed because the probe was already following {@value #MAX_WAITING} members, or that member. */
  synchronized long skipped() {
    return skipped;
  }

  /** Members whose verdict did not become readable within two minutes of being followed, or by the end of the run. */
  synchronized long neverReadable() {
    return gaveUp + waiting.size();
  }

  @Override
  public void close() throws InterruptedException {
    closed.set(true);
    thread.interrupt();
    thread.join(5_000);
  }
}
