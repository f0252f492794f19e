package dev.vigil.store.client;

/** The server answered with an error status, or could not be reached. */
public final class StoreClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public StoreClientException(int status, String message) {
    super(message);
    this.status = status;
  }

  public StoreClientException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** HTTP status, or 0 when there was no answer. */
  public int status() {
    return status;
  }
}
