package dev.vigil.flink.cluster;

import dev.vigil.core.console.CommandFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** The deployable job jar ({@code jobs/target/vigil-jobs-*-all.jar}), found as {@link ClusterClasspath} finds its file. */
public final class JobJar {
  private JobJar() {}

  public static Path locate() throws IOException {
    for (Path root : ClusterClasspath.roots()) {
      Path target = root.resolve("jobs/target");
      if (Files.isDirectory(target)) {
        try (Stream<Path> files = Files.list(target)) {
          Optional<Path> jar = files.filter(f -> f.getFileName().toString().matches("vigil-jobs-.*-all\\.jar")).findFirst();
          if (jar.isPresent()) {
            return jar.get();
          }
        }
      }
    }
    throw new CommandFailure("the job jar is not built (jobs/target/vigil-jobs-*-all.jar); run: mvn -q -DskipTests package");
  }
}
