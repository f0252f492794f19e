package dev.vigil.store.cli;

import dev.vigil.schemas.VigilTopics;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.store.Store;
import dev.vigil.store.StoreServer;
import dev.vigil.store.client.AdminToken;
import dev.vigil.store.http.AdminAccess;
import dev.vigil.store.http.StoreHttpServer;
import dev.vigil.store.push.PushInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve stores over HTTP and ingest their real-time topics (vigil.store.<name>.rt). Ctrl-C stops it.",
        "Listens on 127.0.0.1 unless --bind says otherwise. The admin endpoints (push, rollback, versions) need the token of"
            + " --admin-token-file or $" + AdminToken.ENV + "; without one they are refused. Pushes read only from --push-dir."})
final class StoreServeCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "8080", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, this machine only)")
  String bind;

  @Option(names = {"--bootstrapServers", "--bootstrap-servers"}, defaultValue = "localhost:9092",
      description = "Kafka brokers; if they do not answer, ingestion retries with backoff (default: ${DEFAULT-VALUE})")
  String bootstrapServers;

  @Option(names = {"--kafka-properties-file", "--kafkaPropertiesFile"}, paramLabel = "FILE",
      description = KafkaClientSettings.FILE_FLAG_DESCRIPTION)
  Path kafkaPropertiesFile;

  @Option(names = "--data-dir", required = true, description = "Where the stores' versions live")
  Path dataDir;

  @Option(names = "--store", defaultValue = "abuse-scores", split = ",",
      description = "Stores to serve (default: ${DEFAULT-VALUE})")
  List<String> stores;

  @Option(names = "--partitions", defaultValue = "8", description = "Partitions of a store created now (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(names = "--keep-versions", defaultValue = "3", description = "Online versions kept on disk (default: ${DEFAULT-VALUE})")
  int keepVersions;

  @Option(names = "--rewind", defaultValue = "1h", converter = Durations.class,
      description = "Real-time replay starts this long before a push's cut-off (default: ${DEFAULT-VALUE})")
  Duration rewind;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "File holding the admin token (one word, at least " + AdminToken.MIN_LENGTH + " characters; e.g. openssl rand -hex 32);"
          + " default: $" + AdminToken.ENV + ". Without a token the admin endpoints answer 403")
  Path adminTokenFile;

  @Option(names = "--insecure-admin", description = "Admin endpoints without any credentials: only on a machine where everyone who can"
      + " reach the port may push and roll back")
  boolean insecureAdmin;

  @Option(names = "--push-dir", split = ",", paramLabel = "DIR",
      description = "Directory pushes may read input from, repeatable or comma-separated (default: the --data-dir)")
  List<Path> pushDirs;

  @Option(names = "--http-threads", defaultValue = "16", description = "Requests doing store work at once (default: ${DEFAULT-VALUE})")
  int httpThreads;

  @Option(names = "--max-connections", defaultValue = "256",
      description = "Requests in progress at once, slow ones included; connections beyond are closed unanswered (default: ${DEFAULT-VALUE})")
  int maxConnections;

  @Option(names = "--request-timeout", defaultValue = "10s", converter = Durations.class,
      description = "A request's line, headers and body must arrive within this, or its connection is closed; whole seconds"
          + " (default: ${DEFAULT-VALUE})")
  Duration requestTimeout;

  @Option(names = "--status-seconds", defaultValue = "30", description = "Seconds between status lines; 0 for none (default: ${DEFAULT-VALUE})")
  int statusSeconds;

  @Override
  public Integer call() throws InterruptedException {
    StoreHttpServer.Options http = new StoreHttpServer.Options(bind, port, httpThreads, maxConnections, requestTimeout);
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new IllegalArgumentException("--data-dir " + dataDir + " cannot be created: " + e);
    }
    if (!Files.isWritable(dataDir)) {
      throw new IllegalArgumentException("--data-dir " + dataDir + " is not writable");
    }
    try {
      InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--bind '" + bind + "' is neither an IP address nor a host name this machine resolves");
    }
    KafkaClientSettings kafka = KafkaClientSettings.fromEnvironment(kafkaPropertiesFile).withBootstrapServers(bootstrapServers);
    Optional<AdminToken> token = AdminToken.resolve(adminTokenFile);
    if (insecureAdmin && token.isPresent()) {
      throw new IllegalArgumentException("--insecure-admin and an admin token (--admin-token-file or " + AdminToken.ENV
          + ") exclude each other");
    }
    AdminAccess admin = insecureAdmin ? AdminAccess.open() : token.map(AdminAccess::token).orElseGet(AdminAccess::refused);
    PushInputs pushInputs = PushInputs.under(pushDirs == null || pushDirs.isEmpty() ? List.of(dataDir) : pushDirs);
    StoreServer.Settings settings = new StoreServer.Settings(dataDir, kafka, stores, partitions, keepVersions, rewind,
        VigilTopics.DEAD_LETTER, 256L << 20, http, admin, pushInputs);
    StoreServer server;
    try {
      server = StoreServer.start(settings);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "store-shutdown"));
    System.out.println("vigil store: " + describe(admin, token) + "; pushes read from " + pushInputs.describe()
        + (kafka.keys().isEmpty() ? "" : "; Kafka clients use " + kafka));
    if (insecureAdmin) {
      System.err.println("vigil store: WARNING: --insecure-admin: anyone who can reach port " + server.port() + " can push and roll back");
    }
    // Last: tests and scripts take "listening on port N" to mean the server is ready, and learn the port.
    System.out.println("vigil store: listening on port " + server.port() + " at " + bind
        + ", serving " + stores + " from " + dataDir);
    System.out.flush();
    while (!stopped.await(statusSeconds > 0 ? statusSeconds : Integer.MAX_VALUE, TimeUnit.SECONDS)) {
      StringBuilder line = new StringBuilder(LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
      for (String name : stores) {
        Store store = server.store(name);
        line.append("  ").append(name).append(": v").append(store.servingVersion())
            .append(" ingestion=").append(store.ingestion().state())
            .append(" consumed=").append(store.recordsConsumed())
            .append(" lag=").append(store.ingestion().lag());
        String waitingFor = store.ingestion().waitingFor();
        if (waitingFor != null) {
          line.append(" waiting for ").append(waitingFor);
        }
      }
      System.out.println(line);
    }
    return 0;
  }

  /** Where the token came from, never the token. */
  private String describe(AdminAccess admin, Optional<AdminToken> token) {
    if (token.isEmpty()) {
      return admin.describe() + (insecureAdmin ? "" : "; set --admin-token-file FILE or " + AdminToken.ENV + " to push and roll back");
    }
    return admin.describe() + " (from " + (adminTokenFile != null ? adminTokenFile : "$" + AdminToken.ENV) + ")";
  }
}
