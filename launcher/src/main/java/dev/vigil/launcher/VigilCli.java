package dev.vigil.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./vigil}: one entry point for every Vigil component. */
@Command(name = "vigil", mixinStandardHelpOptions = true, version = "vigil 0.1.0",
    description = "Nearline anti-abuse platform: Kafka, Apache Beam (Direct/Flink), DJL.",
    subcommands = {KafkaCommand.class, ProduceCommand.class, FilterCommand.class, ModelCommand.class, ArchiveCommand.class, dev.vigil.replay.cli.ReplayCommand.class,
        DemoCommand.class, LoadTestCommand.class, TrainCommand.class, BenchCommand.class, FlinkCommand.class, JobsCommand.class, StatusCommand.class,
        dev.vigil.store.cli.StoreCommand.class},
    footer = {"", "Run 'vigil COMMAND --help' for a command's flags."})
public final class VigilCli implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Parses and runs; bad flags print one line and usage hints, exit code 2. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new VigilCli()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((ex, a) -> {
      System.err.println("vigil: " + ex.getMessage());
      System.err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof dev.vigil.core.console.CommandFailure) {
        System.err.println(commandLine.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        return 1;
      }
      if (ex instanceof IllegalArgumentException || ex instanceof dev.vigil.core.rules.FilterRulesException
          || ex instanceof dev.vigil.scoring.ModelBundleException) {
        System.err.println(commandLine.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        return 2;
      }
      if (ex instanceof dev.vigil.store.client.StoreClientException) {
        System.err.println(commandLine.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        return 1;
      }
      throw ex;
    });
    return cli.execute(args);
  }
}
