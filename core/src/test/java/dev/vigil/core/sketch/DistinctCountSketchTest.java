package dev.vigil.core.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistinctCountSketchTest {

  @Test
  void exactBelowK() {
    DistinctCountSketch s = new DistinctCountSketch(64);
    for (int i = 0; i < 63; i++) {
      s.addLong(i);
      s.addLong(i); // duplicates do not count
    }
    assertThat(s.isExact()).isTrue();
    assertThat(s.estimate()).isEqualTo(63.0);
  }

  @Test
  void estimatesLargeCardinalityWithinExpectedError() {
    DistinctCountSketch s = new DistinctCountSketch(256);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      s.addString("target-" + i);
    }
    // Relative standard error ~ 1/sqrt(254) = 6.3%; 4 sigma keeps this deterministic test far from flaky.
    assertThat(s.estimate()).isBetween(n * 0.75, n * 1.25);
    assertThat(s.retained()).isEqualTo(256);
  }

  @Test
  void mergeEqualsSketchOfUnionInAnyOrder() {
    SplittableRandom random = new SplittableRandom(7);
    DistinctCountSketch all = new DistinctCountSketch(32);
    DistinctCountSketch[] parts = {new DistinctCountSketch(32), new DistinctCountSketch(32), new DistinctCountSketch(32)};
    for (int i = 0; i < 5_000; i++) {
      long v = random.nextLong(2_000);
      all.addLong(v);
      parts[random.nextInt(3)].addLong(v);
    }
    DistinctCountSketch forward = new DistinctCountSketch(32);
    forward.merge(parts[0]);
    forward.merge(parts[1]);
    forward.merge(parts[2]);
    DistinctCountSketch backward = new DistinctCountSketch(32);
    backward.merge(parts[2]);
    backward.merge(parts[1]);
    backward.merge(parts[0]);
    assertThat(forward).isEqualTo(all).isEqualTo(backward);
  }

  @Test
  void protoRoundTrip() {
    DistinctCountSketch s = new DistinctCountSketch(16);
    for (int i = 0; i < 100; i++) {
      s.addLong(i);
    }
    assertThat(DistinctCountSketch.fromProto(s.toProto(), 99)).isEqualTo(s);
  }

  @Test
  void rejectsTinyK() {
    assertThatThrownBy(() -> new DistinctCountSketch(1)).hasMessageContaining("at least 2");
  }

  @Test
  void hashesAreStable() {
    // Fixed values: a change here breaks merging with sketches already stored or in flight.
    assertThat(StableHash.ofLong(0)).isEqualTo(0xe220a8397b1dcdafL);
    assertThat(StableHash.ofString("")).isEqualTo(StableHash.ofLong(0xcbf29ce484222325L));
  }

  @Test
  void mergingASmallerSketchShrinksToItsKSoTheUnionIsNeitherUndercountedNorCalledExact() {
    DistinctCountSketch small = new DistinctCountSketch(16);
    for (long v = 0; v < 1_000; v++) {
      small.addLong(v);
    }
    DistinctCountSketch big = new DistinctCountSketch(128);
    big.merge(small);
    assertThat(big.k()).isEqualTo(16);
    assertThat(big.isExact()).isFalse();
    // The k=16 estimate of 1,000 values, not the 16 hashes it retained.
    assertThat(big.estimate()).isEqualTo(small.estimate()).isGreaterThan(300.0);
  }
}
