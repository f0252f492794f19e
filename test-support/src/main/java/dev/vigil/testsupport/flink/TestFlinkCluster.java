package dev.vigil.testsupport.flink;

import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.flink.cluster.FlinkSessionCluster;
import dev.vigil.flink.cluster.JobJar;
import dev.vigil.testsupport.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Flink session cluster for tests: a JobManager and TaskManagers, each a JVM of its own on 127.0.0.1
 * ({@link FlinkSessionCluster}, as {@code vigil flink start} starts it), and jobs submitted to it through the
 * deployable job jar as an operator submits them. The job jar must be built ({@code jobs} before the tests that use
 * this class: a test-scoped dependency on {@code vigil-jobs} orders the reactor).
 */
public final class TestFlinkCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TestFlinkCluster.class);

  private final FlinkSessionCluster cluster;
  private final FlinkRest rest;

  private TestFlinkCluster(FlinkSessionCluster cluster) {
    this.cluster = cluster;
    this.rest = new FlinkRest(cluster.master());
  }

  /** Starts the cluster (REST API on a free port) and returns once every TaskManager has registered. */
  public static TestFlinkCluster start(Path home, int taskManagers, int slotsPerTaskManager, String taskManagerMemory,
      String stateBackend) throws IOException, InterruptedException {
    return new TestFlinkCluster(FlinkSessionCluster.start(
        new FlinkSessionCluster.Settings(home, taskManagers, slotsPerTaskManager, 0, taskManagerMemory, stateBackend),
        step -> LOG.info("flink: {}", step)));
  }

  public FlinkSessionCluster cluster() {
    return cluster;
  }

  public FlinkRest rest() {
    return rest;
  }

  /** {@code host:port} of the REST API: the jobs' {@code --flinkMaster}. */
  public String master() {
    return cluster.master();
  }

  /**
   * Submits {@code job} (filter, model, archive) as {@code vigil filter|model --flinkMaster=...} does: a JVM on the job
   * jar, which submits and exits. Returns the id of the job named {@code jobName} once it runs on the cluster.
   */
  public String submit(String job, String jobName, List<String> args) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(JobJar.command(job, args)).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    if (exit != 0) {
      throw new AssertionError("submitting " + job + " exited with " + exit + ": " + output);
    }
    return Await.present(() -> rest.activeJob(jobName).filter(j -> j.state().equals("RUNNING")).map(FlinkRest.Job::id),
        Duration.ofSeconds(120), Duration.ofMillis(250), () -> jobName + " not RUNNING on the cluster: " + rest.jobs());
  }

  /** Waits until {@code jobId} has restored from a checkpoint (after a failure) and returns the checkpoint's id. */
  public long awaitRestored(String jobId, Duration timeout) throws InterruptedException {
    return Await.present(() -> rest.checkpoints(jobId).restoredFromId(), timeout, Duration.ofMillis(500),
        () -> jobId + " did not restore from a checkpoint: " + rest.checkpoints(jobId));
  }

  @Override
  public void close() throws IOException {
    cluster.stop(Duration.ofSeconds(10));
  }
}
