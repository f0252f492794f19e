package dev.vigil.platform.runner;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * Starting unbounded jobs so that the caller keeps control: {@link #start} returns a handle that can be
 * polled for metrics and cancelled, on the Direct runner and on Flink (local or remote) alike.
 */
public final class StreamingJobs {
  private StreamingJobs() {}

  /** Runs the pipeline without blocking: Direct with blockOnRun=false, Flink detached. */
  public static PipelineResult start(Pipeline pipeline) {
    pipeline.getOptions().as(DirectOptions.class).setBlockOnRun(false);
    pipeline.getOptions().as(FlinkPipelineOptions.class).setAttachedMode(false);
    return pipeline.run();
  }

  /** Sum of the attempted values of every counter with this name, over all steps and namespaces. */
  public static long counter(PipelineResult result, String name) {
    try {
      MetricQueryResults q = result.metrics().queryMetrics(MetricsFilter.builder().build());
      long total = 0;
      for (MetricResult<Long> c : q.getCounters()) {
        if (c.getName().getName().equals(name)) {
          Long v = c.getAttempted();
          total += v == null ? 0 : v;
        }
      }
      return total;
    } catch (RuntimeException e) {
      // A job that is still starting may not answer metric queries yet.
      return 0;
    }
  }

  /**
   * Elements the runner dropped because they were behind the allowed lateness. Beam counts them itself,
   * under names that differ by runner and transform: "DroppedDueToLateness" on Direct and
   * "droppedDueToLateness" in runners-core for windowed grouping, "StatefulParDoDropped" for a stateful
   * DoFn's expired windows.
   */
  public static long droppedDueToLateness(PipelineResult result) {
    return counter(result, "DroppedDueToLateness") + counter(result, "droppedDueToLateness")
        + counter(result, "StatefulParDoDropped");
  }

  /** Cancels quietly; a job that has already ended is fine. */
  public static void cancel(PipelineResult result) {
    try {
      result.cancel();
    } catch (Exception e) {
      // Already finished or failed: nothing to cancel.
    }
  }
}
