package dev.vigil.testsupport.store;

import dev.vigil.core.process.ChildProcess;
import dev.vigil.store.client.AdminToken;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A store server in a child JVM ({@code vigil store serve}), so a test can kill it for real (SIGKILL, no
 * shutdown hooks, no flushing) and start it again on the same data directory.
 *
 * <p>The child runs {@value #MAIN} from this JVM's classpath: a test that starts one has the {@code store} module
 * there (test-support does not depend on it, so that the store's own tests can use this class), and {@code core}
 * ({@link ChildProcess}).
 */
public final class StoreServerProcess implements AutoCloseable {
  /** The store's command line, {@code vigil store}. */
  public static final String MAIN = "dev.vigil.store.cli.StoreCli";
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  private final ChildProcess child;

  private StoreServerProcess(ChildProcess child) {
    this.child = child;
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
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove(AdminToken.ENV);
    builder.environment().putAll(environment);
    return new StoreServerProcess(ChildProcess.start("store", builder, null, LISTENING));
  }

  public int awaitPort(Duration timeout) throws Exception {
    return Integer.parseInt(child.awaitReady(timeout));
  }

  /** Its last lines. */
  public String output() {
    return child.lastLines();
  }

  /** Everything printed so far (up to 4 MB). */
  public String allOutput() {
    return child.output();
  }

  /** SIGKILL: the JVM gets no chance to close RocksDB or anything else. */
  public void kill() throws InterruptedException {
    child.kill();
  }

  /** SIGTERM: shutdown hooks close the store cleanly. Returns once all its output has been read. */
  public void stop() throws InterruptedException {
    child.stop();
  }

  @Override
  public void close() throws InterruptedException {
    if (child.alive()) {
      kill();
    }
  }
}
