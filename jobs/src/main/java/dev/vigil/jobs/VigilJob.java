package dev.vigil.jobs;

import dev.vigil.core.console.CommandFailure;
import dev.vigil.filter.FilterPipeline;
import dev.vigil.model.ModelPipeline;
import dev.vigil.platform.options.OptionsFile;
import dev.vigil.platform.runner.StreamingJobDefaults;
import dev.vigil.replay.ArchivePipeline;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;

/**
 * Entry point of the job jar:
 * <pre>
 *   java -jar vigil-jobs-*-all.jar filter|model|archive --flinkMaster=host:8081 [--optionsFile=PATH] [Beam flags]
 *   flink run vigil-jobs-*-all.jar filter [Beam flags]
 * </pre>
 * Against a cluster ({@code --flinkMaster=host:port}) the job is submitted detached and only this jar is
 * staged (Beam would otherwise upload every jar of the classpath); {@code [local]} runs it in this JVM
 * until it is stopped.
 */
public final class VigilJob {
  static final List<String> JOBS = List.of("filter", "model", "archive");

  private VigilJob() {}

  public static void main(String[] args) {
    if (args.length == 0 || !JOBS.contains(args[0])) {
      System.err.println("usage: vigil-jobs filter|model|archive [--flinkMaster=host:port] [Beam flags]; --help after the job lists them");
      System.exit(2);
    }
    String job = args[0];
    try {
      // The options file first: its flinkMaster decides how the job is submitted.
      String[] flags = forCluster(OptionsFile.expand(Arrays.copyOfRange(args, 1, args.length)), ownJar());
      run(job, flags);
      String master = StreamingJobDefaults.valueOf(flags, "--flinkMaster");
      if (StreamingJobDefaults.isClusterMaster(master)) {
        System.out.printf("vigil-%s submitted to the Flink cluster at %s (web UI http://%s); ./vigil status shows it%n", job, master, master);
      }
    } catch (CommandFailure e) {
      System.err.println("vigil " + job + ": " + e.getMessage()); // what the job needs is not there: exit 1, as the CLI
      System.exit(1);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("vigil " + job + ": " + e.getMessage());
      System.exit(2);
    }
  }

  /** Runs the job: until it ends on an embedded cluster, or until it is submitted to a cluster master. */
  static PipelineResult run(String job, String[] flags) {
    return switch (job) {
      case "filter" -> FilterPipeline.runInForeground(FilterPipeline.parseOptions(flags));
      case "model" -> ModelPipeline.runInForeground(ModelPipeline.parseOptions(flags));
      case "archive" -> ArchivePipeline.runInForeground(ArchivePipeline.parseOptions(flags));
      default -> throw new IllegalArgumentException("unknown job '" + job + "'; one of " + JOBS);
    };
  }

  /** For a remote master: detached submission, and only {@code jar} staged, unless the flags say otherwise. */
  static String[] forCluster(String[] flags, Path jar) {
    if (!StreamingJobDefaults.isClusterMaster(StreamingJobDefaults.valueOf(flags, "--flinkMaster"))) {
      return flags;
    }
    List<String> out = new ArrayList<>(Arrays.asList(flags));
    if (!StreamingJobDefaults.given(flags, "--attachedMode")) {
      out.add("--attachedMode=false");
    }
    if (!StreamingJobDefaults.given(flags, "--filesToStage") && jar != null) {
      out.add("--filesToStage=" + jar);
    }
    return out.toArray(String[]::new);
  }

  /** The jar this class was loaded from, or null when run from classes (tests, an IDE). */
  private static Path ownJar() {
    try {
      Path p = Path.of(VigilJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return p.toString().endsWith(".jar") ? p : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
