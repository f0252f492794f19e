package dev.vigil.loadtest.jmh;

import dev.vigil.loadtest.training.LabelledFeatureRows;
import dev.vigil.scoring.BundleScorer;
import dev.vigil.scoring.ModelBundle;
import dev.vigil.scoring.ModelDirectory;
import dev.vigil.scoring.TrainingRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Batch scoring through the project's scorer ({@link BundleScorer}, the shipped default bundle, DJL XGBoost) on
 * real feature rows of synthetic traffic, at batch sizes 1, 64 and 1,024; one operation = one row scored.
 * Set OMP_NUM_THREADS=1 (the vigil script does) or XGBoost spreads a batch over every core.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread) // a DJL Predictor is not thread-safe: one scorer per benchmark thread
public class ScoringBenchmarks {
  private static final int BATCHES = 64;

  private Path bundleDir;
  private BundleScorer scorer;
  private float[][][] batch1;
  private float[][][] batch64;
  private float[][][] batch1024;
  private int next;

  @Setup
  public void setUp() throws IOException {
    List<TrainingRow> rows = LabelledFeatureRows.generate(new LabelledFeatureRows.Settings(3, 500, 0.02, 200, 5, HotPathData.WINDOWS));
    bundleDir = ModelDirectory.extractDefaultBundle(Files.createTempDirectory("vigil-jmh-bundle"));
    scorer = ModelBundle.load(bundleDir).newScorer();
    batch1 = batches(rows, 1);
    batch64 = batches(rows, 64);
    batch1024 = batches(rows, 1024);
  }

  private static float[][][] batches(List<TrainingRow> rows, int size) {
    float[][][] batches = new float[BATCHES][size][];
    for (int b = 0; b < BATCHES; b++) {
      for (int i = 0; i < size; i++) {
        batches[b][i] = rows.get((b * size + i) % rows.size()).features();
      }
    }
    return batches;
  }

  @TearDown
  public void tearDown() throws IOException {
    scorer.close();
    try (Stream<Path> files = Files.walk(bundleDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private float[][] nextOf(float[][][] batches) {
    next = (next + 1) % BATCHES;
    return batches[next];
  }

  @Benchmark
  @OperationsPerInvocation(1)
  public float[] scoreBatch1() {
    return scorer.score(nextOf(batch1));
  }

  @Benchmark
  @OperationsPerInvocation(64)
  public float[] scoreBatch64() {
    return scorer.score(nextOf(batch64));
  }

  @Benchmark
  @OperationsPerInvocation(1024)
  public float[] scoreBatch1024() {
    return scorer.score(nextOf(batch1024));
  }
}
