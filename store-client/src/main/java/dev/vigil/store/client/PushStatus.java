package dev.vigil.store.client;

/**
 * Progress of one push.
 *
 * @param phase BUILDING, REWINDING, SWAPPING, ONLINE or FAILED
 * @param rowsRead input rows read so far
 * @param rowsWritten distinct keys written to the new version's files
 * @param replayed real-time records replayed on top during the rewind
 * @param error why it failed, or null
 */
public record PushStatus(String store, int version, String phase, long rowsRead, long rowsWritten, long replayed, String error) {
  public boolean finished() {
    return "ONLINE".equals(phase) || "FAILED".equals(phase);
  }
}
