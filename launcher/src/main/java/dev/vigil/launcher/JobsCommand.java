package dev.vigil.launcher;

import dev.vigil.core.console.CommandFailure;
import dev.vigil.flink.cluster.FlinkRest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "jobs", mixinStandardHelpOptions = true, description = "The Vigil jobs on a Flink cluster: list them, stop one with a savepoint, cancel one.",
    subcommands = {JobsCommand.ListJobs.class, JobsCommand.Stop.class, JobsCommand.Cancel.class})
final class JobsCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** The active job with this name (vigil-filter, ...) or id. */
  static FlinkRest.Job find(FlinkRest rest, String nameOrId) {
    List<FlinkRest.Job> jobs = rest.jobs();
    return jobs.stream().filter(j -> j.id().equals(nameOrId)).findFirst()
        .or(() -> FlinkRest.newestActive(jobs, nameOrId))
        .orElseThrow(() -> new CommandFailure("no running job named or with id '" + nameOrId + "' on " + rest.master()
            + " (vigil jobs list shows them)"));
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Jobs on the cluster, newest first: id, name, state, start time.")
  static final class ListJobs implements Callable<Integer> {
    @Mixin
    FlinkMasterOption flink;

    @Override
    public Integer call() {
      List<FlinkRest.Job> jobs = flink.rest().jobs().stream().sorted((a, b) -> Long.compare(b.startTimeMs(), a.startTimeMs())).toList();
      if (jobs.isEmpty()) {
        System.out.println("No jobs on " + flink.rest().master() + ".");
      }
      for (FlinkRest.Job j : jobs) {
        System.out.printf("%s  %-14s %-11s started %s%n", j.id(), j.name(), j.state(), java.time.Instant.ofEpochMilli(j.startTimeMs()));
      }
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = {
      "Stops a job with a savepoint: its state (open windows, member timelines) and Kafka offsets are kept in DIR,",
      "and a new build of the job starts from it with --fromSavepoint=<printed path>."})
  static final class Stop implements Callable<Integer> {
    @Mixin
    FlinkMasterOption flink;

    @Parameters(index = "0", paramLabel = "JOB", description = "Job name (vigil-filter, vigil-model, vigil-archive) or id")
    String job;

    @Option(names = "--savepoint", required = true, paramLabel = "DIR", description = "Directory (or URI) the savepoint goes to")
    String savepoint;

    @Option(names = "--timeout", defaultValue = "PT5M", description = "How long to wait for the savepoint (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
      FlinkRest rest = flink.rest();
      FlinkRest.Job j = find(rest, job);
      String target = savepoint.contains("://") ? savepoint : Path.of(savepoint).toAbsolutePath().toUri().toString();
      System.out.printf("Stopping %s (%s) with a savepoint in %s...%n", j.name(), j.id(), target);
      String location = rest.stopWithSavepoint(j.id(), target, timeout);
      System.out.printf("Stopped %s. Savepoint: %s%nStart it again with: --fromSavepoint=%s%n", j.name(), location, location);
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels a job without a savepoint (its last retained checkpoint stays on disk).")
  static final class Cancel implements Callable<Integer> {
    @Mixin
    FlinkMasterOption flink;

    @Parameters(index = "0", paramLabel = "JOB", description = "Job name or id")
    String job;

    @Override
    public Integer call() {
      FlinkRest rest = flink.rest();
      FlinkRest.Job j = find(rest, job);
      rest.cancel(j.id());
      System.out.printf("Cancelled %s (%s).%n", j.name(), j.id());
      return 0;
    }
  }
}
