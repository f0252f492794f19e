package dev.vigil.scoring;

/** A model bundle that cannot be used, with a message that says what is wrong and where. */
public final class ModelBundleException extends RuntimeException {
  public ModelBundleException(String message) {
    super(message);
  }

  public ModelBundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
