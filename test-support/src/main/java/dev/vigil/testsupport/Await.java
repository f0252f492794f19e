package dev.vigil.testsupport;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits on a condition with a deadline, polling it (tests never sleep to synchronise). A condition may throw; that
 * fails the wait at once, as it would have failed the test.
 */
public final class Await {
  /** How often a cheap condition is polled: an in-process counter or a state field. */
  public static final Duration OFTEN = Duration.ofMillis(20);

  private Await() {}

  /** A condition that may throw while it is checked (an HTTP request, a file read). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** A probe that may throw; empty until what it looks for is there. */
  @FunctionalInterface
  public interface Probe<T> {
    Optional<T> look() throws Exception;
  }

  /** Polls {@code condition} every 20 ms until it holds; fails naming {@code whatWasExpected} after {@code timeout}. */
  public static void until(Condition condition, Duration timeout, Supplier<String> whatWasExpected) throws InterruptedException {
    until(condition, timeout, OFTEN, whatWasExpected);
  }

  /** As {@link #until(Condition, Duration, Supplier)}, polling every {@code pollEvery} (for conditions that cost a request). */
  public static void until(Condition condition, Duration timeout, Duration pollEvery, Supplier<String> whatWasExpected)
      throws InterruptedException {
    present(() -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty(), timeout, pollEvery, whatWasExpected);
  }

  /** Polls {@code probe} until it finds something and returns that; fails naming {@code whatWasExpected} after {@code timeout}. */
  public static <T> T present(Probe<T> probe, Duration timeout, Duration pollEvery, Supplier<String> whatWasExpected)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> found = look(probe);
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + ": " + whatWasExpected.get());
      }
      Thread.sleep(pollEvery.toMillis()); // polling; what is awaited offers nothing to wait on
    }
  }

  private static <T> Optional<T> look(Probe<T> probe) throws InterruptedException {
    try {
      return probe.look();
    } catch (InterruptedException | RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("checking a condition failed: " + e, e);
    }
  }
}
