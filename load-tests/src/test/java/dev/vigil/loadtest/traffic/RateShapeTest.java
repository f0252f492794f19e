package dev.vigil.loadtest.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateShapeTest {
  private static final List<RateShape> SHAPES = List.of(
      RateShape.constant(2_000),
      RateShape.constant(0.5),
      RateShape.ramp(0, 10_000, Duration.ofSeconds(30)),
      RateShape.ramp(5_000, 1_000, Duration.ofMillis(7_321)),
      RateShape.spike(1_000, 9_000, Duration.ofSeconds(12), Duration.ofMillis(2_500)),
      RateShape.parse("spike", 4_000, Duration.ofSeconds(60)));

  /**
   * The oracle: the rate summed a millisecond at a time. Piecewise-constant shapes change only on whole
   * milliseconds, so each millisecond's rate at its start is exact; a ramp is continuous and linear, so each
   * millisecond's trapezoid is.
   */
  private static double naiveIntegral(RateShape shape, long toMs) {
    double events = 0;
    for (long ms = 0; ms < toMs; ms++) {
      double rate = shape instanceof RateShape.Ramp ? (shape.rateAt(ms) + shape.rateAt(ms + 1)) / 2 : shape.rateAt(ms);
      events += rate / 1000.0;
    }
    return events;
  }

  @Test
  void eventsDueAreTheIntegralOfTheRate() {
    for (RateShape shape : SHAPES) {
      for (long t : new long[] {0, 1, 999, 1_000, 5_432, 12_000, 13_100, 14_500, 29_999, 30_000, 45_000, 60_000}) {
        assertThat((double) shape.eventsDueBy(t)).as("%s at %d ms", shape, t).isCloseTo(Math.floor(naiveIntegral(shape, t)), within(1.0));
      }
    }
  }

  @Test
  void dueCountsNeverDecrease() {
    for (RateShape shape : SHAPES) {
      long previous = 0;
      for (long t = 0; t <= 61_000; t += 7) {
        long due = shape.eventsDueBy(t);
        assertThat(due).as("%s at %d ms", shape, t).isGreaterThanOrEqualTo(previous);
        previous = due;
      }
    }
  }

  @Test
  void cliShapesReachTheTarget() {
    Duration minute = Duration.ofSeconds(60);
    assertThat(RateShape.parse("constant", 5_000, minute).eventsDueBy(60_000)).isEqualTo(300_000);
    RateShape ramp = RateShape.parse("ramp", 5_000, minute);
    assertThat(ramp.rateAt(0)).isZero();
    assertThat(ramp.rateAt(30_000)).isEqualTo(2_500);
    assertThat(ramp.eventsDueBy(60_000)).isEqualTo(150_000);
    RateShape spike = RateShape.parse(" Spike ", 5_000, minute);
    assertThat(spike.rateAt(26_999)).isEqualTo(2_500);
    assertThat(spike.rateAt(27_000)).isEqualTo(5_000);
    assertThat(spike.rateAt(32_999)).isEqualTo(5_000);
    assertThat(spike.rateAt(33_000)).isEqualTo(2_500);
    assertThat(spike.eventsDueBy(60_000)).isEqualTo(54 * 2_500 + 6 * 5_000);
  }

  @Test
  void badSpecsAreOneLineErrors() {
    assertThatThrownBy(() -> RateShape.parse("square", 100, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown rate shape 'square': expected constant, ramp or spike");
    assertThatThrownBy(() -> RateShape.parse("ramp", 0, Duration.ofSeconds(1))).hasMessage("target rate must be > 0 events/s, got 0");
    assertThatThrownBy(() -> RateShape.parse("ramp", 10, Duration.ZERO)).hasMessage("duration must be positive, got PT0S");
    assertThatThrownBy(() -> RateShape.constant(Double.NaN)).hasMessage("rate must be a finite rate >= 0 events/s, got NaN");
    assertThatThrownBy(() -> RateShape.ramp(0, 1, Duration.ZERO)).hasMessage("a ramp needs a positive duration, got 0 ms");
    assertThatThrownBy(() -> RateShape.spike(1, 2, Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .hasMessageNotContaining("\n").hasMessageStartingWith("a spike needs a start >= 0");
  }
}
