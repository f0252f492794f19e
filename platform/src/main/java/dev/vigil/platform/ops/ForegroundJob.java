package dev.vigil.platform.ops;

import dev.vigil.platform.kafka.KafkaConnection;
import dev.vigil.platform.options.KafkaPipelineOptions;
import dev.vigil.platform.runner.StreamingJobDefaults;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.time.Duration;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/**
 * How {@code vigil filter|model|archive} and the job jar run a job: wait for its dependencies, saying what is
 * awaited; then, on the embedded cluster, run it until it ends with a one-line status every
 * {@code --statusIntervalSeconds}; against a cluster master, submit it and return.
 */
public final class ForegroundJob {
  private ForegroundJob() {}

  /** Waits for the Kafka brokers and, for a cluster {@code --flinkMaster}, the Flink master's REST endpoint. */
  private static void awaitDependencies(KafkaPipelineOptions options, KafkaClientSettings kafka) {
    Duration timeout = Duration.ofSeconds(options.getAwaitDependenciesSeconds());
    DependencyWait.await("Kafka at " + options.getBootstrapServers(), () -> DependencyWait.probeKafka(kafka), timeout);
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    if (FlinkRunner.class.equals(options.getRunner()) && StreamingJobDefaults.isClusterMaster(master)) {
      DependencyWait.await("the Flink master at " + master, () -> DependencyWait.probeTcp(master), timeout);
    }
  }

  /**
   * Runs {@code pipeline} after its dependencies answer. On the embedded Flink cluster it prints the web UI's address
   * and the status line ({@code figures} and the lag on {@code inputTopic}) until the job ends.
   */
  public static PipelineResult run(Pipeline pipeline, List<JobStatusLine.Figure> figures, String inputTopic) {
    KafkaPipelineOptions options = pipeline.getOptions().as(KafkaPipelineOptions.class);
    KafkaClientSettings kafka = KafkaConnection.of(options).settingsHere(); // read once: the wait and the lag use it
    awaitDependencies(options, kafka);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    JobStatusLine status = null;
    // The port is known unless the user's own --flinkConfDir configures the embedded cluster.
    if (FlinkRunner.class.equals(options.getRunner()) && "[local]".equals(flink.getFlinkMaster()) && options.getFlinkRestPort() > 0) {
      String rest = options.getFlinkBindAddress() + ":" + options.getFlinkRestPort();
      System.out.printf("%s: Flink web UI at http://%s%n", options.getJobName(), rest);
      if (options.getStatusIntervalSeconds() > 0) {
        status = JobStatusLine.start(options.getJobName(), rest, Duration.ofSeconds(options.getStatusIntervalSeconds()), figures,
            new JobStatusLine.LagSource(kafka, options.getConsumerGroup(), inputTopic));
      }
    }
    try {
      PipelineResult result = pipeline.run();
      if (!StreamingJobDefaults.isClusterMaster(flink.getFlinkMaster())) {
        result.waitUntilFinish();
      }
      return result;
    } finally {
      if (status != null) {
        status.close();
      }
    }
  }
}
