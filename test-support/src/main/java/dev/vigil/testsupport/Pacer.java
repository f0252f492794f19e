package dev.vigil.testsupport;

import java.util.function.LongPredicate;

/** Live traffic: records sent at a steady rate of wall-clock time, each when it is due. */
public final class Pacer {
  private Pacer() {}

  /**
   * Calls {@code send} until it has sent {@code count} records, at {@code ratePerSecond} from now on. It gets the
   * current time (when the record is due or just after) and says whether it sent one; one it skipped is not counted
   * and the next call comes at once.
   */
  public static void pace(long count, int ratePerSecond, LongPredicate send) throws InterruptedException {
    long started = System.currentTimeMillis();
    for (long i = 0; i < count; ) {
      long due = started + i * 1000 / ratePerSecond;
      long now = System.currentTimeMillis();
      if (now < due) {
        Thread.sleep(due - now); // pacing live traffic, not synchronisation
        continue;
      }
      if (send.test(now)) {
        i++;
      }
    }
  }
}
