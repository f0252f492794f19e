package dev.vigil.launcher;

import dev.vigil.core.console.CommandFailure;
import dev.vigil.flink.cluster.JobJar;
import dev.vigil.platform.runner.StreamingJobDefaults;
import java.io.IOException;
import java.util.Arrays;

/**
 * Runs a job through the deployable job jar, in a JVM of its own, as {@code flink run} or a platform's
 * deployment would: when the job goes to a Flink cluster ({@code --flinkMaster=host:port}), so the cluster
 * receives one jar rather than the launcher's whole classpath, and when it keeps state in Flink's RocksDB
 * backend, whose RocksDB build must not share a classpath with the score store's.
 */
final class JobJarProcess {
  private JobJarProcess() {}

  static boolean needed(String[] args) {
    return StreamingJobDefaults.isClusterMaster(StreamingJobDefaults.valueOf(args, "--flinkMaster")) || "rocksdb".equalsIgnoreCase(StreamingJobDefaults.valueOf(args, "--stateBackend"));
  }

  /** Runs {@code job} with {@code args} in a JVM on the job jar; returns its exit code. */
  static int run(String job, String[] args) {
    try {
      return new ProcessBuilder(JobJar.command(job, Arrays.asList(args))).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new CommandFailure("cannot start the job jar: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
