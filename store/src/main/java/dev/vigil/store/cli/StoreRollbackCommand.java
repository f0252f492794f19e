package dev.vigil.store.cli;

import dev.vigil.store.client.VersionInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Make the previous online version serve again (it first catches up with real-time writes).")
final class StoreRollbackCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Store name")
  String store;

  @Mixin ServerOption server;

  @Mixin AdminTokenOption adminToken;

  @Override
  public Integer call() {
    VersionInfo now = adminToken.apply(server.client()).rollback(store);
    System.out.println(store + ": version " + now.number() + " serves again");
    return 0;
  }
}
