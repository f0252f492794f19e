package dev.vigil.platform.runner;

import java.util.Arrays;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * The runner settings every Vigil streaming job starts with unless its flags say otherwise:
 * <ul>
 *   <li>{@code --streaming=true};</li>
 *   <li>{@code --autoWatermarkInterval=200}: how often Flink asks the Kafka source for its watermark;</li>
 *   <li>{@code --fasterCopy=true}: Flink passes elements between chained steps without deep-copying them
 *       through their coders. Safe because no Vigil DoFn or CombineFn mutates its input (elements are
 *       protobuf messages; combiners mutate only their own accumulators), which the Direct runner's
 *       immutability check enforces in every transform test.</li>
 * </ul>
 */
public final class StreamingJobDefaults {
  private StreamingJobDefaults() {}

  public static void apply(PipelineOptions options, String[] args) {
    options.as(StreamingOptions.class).setStreaming(true);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (flink.getAutoWatermarkInterval() == null) {
      flink.setAutoWatermarkInterval(200L);
    }
    if (!given(args, "--fasterCopy")) {
      flink.setFasterCopy(true);
    }
  }

  /** Whether {@code flag} ({@code --name}) is among {@code args}, as {@code --name=value} or {@code --name}. */
  public static boolean given(String[] args, String flag) {
    return Arrays.stream(args).anyMatch(a -> a.equals(flag) || a.startsWith(flag + "="));
  }
}
