package dev.vigil.loadtest.harness;

import dev.vigil.core.console.CommandFailure;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A component the harness runs as a process of its own (broker, job, store), so that its CPU time and memory
 * are its own: its output goes to a log file, a line of it says when it is ready, and {@link #close()} stops it.
 */
final class ComponentProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final Pattern ready;
  private final CompletableFuture<String> readyValue = new CompletableFuture<>();
  private final Deque<String> lastLines = new ArrayDeque<>();
  private final Thread reader;

  private ComponentProcess(String name, Process process, Path log, Pattern ready) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.ready = ready;
    this.reader = new Thread(this::drain, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code command}; its output (stdout and stderr) goes to {@code log}. {@code ready}'s first group, in the
   * first line that matches, is what {@link #awaitReady} returns.
   */
  static ComponentProcess start(String name, List<String> command, Map<String, String> environment, Path log, Pattern ready)
      throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    return new ComponentProcess(name, builder.start(), log, ready);
  }

  private void drain() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        Matcher m = ready.matcher(line);
        if (!readyValue.isDone() && m.find()) {
          readyValue.complete(m.groupCount() > 0 ? m.group(1) : line);
        }
        synchronized (lastLines) {
          lastLines.addLast(line);
          if (lastLines.size() > 20) {
            lastLines.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // The process ended or the log is unwritable: the wait below reports its last lines.
    }
    readyValue.completeExceptionally(new CommandFailure(name + " exited before it was ready (" + lastLine() + "); its log: " + log));
  }

  /** Waits for the ready line; fails with the process's last lines if it exits first or takes longer than {@code timeout}. */
  String awaitReady(Duration timeout) throws InterruptedException {
    try {
      return readyValue.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (TimeoutException e) {
      throw new CommandFailure(name + " was not ready within " + timeout.toSeconds() + " s (last line: " + lastLine() + "); its log: " + log);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The last line it printed, for one-line failure messages. */
  String lastLine() {
    synchronized (lastLines) {
      return lastLines.isEmpty() ? "no output" : lastLines.peekLast();
    }
  }

  /** SIGTERM (shutdown hooks run: the broker closes its logs, a job's embedded cluster stops), then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(5_000);
  }
}
