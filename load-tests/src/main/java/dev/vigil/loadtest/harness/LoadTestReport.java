package dev.vigil.loadtest.harness;

import java.util.List;
import java.util.Map;

/**
 * What a load-test run measured, written as {@code report.json} (field names in snake_case) and shown by
 * {@code report.html}. Rates are per second of wall clock; "per core" rates are per CPU-second of the process that
 * did the work, over the measured stretch (from the start of the main traffic until the pipelines had drained it).
 */
public record LoadTestReport(
    Run run,
    Traffic traffic,
    List<Stage> stages,
    Latency latency,
    Detection detection,
    List<Sample> timeline,
    Projection projection,
    List<Goal> goals) {

  /** How the run was set up, and where. */
  public record Run(String startedAt, double measuredSeconds, String commit, Machine machine, Map<String, Object> settings,
      List<String> notes) {}

  public record Machine(int cores, long memoryBytes, String os, String java) {}

  /** What the generator sent; {@code generatorBound}: it fell behind its schedule, so the run measures the generator. */
  public record Traffic(long sent, long acknowledged, long valid, long malformed, long healthChecks, double targetRate,
      double achievedRate, double bestSecondRate, long secondsBehind, boolean generatorBound, long warmUpEvents,
      double meanRecordBytes) {}

  /**
   * One process's work: {@code eventsIn} of what {@code unit} says over the measured stretch, at {@code inPerSecond}, using
   * {@code cpuSeconds}; {@code eventsPerCoreSecond} is raw activity events handled per CPU-second (see {@code unit}).
   */
  public record Stage(String name, String process, String unit, long eventsIn, long recordsOut, double inPerSecond,
      double cpuSeconds, double cpuCores, double eventsPerCoreSecond, long peakRssBytes) {}

  /** Latency percentiles in milliseconds, of {@code count} sampled events. */
  public record Percentiles(long count, double p50, double p90, double p99, double p999, double max) {}

  /**
   * {@code verdictRead}: event produced -> first verdict covering it read from the verdict topic (committed output);
   * {@code verdictComputed}: the same events -> that verdict computed by the model job (the rest of {@code verdictRead}
   * is the model job holding output until its checkpoint, and Kafka);
   * {@code storeReadable}: event produced -> that verdict readable from the score store (a sample);
   * {@code uncoveredAtEnd}: followed events no verdict covered by the end; {@code storeNeverReadable}: sampled verdicts
   * the store did not return within two minutes or by the end (left out of the percentiles).
   */
  public record Latency(int sampleEvery, Percentiles verdictRead, Percentiles verdictComputed, Percentiles storeReadable,
      long uncoveredAtEnd,
      long storeSamplesSkipped, long storeNeverReadable) {}

  /**
   * Per abuse kind: abusers who acted, how many were flagged (a verdict of CHALLENGE or stronger read at or after
   * the abuse began) and blocked; {@code flaggedBeforeOnset}: abusers flagged before their abuse began (on their
   * earlier, normal behaviour: not counted as detections); precision = flagged abusers of the kind / (those +
   * flagged normal members); time to detect from the member's first abusive event to its first flag, and first BLOCK.
   * Verdicts are counted from the start of the main traffic.
   */
  public record KindQuality(String kind, long abusers, long flagged, long blocked, long flaggedBeforeOnset,
      Double precision, Double recall,
      Double medianSecondsToFlag, Double p90SecondsToFlag, Double medianSecondsToBlock) {}

  /** {@code flaggedNormalMembers}: flagged normal members by persona and the leading reason of their first flag. */
  public record Detection(List<KindQuality> kinds, long normalMembersSeen, long normalMembersFlagged,
      Map<String, Long> flaggedNormalMembers, long verdicts) {}

  /** One second of the run: rates over that second, lag, latency of the verdicts read in it, CPU of each process. */
  public record Sample(double t, String phase, double producedPerSecond, double filterInPerSecond, double filterOutPerSecond,
      double modelInPerSecond, double verdictsPerSecond, Long filterLag, Long modelLag, Double latencyP50Ms,
      Double latencyP99Ms, Map<String, Double> cpuCores, Map<String, Long> rssBytes) {}

  /** Cores a stage needs for the target at its measured per-core rate. */
  public record StageCores(String stage, double eventsPerCoreSecond, double cores) {}

  public record Projection(long targetEventsPerSecond, List<StageCores> cores, int rawTopicPartitions,
      double rawBytesPerSecond, Long modelStateBytesPerMember, Long projectedModelStateBytes, double verdictsPerEvent,
      double projectedStoreWritesPerSecond, List<String> assumptions) {}

  /** A goal of the issue and where the run stands against it; {@code met} is null when the run cannot tell. */
  public record Goal(String goal, String target, String measured, Boolean met) {}
}
