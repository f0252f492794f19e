package dev.vigil.platform.runner;

import dev.vigil.platform.options.FlinkJobOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * The runner settings every Vigil streaming job starts with unless its flags say otherwise:
 * <ul>
 *   <li>{@code --jobName=vigil-<job>};</li>
 *   <li>{@code --streaming=true};</li>
 *   <li>{@code --autoWatermarkInterval=200}: how often Flink asks the Kafka source for its watermark;</li>
 *   <li>{@code --fasterCopy=true}: Flink passes elements between chained steps without deep-copying them through
 *       their coders. Safe for elements because no Vigil DoFn or CombineFn mutates its input (the Direct runner's
 *       immutability check enforces it in every transform test). The same flag makes Beam's state serializer copy by
 *       reference, which defeats the heap state backend's copy-on-write while an asynchronous checkpoint writes the
 *       state; the stateful steps, which update their per-member objects in place, therefore go through
 *       {@link InPlaceStateUpdates} (one copy per key and bundle).</li>
 * </ul>
 * and on Flink, what a job that runs for months needs:
 * <ul>
 *   <li>{@code --checkpointingInterval=10000} (exactly-once mode, Beam's default); {@code -1} turns checkpoints off.
 *       Kafka offsets are committed only when a checkpoint completes (KafkaIO's {@code commitOffsetsInFinalize}),
 *       and a restart resumes from the last completed checkpoint. With checkpoints on, Flink 1.19 restarts a failed
 *       job with exponential delay (1 s doubling, unbounded attempts) unless {@code --numberOfExecutionRetries}
 *       asks for a fixed number;</li>
 *   <li>{@code --stateBackend=filesystem} (state on the heap, checkpoints as files) with
 *       {@code --stateBackendStoragePath=file://<abs>/.vigil/checkpoints}; {@code --stateBackend=rocksdb} keeps
 *       state larger than memory in Flink's RocksDB backend;</li>
 *   <li>{@code --externalizedCheckpointsEnabled} and {@code --retainExternalizedCheckpointsOnCancellation}: the last
 *       checkpoint survives a cancel or a lost cluster, so a job can be started again from it
 *       ({@code --fromSavepoint=<storage>/<job id>/chk-N});</li>
 *   <li>with {@code --flinkMaster=[local]}: the embedded cluster binds to {@code --flinkBindAddress} (loopback), and
 *       {@code --fromSavepoint} is applied there too (Beam applies {@code --savepointPath} only to remote clusters).</li>
 * </ul>
 */
public final class StreamingJobDefaults {
  public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000L;
  public static final String DEFAULT_CHECKPOINT_DIR = ".vigil/checkpoints";

  private StreamingJobDefaults() {}

  /**
   * Applies the defaults; {@code jobName} ({@code vigil-filter}, ...) names the job on a cluster unless
   * {@code --jobName} is given, so {@code vigil status} and {@code vigil jobs stop} find it.
   */
  public static void apply(PipelineOptions options, String[] args, String jobName) {
    options.as(StreamingOptions.class).setStreaming(true);
    if (!given(args, "--jobName")) {
      options.setJobName(jobName);
    }
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (flink.getAutoWatermarkInterval() == null) {
      flink.setAutoWatermarkInterval(200L);
    }
    if (FlinkRunner.class.equals(options.getRunner())) {
      applyFlinkProductionDefaults(flink, args);
    }
    if (!given(args, "--fasterCopy")) {
      flink.setFasterCopy(true);
    }
  }

  /**
   * Bundle size for a job whose event-time steps must see the watermark move while input keeps coming (the filter
   * job): {@code --maxBundleSize=100} unless the flags set it.
   *
   * <p>Why: Beam 2.70's Flink {@code DoFnOperator} does not emit a watermark while a bundle is open
   * ({@code maybeEmitWatermark} returns when {@code bundleStarted}). A bundle ends either by count
   * ({@code --maxBundleSize}), after which the operator emits its pending watermark at once, or by time
   * ({@code --maxBundleTimeMills}, 1 s), after which it emits it only from a separately scheduled task; a record
   * that arrives before that task runs opens the next bundle and the watermark is dropped again. With the default
   * 1,000 and a steady input below about 1,000 records/s per subtask every bundle ends by time and the next record
   * is always first: the DoFns chained behind the Kafka source never pass the source's watermark on, and the keyed
   * step's input watermark stays at its minimum until the input pauses (seen with {@code --parallelism=1} at
   * 400 records/s; at 2,500/s, or with two subtasks sharing the load in bursts, it moved). With 100, bundles end
   * by count from about 100 records/s per operator on; slower input leaves gaps in which the timed path works.
   */
  public static final long WATERMARK_SAFE_MAX_BUNDLE_SIZE = 100L;

  /** Applies {@link #WATERMARK_SAFE_MAX_BUNDLE_SIZE} unless {@code --maxBundleSize} is among {@code args}. */
  public static void boundBundleSizeForWatermarks(PipelineOptions options, String[] args) {
    if (!given(args, "--maxBundleSize")) {
      options.as(FlinkPipelineOptions.class).setMaxBundleSize(WATERMARK_SAFE_MAX_BUNDLE_SIZE);
    }
  }

  /** Whether the job checkpoints: on Flink with a positive interval. Outputs held for a checkpoint need one. */
  public static boolean checkpointing(PipelineOptions options) {
    Long interval = options.as(FlinkPipelineOptions.class).getCheckpointingInterval();
    return FlinkRunner.class.equals(options.getRunner()) && interval != null && interval > 0;
  }

  private static void applyFlinkProductionDefaults(FlinkPipelineOptions flink, String[] args) {
    if (!given(args, "--checkpointingInterval")) {
      flink.setCheckpointingInterval(DEFAULT_CHECKPOINT_INTERVAL_MS);
    }
    if (!given(args, "--stateBackend") && flink.getStateBackendFactory() == null) {
      flink.setStateBackend("filesystem");
    }
    if (flink.getStateBackend() != null && !given(args, "--stateBackendStoragePath")) {
      flink.setStateBackendStoragePath(Path.of(DEFAULT_CHECKPOINT_DIR).toAbsolutePath().toUri().toString());
    }
    if (!given(args, "--externalizedCheckpointsEnabled")) {
      flink.setExternalizedCheckpointsEnabled(true);
    }
    if (!given(args, "--retainExternalizedCheckpointsOnCancellation")) {
      flink.setRetainExternalizedCheckpointsOnCancellation(true);
    }
    FlinkJobOptions vigil = flink.as(FlinkJobOptions.class);
    if (vigil.getFromSavepoint() != null) {
      flink.setSavepointPath(vigil.getFromSavepoint());
    }
    if ("[local]".equals(flink.getFlinkMaster()) && flink.getFlinkConfDir() == null) {
      if (vigil.getFlinkRestPort() == 0) {
        vigil.setFlinkRestPort(freePort(vigil.getFlinkBindAddress()));
      }
      flink.setFlinkConfDir(writeEmbeddedClusterConf(vigil.getFlinkBindAddress(), vigil.getFlinkRestPort(), flink.getSavepointPath()).toString());
    }
  }

  /** A Flink configuration directory for the embedded cluster, in a fresh temporary folder. */
  static Path writeEmbeddedClusterConf(String bindAddress, int restPort, String savepointPath) {
    try (InputStream template = StreamingJobDefaults.class.getResourceAsStream("embedded-flink-conf.yaml")) {
      String conf = new String(template.readAllBytes(), StandardCharsets.UTF_8).replace("BIND_ADDRESS", bindAddress)
          .replace("REST_PORT", Integer.toString(restPort));
      if (savepointPath != null) {
        conf += "execution.savepoint.path: " + savepointPath + "\n";
      }
      Path dir = Files.createTempDirectory("vigil-flink-conf");
      Files.writeString(dir.resolve("flink-conf.yaml"), conf);
      dir.toFile().deleteOnExit();
      dir.resolve("flink-conf.yaml").toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the embedded Flink configuration", e);
    }
  }

  /**
   * A port free now on {@code bindAddress}, for the embedded cluster's REST endpoint: Flink would pick one itself
   * ({@code rest.bind-port: 0}) but not tell the job's status line or its user which.
   */
  static int freePort(String bindAddress) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(bindAddress))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + bindAddress + " for the embedded Flink REST API", e);
    }
  }

  /** Whether {@code flag} ({@code --name}) is among {@code args}, as {@code --name=value} or {@code --name}. */
  public static boolean given(String[] args, String flag) {
    return Arrays.stream(args).anyMatch(a -> a.equals(flag) || a.startsWith(flag + "="));
  }

  /** The value of {@code --name=value} among {@code args}, or null. */
  public static String valueOf(String[] args, String flag) {
    for (String a : args) {
      if (a.startsWith(flag + "=")) {
        return a.substring(flag.length() + 1);
      }
    }
    return null;
  }

  /** Whether {@code --flinkMaster} names a cluster ({@code host:port}) rather than an embedded or ambient one. */
  public static boolean isClusterMaster(String flinkMaster) {
    return flinkMaster != null && !flinkMaster.equals("[local]") && !flinkMaster.equals("[auto]") && !flinkMaster.equals("[collection]");
  }
}
