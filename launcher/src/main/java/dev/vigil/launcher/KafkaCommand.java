package dev.vigil.launcher;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.VigilTopics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Run a single-node KRaft Kafka broker in the foreground and create the Vigil topics. Ctrl-C stops it.")
final class KafkaCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--data-dir", defaultValue = ".vigil/kafka", description = "Log directory, kept across restarts (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the Vigil topics (default: ${DEFAULT-VALUE})")
  int partitions;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--port must be 1-65535, got " + port);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
    }
    if (port != 0) {
      // The broker would log two hundred lines and keep its other threads up; say it in one line instead.
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.bind(new java.net.InetSocketAddress("localhost", port));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--port " + port + " is in use (" + e.getMessage() + ")");
      }
    }
    try {
      java.nio.file.Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("--data-dir " + dataDir + " cannot be created: " + e.getMessage());
    }
    if (!java.nio.file.Files.isWritable(dataDir)) {
      throw new IllegalArgumentException("--data-dir " + dataDir + " is not writable");
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(port).dataDir(dataDir).defaultPartitions(partitions).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping Kafka...");
      broker.close();
      stopped.countDown();
    }, "kafka-shutdown"));
    broker.start();
    broker.topics().create(VigilTopics.DEFAULTS, partitions);
    System.out.println("Kafka is running. bootstrap.servers=" + broker.bootstrapServers());
    System.out.println("Topics (" + partitions + " partitions): " + String.join(", ", VigilTopics.DEFAULTS));
    System.out.println("Data: " + dataDir.toAbsolutePath() + ". Press Ctrl-C to stop.");
    stopped.await();
    return 0;
  }
}
