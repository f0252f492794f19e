package dev.vigil.loadtest.jmh;

import dev.vigil.core.process.ChildJvm;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the microbenchmarks of this package through JMH's {@link Runner} ({@code ./vigil bench jmh}). Forked JVMs
 * take this JVM's class path (JMH's default: {@code java.class.path}, which under the vigil script is the launcher
 * jar and launcher/target/classpath.txt) and the project's JVM flags: the module flags this JVM was started with
 * ({@link ChildJvm#moduleFlags()}, from config/jvm-flags or the tests' argLine), else config/jvm-flags itself,
 * and this JVM's heap limits.
 */
public final class JmhBench {
  /** Benchmarks of this package whose name matches {@code include} (a regular expression, JMH's syntax). */
  public record Settings(String include, int forks, int warmupIterations, int iterations, String time, Path out, boolean quiet) {
    public Settings {
      if (include == null || include.isBlank()) {
        throw new IllegalArgumentException("--include must not be empty");
      }
      if (forks < 0) {
        throw new IllegalArgumentException("--forks must be >= 0, got " + forks);
      }
      if (warmupIterations < 0) {
        throw new IllegalArgumentException("--warmup-iterations must be >= 0, got " + warmupIterations);
      }
      if (iterations < 1) {
        throw new IllegalArgumentException("--iterations must be >= 1, got " + iterations);
      }
      timeValue(time); // a one-line error for a bad duration
    }
  }

  private static final String PACKAGE = JmhBench.class.getPackageName();

  private JmhBench() {}

  /** JMH's duration syntax ({@code 1s}, {@code 200ms}, {@code 2min}), positive. */
  static TimeValue timeValue(String time) {
    TimeValue value;
    try {
      value = TimeValue.fromString(time == null ? "" : time.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--time must be a duration such as 1s, 500ms or 2min, got '" + time + "'");
    }
    if (value.getTime() <= 0) {
      throw new IllegalArgumentException("--time must be positive, got '" + time + "'");
    }
    return value;
  }

  /** Runs the benchmarks, prints a table of their scores to {@code out}, and returns JMH's results. */
  public static Collection<RunResult> run(Settings s, PrintStream out) throws RunnerException {
    TimeValue time = timeValue(s.time());
    // JMH matches the regular expression anywhere in the full name; this package only.
    String include = PACKAGE.replace(".", "\\.") + "\\..*(" + s.include() + ").*";
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(include)
        .forks(s.forks())
        .warmupIterations(s.warmupIterations())
        .warmupTime(time)
        .measurementIterations(s.iterations())
        .measurementTime(time)
        .threads(1)
        .jvmArgs(forkJvmArgs().toArray(new String[0]))
        .shouldFailOnError(true)
        .verbosity(s.quiet() ? VerboseMode.SILENT : VerboseMode.NORMAL);
    if (s.out() != null) {
      Path parent = s.out().toAbsolutePath().getParent();
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + parent, e);
      }
      options.resultFormat(ResultFormatType.JSON).result(s.out().toString());
    }
    Collection<RunResult> results;
    try {
      results = new Runner(options.build()).run();
    } catch (NoBenchmarksException e) {
      results = List.of();
    }
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no benchmark of " + PACKAGE + " matches --include " + s.include());
    }
    printTable(results, out);
    if (s.out() != null) {
      out.println("JMH JSON: " + s.out());
    }
    return results;
  }

  /** The forked JVMs' flags: the project's module flags and this JVM's heap limits. */
  static List<String> forkJvmArgs() {
    List<String> args = new ArrayList<>(ChildJvm.moduleFlags());
    if (args.isEmpty()) {
      args.addAll(configJvmFlags());
    }
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-Dai.djl.")) {
        args.add(a);
      }
    }
    return args;
  }

  /** config/jvm-flags of $VIGIL_HOME or the working directory, when this JVM was started without them. */
  private static List<String> configJvmFlags() {
    String home = System.getenv("VIGIL_HOME");
    Path file = Path.of(home == null ? "." : home, "config", "jvm-flags");
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static void printTable(Collection<RunResult> results, PrintStream out) {
    out.printf(Locale.ROOT, "%-40s %16s %14s  %s%n", "benchmark", "score", "error (99.9%)", "unit");
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      if (name.startsWith(PACKAGE + ".")) {
        name = name.substring(PACKAGE.length() + 1);
      }
      double error = r.getPrimaryResult().getScoreError();
      out.printf(Locale.ROOT, "%-40s %,16.0f %14s  %s%n", name, r.getPrimaryResult().getScore(),
          Double.isNaN(error) ? "n/a" : String.format(Locale.ROOT, "± %,.0f", error), r.getPrimaryResult().getScoreUnit());
    }
  }
}
