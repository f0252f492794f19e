package dev.vigil.core.tiles;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One member's activity held as mergeable aggregates of fixed event-time tiles, one map of tiles per
 * level of a {@link TileLayout}. Adding a partial updates one tile per level; reading a window merges the
 * tiles that cover it. Tiles are keyed by their start; a partial belongs to the tiles that hold its
 * event time (the start of its short window).
 */
public final class MemberTiles {
  private final TileLayout layout;
  private final List<TreeMap<Long, MemberActivityAggregate>> levels;

  public MemberTiles(TileLayout layout) {
    this.layout = layout;
    this.levels = new ArrayList<>(layout.levelCount());
    for (int i = 0; i < layout.levelCount(); i++) {
      levels.add(new TreeMap<>());
    }
  }

  public TileLayout layout() {
    return layout;
  }

  /** Adds activity observed at {@code eventTimeMs} to the tile of every level that holds that time. */
  public void add(long eventTimeMs, MemberActivityAggregate activity) {
    for (int level = 0; level < levels.size(); level++) {
      levels.get(level).computeIfAbsent(layout.tileStart(level, eventTimeMs), start -> MemberActivityAggregate.mergeTarget())
          .merge(activity);
    }
  }

  /** Puts a stored tile back (state restore); the tile must not exist yet. */
  public void restoreTile(int level, long startMs, MemberActivityAggregate activity) {
    if (levels.get(level).putIfAbsent(startMs, activity) != null) {
      throw new IllegalArgumentException("tile " + level + "@" + startMs + " restored twice");
    }
  }

  /** Activity in {@code [fromMs, toMs)}, both multiples of the finest tile size. */
  public MemberActivityAggregate range(long fromMs, long toMs) {
    MemberActivityAggregate merged = MemberActivityAggregate.mergeTarget();
    layout.cover(fromMs, toMs, (level, start) -> {
      MemberActivityAggregate tile = levels.get(level).get(start);
      if (tile != null) {
        merged.merge(tile);
      }
    });
    return merged;
  }

  /** The activity of every window of the layout as of {@code asOfMs} (a finest-tile boundary), in window order. */
  public List<MemberActivityAggregate> windowsAsOf(long asOfMs) {
    List<MemberActivityAggregate> out = new ArrayList<>(layout.windows().size());
    for (WindowSpec w : layout.windows()) {
      out.add(range(asOfMs - w.lengthMs(), asOfMs));
    }
    return out;
  }

  /** Drops every tile that ends at or before {@code timeMs}. */
  public void evictEndingBy(long timeMs) {
    for (int level = 0; level < levels.size(); level++) {
      long size = layout.levelMs(level);
      Iterator<Long> starts = levels.get(level).keySet().iterator();
      while (starts.hasNext() && starts.next() + size <= timeMs) {
        starts.remove();
      }
    }
  }

  public int tileCount() {
    return levels.stream().mapToInt(TreeMap::size).sum();
  }

  /** Receives stored tiles, level by level in start order. */
  @FunctionalInterface
  public interface TileConsumer {
    void accept(int level, long startMs, MemberActivityAggregate activity);
  }

  public void forEachTile(TileConsumer consumer) {
    for (int level = 0; level < levels.size(); level++) {
      for (Map.Entry<Long, MemberActivityAggregate> e : levels.get(level).entrySet()) {
        consumer.accept(level, e.getKey(), e.getValue());
      }
    }
  }
}
