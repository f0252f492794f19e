package dev.vigil.loadtest.jmh;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.core.nearline.MemberTimelines;
import dev.vigil.core.tiles.MemberTiles;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.core.tiles.WindowSpec;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The model job's per-member state: tiles of the default windows ({@link TileLayout} "1m/30s,10m/1m,60m/5m").
 * {@code timelineUpdate}: {@link HotPathData#BATCH} partials in event-time order into fresh per-member timelines
 * ({@link MemberTimelines} over {@code MemberTimeline}), event time advanced at each new window start, every on-time
 * row with its window features consumed; one operation = one partial. {@code windowFeatures}: one row (every window
 * stitched from tiles, {@link MemberFeatureVector#compute} per window) for each of {@link #MEMBERS} filled members;
 * one operation = one row.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark) // inputs and the filled tiles are only read
public class TileBenchmarks {
  static final int MEMBERS = 64;

  private TileLayout layout;
  private MemberActivityPartial[] partials;
  private MemberTiles[] filled;
  private long asOfMs;

  @Setup
  public void setUp() {
    layout = TileLayout.parse(HotPathData.WINDOWS);
    List<MemberActivityPartial> all = HotPathData.partials(30 * HotPathData.BATCH); // oldest window first
    partials = HotPathData.cycle(all, HotPathData.BATCH).toArray(new MemberActivityPartial[0]);

    Map<Long, MemberTiles> byMember = new LinkedHashMap<>();
    long newest = Long.MIN_VALUE;
    for (MemberActivityPartial p : all) {
      newest = Math.max(newest, p.getWindowStartMs());
    }
    for (MemberActivityPartial p : all) {
      MemberTiles tiles = byMember.get(p.getMemberId());
      if (tiles == null) {
        if (byMember.size() == MEMBERS) {
          continue;
        }
        tiles = new MemberTiles(layout);
        byMember.put(p.getMemberId(), tiles);
      }
      tiles.add(p.getWindowStartMs(), MemberActivityAggregate.fromPartial(p));
    }
    filled = HotPathData.cycle(new ArrayList<>(byMember.values()), MEMBERS).toArray(new MemberTiles[0]);
    asOfMs = layout.boundaryAfter(newest);
  }

  /** Partials into per-member timelines (tile update) and the on-time rows they produce (window features). */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void timelineUpdate(Blackhole bh) {
    MemberTimelines timelines = new MemberTimelines(layout, 0);
    long windowStart = Long.MIN_VALUE;
    for (MemberActivityPartial p : partials) {
      if (p.getWindowStartMs() > windowStart) {
        windowStart = p.getWindowStartMs();
        bh.consume(timelines.advanceTo(windowStart));
      }
      bh.consume(timelines.admit(p));
    }
    bh.consume(timelines.advanceTo(windowStart + layout.finestMs()));
  }

  /** One member's row as of a boundary: every window stitched from tiles, then its feature vector. */
  @Benchmark
  @OperationsPerInvocation(MEMBERS)
  public void windowFeatures(Blackhole bh) {
    List<WindowSpec> specs = layout.windows();
    for (MemberTiles tiles : filled) {
      List<MemberActivityAggregate> windows = tiles.windowsAsOf(asOfMs);
      for (int i = 0; i < specs.size(); i++) {
        long start = asOfMs - specs.get(i).lengthMs();
        bh.consume(MemberFeatureVector.compute(windows.get(i), start, asOfMs));
      }
    }
  }
}
