package dev.vigil.launcher;

import dev.vigil.core.console.ProgressLine;
import dev.vigil.flink.cluster.FlinkSessionCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "flink", mixinStandardHelpOptions = true, description = "A local Flink 1.19 session cluster: a JobManager and TaskManagers, each its own JVM on 127.0.0.1.",
    subcommands = {FlinkCommand.Start.class, FlinkCommand.Stop.class})
final class FlinkCommand implements Runnable {
  static final String DEFAULT_DIR = dev.vigil.flink.cluster.FlinkSessionCluster.DEFAULT_HOME;

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "start", mixinStandardHelpOptions = true, description = {
      "Starts the session cluster in the background and prints its web UI address. Jobs go to it with",
      "./vigil filter|model|archive --flinkMaster=127.0.0.1:PORT. Configuration, logs, checkpoints and savepoints",
      "live under --dir."})
  static final class Start implements Callable<Integer> {
    @Option(names = "--taskmanagers", defaultValue = "2", description = "TaskManager processes (default: ${DEFAULT-VALUE})")
    int taskManagers;

    @Option(names = "--slots", defaultValue = "2", description = "Task slots per TaskManager (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--port", defaultValue = "8081", description = "REST API and web UI port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--taskmanager-memory", defaultValue = "2g", description = "Process memory of each TaskManager (default: ${DEFAULT-VALUE})")
    String taskManagerMemory;

    @Option(names = "--state-backend", defaultValue = "hashmap",
        description = "Default state backend of jobs on the cluster: hashmap (heap) or rocksdb (default: ${DEFAULT-VALUE})")
    String stateBackend;

    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "The cluster's folder (default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() throws Exception {
      FlinkSessionCluster.Settings settings = new FlinkSessionCluster.Settings(dir, taskManagers, slots, port, taskManagerMemory, stateBackend);
      long started = System.nanoTime();
      FlinkSessionCluster cluster = FlinkSessionCluster.start(settings, step -> ProgressLine.show("flink: " + step));
      ProgressLine.done();
      System.out.printf("Flink session cluster up in %.1f s: web UI %s (1 JobManager, %d TaskManagers x %d slots, %s state)%n",
          (System.nanoTime() - started) / 1e9, cluster.webUrl(), taskManagers, slots, stateBackend);
      System.out.printf("Submit jobs with --flinkMaster=%s; logs in %s; stop with: ./vigil flink stop%n", cluster.master(),
          cluster.home().resolve("log"));
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops the session cluster started from --dir (its jobs stop with it; checkpoints stay).")
  static final class Stop implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "The cluster's folder (default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() throws Exception {
      Optional<FlinkSessionCluster> cluster = FlinkSessionCluster.attach(dir);
      if (cluster.isEmpty()) {
        System.out.println("No Flink session cluster runs from " + dir.toAbsolutePath().normalize() + "; nothing to stop.");
        return 0;
      }
      int taskManagers = cluster.get().taskManagers().size();
      cluster.get().stop(Duration.ofSeconds(15));
      System.out.printf("Stopped the Flink session cluster at %s (1 JobManager, %d TaskManagers).%n", cluster.get().webUrl(), taskManagers);
      return 0;
    }
  }
}
