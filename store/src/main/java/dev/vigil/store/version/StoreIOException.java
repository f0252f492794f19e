package dev.vigil.store.version;

/** RocksDB or the file system failed under the store; the message says which version and what. */
public final class StoreIOException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
