package dev.vigil.store.push;

import dev.vigil.store.client.PushStatus;
import java.util.concurrent.atomic.LongAdder;

/** A push's progress, updated by the push thread and read by status requests. */
public final class PushProgress {
  public enum Phase { BUILDING, REWINDING, SWAPPING, ONLINE, FAILED }

  private final String store;
  private final int version;
  private volatile Phase phase = Phase.BUILDING;
  private volatile String error;
  final LongAdder rowsRead = new LongAdder();
  volatile long rowsWritten;
  final LongAdder replayed = new LongAdder();

  public PushProgress(String store, int version) {
    this.store = store;
    this.version = version;
  }

  public int version() {
    return version;
  }

  public Phase phase() {
    return phase;
  }

  public long rowsWritten() {
    return rowsWritten;
  }

  public void phase(Phase next) {
    phase = next;
  }

  public void fail(String why) {
    error = why;
    phase = Phase.FAILED;
  }

  public boolean running() {
    return phase != Phase.ONLINE && phase != Phase.FAILED;
  }

  public PushStatus toApi() {
    return new PushStatus(store, version, phase.name(), rowsRead.sum(), rowsWritten, replayed.sum(), error);
  }
}
