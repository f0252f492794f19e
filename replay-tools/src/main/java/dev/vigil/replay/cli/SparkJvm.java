package dev.vigil.replay.cli;

import java.io.IOException;
import dev.vigil.core.process.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a replay command again in a JVM whose classpath is {@code replay-spark}'s (this module plus Beam's
 * Spark runner and Spark), when {@code --runner=SparkRunner} is asked for from a JVM without Spark.
 */
final class SparkJvm {
  private SparkJvm() {}

  static boolean wanted(List<String> beamArgs) {
    return dev.vigil.replay.ReplayLabel.runner(beamArgs).equals("spark") && !sparkOnClasspath();
  }

  private static boolean sparkOnClasspath() {
    try {
      Class.forName("org.apache.beam.runners.spark.SparkRunner", false, SparkJvm.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Same arguments, the Spark runner's classpath, output inherited; returns the child's exit code. */
  static int relaunch(CommandSpec spec) throws IOException, InterruptedException {
    Path home = Path.of(System.getenv().getOrDefault("VIGIL_HOME", "."));
    Path target = home.resolve("replay-spark").resolve("target");
    Path classpath = target.resolve("classpath.txt");
    Path jar;
    try (Stream<Path> jars = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      jar = jars.filter(p -> p.getFileName().toString().matches("vigil-replay-spark-.*\\.jar")).findFirst().orElse(null);
    }
    if (jar == null || !Files.exists(classpath)) {
      throw new IllegalArgumentException("--runner=SparkRunner needs the replay-spark module built (" + target
          + " has no jar or classpath.txt; run mvn -DskipTests package)");
    }
    List<String> command = ChildJvm.java();
    command.addAll(List.of("-cp", jar + ":" + Files.readString(classpath).trim(), ReplayCommand.class.getName(), spec.name()));
    List<String> original = spec.commandLine().getParseResult().originalArgs(); // from the top command on
    command.addAll(original.subList(original.indexOf(spec.name()) + 1, original.size()));
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }
}
