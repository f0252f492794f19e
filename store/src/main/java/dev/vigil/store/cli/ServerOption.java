package dev.vigil.store.cli;

import dev.vigil.store.client.VigilStoreClient;
import picocli.CommandLine.Option;

/** The {@code --server} flag the client subcommands share. */
final class ServerOption {
  @Option(names = "--server", defaultValue = "http://localhost:8080", description = "Store server (default: ${DEFAULT-VALUE})")
  String server;

  VigilStoreClient client() {
    return VigilStoreClient.forServerFlag(server);
  }
}
