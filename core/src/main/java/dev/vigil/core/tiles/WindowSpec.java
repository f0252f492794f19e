package dev.vigil.core.tiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One window length the model scores, and the tile size it is built from, parsed from
 * {@code LENGTH/PERIOD} such as {@code 10m/1m} or {@code 60m/5m} (units s, m, h). The period is the size
 * of the event-time tiles that hold the member's activity for this length; windows themselves always end
 * at the member's latest activity (see {@link TileLayout}).
 */
public record WindowSpec(long lengthMs, long periodMs) implements java.io.Serializable {
  public WindowSpec {
    if (lengthMs <= 0 || periodMs <= 0) {
      throw new IllegalArgumentException("window length and period must be positive");
    }
    if (periodMs > lengthMs) {
      throw new IllegalArgumentException("window period " + format(periodMs) + " is longer than its length " + format(lengthMs));
    }
    if (lengthMs % periodMs != 0) {
      throw new IllegalArgumentException("window length " + format(lengthMs) + " is not a multiple of its period " + format(periodMs));
    }
  }

  /** Parses a comma-separated list such as {@code 1m/30s,10m/1m,60m/5m}. */
  public static List<WindowSpec> parseList(String specs) {
    List<WindowSpec> out = new ArrayList<>();
    for (String spec : specs.split(",")) {
      String s = spec.strip();
      int slash = s.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("window '" + s + "' must be LENGTH/PERIOD, e.g. 10m/1m");
      }
      out.add(new WindowSpec(durationMs(s.substring(0, slash)), durationMs(s.substring(slash + 1))));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("at least one window is needed");
    }
    return List.copyOf(out);
  }

  private static long durationMs(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    String hint = "bad duration '" + text + "': use a number and s, m or h, e.g. 30s";
    if (t.length() < 2) {
      throw new IllegalArgumentException(hint);
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, t.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(hint);
    }
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> n * 1_000L;
      case 'm' -> n * 60_000L;
      case 'h' -> n * 3_600_000L;
      default -> throw new IllegalArgumentException(hint);
    };
  }

  /** Short label for logs and reports, e.g. {@code 10m/1m}. */
  public String label() {
    return format(lengthMs) + "/" + format(periodMs);
  }

  static String format(long ms) {
    if (ms % 1_000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1_000;
    return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
