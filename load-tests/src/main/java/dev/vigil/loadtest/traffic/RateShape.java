package dev.vigil.loadtest.traffic;

import java.time.Duration;
import java.util.Locale;

/**
 * A target send rate over a run, in events per second as a function of the time since the run started.
 * {@link #eventsDueBy} is the integral of {@link #rateAt}, in closed form, so producers pace themselves to a
 * cumulative count and a slow moment is made up instead of lost.
 */
public sealed interface RateShape {

  /** Events per second wanted at {@code elapsedMs} after the start (0 before it). */
  double rateAt(long elapsedMs);

  /** Events that should have been sent by {@code elapsedMs}: the integral of the rate from 0, rounded down. */
  long eventsDueBy(long elapsedMs);

  static RateShape constant(double rate) {
    return new Constant(rate);
  }

  /** From {@code fromRate} linearly to {@code toRate} over {@code over}, then {@code toRate}. */
  static RateShape ramp(double fromRate, double toRate, Duration over) {
    return new Ramp(fromRate, toRate, over.toMillis());
  }

  /** {@code baseRate}, but {@code spikeRate} from {@code at} for {@code lasting}. */
  static RateShape spike(double baseRate, double spikeRate, Duration at, Duration lasting) {
    return new Spike(baseRate, spikeRate, at.toMillis(), lasting.toMillis());
  }

  /**
   * A shape from a command-line spec: {@code constant} (the target throughout), {@code ramp} (0 to the target
   * over the duration), {@code spike} (half the target, the full target for the middle 10 % of the duration).
   */
  static RateShape parse(String spec, int targetRate, Duration duration) {
    if (targetRate <= 0) {
      throw new IllegalArgumentException("target rate must be > 0 events/s, got " + targetRate);
    }
    if (duration == null || duration.toMillis() <= 0) {
      throw new IllegalArgumentException("duration must be positive, got " + duration);
    }
    String name = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
    long ms = duration.toMillis();
    return switch (name) {
      case "constant" -> constant(targetRate);
      case "ramp" -> ramp(0, targetRate, duration);
      case "spike" -> new Spike(targetRate / 2.0, targetRate, ms * 45 / 100, Math.max(1, ms / 10));
      default -> throw new IllegalArgumentException("unknown rate shape '" + spec + "': expected constant, ramp or spike");
    };
  }

  private static double requireRate(String what, double rate) {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(what + " must be a finite rate >= 0 events/s, got " + rate);
    }
    return rate;
  }

  /** Events due at {@code ratePerSecond} over {@code ms} milliseconds, as a real number. */
  private static double events(double ratePerSecond, double ms) {
    return ratePerSecond * ms / 1000.0;
  }

  record Constant(double rate) implements RateShape {
    public Constant {
      requireRate("rate", rate);
    }

    @Override
    public double rateAt(long elapsedMs) {
      return elapsedMs < 0 ? 0 : rate;
    }

    @Override
    public long eventsDueBy(long elapsedMs) {
      return elapsedMs <= 0 ? 0 : (long) Math.floor(events(rate, elapsedMs));
    }
  }

  record Ramp(double fromRate, double toRate, long overMs) implements RateShape {
    public Ramp {
      requireRate("ramp start", fromRate);
      requireRate("ramp end", toRate);
      if (overMs <= 0) {
        throw new IllegalArgumentException("a ramp needs a positive duration, got " + overMs + " ms");
      }
    }

    @Override
    public double rateAt(long elapsedMs) {
      if (elapsedMs < 0) {
        return 0;
      }
      return elapsedMs >= overMs ? toRate : fromRate + (toRate - fromRate) * elapsedMs / overMs;
    }

    @Override
    public long eventsDueBy(long elapsedMs) {
      if (elapsedMs <= 0) {
        return 0;
      }
      long inRamp = Math.min(elapsedMs, overMs);
      // The trapezoid under the ramp so far, then the end rate beyond it.
      double ramped = events((fromRate + rateAt(inRamp)) / 2, inRamp);
      return (long) Math.floor(ramped + events(toRate, elapsedMs - inRamp));
    }
  }

  record Spike(double baseRate, double spikeRate, long atMs, long lastingMs) implements RateShape {
    public Spike {
      requireRate("base rate", baseRate);
      requireRate("spike rate", spikeRate);
      if (atMs < 0 || lastingMs <= 0) {
        throw new IllegalArgumentException("a spike needs a start >= 0 and a positive length, got at " + atMs + " ms lasting " + lastingMs + " ms");
      }
    }

    @Override
    public double rateAt(long elapsedMs) {
      if (elapsedMs < 0) {
        return 0;
      }
      return elapsedMs >= atMs && elapsedMs < atMs + lastingMs ? spikeRate : baseRate;
    }

    @Override
    public long eventsDueBy(long elapsedMs) {
      if (elapsedMs <= 0) {
        return 0;
      }
      long inSpike = Math.max(0, Math.min(elapsedMs, atMs + lastingMs) - atMs);
      return (long) Math.floor(events(baseRate, elapsedMs - inSpike) + events(spikeRate, inSpike));
    }
  }
}
