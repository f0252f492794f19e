package dev.vigil.testsupport.store;

import dev.vigil.store.client.AdminToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A store server in a child JVM ({@code vigil store serve}), so a test can kill it for real (SIGKILL, no
 * shutdown hooks, no flushing) and start it again on the same data directory.
 *
 * <p>The child runs {@value #MAIN} from this JVM's classpath: a test that starts one has the {@code store} module
 * there (test-support does not depend on it, so that the store's own tests can use this class).
 */
public final class StoreServerProcess implements AutoCloseable {
  /** The store's command line, {@code vigil store}. */
  public static final String MAIN = "dev.vigil.store.cli.StoreCli";
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  private final Process process;
  private final Thread reader;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Deque<String> lastLines = new ArrayDeque<>();
  // Everything the child printed (bounded), for tests that check what it must never print.
  private final StringBuilder allOutput = new StringBuilder();

  private StoreServerProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::drain, "store-child-output");
    reader.setDaemon(true);
    reader.start();
  }

  public static StoreServerProcess start(Path dataDir, String bootstrapServers) throws IOException {
    return start(dataDir, bootstrapServers, List.of(), Map.of());
  }

  /**
   * @param extraArgs more {@code serve} flags
   * @param environment variables for the child on top of this JVM's; the admin token variable is never
   *     inherited, so a developer's shell does not change what a test sees
   */
  public static StoreServerProcess start(Path dataDir, String bootstrapServers, List<String> extraArgs, Map<String, String> environment)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), MAIN,
        "serve", "--port", "0", "--data-dir", dataDir.toString(), "--bootstrapServers", bootstrapServers,
        "--status-seconds", "0"));
    command.addAll(extraArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove(AdminToken.ENV);
    builder.environment().putAll(environment);
    return new StoreServerProcess(builder.start());
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
          if (allOutput.length() < (4 << 20)) {
            allOutput.append(line).append('\n');
          }
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

  public int awaitPort(Duration timeout) throws Exception {
    return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public String output() {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  /** Everything printed so far (up to 4 MB). */
  public String allOutput() {
    synchronized (lastLines) {
      return allOutput.toString();
    }
  }

  /** SIGKILL: the JVM gets no chance to close RocksDB or anything else. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: shutdown hooks close the store cleanly. Returns once all its output has been read. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
