package dev.vigil.replay.cli;

import dev.vigil.replay.ArchivePipelineOptions;
import dev.vigil.replay.ArchiveSelection;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.replay.ReplayPeriod;
import dev.vigil.replay.ReplaySummary;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code vigil replay}: mounted by the launcher, and the entry point of the Spark runner's own JVM
 * ({@link #main}): Spark's Scala 2.12 cannot share a classpath with the embedded broker's Scala 2.13, so a
 * replay asked to run on Spark re-launches itself with the {@code replay-spark} classpath.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = {
    "Batch replays of archived activity through the streaming jobs' own transforms."},
    subcommands = {ReplayCommand.Label.class, ReplayCommand.Backfill.class, ReplayCommand.Publish.class})
public final class ReplayCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** {@code replay ARGS} in a JVM of its own (the Spark runner's). Bad flags: one line, exit 2. */
  public static void main(String[] args) {
    picocli.CommandLine cli = new picocli.CommandLine(new ReplayCommand());
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      // The launcher's conventions (VigilCli): bad input exits 2, a store that answers with an error exits 1.
      if (ex instanceof IllegalArgumentException) {
        System.err.println("vigil replay " + commandLine.getCommandName() + ": " + ex.getMessage());
        return 2;
      }
      if (ex instanceof dev.vigil.store.client.StoreClientException) {
        System.err.println("vigil replay " + commandLine.getCommandName() + ": " + ex.getMessage());
        return 1;
      }
      throw ex;
    });
    System.exit(cli.execute(args));
  }

  /** Flags every replay takes. */
  static final class PeriodFlags {
    @Option(names = "--archive", defaultValue = ArchivePipelineOptions.DEFAULT_ARCHIVE,
        description = "Archive root written by 'vigil archive' (default: ${DEFAULT-VALUE})")
    Path archive;

    @Option(names = "--from", required = true, description = "Start of the event-time period, ISO-8601 (inclusive)")
    String from;

    @Option(names = "--to", required = true, description = "End of the event-time period, ISO-8601 (exclusive)")
    String to;

    /** The period's archive; manifests that cannot be read are reported on stderr and left out. */
    ArchiveSelection selection() {
      ArchiveSelection selection = ArchiveSelection.of(archive, ReplayPeriod.parse(from, to));
      selection.problems().forEach(p -> System.err.println("vigil replay: skipped: " + p));
      return selection;
    }
  }

  /** What label and backfill share: the period, the model, Beam flags, and the hand-off to Spark's own JVM. */
  abstract static class BatchReplay implements Callable<Integer> {
    @Mixin
    PeriodFlags period;

    @Option(names = "--model", description = "Model bundle directory (default: the built-in bundle)")
    Path model;

    @Unmatched
    List<String> beamArgs = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
      ArchiveSelection selection = period.selection();
      if (SparkJvm.wanted(beamArgs)) {
        return SparkJvm.relaunch(spec);
      }
      if (model != null && !Files.isDirectory(model)) {
        throw new IllegalArgumentException("--model " + model + " is not a directory");
      }
      return run(selection, model == null ? null : model.toString());
    }

    abstract int run(ArchiveSelection selection, String modelDir) throws Exception;
  }

  @Command(name = "label", mixinStandardHelpOptions = true, description = {
      "Run the filter and model transforms in batch over an archived period and write every verdict as JSON lines",
      "under OUT/verdicts, dead letters under OUT/deadletters, and OUT/summary.json (members flagged per action and",
      "reason; with --compare, which members changed verdict). Runs on FlinkRunner in batch by default; Beam flags",
      "after the command's own pass through (--runner=DirectRunner, --windows=..., --rulesFile=...)."})
  static final class Label extends BatchReplay {
    @Option(names = "--out", required = true, description = "Output directory (must be empty or absent)")
    Path out;

    @Option(names = "--compare", description = "Output directory of an earlier replay to compare verdicts with")
    Path compare;

    @Override
    int run(ArchiveSelection selection, String modelDir) throws Exception {
      if (compare != null && !Files.isDirectory(compare.resolve(ReplayLabel.VERDICTS))) {
        throw new IllegalArgumentException("--compare " + compare + " holds no replay (no " + ReplayLabel.VERDICTS + " directory)");
      }
      checkEmptyOrAbsent(out);
      var options = ReplayLabel.options(beamArgs, modelDir, out);
      System.out.printf("Replaying %s: %,d archived records in %d files, on %s%n", selection.period(), selection.records(),
          selection.dataFiles().size(), options.getRunner().getSimpleName());
      ReplaySummary summary = ReplayLabel.run(options, selection, out, compare);
      System.out.print(summary.describe());
      System.out.println("Verdicts in " + out.resolve(ReplayLabel.VERDICTS) + ", summary in " + out.resolve("summary.json"));
      return 0;
    }
  }

  @Command(name = "backfill", mixinStandardHelpOptions = true, description = {
      "Replay an archived period in batch (as 'replay label') and push its verdicts as a new version of a store whose",
      "cut-off is --to: the store replays its real-time topic from cut-off minus its rewind on top, so the hand-off to",
      "the streaming job leaves no gap and no member twice. Records the cut-off, the raw offsets it corresponds to and",
      "the version in OUT/backfill.json."})
  static final class Backfill extends BatchReplay {
    @Option(names = "--store", required = true, description = "Store to push to, e.g. abuse-scores")
    String store;

    @Option(names = "--server", defaultValue = "http://localhost:8080", description = "Store server (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--out", defaultValue = ".vigil/backfill",
        description = "Where the run's working directory <store>-<epoch ms> is made, holding its verdicts and backfill.json (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    int run(ArchiveSelection selection, String modelDir) throws Exception {
      Path dir = out.resolve(store + "-" + System.currentTimeMillis());
      var options = ReplayLabel.options(beamArgs, modelDir, dir);
      System.out.printf("Backfilling %s from %s: %,d archived records, cut-off %s%n", store, selection.period(), selection.records(),
          java.time.Instant.ofEpochMilli(selection.period().toMs()));
      var result = dev.vigil.replay.ReplayBackfill.run(options, selection, dir, dev.vigil.store.client.VigilStoreClient.forServerFlag(server), store, s -> System.out.printf(
          "  %-9s rows read %,d  written %,d  real-time replayed %,d%n", s.phase(), s.rowsRead(), s.rowsWritten(), s.replayed()));
      System.out.print(result.summary().describe());
      if ("FAILED".equals(result.push().phase())) {
        System.err.println("vigil replay backfill: push of " + store + " v" + result.push().version() + " failed: " + result.push().error());
        return 1;
      }
      System.out.printf("%s v%d serves the backfill; raw offsets before the cut-off %s; record in %s%n", store, result.push().version(),
          result.rawOffsetsBeforeCutoff(), dir.resolve("backfill.json"));
      return 0;
    }
  }

  @Command(name = "publish", mixinStandardHelpOptions = true, description = {
      "Re-publish archived records of a period into a topic in event-time order, at a multiple of their original pace",
      "(or as fast as the broker takes them), with their original keys, values and timestamps: to reproduce an incident",
      "on a test cluster or to feed a load test. Publishing into the live raw topic feeds the live jobs a second time."})
  static final class Publish implements Callable<Integer> {
    @Mixin
    PeriodFlags period;

    @Option(names = "--speed", defaultValue = "1x", description = "A multiple of the original pace (10x) or max (default: ${DEFAULT-VALUE})")
    String speed;

    @Option(names = "--topic", defaultValue = dev.vigil.schemas.VigilTopics.ACTIVITY_RAW, description = "Target topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--bootstrapServers", defaultValue = "localhost:9092", description = "Kafka (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = {"--kafka-properties-file", "--kafkaPropertiesFile"}, paramLabel = "FILE",
        description = KafkaClientSettings.FILE_FLAG_DESCRIPTION)
    Path kafkaPropertiesFile;

    @Override
    public Integer call() throws Exception {
      var pace = dev.vigil.replay.ReplayPublish.Speed.parse(speed);
      KafkaClientSettings kafka = KafkaClientSettings.fromEnvironment(kafkaPropertiesFile).withBootstrapServers(bootstrapServers);
      ArchiveSelection selection = period.selection();
      System.out.printf("Publishing %s (%,d archived records) to %s at %s speed%n", selection.period(), selection.records(), topic, pace);
      var result = dev.vigil.replay.ReplayPublish.run(selection, kafka, topic, pace);
      System.out.printf("Published %,d records (acknowledged)%s%s%n", result.published(),
          result.malformedFiles() > 0 ? "; skipped " + result.malformedFiles() + " malformed files (see the log)" : "",
          result.failed() > 0 ? "; " + result.failed() + " NOT acknowledged" : "");
      return result.failed() > 0 ? 1 : 0;
    }
  }

  static void checkEmptyOrAbsent(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("--out " + dir + " is a file");
      }
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("--out " + dir + " is not empty");
        }
      }
    }
  }
}
