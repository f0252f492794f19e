package dev.vigil.loadtest.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.loadtest.support.ClusterRun;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.schemas.v1.AbuseScore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade: both jobs are stopped with a savepoint mid-stream and started again from it with other
 * (state-compatible) settings, as a new build would be. Windows open at the stop (the filter's short windows,
 * the model job's member timelines) must complete after it: every event counted once, and every verdict,
 * including those whose windows span the stop, equal to an uninterrupted run's.
 */
@Tag("slow")
class SavepointUpgradeTest {
  private static final int EVENTS = 12_000;
  private static final int RATE = 400;

  @Test
  void windowStateSurvivesAStopWithSavepointAndARestartFromIt(@TempDir Path dir) throws Exception {
    try (ClusterRun run = ClusterRun.start(dir)) {
      FlinkRest rest = run.rest();
      String filter = run.submitFilter();
      String model = run.submitModel();
      SyntheticActivityGenerator generator = new SyntheticActivityGenerator(37, 200, 0.06);
      run.sendLive(generator, EVENTS / 2, RATE, () -> { });
      String filterSavepoint = rest.stopWithSavepoint(filter, dir.resolve("savepoints").toUri().toString(), Duration.ofSeconds(60));
      String modelSavepoint = rest.stopWithSavepoint(model, dir.resolve("savepoints").toUri().toString(), Duration.ofSeconds(60));
      long stoppedAt = System.currentTimeMillis();

      run.submitFilter("--fromSavepoint=" + filterSavepoint, "--lateFiringDelayMs=1500");
      run.submitModel("--fromSavepoint=" + modelSavepoint, "--earlyFiringDelayMs=1500");
      run.sendLive(generator, EVENTS - EVENTS / 2, RATE, () -> { });

      run.awaitEveryEventCountedOnce();
      Map<String, AbuseScore> verdicts = run.assertVerdictsEqualAnUninterruptedRun();
      long spanning = verdicts.values().stream()
          .filter(v -> v.getAsOfMs() > stoppedAt && v.getAsOfMs() - Duration.ofMinutes(1).toMillis() < stoppedAt).count();
      assertThat(spanning).as("verdicts whose 1 min window spans the stop").isPositive();
    }
  }
}
