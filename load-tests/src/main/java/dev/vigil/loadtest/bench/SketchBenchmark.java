package dev.vigil.loadtest.bench;

import dev.vigil.core.sketch.DistinctCountSketch;
import dev.vigil.core.sketch.StableHash;
import dev.vigil.schemas.v1.DistinctSketch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.theta.CompactSketch;
import org.apache.datasketches.theta.SetOperation;
import org.apache.datasketches.theta.Union;
import org.apache.datasketches.theta.UpdateSketch;

/**
 * Core's KMV distinct-count sketch against Apache DataSketches' Theta sketch on the model job's work:
 * each tile's sketch arrives serialized in a partial, and a window's distinct count is the union of the
 * sketches of the tiles that cover it. Both sketches keep k = 128 hashes (the same relative error, about
 * 9 %). For each side: tile sketches built from the same values, then many windows of consecutive tiles
 * merged and estimated twice: from decoded sketches (the model job's tiles live decoded in state) and
 * from serialized ones (a partial's wire form, or state restored from a checkpoint). Sides alternate (KMV, Theta, KMV, Theta...) after a warm-up round; the
 * estimates are checked against the exact distinct counts of the same windows.
 *
 * <p>Run: {@code ./vigil bench sketches [--tiles 2000] [--window-tiles 25] [--rounds 3]}.
 */
public final class SketchBenchmark {
  private static final int K = 128;

  private SketchBenchmark() {}

  /** What one side measured. */
  record Result(String side, long windows, double heapSeconds, double wireSeconds, double meanAbsRelativeError, double bytesPerTile) {
    String describe(String label) {
      return String.format("%-18s %,10.0f windows/s merging decoded sketches, %,10.0f windows/s from serialized ones,"
              + " mean |relative error| %.4f, %,.0f bytes per tile sketch",
          label, windows / heapSeconds, windows / wireSeconds, meanAbsRelativeError, bytesPerTile);
    }
  }

  public static void run(int tiles, int windowTiles, int rounds) {
    if (tiles < windowTiles || windowTiles < 1) {
      throw new IllegalArgumentException("--tiles must be >= --window-tiles >= 1");
    }
    SplittableRandom random = new SplittableRandom(42);
    // A tile's distinct values: mostly a few (normal members), sometimes hundreds (a scraper's targets);
    // consecutive tiles share part of their values, as a member's targets repeat.
    List<long[]> values = new ArrayList<>(tiles);
    long next = 0;
    for (int t = 0; t < tiles; t++) {
      int n = random.nextInt(10) == 0 ? 100 + random.nextInt(400) : 1 + random.nextInt(20);
      long[] v = new long[n];
      for (int i = 0; i < n; i++) {
        v[i] = random.nextInt(3) == 0 && next > 50 ? next - 1 - random.nextInt(50) : next++;
      }
      values.add(v);
    }
    double[] exact = new double[tiles - windowTiles + 1];
    for (int w = 0; w < exact.length; w++) {
      Set<Long> union = new HashSet<>();
      for (int t = w; t < w + windowTiles; t++) {
        for (long x : values.get(t)) {
          union.add(x);
        }
      }
      exact[w] = union.size();
    }
    System.out.printf("%,d tile sketches (k = %d), windows of %d consecutive tiles: %,d windows per pass%n", tiles, K, windowTiles,
        exact.length);
    for (int round = 0; round <= rounds; round++) {
      for (String side : List.of("kmv", "theta")) {
        Result r = side.equals("kmv") ? kmv(values, windowTiles, exact) : theta(values, windowTiles, exact);
        System.out.println(r.describe(round == 0 ? side + " (warm-up)" : side + " round " + round));
      }
    }
  }

  private static Result kmv(List<long[]> values, int windowTiles, double[] exact) {
    List<byte[]> wire = new ArrayList<>();
    List<DistinctCountSketch> heap = new ArrayList<>();
    long bytes = 0;
    for (long[] v : values) {
      DistinctCountSketch s = new DistinctCountSketch(K);
      for (long x : v) {
        s.addLong(x);
      }
      byte[] b = s.toProto().toByteArray();
      bytes += b.length;
      wire.add(b);
      heap.add(s);
    }
    long h0 = System.nanoTime();
    double heapCheck = 0;
    for (int w = 0; w < exact.length; w++) {
      DistinctCountSketch union = new DistinctCountSketch(K);
      for (int t = w; t < w + windowTiles; t++) {
        union.merge(heap.get(t));
      }
      heapCheck += union.estimate();
    }
    double heapSeconds = (System.nanoTime() - h0) / 1e9;
    long t0 = System.nanoTime();
    double error = 0;
    for (int w = 0; w < exact.length; w++) {
      DistinctCountSketch union = new DistinctCountSketch(K);
      for (int t = w; t < w + windowTiles; t++) {
        try {
          union.merge(DistinctCountSketch.fromProto(DistinctSketch.parseFrom(wire.get(t)), K));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new IllegalStateException(e);
        }
      }
      error += Math.abs(union.estimate() - exact[w]) / exact[w];
    }
    double wireSeconds = (System.nanoTime() - t0) / 1e9;
    checkSame(heapCheck, error, exact);
    return new Result("kmv", exact.length, heapSeconds, wireSeconds, error / exact.length, bytes / (double) values.size());
  }

  private static Result theta(List<long[]> values, int windowTiles, double[] exact) {
    List<byte[]> wire = new ArrayList<>();
    List<CompactSketch> heap = new ArrayList<>();
    long bytes = 0;
    for (long[] v : values) {
      UpdateSketch s = UpdateSketch.builder().setNominalEntries(K).build();
      for (long x : v) {
        s.update(StableHash.ofLong(x));
      }
      CompactSketch c = s.compact();
      byte[] b = c.toByteArray();
      bytes += b.length;
      wire.add(b);
      heap.add(c);
    }
    long h0 = System.nanoTime();
    double heapCheck = 0;
    for (int w = 0; w < exact.length; w++) {
      Union union = SetOperation.builder().setNominalEntries(K).buildUnion();
      for (int t = w; t < w + windowTiles; t++) {
        union.union(heap.get(t));
      }
      heapCheck += union.getResult().getEstimate();
    }
    double heapSeconds = (System.nanoTime() - h0) / 1e9;
    long t0 = System.nanoTime();
    double error = 0;
    for (int w = 0; w < exact.length; w++) {
      Union union = SetOperation.builder().setNominalEntries(K).buildUnion();
      for (int t = w; t < w + windowTiles; t++) {
        union.union(CompactSketch.wrap(Memory.wrap(wire.get(t))));
      }
      error += Math.abs(union.getResult().getEstimate() - exact[w]) / exact[w];
    }
    double wireSeconds = (System.nanoTime() - t0) / 1e9;
    checkSame(heapCheck, error, exact);
    return new Result("theta", exact.length, heapSeconds, wireSeconds, error / exact.length, bytes / (double) values.size());
  }

  /** Keeps the decoded pass's result alive (and sane) so the JIT cannot drop it. */
  private static void checkSame(double heapEstimates, double wireError, double[] exact) {
    if (!(heapEstimates > 0) || Double.isNaN(wireError)) {
      throw new IllegalStateException("no estimates: " + heapEstimates + " / " + wireError + " over " + exact.length + " windows");
    }
  }
}
