package dev.vigil.core.process;

import dev.vigil.core.console.CommandFailure;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process this JVM started and watches (a broker, a job, a store server): its output (stdout and stderr) is read as
 * it comes, copied to a log file when one is given, and its last lines and first 4 MB kept; the first line matching a
 * pattern says it is ready. {@link #stop()} asks it and its children to end (SIGTERM: shutdown hooks run) and kills
 * them after 30 s; {@link #kill()} kills it outright (SIGKILL: no hooks, nothing flushed), as a crash would.
 */
public final class ChildProcess implements AutoCloseable {
  private static final int KEPT_LINES = 40;
  private static final int KEPT_OUTPUT_CHARS = 4 << 20;

  private final String name;
  private final Process process;
  private final Path log;
  private final Pattern ready;
  private final CompletableFuture<String> readyValue = new CompletableFuture<>();
  private final Deque<String> lastLines = new ArrayDeque<>();
  private final StringBuilder output = new StringBuilder();
  private final Thread reader;

  private ChildProcess(String name, Process process, Path log, Pattern ready) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.ready = ready;
    this.reader = new Thread(this::read, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code builder}'s command with its error stream merged into its output.
   *
   * @param log where its output goes as well, or null
   * @param ready its first match in a line says the process is ready; the match's first group (or the line) is what
   *     {@link #awaitReady} returns
   */
  public static ChildProcess start(String name, ProcessBuilder builder, Path log, Pattern ready) throws IOException {
    if (log != null) {
      Files.createDirectories(log.toAbsolutePath().getParent());
    }
    return new ChildProcess(name, builder.redirectErrorStream(true).start(), log, ready);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         Writer out = log == null ? Writer.nullWriter() : Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.write(System.lineSeparator());
        out.flush();
        Matcher m = ready.matcher(line);
        if (!readyValue.isDone() && m.find()) {
          readyValue.complete(m.groupCount() > 0 ? m.group(1) : line);
        }
        synchronized (lastLines) {
          if (output.length() < KEPT_OUTPUT_CHARS) {
            output.append(line).append('\n');
          }
          lastLines.addLast(line);
          if (lastLines.size() > KEPT_LINES) {
            lastLines.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // The process ended or the log is unwritable: the wait below reports its last lines.
    }
    readyValue.completeExceptionally(new CommandFailure(name + " exited before it was ready (" + lastLine() + ")" + where()));
  }

  /** Waits for the ready line; fails in one line with its last line if it exits first or takes longer than {@code timeout}. */
  public String awaitReady(Duration timeout) throws InterruptedException {
    try {
      return readyValue.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (TimeoutException e) {
      throw new CommandFailure(name + " was not ready within " + timeout.toSeconds() + " s (last line: " + lastLine() + ")" + where());
    }
  }

  private String where() {
    return log == null ? "" : "; its log: " + log;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** The last line it printed, for one-line failure messages. */
  public String lastLine() {
    synchronized (lastLines) {
      return lastLines.isEmpty() ? "no output" : lastLines.peekLast();
    }
  }

  /** Its last 40 lines. */
  public String lastLines() {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  /** Everything it printed so far, up to 4 MB. */
  public String output() {
    synchronized (lastLines) {
      return output.toString();
    }
  }

  /** SIGTERM to its children and itself, SIGKILL to whichever is left after 30 s; returns once all have ended. */
  public void stop() throws InterruptedException {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        p.destroyForcibly();
        p.onExit().completeOnTimeout(p, 10, TimeUnit.SECONDS).join();
      }
    }
    reader.join(10_000);
  }

  /** SIGKILL to it and its children: they get no chance to close or flush anything. */
  public void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
