package dev.vigil.core.console;

/**
 * A failure the user can act on (a port in use, a cluster already running, an artifact not built): the CLI
 * prints its message as one line on stderr and exits 1, without a stack trace.
 */
public final class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CommandFailure(String message) {
    super(message);
  }

  public CommandFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
