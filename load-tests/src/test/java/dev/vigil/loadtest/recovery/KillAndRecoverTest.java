package dev.vigil.loadtest.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.loadtest.support.ClusterRun;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mid-stream, the TaskManager running the filter job is killed with SIGKILL. The job must recover from its
 * last checkpoint; every event is then counted exactly once in the partials the model job takes in (records
 * sent again after the recovery are identical copies, which the model job refuses by identity), and the
 * final verdicts equal those of an uninterrupted run.
 */
@Tag("slow")
class KillAndRecoverTest {
  private static final Logger LOG = LoggerFactory.getLogger(KillAndRecoverTest.class);
  private static final int EVENTS = 16_000;
  private static final int RATE = 400; // 40 s of traffic

  @Test
  void aKilledTaskManagerLosesNoEventAndCountsNoneTwice(@TempDir Path dir) throws Exception {
    try (ClusterRun run = ClusterRun.start(dir)) {
      String filter = run.submitFilter();
      run.submitModel();
      FlinkRest rest = run.rest();
      long[] killedAt = {0};
      run.sendLive(new SyntheticActivityGenerator(31, 200, 0.06), EVENTS, RATE, () -> {
        if (killedAt[0] == 0 && run.sent() >= EVENTS * 2 / 5 && rest.checkpoints(filter).completed() >= 2) {
          List<String> taskManagers = rest.taskManagersOfFirstVertex(filter);
          LOG.info("killing {} (runs vigil-filter) with SIGKILL after {} events", taskManagers, run.sent());
          try {
            run.cluster().taskManagers().get(taskManagers.get(0)).destroyForcibly();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          killedAt[0] = System.nanoTime();
        }
      });
      assertThat(killedAt[0]).as("a TaskManager was killed mid-stream").isPositive();
      Optional<Long> restored = awaitRestored(rest, filter, Duration.ofSeconds(120));
      LOG.info("vigil-filter restored from checkpoint {} {} s after the kill", restored.orElseThrow(),
          (System.nanoTime() - killedAt[0]) / 1_000_000_000);
      run.awaitEveryEventCountedOnce();
      run.assertVerdictsEqualAnUninterruptedRun();
    }
  }

  private static Optional<Long> awaitRestored(FlinkRest rest, String job, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Long> restored = rest.checkpoints(job).restoredFromId();
      if (restored.isPresent()) {
        return restored;
      }
      Thread.sleep(500); // polling the REST API
    }
    throw new AssertionError("vigil-filter did not restore from a checkpoint within " + timeout + ": " + rest.checkpoints(job));
  }
}
