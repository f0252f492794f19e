package dev.vigil.core.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TileLayoutTest {
  private static final TileLayout LAYOUT = TileLayout.parse("1m/30s,10m/1m,60m/5m");

  @Test
  void levelsAreTheDistinctPeriodsAscending() {
    assertThat(LAYOUT.levelsMs()).containsExactly(30_000L, 60_000L, 300_000L);
    assertThat(LAYOUT.finestMs()).isEqualTo(30_000L);
    assertThat(LAYOUT.maxLengthMs()).isEqualTo(3_600_000L);
    assertThat(LAYOUT.boundaryAfter(30_000L)).isEqualTo(60_000L);
    assertThat(LAYOUT.boundaryAfter(29_999L)).isEqualTo(30_000L);
    assertThat(LAYOUT.boundaryAfter(-1L)).isZero();
  }

  @Test
  void coverTilesTheRangeExactlyWithoutGapsOrOverlap() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      long from = (random.nextInt(2_000) - 1_000) * 30_000L;
      long to = from + random.nextInt(200) * 30_000L;
      List<long[]> tiles = new ArrayList<>();
      LAYOUT.cover(from, to, (level, start) -> tiles.add(new long[] {start, start + LAYOUT.levelMs(level), level}));
      long next = from;
      for (long[] t : tiles) {
        assertThat(t[0]).isEqualTo(next);
        assertThat(Math.floorMod(t[0], LAYOUT.levelMs((int) t[2]))).as("aligned").isZero();
        next = t[1];
      }
      assertThat(next).isEqualTo(to);
      // Greedy from the left: never more than (next level / level - 1) tiles of a level at each edge.
      assertThat(tiles.size()).isLessThanOrEqualTo(1 + 4 + (int) ((to - from) / 300_000L) + 4 + 1);
    }
  }

  @Test
  void anHourAsOfAFiveMinuteBoundaryIsTwelveCoarseTiles() {
    List<Integer> levels = new ArrayList<>();
    LAYOUT.cover(0, 3_600_000L, (level, start) -> levels.add(level));
    assertThat(levels).hasSize(12).containsOnly(2);
  }

  @Test
  void rejectsPeriodsThatDoNotNestAndMisalignedRanges() {
    assertThatThrownBy(() -> TileLayout.parse("1m/20s,10m/30s"))
        .hasMessage("window periods must each divide the next larger one: 20s does not divide 30s");
    assertThatThrownBy(() -> LAYOUT.cover(1, 60_000, (l, s) -> {})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WindowSpec.parseList("10m/3m")).hasMessage("window length 10m is not a multiple of its period 3m");
    assertThatThrownBy(() -> WindowSpec.parseList("10x/1m")).hasMessageStartingWith("bad duration '10x'");
  }
}
