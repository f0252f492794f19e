package dev.vigil.replay;

import dev.vigil.core.console.ProgressLine;
import dev.vigil.filter.FilterActivity;
import dev.vigil.filter.FilterPipeline;
import dev.vigil.model.FanOutScores;
import dev.vigil.model.ScoreMemberActivity;
import dev.vigil.platform.archive.ReadArchive;
import dev.vigil.platform.deadletter.WriteDeadLetters;
import dev.vigil.platform.io.RawActivitySource;
import dev.vigil.platform.runner.StreamingJobDefaults;
import dev.vigil.schemas.JsonLines;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.DeadLetter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * {@code replay label}: the filter and model jobs' transforms, in one batch pipeline, over an archived
 * period. Writes every verdict as JSON lines under {@code OUT/verdicts/} (the model job's offline form),
 * dead letters under {@code OUT/deadletters/}, a summary ({@link ReplaySummary}) and the replay's labels
 * ({@code OUT/labels.jsonl}).
 */
public final class ReplayLabel {
  public static final String VERDICTS = "verdicts";
  public static final String DEAD_LETTERS = "deadletters";
  /** One {@code AbuseLabel} per member ({@link ReplaySummary#labels}), the input {@code vigil train --labels} takes. */
  public static final String LABELS = "labels.jsonl";

  private ReplayLabel() {}

  /**
   * Beam options of a replay: the streaming jobs' flags with their defaults, in batch, without early rows
   * (every row is final) and with offline verdict files as the only sink. {@code beamArgs} may override
   * anything but the sinks.
   */
  public static ReplayPipelineOptions options(List<String> beamArgs, String modelDir, Path out) {
    List<String> args = new ArrayList<>(beamArgs);
    defaultFlag(args, "--runner", "FlinkRunner");
    if (runner(args).equals("flink")) {
      defaultFlag(args, "--flinkMaster", "[local]");
      defaultFlag(args, "--fasterCopy", "true");
    }
    if (runner(args).equals("spark")) {
      defaultFlag(args, "--sparkMaster", "local[" + Runtime.getRuntime().availableProcessors() + "]");
      // Spark's web UI would listen on every interface for the length of a replay; nobody reads it here.
      System.setProperty("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"));
    }
    defaultFlag(args, "--streaming", "false");
    defaultFlag(args, "--earlyFiringDelayMs", "0");
    defaultFlag(args, "--modelCheckSeconds", "0");
    args.add("--writeScores=false");
    args.add("--writeStore=false");
    args.add("--offlineOutput=" + out.resolve(VERDICTS).resolve(VERDICTS).toAbsolutePath());
    if (modelDir != null) {
      args.add("--modelDir=" + modelDir);
    }
    PipelineOptionsFactory.register(ReplayPipelineOptions.class);
    ReplayPipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation()
        .as(ReplayPipelineOptions.class);
    ReplayPipelineOptions.validate(options);
    return options;
  }

  /**
   * The runner {@code --runner} names, as Beam resolves it: {@code flink} for {@code FlinkRunner},
   * {@code flink}, or {@code org.apache.beam.runners.flink.FlinkRunner}; empty when none is given.
   */
  public static String runner(List<String> args) {
    String value = args.stream().filter(a -> a.startsWith("--runner=")).reduce((a, b) -> b).map(a -> a.substring(9)).orElse("");
    String name = value.substring(value.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    return name.endsWith("runner") ? name.substring(0, name.length() - "runner".length()) : name;
  }

  private static void defaultFlag(List<String> args, String flag, String value) {
    if (!StreamingJobDefaults.given(args.toArray(String[]::new), flag)) {
      args.add(flag + "=" + value);
    }
  }

  /** The replay graph over {@code selection}; verdicts and dead letters land under {@code out}. */
  public static Pipeline create(ReplayPipelineOptions options, ArchiveSelection selection, Path out) {
    Pipeline pipeline = Pipeline.create(options);
    ReplayPeriod period = selection.period();
    PCollectionTuple raw = pipeline.apply("ReadRawActivity", RawActivitySource.archive(selection.readUnits(), period.fromMs(), period.toMs()));
    PCollectionTuple filtered = raw.get(RawActivitySource.RECORDS)
        .apply("FilterActivity", FilterPipeline.filterActivity(options, FilterPipeline.loadRules(options)));
    PCollectionTuple scored = filtered.get(FilterActivity.PARTIALS).apply("ScoreMemberActivity", ScoreMemberActivity.from(options));
    scored.get(ScoreMemberActivity.SCORES).apply("FanOutScores", new FanOutScores(options));
    List<PCollection<DeadLetter>> deadLetters = new ArrayList<>(RawActivitySource.deadLetters(raw));
    deadLetters.add(filtered.get(FilterActivity.DEAD_LETTERS));
    deadLetters.add(scored.get(ScoreMemberActivity.DEAD_LETTERS));
    WriteDeadLetters.all(deadLetters)
        .apply("WriteDeadLetters", WriteDeadLetters.toFiles(out.resolve(DEAD_LETTERS).resolve(DEAD_LETTERS).toAbsolutePath().toString()));
    return pipeline;
  }

  /** Runs the replay to the end with a progress line, then summarises (and compares with {@code compare}, if given). */
  public static ReplaySummary run(ReplayPipelineOptions options, ArchiveSelection selection, Path out, Path compare)
      throws java.io.IOException {
    long total = selection.records();
    long startNanos = System.nanoTime();
    long readBefore = ReadArchive.recordsReadInThisJvm();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "replay-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> ProgressLine.show(progress("replay", ReadArchive.recordsReadInThisJvm() - readBefore, total,
        "read ", System.nanoTime() - startNanos)), 1, 1, TimeUnit.SECONDS);
    try {
      // A period whose records are all filtered out writes no verdict file; the folder says "none", not "missing".
      java.nio.file.Files.createDirectories(out.resolve(VERDICTS));
      PipelineResult.State state = create(options, selection, out).run().waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("replay ended " + state);
      }
    } finally {
      ticker.shutdownNow();
      ProgressLine.done();
    }
    ReplaySummary summary = ReplaySummary.of(out, selection.period());
    if (compare != null) {
      summary = summary.comparedWith(ReplaySummary.of(compare, selection.period()));
    }
    summary.write(out.resolve("summary.json"));
    AbuseLabels.write(out.resolve(LABELS), summary.labels(selection.period(), System.currentTimeMillis()));
    return summary;
  }

  /** Every verdict a replay wrote under {@code out} (any order). */
  public static List<AbuseScore> readVerdicts(Path out) {
    List<AbuseScore> verdicts = new ArrayList<>();
    forEachVerdict(out, verdicts::add);
    return verdicts;
  }

  /** Streams the verdicts under {@code out}; a bad line is an IllegalArgumentException naming file and line. */
  public static void forEachVerdict(Path out, java.util.function.Consumer<AbuseScore> each) {
    Path dir = out.resolve(VERDICTS);
    if (!java.nio.file.Files.isDirectory(dir)) {
      throw new IllegalArgumentException(out + " holds no replay verdicts (no " + VERDICTS + " directory)");
    }
    List<Path> files;
    try (java.util.stream.Stream<Path> found = java.nio.file.Files.walk(dir)) {
      files = found.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    for (Path file : files) {
      JsonLines.<AbuseScore>forEach(file, AbuseScore::newBuilder, each);
    }
  }

  /** "VERB: N events ... (P% of T archived), R events/s, ETA": the one progress line of replays and publishes. */
  static String progress(String verb, long done, long total, String detail, long elapsedNanos) {
    double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
    double rate = done / seconds;
    double percent = total == 0 ? 100 : Math.min(100.0, 100.0 * done / total);
    String eta = rate <= 0 || done >= total ? "-" : Math.round((total - done) / rate) + " s";
    return String.format("%s: %,d events %s(%.1f%% of %,d archived), %,.0f events/s, ETA %s", verb, done, detail, percent, total, rate, eta);
  }

}
