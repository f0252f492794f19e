package dev.vigil.core.tiles;

import java.util.Arrays;
import java.util.List;

/**
 * How a member's activity is cut into event-time tiles, and how a window is stitched from them.
 *
 * <p>Every distinct window period is one tile level (1m/30s, 10m/1m, 60m/5m give levels of 30 s, 1 min and
 * 5 min); each level's size divides the next one's. A member's window of length {@code L} as of a boundary
 * {@code E} (a multiple of the finest level) is exactly {@code [E - L, E)}, covered greedily from its start
 * by the largest aligned tile that fits: coarse tiles in the middle, finer ones at the edges, as in
 * Flink SQL's window slicing. A partial updates one tile per level; a window costs a few dozen merges
 * when it is read, instead of the runner keeping {@code L / period} overlapping windows per length.
 */
public final class TileLayout implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final List<WindowSpec> windows;
  private final long[] levelsMs;
  private final long maxLengthMs;

  public TileLayout(List<WindowSpec> windows) {
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("at least one window is needed");
    }
    this.windows = List.copyOf(windows);
    this.levelsMs = windows.stream().mapToLong(WindowSpec::periodMs).distinct().sorted().toArray();
    for (int i = 1; i < levelsMs.length; i++) {
      if (levelsMs[i] % levelsMs[i - 1] != 0) {
        throw new IllegalArgumentException("window periods must each divide the next larger one: "
            + WindowSpec.format(levelsMs[i - 1]) + " does not divide " + WindowSpec.format(levelsMs[i]));
      }
    }
    this.maxLengthMs = windows.stream().mapToLong(WindowSpec::lengthMs).max().orElseThrow();
  }

  public static TileLayout parse(String specs) {
    return new TileLayout(WindowSpec.parseList(specs));
  }

  public List<WindowSpec> windows() {
    return windows;
  }

  /** Tile sizes, ascending. */
  public long[] levelsMs() {
    return levelsMs.clone();
  }

  public int levelCount() {
    return levelsMs.length;
  }

  public long levelMs(int level) {
    return levelsMs[level];
  }

  /** Size of the finest tiles: windows end on multiples of it. */
  public long finestMs() {
    return levelsMs[0];
  }

  public long maxLengthMs() {
    return maxLengthMs;
  }

  /** Start of the tile of {@code level} that holds {@code timeMs}. */
  public long tileStart(int level, long timeMs) {
    return timeMs - Math.floorMod(timeMs, levelsMs[level]);
  }

  /** The boundary a time belongs to: the end of the finest tile that holds it. */
  public long boundaryAfter(long timeMs) {
    return tileStart(0, timeMs) + levelsMs[0];
  }

  /** Receives the tiles that cover a range. */
  @FunctionalInterface
  public interface TileVisitor {
    void visit(int level, long tileStartMs);
  }

  /**
   * Visits tiles that exactly cover {@code [fromMs, toMs)}, both multiples of the finest size: at each
   * position the largest tile aligned there that does not pass {@code toMs}.
   */
  public void cover(long fromMs, long toMs, TileVisitor visitor) {
    if (Math.floorMod(fromMs, levelsMs[0]) != 0 || Math.floorMod(toMs, levelsMs[0]) != 0) {
      throw new IllegalArgumentException("range [" + fromMs + ", " + toMs + ") is not aligned to " + levelsMs[0] + " ms tiles");
    }
    long t = fromMs;
    while (t < toMs) {
      int level = levelsMs.length - 1;
      while (level > 0 && (Math.floorMod(t, levelsMs[level]) != 0 || t + levelsMs[level] > toMs)) {
        level--;
      }
      visitor.visit(level, t);
      t += levelsMs[level];
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TileLayout other && other.windows.equals(windows);
  }

  @Override
  public int hashCode() {
    return windows.hashCode();
  }

  @Override
  public String toString() {
    return "TileLayout" + windows.stream().map(WindowSpec::label).toList() + " levels " + Arrays.toString(levelsMs);
  }
}
