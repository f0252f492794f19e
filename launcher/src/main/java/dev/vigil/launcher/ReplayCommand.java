package dev.vigil.launcher;

import dev.vigil.replay.ArchivePipelineOptions;
import dev.vigil.replay.ArchiveSelection;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.replay.ReplayPeriod;
import dev.vigil.replay.ReplaySummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

@Command(name = "replay", mixinStandardHelpOptions = true, description = {
    "Batch replays of archived activity through the streaming jobs' own transforms."},
    subcommands = {ReplayCommand.Label.class, ReplayCommand.Backfill.class})
final class ReplayCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
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

    ArchiveSelection selection() {
      return ArchiveSelection.of(archive, ReplayPeriod.parse(from, to));
    }
  }

  @Command(name = "label", mixinStandardHelpOptions = true, description = {
      "Run the filter and model transforms in batch over an archived period and write every verdict as JSON lines",
      "under OUT/verdicts, dead letters under OUT/deadletters, and OUT/summary.json (members flagged per action and",
      "reason; with --compare, which members changed verdict). Runs on FlinkRunner in batch by default; Beam flags",
      "after the command's own pass through (--runner=DirectRunner, --windows=..., --rulesFile=...)."})
  static final class Label implements Callable<Integer> {
    @Mixin
    PeriodFlags period;

    @Option(names = "--model", description = "Model bundle directory (default: the built-in bundle)")
    Path model;

    @Option(names = "--out", required = true, description = "Output directory (must be empty or absent)")
    Path out;

    @Option(names = "--compare", description = "Output directory of an earlier replay to compare verdicts with")
    Path compare;

    @Unmatched
    List<String> beamArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      ArchiveSelection selection = period.selection();
      if (model != null && !Files.isDirectory(model)) {
        throw new IllegalArgumentException("--model " + model + " is not a directory");
      }
      if (compare != null && !Files.isDirectory(compare.resolve(ReplayLabel.VERDICTS))) {
        throw new IllegalArgumentException("--compare " + compare + " holds no replay (no " + ReplayLabel.VERDICTS + " directory)");
      }
      checkEmptyOrAbsent(out);
      var options = ReplayLabel.options(beamArgs, model == null ? null : model.toString(), out);
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
  static final class Backfill implements Callable<Integer> {
    @Mixin
    PeriodFlags period;

    @Option(names = "--store", required = true, description = "Store to push to, e.g. abuse-scores")
    String store;

    @Mixin
    dev.vigil.store.cli.ServerOption server;

    @Option(names = "--model", description = "Model bundle directory (default: the built-in bundle)")
    Path model;

    @Option(names = "--out", defaultValue = ".vigil/backfill", description = "Working directory for the verdicts (default: ${DEFAULT-VALUE}/<store>-<now>)")
    Path out;

    @Unmatched
    List<String> beamArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      ArchiveSelection selection = period.selection();
      if (model != null && !Files.isDirectory(model)) {
        throw new IllegalArgumentException("--model " + model + " is not a directory");
      }
      Path dir = out.resolve(store + "-" + System.currentTimeMillis());
      var options = ReplayLabel.options(beamArgs, model == null ? null : model.toString(), dir);
      System.out.printf("Backfilling %s from %s: %,d archived records, cut-off %s%n", store, selection.period(), selection.records(),
          java.time.Instant.ofEpochMilli(selection.period().toMs()));
      var result = dev.vigil.replay.ReplayBackfill.run(options, selection, dir, server.client(), store, s -> System.out.printf(
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
