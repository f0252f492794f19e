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
    subcommands = {ReplayCommand.Label.class})
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
