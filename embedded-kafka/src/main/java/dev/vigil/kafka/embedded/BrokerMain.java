package dev.vigil.kafka.embedded;

import dev.vigil.schemas.VigilTopics;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A broker in a JVM of its own, for a parent process that must measure its own CPU apart from the broker's
 * (the load-test harness): {@code BrokerMain DATA_DIR PARTITIONS}. Picks a free port, creates the Vigil topics,
 * prints {@value #READY_PREFIX}{@code host:port} once clients can connect, and runs until it is terminated.
 */
public final class BrokerMain {
  /** The line that says the broker is ready, followed by its bootstrap servers. */
  public static final String READY_PREFIX = "vigil broker ready: bootstrap.servers=";

  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: BrokerMain DATA_DIR PARTITIONS");
      System.exit(2);
    }
    int partitions = Integer.parseInt(args[1]);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(Path.of(args[0])).defaultPartitions(partitions).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "broker-shutdown"));
    broker.start();
    broker.topics().create(VigilTopics.DEFAULTS, partitions);
    System.out.println(READY_PREFIX + broker.bootstrapServers());
    stopped.await();
  }
}
