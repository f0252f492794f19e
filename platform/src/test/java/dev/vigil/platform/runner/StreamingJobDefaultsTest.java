package dev.vigil.platform.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** What a Vigil streaming job runs with unless its flags say otherwise. */
class StreamingJobDefaultsTest {

  private static FlinkPipelineOptions apply(String... args) {
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args).as(FlinkPipelineOptions.class);
    StreamingJobDefaults.apply(options, args, "vigil-test");
    return options.as(FlinkPipelineOptions.class);
  }

  @Test
  void onFlinkTheJobCheckpointsHeapStateOnLoopback() throws Exception {
    FlinkPipelineOptions o = apply("--runner=FlinkRunner", "--flinkMaster=[local]");
    assertThat(o.getJobName()).isEqualTo("vigil-test");
    assertThat(o.isStreaming()).isTrue();
    assertThat(o.getCheckpointingInterval()).isEqualTo(StreamingJobDefaults.DEFAULT_CHECKPOINT_INTERVAL_MS);
    assertThat(StreamingJobDefaults.checkpointing(o)).isTrue();
    assertThat(o.getStateBackend()).isEqualTo("filesystem");
    assertThat(o.getStateBackendStoragePath()).startsWith("file:/").endsWith(".vigil/checkpoints");
    assertThat(o.getRetainExternalizedCheckpointsOnCancellation()).isTrue();
    assertThat(o.getFasterCopy()).isTrue(); // safe for state through InPlaceStateUpdates
    String conf = Files.readString(Path.of(o.getFlinkConfDir(), "flink-conf.yaml"));
    assertThat(conf).contains("127.0.0.1");
  }

  @Test
  void explicitFlagsWin() {
    FlinkPipelineOptions o = apply("--runner=FlinkRunner", "--flinkMaster=[local]", "--fasterCopy=false", "--checkpointingInterval=2000",
        "--jobName=mine");
    assertThat(o.getFasterCopy()).isFalse();
    assertThat(o.getCheckpointingInterval()).isEqualTo(2000L);
    assertThat(o.getJobName()).isEqualTo("mine");
  }

  @Test
  void bundlesEndByCountSoWatermarksPassChainedDoFns() {
    String[] args = {"--runner=FlinkRunner", "--flinkMaster=[local]"};
    FlinkPipelineOptions o = apply(args);
    StreamingJobDefaults.boundBundleSizeForWatermarks(o, args);
    // Beam's default (1,000) ends bundles by time below ~1,000 records/s per subtask, and then the watermark stalls.
    assertThat(o.getMaxBundleSize()).isEqualTo(StreamingJobDefaults.WATERMARK_SAFE_MAX_BUNDLE_SIZE).isLessThanOrEqualTo(100L);

    String[] mine = {"--runner=FlinkRunner", "--flinkMaster=[local]", "--maxBundleSize=5000"};
    FlinkPipelineOptions explicit = apply(mine);
    StreamingJobDefaults.boundBundleSizeForWatermarks(explicit, mine);
    assertThat(explicit.getMaxBundleSize()).isEqualTo(5000L);
  }
}
