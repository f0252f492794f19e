package dev.vigil.flink.cluster;

import dev.vigil.core.console.CommandFailure;
import dev.vigil.core.process.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The deployable job jar ({@code jobs/target/vigil-jobs-*-all.jar}), found as {@link ClusterClasspath} finds its file. */
public final class JobJar {
  private JobJar() {}

  /** The command line that runs {@code job} (filter, model, archive) with {@code args} in a JVM on the job jar. */
  public static List<String> command(String job, List<String> args) throws IOException {
    List<String> command = ChildJvm.java();
    command.addAll(List.of("-cp", locate().toString(), "dev.vigil.jobs.VigilJob", job));
    command.addAll(args);
    return command;
  }

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
