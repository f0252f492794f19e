package dev.vigil.store.cli;

import dev.vigil.store.client.VersionInfo;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "versions", mixinStandardHelpOptions = true, description = "List a store's versions and which one serves.")
final class StoreVersionsCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Store name")
  String store;

  @Mixin ServerOption server;

  @Mixin AdminTokenOption adminToken;

  @Override
  public Integer call() {
    java.util.List<VersionInfo> versions = adminToken.apply(server.client()).versions(store);
    System.out.printf("%-8s %-8s %-8s %-24s %-24s %12s  %s%n", "version", "state", "serving", "created", "cut-off", "rows", "source");
    for (VersionInfo v : versions) {
      System.out.printf("%-8d %-8s %-8s %-24s %-24s %,12d  %s%n", v.number(), v.state(), v.serving() ? "*" : "",
          Instant.ofEpochMilli(v.createdAtMs()), v.cutoffMs() == 0 ? "-" : Instant.ofEpochMilli(v.cutoffMs()).toString(),
          v.rows(), v.source());
    }
    return 0;
  }
}
