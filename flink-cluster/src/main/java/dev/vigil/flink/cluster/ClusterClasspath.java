package dev.vigil.flink.cluster;

import dev.vigil.core.console.CommandFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the cluster's jars are listed: {@code flink-cluster/target/cluster-classpath.txt}, written by the
 * build, found under {@code VIGIL_HOME} (set by the {@code vigil} script) or the nearest folder above the
 * working directory that has it (tests run in a module's folder).
 */
public final class ClusterClasspath {
  static final String FILE = "flink-cluster/target/cluster-classpath.txt";

  private ClusterClasspath() {}

  public static String read() throws IOException {
    Path file = locate().orElseThrow(() -> new CommandFailure(
        "the Flink cluster's classpath is not built (" + FILE + "); run: mvn -q -DskipTests package"));
    return Files.readString(file).trim();
  }

  static Optional<Path> locate() {
    return roots().stream().map(r -> r.resolve(FILE)).filter(Files::exists).findFirst();
  }

  /** Folders that may hold the project's build: {@code VIGIL_HOME}, then the working directory and its parents. */
  static List<Path> roots() {
    List<Path> roots = new ArrayList<>();
    String home = System.getenv("VIGIL_HOME");
    if (home != null) {
      roots.add(Path.of(home));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      roots.add(dir);
    }
    return roots;
  }
}
