package dev.vigil.launcher;

import dev.vigil.loadtest.training.HeldOutEvaluation;
import dev.vigil.loadtest.training.LabelledFeatureRows;
import dev.vigil.scoring.BundleScorer;
import dev.vigil.scoring.ModelTrainer;
import dev.vigil.scoring.TrainingRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", description = {
    "Train an abuse model (XGBoost trees, or a logistic regression exported as ONNX) on labelled feature rows",
    "from synthetic traffic with ground truth, or from an archived period with labels (--archive: a replay's labels.jsonl",
    "joined with ground truth or analyst labels),",
    "report AUC / precision / recall on a held-out split, and write a model bundle.",
    "The shipped default bundle is exactly: vigil train --out scoring/src/main/resources/dev/vigil/scoring/default-bundle --version 1"})
final class TrainCommand implements Callable<Integer> {
  // Not mixinStandardHelpOptions: its -V/--version would shadow --version (the model version), and with it
  // --help stopped working ("Missing required option: '--out'").
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--out", required = true, description = "Bundle directory to write (must not hold a bundle already)")
  Path out;

  @Option(names = "--version", defaultValue = "1", description = "Model version recorded in the manifest (default: ${DEFAULT-VALUE})")
  String version;

  @Option(names = "--name", defaultValue = "vigil-abuse", description = "Model name (default: ${DEFAULT-VALUE})")
  String name;

  @Option(names = "--seed", defaultValue = "20261122", description = "Traffic seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--members", defaultValue = "5000", description = "Members in the simulated traffic (default: ${DEFAULT-VALUE})")
  int members;

  @Option(names = "--abusive-fraction", defaultValue = "0.03", description = "Share of abusive members (default: ${DEFAULT-VALUE})")
  double abusiveFraction;

  @Option(names = "--events-per-second", defaultValue = "2000", description = "Simulated event rate (default: ${DEFAULT-VALUE})")
  int eventsPerSecond;

  @Option(names = "--minutes", defaultValue = "30", description = "Simulated event-time span (default: ${DEFAULT-VALUE})")
  int minutes;

  @Option(names = "--windows", defaultValue = "1m/30s,10m/1m,60m/5m",
      description = "The model job's windows, LENGTH/PERIOD comma-separated, as its --windows (default: ${DEFAULT-VALUE})")
  String windows;

  @Option(names = "--algorithm", defaultValue = "GRADIENT_BOOSTED_TREES",
      description = "GRADIENT_BOOSTED_TREES (DJL XGBoost engine) or LOGISTIC_REGRESSION (DJL OnnxRuntime engine) (default: ${DEFAULT-VALUE})")
  ModelTrainer.Algorithm algorithm;

  @Option(names = "--rounds", defaultValue = "60", description = "Boosting rounds (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--archive", description = "Train on an archived period instead of synthetic traffic: the archive root"
      + " ('vigil archive'); needs --from, --to and --labels. Rows are built with the default filter rules and 5 s"
      + " partials, as for synthetic traffic")
  Path archive;

  @Option(names = "--from", description = "With --archive: start of the period, ISO-8601")
  String from;

  @Option(names = "--to", description = "With --archive: end of the period, ISO-8601 (exclusive)")
  String to;

  @Option(names = "--labels", description = "With --archive: AbuseLabel JSON-lines files (a replay's labels.jsonl, analyst labels,"
      + " ground truth), joined in order: a member named by a later file takes that file's labels")
  List<Path> labels = new java.util.ArrayList<>();

  @Option(names = "--unlabelled-benign", description = "With --archive: rows of members no label covers count as benign (default: skipped)")
  boolean unlabelledBenign;

  @Option(names = "--eval-seed", description = "Seed of the held-out evaluation traffic (default: --seed + 1); it also has"
      + " 1.5x the members, twice the abusive share and 1.5x the rate of the training traffic, for 20 minutes")
  Long evalSeed;

  @Override
  public Integer call() throws Exception {
    if (Files.exists(out.resolve("manifest.json"))) {
      throw new IllegalArgumentException("--out " + out + " already holds a bundle; choose a new directory");
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
    }
    // Before minutes of work, not after: the bundle directory must be ours to write.
    try {
      Files.createDirectories(out);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("--out " + out + " cannot be created: " + e);
    }
    if (!Files.isWritable(out)) {
      throw new IllegalArgumentException("--out " + out + " is not writable");
    }
    if (archive != null) {
      return trainOnArchive();
    }
    LabelledFeatureRows.Settings data = new LabelledFeatureRows.Settings(seed, members, abusiveFraction, eventsPerSecond,
        minutes, windows);
    System.out.println("train: generating " + data.describe());
    List<TrainingRow> rows = LabelledFeatureRows.generate(data);
    long abusive = rows.stream().filter(TrainingRow::abusive).count();
    System.out.printf("train: %,d labelled rows (%,d abusive)%n", rows.size(), abusive);
    ModelTrainer.Report report = ModelTrainer.train(rows, trainerSettings(data.describe(), commandLine()), out);
    System.out.println(report.describe());

    LabelledFeatureRows.Settings heldOut = new LabelledFeatureRows.Settings(evalSeed == null ? seed + 1 : evalSeed,
        members * 3 / 2, Math.min(1.0, abusiveFraction * 2), eventsPerSecond * 3 / 2, 20, windows);
    System.out.println("train: evaluating on " + heldOut.describe());
    try (BundleScorer scorer = report.bundle().newScorer()) {
      // Judged at the threshold the trainer measured its own split at (the lowest action's).
      System.out.print(HeldOutEvaluation.evaluate(scorer, LabelledFeatureRows.generateLabelled(heldOut),
          report.metrics().threshold()).describe());
    }
    return 0;
  }

  /** replay -> labels -> train: rows from the archive through the jobs' own code, labels joined from files. */
  private int trainOnArchive() throws Exception {
    if (from == null || to == null || labels.isEmpty()) {
      throw new IllegalArgumentException("--archive needs --from, --to and at least one --labels file");
    }
    for (Path l : labels) {
      if (!Files.isRegularFile(l)) {
        throw new IllegalArgumentException("--labels " + l + " is not a file");
      }
    }
    dev.vigil.replay.ArchiveSelection selection = dev.vigil.replay.ArchiveSelection.of(archive, dev.vigil.replay.ReplayPeriod.parse(from, to));
    dev.vigil.replay.AbuseLabels joined = dev.vigil.replay.AbuseLabels.read(labels);
    String describe = "archive " + archive + " " + selection.period() + ", labels " + labels + " (" + joined.members() + " members)"
        + (unlabelledBenign ? ", unlabelled as benign" : "");
    System.out.println("train: rows from " + describe);
    dev.vigil.replay.ArchiveTrainingRows.Result data = dev.vigil.replay.ArchiveTrainingRows.build(selection, joined, windows, unlabelledBenign);
    List<TrainingRow> rows = data.rows();
    long abusive = rows.stream().filter(TrainingRow::abusive).count();
    System.out.printf("train: %,d labelled rows (%,d abusive); %,d rows of unlabelled members skipped; %d malformed files%n",
        rows.size(), abusive, data.skippedUnlabelled(), data.malformedFiles());
    if (abusive == 0 || abusive == rows.size()) {
      throw new IllegalArgumentException("the labels give only one class (" + abusive + " abusive of " + rows.size() + " rows); nothing to learn");
    }
    List<String> command = new java.util.ArrayList<>(List.of("--archive", archive.toString(), "--from", from, "--to", to));
    labels.forEach(l -> command.addAll(List.of("--labels", l.toString())));
    command.addAll(List.of("--out", out.toString(), "--version", version, "--windows", windows, "--rounds", Integer.toString(rounds),
        "--algorithm", algorithm.name()));
    if (unlabelledBenign) {
      command.add("--unlabelled-benign");
    }
    System.out.println(ModelTrainer.train(rows, trainerSettings(describe, command), out).describe());
    return 0;
  }

  /** The trainer's defaults with this command's model name, version, algorithm and rounds; the manifest records data and command. */
  private ModelTrainer.Settings trainerSettings(String data, List<String> command) {
    ModelTrainer.Settings d = ModelTrainer.Settings.defaults(version);
    return new ModelTrainer.Settings(name, version, algorithm, rounds, d.maxDepth(), d.eta(), d.heldOutFraction(),
        d.seed(), d.thresholds(), data, "vigil train " + String.join(" ", command));
  }

  private List<String> commandLine() {
    return Arrays.asList("--out", out.toString(), "--version", version, "--seed", Long.toString(seed), "--members",
        Integer.toString(members), "--abusive-fraction", Double.toString(abusiveFraction), "--events-per-second",
        Integer.toString(eventsPerSecond), "--minutes", Integer.toString(minutes), "--windows",
        windows, "--rounds", Integer.toString(rounds), "--algorithm", algorithm.name());
  }
}
