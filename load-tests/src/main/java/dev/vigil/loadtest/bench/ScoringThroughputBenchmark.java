package dev.vigil.loadtest.bench;

import dev.vigil.loadtest.training.LabelledFeatureRows;
import dev.vigil.scoring.BundleScorer;
import dev.vigil.scoring.ModelBundle;
import dev.vigil.scoring.ModelDirectory;
import dev.vigil.scoring.TrainingRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Rows scored per second on one thread through the project's scorer (the shipped bundle, DJL XGBoost),
 * at several batch sizes, on real feature rows from the synthetic traffic. Each size is warmed up first
 * and then timed over a fixed number of rows.
 */
public final class ScoringThroughputBenchmark {
  private ScoringThroughputBenchmark() {}

  public static void run(List<Integer> batchSizes, int rowsPerSize) throws Exception {
    List<TrainingRow> rows = LabelledFeatureRows.generate(new LabelledFeatureRows.Settings(3, 500, 0.02, 200, 10,
        "1m/30s,10m/1m"));
    Path dir = ModelDirectory.extractDefaultBundle(Files.createTempDirectory("vigil-bench-bundle"));
    try (BundleScorer scorer = ModelBundle.load(dir).newScorer()) {
      String omp = System.getenv("OMP_NUM_THREADS");
      System.out.printf("scoring %s, %,d distinct feature rows, 1 calling thread, OMP_NUM_THREADS=%s%n", scorer.bundle(), rows.size(),
          omp == null ? "(unset: XGBoost may use every core)" : omp);
      for (int batch : batchSizes) {
        float[][][] batches = new float[Math.max(1, rowsPerSize / batch)][batch][];
        for (int b = 0; b < batches.length; b++) {
          for (int i = 0; i < batch; i++) {
            batches[b][i] = rows.get((b * batch + i) % rows.size()).features();
          }
        }
        for (int b = 0; b < Math.min(batches.length, 200); b++) {
          scorer.score(batches[b]); // warm-up
        }
        long cpu0 = BenchSupport.cpuNanos();
        long t0 = System.nanoTime();
        double checksum = 0;
        for (float[][] b : batches) {
          checksum += scorer.score(b)[0];
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (BenchSupport.cpuNanos() - cpu0) / 1e9;
        long scored = (long) batches.length * batch;
        // CPU over wall says how many cores the scorer really used, whatever the thread count claims.
        System.out.printf("  batch %5d: %,12.0f rows/s, %,12.0f rows per CPU-second (%,d rows in %.2f s, %.2f cores busy; checksum %.3f)%n",
            batch, scored / seconds, scored / cpuSeconds, scored, seconds, cpuSeconds / seconds, checksum);
      }
    }
  }
}
