package dev.vigil.replay;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** An event-time period {@code [from, to)} given as ISO-8601 instants. */
public record ReplayPeriod(long fromMs, long toMs) {

  public static ReplayPeriod parse(String from, String to) {
    ReplayPeriod period = new ReplayPeriod(instant("--from", from), instant("--to", to));
    if (period.toMs() <= period.fromMs()) {
      throw new IllegalArgumentException("--to " + to + " must be after --from " + from);
    }
    return period;
  }

  static long instant(String flag, String text) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException(flag + " '" + text + "' is not an ISO-8601 instant (e.g. 2026-11-30T14:00:00Z)");
    }
  }

  public long lengthMs() {
    return toMs - fromMs;
  }

  @Override
  public String toString() {
    return "[" + Instant.ofEpochMilli(fromMs) + ", " + Instant.ofEpochMilli(toMs) + ")";
  }
}
