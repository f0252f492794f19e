package dev.vigil.core.console;

/**
 * One progress line for long-running commands: rewritten in place on a terminal at most once a second;
 * when output is not a terminal (CI logs, pipes), printed as ordinary lines at the same pace.
 */
public final class ProgressLine {
  private static long lastNanos;

  private ProgressLine() {}

  public static void show(String line) {
    show(() -> line);
  }

  /** As {@link #show(String)}, building the line only when it is due: cheap enough to call per record. */
  public static synchronized void show(java.util.function.Supplier<String> line) {
    long now = System.nanoTime();
    if (lastNanos != 0 && now - lastNanos < 1_000_000_000L) {
      return;
    }
    lastNanos = now;
    if (System.console() != null) {
      System.out.print("\r" + line.get() + "\u001b[K");
      System.out.flush();
    } else {
      System.out.println(line.get());
    }
  }

  /** Clears the line so the next output starts clean. */
  public static synchronized void done() {
    if (System.console() != null && lastNanos != 0) {
      System.out.print("\r\u001b[K");
      System.out.flush();
    }
    lastNanos = 0;
  }
}
