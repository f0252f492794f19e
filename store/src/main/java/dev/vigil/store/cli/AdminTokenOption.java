package dev.vigil.store.cli;

import dev.vigil.store.client.AdminToken;
import dev.vigil.store.client.VigilStoreClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --admin-token-file} flag of the subcommands that call admin endpoints. */
final class AdminTokenOption {
  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "File holding the server's admin token (default: $" + AdminToken.ENV + ")")
  Path file;

  /** {@code client} sending the token of the file; without the flag, the client as {@code --server} made it. */
  VigilStoreClient apply(VigilStoreClient client) {
    // VigilStoreClient.forServerFlag has taken the token from the environment already, if there is one.
    return file == null ? client : client.withAdminToken(AdminToken.fromFile(file));
  }
}
