package dev.vigil.kafka.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EmbeddedKafkaBroker} in a child JVM of its own, for measurements that must tell the broker's
 * CPU apart from the engine's (a benchmark's own process then holds only the job and its harness). The
 * child runs from this JVM's classpath and exits when its parent closes it or dies (its stdin closes).
 */
public final class BrokerProcess implements AutoCloseable {
  private static final String READY = "VIGIL-BROKER-READY ";

  private final Process process;
  private final String bootstrapServers;

  private BrokerProcess(Process process, String bootstrapServers) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
  }

  /** Starts the broker with its log in {@code dataDir} and waits until it serves. */
  public static BrokerProcess start(Path dataDir, Duration timeout) throws IOException {
    Files.createDirectories(dataDir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        BrokerProcess.class.getName(), dataDir.toAbsolutePath().toString()))
        .redirectErrorStream(true)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + timeout.toNanos();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(READY)) {
        String bootstrap = line.substring(READY.length()).strip();
        Thread drain = new Thread(() -> drain(out), "broker-process-output");
        drain.setDaemon(true);
        drain.start();
        return new BrokerProcess(process, bootstrap);
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    process.destroyForcibly();
    throw new IOException("the broker process did not start within " + timeout + " (last output: " + line + ")");
  }

  private static void drain(BufferedReader out) {
    try {
      while (out.readLine() != null) {
        // The child's log is not needed once it serves; reading keeps its pipe from filling up.
      }
    } catch (IOException e) {
      // The child exited.
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public KafkaTopics topics() {
    return new KafkaTopics(bootstrapServers);
  }

  /** The broker process's id, for measuring its memory. */
  public long pid() {
    return process.pid();
  }

  /** CPU time the broker process has used so far. */
  public Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close(); // the child stops when its stdin closes
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The child: a broker until stdin closes. */
  public static void main(String[] args) throws IOException {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(Path.of(args[0])).build().start()) {
      System.out.println(READY + broker.bootstrapServers());
      System.out.flush();
      while (System.in.read() != -1) {
        // Wait for the parent to close our stdin (or to die, which closes it too).
      }
    }
  }
}
