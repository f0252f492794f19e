package dev.vigil.store.cli;

import dev.vigil.store.client.StoreClientException;
import picocli.CommandLine;

/** Runs {@code store} subcommands on their own ({@code ./vigil store} wraps the same command). */
public final class StoreCli {
  private StoreCli() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new StoreCommand());
    cli.setParameterExceptionHandler((ex, a) -> {
      System.err.println("vigil store: " + ex.getMessage());
      return 2;
    });
    cli.setExecutionExceptionHandler(StoreCli::oneLine);
    return cli.execute(args);
  }

  /** Bad arguments and server refusals are one line, not a stack trace. */
  public static int oneLine(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) throws Exception {
    if (ex instanceof IllegalArgumentException) {
      System.err.println("vigil store " + commandLine.getCommandName() + ": " + ex.getMessage());
      return 2;
    }
    if (ex instanceof StoreClientException) {
      System.err.println("vigil store " + commandLine.getCommandName() + ": " + ex.getMessage());
      return 1;
    }
    throw ex;
  }
}
