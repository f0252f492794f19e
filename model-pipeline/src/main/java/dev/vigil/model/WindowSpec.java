package dev.vigil.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.joda.time.Duration;

/**
 * One sliding window of the model pipeline: its length and how often a new one starts, parsed from
 * {@code LENGTH/PERIOD} such as {@code 10m/1m} or {@code 60m/5m} (units s, m, h). Lengths and periods
 * should be multiples of the filter pipeline's window (5 s by default) so that each partial falls wholly
 * inside or outside every window.
 */
public record WindowSpec(Duration length, Duration period) implements Serializable {
  public WindowSpec {
    if (length.getMillis() <= 0 || period.getMillis() <= 0) {
      throw new IllegalArgumentException("window length and period must be positive");
    }
    if (period.isLongerThan(length)) {
      throw new IllegalArgumentException("window period " + period + " is longer than its length " + length);
    }
    if (length.getMillis() % period.getMillis() != 0) {
      throw new IllegalArgumentException("window length " + length + " is not a multiple of its period " + period);
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
      out.add(new WindowSpec(duration(s.substring(0, slash)), duration(s.substring(slash + 1))));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("at least one window is needed");
    }
    return List.copyOf(out);
  }

  private static Duration duration(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.length() < 2) {
      throw new IllegalArgumentException("bad duration '" + text + "': use a number and s, m or h, e.g. 30s");
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, t.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad duration '" + text + "': use a number and s, m or h, e.g. 30s");
    }
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.standardSeconds(n);
      case 'm' -> Duration.standardMinutes(n);
      case 'h' -> Duration.standardHours(n);
      default -> throw new IllegalArgumentException("bad duration '" + text + "': use a number and s, m or h, e.g. 30s");
    };
  }

  /** Short label for step names and logs, e.g. {@code 10m/1m}. */
  public String label() {
    return format(length) + "/" + format(period);
  }

  private static String format(Duration d) {
    long s = d.getStandardSeconds();
    return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
