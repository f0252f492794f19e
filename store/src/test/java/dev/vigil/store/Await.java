package dev.vigil.store;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on a condition with a deadline (tests never sleep to synchronise). */
final class Await {
  private Await() {}

  static void until(BooleanSupplier condition, Duration timeout, Supplier<String> whatWasExpected) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + ": " + whatWasExpected.get());
      }
      Thread.sleep(20);
    }
  }
}
