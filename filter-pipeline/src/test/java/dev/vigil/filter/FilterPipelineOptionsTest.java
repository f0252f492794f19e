package dev.vigil.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.platform.runner.StreamingJobDefaults;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.Test;

/** Runner settings the filter job's event time depends on. */
class FilterPipelineOptionsTest {

  @Test
  void bundlesAreSmallEnoughForTheWatermarkToPassUnderSteadyInput() {
    FilterPipelineOptions o = FilterPipeline.parseOptions(new String[] {"--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1"});
    // See StreamingJobDefaults.WATERMARK_SAFE_MAX_BUNDLE_SIZE and FilterWatermarkUnderSteadyInputTest.
    assertThat(o.as(FlinkPipelineOptions.class).getMaxBundleSize()).isEqualTo(StreamingJobDefaults.WATERMARK_SAFE_MAX_BUNDLE_SIZE);

    FilterPipelineOptions mine = FilterPipeline.parseOptions(new String[] {"--runner=FlinkRunner", "--maxBundleSize=2000"});
    assertThat(mine.as(FlinkPipelineOptions.class).getMaxBundleSize()).isEqualTo(2000L);
  }
}
