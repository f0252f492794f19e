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
  void onFlinkTheJobCheckpointsHeapStateAndCopiesElementsSoCheckpointsHoldOnlyUpdatesBeforeTheirBarrier() throws Exception {
    FlinkPipelineOptions o = apply("--runner=FlinkRunner", "--flinkMaster=[local]");
    assertThat(o.getJobName()).isEqualTo("vigil-test");
    assertThat(o.isStreaming()).isTrue();
    assertThat(o.getCheckpointingInterval()).isEqualTo(StreamingJobDefaults.DEFAULT_CHECKPOINT_INTERVAL_MS);
    assertThat(StreamingJobDefaults.checkpointing(o)).isTrue();
    assertThat(o.getStateBackend()).isEqualTo("filesystem");
    assertThat(o.getStateBackendStoragePath()).startsWith("file:/").endsWith(".vigil/checkpoints");
    assertThat(o.getRetainExternalizedCheckpointsOnCancellation()).isTrue();
    // fasterCopy would make Beam's state serializer copy by reference and defeat the heap backend's copy-on-write.
    assertThat(o.getFasterCopy()).isFalse();
    String conf = Files.readString(Path.of(o.getFlinkConfDir(), "flink-conf.yaml"));
    assertThat(conf).contains("127.0.0.1");
  }

  @Test
  void withoutHeapCheckpointsElementsPassByReference() {
    assertThat(apply("--runner=FlinkRunner", "--flinkMaster=[local]", "--checkpointingInterval=-1").getFasterCopy()).isTrue();
    assertThat(apply("--runner=FlinkRunner", "--flinkMaster=[local]", "--stateBackend=rocksdb").getFasterCopy()).isTrue();
    assertThat(apply("--runner=DirectRunner").getFasterCopy()).isTrue();
  }

  @Test
  void explicitFlagsWin() {
    FlinkPipelineOptions o = apply("--runner=FlinkRunner", "--flinkMaster=[local]", "--fasterCopy=true", "--checkpointingInterval=2000",
        "--jobName=mine");
    assertThat(o.getFasterCopy()).isTrue();
    assertThat(o.getCheckpointingInterval()).isEqualTo(2000L);
    assertThat(o.getJobName()).isEqualTo("mine");
  }
}
