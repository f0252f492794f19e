package dev.vigil.flink.cluster;

import dev.vigil.core.console.CommandFailure;
import dev.vigil.core.process.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A Flink 1.19 session cluster on this machine: one JobManager and N TaskManagers, each its own JVM bound
 * to 127.0.0.1, started from the jars of {@link ClusterClasspath} (no Flink distribution needed). Its
 * folder ({@code home}) holds the configuration, logs, pid files, checkpoints and savepoints, so a later
 * command ({@link #attach}) finds a running cluster again, and {@link #stop} stops it.
 *
 * <p>The processes outlive the JVM that started them (a CLI starts the cluster and exits). TaskManagers
 * need the memory settings Flink's scripts compute; they come from Flink's own {@code BashJavaUtils}.
 */
public final class FlinkSessionCluster {
  /** Where {@code ./vigil flink start} keeps a cluster's files unless told otherwise (relative to the working directory). */
  public static final String DEFAULT_HOME = ".vigil/flink";
  private static final String JOB_MANAGER = "jobmanager";
  private static final String TASK_MANAGER = "taskmanager-";

  /** What {@code vigil flink start} asks for. */
  public record Settings(Path home, int taskManagers, int slotsPerTaskManager, int restPort, String taskManagerMemory,
      String stateBackend) {
    public Settings {
      if (taskManagers < 1 || taskManagers > 16) {
        throw new IllegalArgumentException("--taskmanagers must be 1..16, got " + taskManagers);
      }
      if (slotsPerTaskManager < 1 || slotsPerTaskManager > 64) {
        throw new IllegalArgumentException("--slots must be 1..64, got " + slotsPerTaskManager);
      }
      if (restPort < 0 || restPort > 65_535) {
        throw new IllegalArgumentException("--port must be 0..65535, got " + restPort);
      }
      if (!taskManagerMemory.matches("\\d+[mg]")) {
        throw new IllegalArgumentException("--taskmanager-memory must look like 2048m or 2g, got '" + taskManagerMemory + "'");
      }
      if (!stateBackend.equals("hashmap") && !stateBackend.equals("rocksdb")) {
        throw new IllegalArgumentException("--state-backend must be hashmap or rocksdb, got '" + stateBackend + "'");
      }
      home = home.toAbsolutePath().normalize();
    }
  }

  private final Path home;
  private final int restPort;

  private FlinkSessionCluster(Path home, int restPort) {
    this.home = home;
    this.restPort = restPort;
  }

  /**
   * Starts the cluster and returns once every TaskManager has registered its slots. Fails with a one-line
   * message (naming the log to read) if a cluster already runs from {@code home}, the port is taken, or a
   * process dies while starting.
   */
  public static FlinkSessionCluster start(Settings settings, Consumer<String> progress) throws IOException, InterruptedException {
    Optional<FlinkSessionCluster> running = attach(settings.home());
    if (running.isPresent()) {
      throw new CommandFailure("a Flink session cluster already runs from " + settings.home() + " (web UI "
          + running.get().webUrl() + "); stop it first: vigil flink stop");
    }
    int restPort = settings.restPort() == 0 ? freePort() : settings.restPort();
    if (settings.restPort() != 0 && !isFree(restPort)) {
      throw new CommandFailure("port " + restPort + " on 127.0.0.1 is in use; choose another with --port");
    }
    Path home = settings.home();
    for (String dir : List.of("conf", "log", "pids", "checkpoints", "savepoints")) {
      Files.createDirectories(home.resolve(dir));
    }
    deleteRecursively(home.resolve("tmp")); // killed TaskManagers leave their working folders behind
    Files.createDirectories(home.resolve("tmp"));
    writeConfiguration(settings, restPort, freePort());
    FlinkSessionCluster cluster = new FlinkSessionCluster(home, restPort);
    Properties props = new Properties();
    props.setProperty("rest.port", Integer.toString(restPort));
    try (var out = Files.newOutputStream(home.resolve("cluster.properties"))) {
      props.store(out, "the running Vigil Flink session cluster");
    }
    progress.accept("starting the JobManager");
    cluster.launch(JOB_MANAGER, "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "GET_JM_RESOURCE_PARAMS");
    for (int i = 1; i <= settings.taskManagers(); i++) {
      progress.accept("starting TaskManager " + i + " of " + settings.taskManagers());
      cluster.startTaskManager();
    }
    cluster.awaitTaskManagers(settings.taskManagers(), Duration.ofSeconds(90), progress);
    return cluster;
  }

  /** The cluster running from {@code home}, if its JobManager is alive. */
  public static Optional<FlinkSessionCluster> attach(Path home) throws IOException {
    home = home.toAbsolutePath().normalize();
    Path props = home.resolve("cluster.properties");
    if (!Files.exists(props)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (var in = Files.newInputStream(props)) {
      p.load(in);
    }
    FlinkSessionCluster cluster = new FlinkSessionCluster(home, Integer.parseInt(p.getProperty("rest.port")));
    return cluster.process(JOB_MANAGER).isPresent() ? Optional.of(cluster) : Optional.empty();
  }

  public Path home() {
    return home;
  }

  public int restPort() {
    return restPort;
  }

  /** {@code 127.0.0.1:port}: what {@code --flinkMaster} takes. */
  public String master() {
    return "127.0.0.1:" + restPort;
  }

  public String webUrl() {
    return "http://" + master();
  }

  /** Live TaskManager processes by name ({@code taskmanager-N}, also their resource id in the REST API). */
  public Map<String, ProcessHandle> taskManagers() throws IOException {
    Map<String, ProcessHandle> out = new java.util.TreeMap<>();
    for (String name : pidNames()) {
      if (name.startsWith(TASK_MANAGER)) {
        process(name).ifPresent(p -> out.put(name, p));
      }
    }
    return out;
  }

  /** Starts one more TaskManager (after a kill, or to scale out); returns its process. */
  public ProcessHandle startTaskManager() throws IOException, InterruptedException {
    int index = 1 + pidNames().stream().filter(n -> n.startsWith(TASK_MANAGER))
        .mapToInt(n -> Integer.parseInt(n.substring(TASK_MANAGER.length()))).max().orElse(0);
    return launch(TASK_MANAGER + index, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "GET_TM_RESOURCE_PARAMS");
  }

  /** Waits until {@code count} TaskManagers are registered. */
  public void awaitTaskManagers(int count, Duration timeout, Consumer<String> progress) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      var overview = new FlinkRest(master()).tryGet("/overview");
      int registered = overview.map(o -> o.path("taskmanagers").asInt()).orElse(0);
      if (registered >= count) {
        return;
      }
      if (process(JOB_MANAGER).isEmpty()) {
        throw new CommandFailure("the Flink JobManager exited while starting; see " + home.resolve("log/jobmanager.log"));
      }
      if (System.nanoTime() > deadline) {
        throw new CommandFailure(registered + " of " + count + " TaskManagers registered within " + timeout.toSeconds()
            + " s; see the logs in " + home.resolve("log"));
      }
      progress.accept(overview.isEmpty() ? "waiting for the JobManager's REST API" : "TaskManagers registered: " + registered + " of " + count);
      Thread.sleep(250);
    }
  }

  /** Stops every process of the cluster: TaskManagers first, SIGTERM, then SIGKILL after {@code grace}. */
  public void stop(Duration grace) throws IOException {
    List<String> names = new ArrayList<>(pidNames());
    names.sort(Comparator.comparing((String n) -> n.equals(JOB_MANAGER)));
    List<ProcessHandle> live = new ArrayList<>();
    for (String name : names) {
      process(name).ifPresent(p -> {
        p.destroy();
        live.add(p);
      });
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle p : live) {
      try {
        p.onExit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
    for (String name : names) {
      Files.deleteIfExists(home.resolve("pids").resolve(name + ".pid"));
    }
    Files.deleteIfExists(home.resolve("cluster.properties"));
  }

  private ProcessHandle launch(String name, String mainClass, String resourceQuery) throws IOException, InterruptedException {
    String classpath = ClusterClasspath.read();
    Path conf = home.resolve("conf");
    List<String> params = resourceParams(classpath, conf, resourceQuery);
    List<String> command = ChildJvm.java();
    command.addAll(Arrays.asList(params.get(0).trim().split("\\s+")));
    command.add("-Dlog.file=" + home.resolve("log").resolve(name + ".log"));
    command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
    command.addAll(List.of("-cp", classpath, mainClass, "--configDir", conf.toString()));
    if (params.size() > 1 && !params.get(1).isBlank()) {
      command.addAll(Arrays.asList(params.get(1).trim().split("\\s+")));
    }
    if (name.startsWith(TASK_MANAGER)) {
      // The REST API then names a TaskManager as its pid file does (vertices/<id>/taskmanagers).
      command.addAll(List.of("-D", "taskmanager.resource-id=" + name));
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("log").resolve(name + ".out").toFile()));
    Process process = pb.start();
    // With its start time: a pid file outlives its process, and pids are reused.
    Files.writeString(home.resolve("pids").resolve(name + ".pid"), process.pid() + " "
        + process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L));
    return process.toHandle();
  }

  /** Flink's BashJavaUtils: the JVM flags (line 1) and {@code -D key=value} settings (line 2) a process needs. */
  private static List<String> resourceParams(String classpath, Path conf, String query) throws IOException, InterruptedException {
    List<String> command = ChildJvm.java();
    command.addAll(List.of("-cp", classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils", query, "--configDir", conf.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new CommandFailure("Flink could not compute the memory settings (" + query + "): "
          + output.lines().filter(l -> l.contains("Exception") || l.contains("rror")).findFirst().orElse(output.strip()));
    }
    List<String> results = output.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
        .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
    if (results.isEmpty()) {
      throw new CommandFailure("Flink's BashJavaUtils gave no result for " + query + ": " + output.strip());
    }
    return results;
  }

  private static void writeConfiguration(Settings s, int restPort, int rpcPort) throws IOException {
    Map<String, String> values = Map.of("home", s.home().toString(), "restPort", Integer.toString(restPort),
        "rpcPort", Integer.toString(rpcPort), "slots", Integer.toString(s.slotsPerTaskManager()),
        "taskManagerMemory", s.taskManagerMemory(), "stateBackend", s.stateBackend(),
        // RocksDB keeps state in managed (native) memory; the heap backend does not use it.
        "managedFraction", s.stateBackend().equals("rocksdb") ? "0.4" : "0.05");
    String conf = resource("flink-conf.yaml");
    for (Map.Entry<String, String> e : values.entrySet()) {
      conf = conf.replace("${" + e.getKey() + "}", e.getValue());
    }
    Files.writeString(s.home().resolve("conf/flink-conf.yaml"), conf);
    Files.writeString(s.home().resolve("conf/log4j.properties"), resource("log4j.properties"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = FlinkSessionCluster.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private List<String> pidNames() throws IOException {
    Path pids = home.resolve("pids");
    if (!Files.isDirectory(pids)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(pids)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".pid"))
          .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
    }
  }

  /** The live process recorded under {@code name}, if it is still the process that was started (pids get reused). */
  private Optional<ProcessHandle> process(String name) throws IOException {
    Path file = home.resolve("pids").resolve(name + ".pid");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String[] recorded = Files.readString(file).trim().split("\\s+");
    long startedMs = recorded.length > 1 ? Long.parseLong(recorded[1]) : 0;
    return ProcessHandle.of(Long.parseLong(recorded[0])).filter(ProcessHandle::isAlive)
        .filter(p -> startedMs == 0 || p.info().startInstant().map(t -> Math.abs(t.toEpochMilli() - startedMs) < 1_000).orElse(true));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
