package dev.vigil.store.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vigil store}: serve a store, push to it, read it, list and roll back its versions. */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = "The Venice-style score store: serve, push, get, versions, rollback.",
    subcommands = {StoreServeCommand.class, StorePushCommand.class, StoreGetCommand.class, StoreVersionsCommand.class,
        StoreRollbackCommand.class})
public final class StoreCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: serve, push, get, versions or rollback");
  }
}
