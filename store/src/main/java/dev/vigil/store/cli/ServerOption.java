package dev.vigil.store.cli;

import dev.vigil.store.client.VigilStoreClient;
import java.net.URI;
import picocli.CommandLine.Option;

/** The {@code --server} flag the client subcommands share. */
public final class ServerOption {
  @Option(names = "--server", defaultValue = "http://localhost:8080", description = "Store server (default: ${DEFAULT-VALUE})")
  String server;

  public VigilStoreClient client() {
    URI uri;
    try {
      uri = URI.create(server);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--server '" + server + "' is not a URL");
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--server must look like http://host:port, got '" + server + "'");
    }
    return VigilStoreClient.connect(server);
  }
}
