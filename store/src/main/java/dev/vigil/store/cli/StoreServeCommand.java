package dev.vigil.store.cli;

import dev.vigil.schemas.VigilTopics;
import dev.vigil.store.Store;
import dev.vigil.store.StoreServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve stores over HTTP and ingest their real-time topics (vigil.store.<name>.rt). Ctrl-C stops it.")
final class StoreServeCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "8080", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = {"--bootstrapServers", "--bootstrap-servers"}, defaultValue = "localhost:9092",
      description = "Kafka brokers (default: ${DEFAULT-VALUE})")
  String bootstrapServers;

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

  @Option(names = "--http-threads", defaultValue = "16", description = "Request threads (default: ${DEFAULT-VALUE})")
  int httpThreads;

  @Option(names = "--status-seconds", defaultValue = "30", description = "Seconds between status lines; 0 for none (default: ${DEFAULT-VALUE})")
  int statusSeconds;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0-65535, got " + port);
    }
    if (httpThreads < 1) {
      throw new IllegalArgumentException("--http-threads must be >= 1, got " + httpThreads);
    }
    try {
      java.nio.file.Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("--data-dir " + dataDir + " cannot be created: " + e);
    }
    if (!java.nio.file.Files.isWritable(dataDir)) {
      throw new IllegalArgumentException("--data-dir " + dataDir + " is not writable");
    }
    StoreServer.Settings settings = new StoreServer.Settings(dataDir, bootstrapServers, port, stores, partitions, keepVersions,
        rewind, VigilTopics.DEAD_LETTER, httpThreads, 256L << 20);
    StoreServer server = StoreServer.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "store-shutdown"));
    // Tests and scripts read this line to learn the port.
    System.out.println("vigil store: listening on port " + server.port() + ", serving " + stores + " from " + dataDir);
    System.out.flush();
    while (!stopped.await(statusSeconds > 0 ? statusSeconds : Integer.MAX_VALUE, TimeUnit.SECONDS)) {
      StringBuilder line = new StringBuilder(LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
      for (String name : stores) {
        Store store = server.store(name);
        line.append("  ").append(name).append(": v").append(store.servingVersion())
            .append(" ingestion=").append(store.ingestion().state())
            .append(" consumed=").append(store.recordsConsumed())
            .append(" lag=").append(store.ingestion().lag());
      }
      System.out.println(line);
    }
    return 0;
  }
}
