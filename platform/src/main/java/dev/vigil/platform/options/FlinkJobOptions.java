package dev.vigil.platform.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Vigil's own Flink flags, beside Beam's {@code FlinkPipelineOptions} (whose {@code --checkpointingInterval},
 * {@code --stateBackend}, {@code --stateBackendStoragePath} and {@code --savepointPath} keep their meaning;
 * see {@code StreamingJobDefaults} for the values a Vigil job starts with).
 */
public interface FlinkJobOptions extends PipelineOptions {

  @Description("Start the job from this savepoint or retained checkpoint directory (Flink); the same as Beam's"
      + " --savepointPath")
  String getFromSavepoint();

  void setFromSavepoint(String value);

  @Description("Address the embedded Flink cluster's REST endpoint, blob server and RPC bind to (--flinkMaster=[local]"
      + " only; a session cluster has its own configuration). 0.0.0.0 exposes the job's REST API, which can cancel it")
  @Default.String("127.0.0.1")
  String getFlinkBindAddress();

  void setFlinkBindAddress(String value);

  @Description("Hold outputs whose replay would double-count downstream (the filter's partials) until the checkpoint"
      + " that covers them completes, so a recovery re-sends only identical records, which consumers drop by their"
      + " identity. Costs up to one --checkpointingInterval of latency; false gives at-least-once partials")
  @Default.Boolean(true)
  Boolean getHoldOutputsUntilCheckpoint();

  void setHoldOutputsUntilCheckpoint(Boolean value);

  @Description("Port of the embedded Flink cluster's REST API and web UI (--flinkMaster=[local] only); 0 picks a free port,"
      + " which the job prints when it starts")
  @Default.Integer(0)
  Integer getFlinkRestPort();

  void setFlinkRestPort(Integer value);

  @Description("A job run in the foreground on the embedded cluster prints a one-line status (state, counters and rates, last"
      + " checkpoint, consumer lag) this often; 0 turns it off")
  @Default.Integer(10)
  Integer getStatusIntervalSeconds();

  void setStatusIntervalSeconds(Integer value);

  @Description("Before starting, wait this long for the Kafka brokers (and a cluster --flinkMaster) to answer, retrying with"
      + " backoff and saying what is awaited; 0 waits for ever")
  @Default.Integer(300)
  Integer getAwaitDependenciesSeconds();

  void setAwaitDependenciesSeconds(Integer value);
}
