package dev.vigil.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A store server in a child JVM ({@code vigil store serve}), so a test can kill it for real (SIGKILL, no
 * shutdown hooks, no flushing) and start it again on the same data directory.
 */
final class StoreServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  private final Process process;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Deque<String> lastLines = new ArrayDeque<>();

  private StoreServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::drain, "store-child-output");
    reader.setDaemon(true);
    reader.start();
  }

  static StoreServerProcess start(Path dataDir, String bootstrapServers) throws IOException {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.vigil.store.cli.StoreCli",
        "serve", "--port", "0", "--data-dir", dataDir.toString(), "--bootstrapServers", bootstrapServers,
        "--status-seconds", "0");
    return new StoreServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private void drain() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
        synchronized (lastLines) {
          lastLines.addLast(line);
          if (lastLines.size() > 40) {
            lastLines.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // The process died; its last lines are kept for the failure message.
    }
    port.completeExceptionally(new IllegalStateException("store process exited before listening:\n" + output()));
  }

  int awaitPort(Duration timeout) throws Exception {
    return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  String output() {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  /** SIGKILL: the JVM gets no chance to close RocksDB or anything else. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: shutdown hooks close the store cleanly. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
