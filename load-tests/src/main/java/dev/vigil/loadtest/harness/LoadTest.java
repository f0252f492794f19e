package dev.vigil.loadtest.harness;

import dev.vigil.core.console.CommandFailure;
import dev.vigil.core.console.ProgressLine;
import dev.vigil.core.process.ChildJvm;
import dev.vigil.core.process.ChildProcess;
import dev.vigil.filter.FilterMetrics;
import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.flink.cluster.FlinkSessionCluster;
import dev.vigil.flink.cluster.JobJar;
import dev.vigil.kafka.embedded.BrokerProcess;
import dev.vigil.loadtest.traffic.GroundTruth;
import dev.vigil.loadtest.traffic.LoadGenerator;
import dev.vigil.loadtest.traffic.RateShape;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.loadtest.traffic.TopicTail;
import dev.vigil.loadtest.traffic.TrafficMix;
import dev.vigil.model.ModelMetrics;
import dev.vigil.platform.kafka.ReadRawRecords;
import dev.vigil.platform.ops.ConsumerGroupLag;
import dev.vigil.schemas.VigilTopics;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.store.client.VigilStoreClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole-platform load test: a broker, the score store and the filter and model jobs, each in a process of its own
 * (so each one's CPU time and memory are its own), the traffic generator in this process; a warm-up of normal
 * traffic until the pipelines write verdicts, the main traffic for the run's duration, a drain until the pipelines
 * have handled it, then the report. Everything it started is stopped at the end, whatever happened.
 */
public final class LoadTest {
  private static final Logger LOG = LoggerFactory.getLogger(LoadTest.class);
  static final String STORE = "abuse-scores";
  private static final Pattern WEB_UI = Pattern.compile("Flink web UI at http://(\\S+)");
  private static final Pattern STORE_PORT = Pattern.compile("listening on port (\\d+)");
  private static final List<AbuseType> KINDS = Arrays.stream(AbuseType.values()).filter(k -> k != AbuseType.NONE).toList();

  static final String FILTER_READ = FlinkRest.flinkMetricName(ReadRawRecords.METRICS_NAMESPACE, ReadRawRecords.RECORDS_READ);
  static final String FILTER_EXTRACTED = FlinkRest.flinkMetricName(FilterMetrics.NAMESPACE, FilterMetrics.EXTRACTED);
  static final String FILTER_PARTIALS = FlinkRest.flinkMetricName(FilterMetrics.NAMESPACE, FilterMetrics.PARTIALS_EMITTED);
  static final String MODEL_PARTIALS = FlinkRest.flinkMetricName(ModelMetrics.NAMESPACE, ModelMetrics.PARTIALS_READ);
  static final String MODEL_VERDICTS = FlinkRest.flinkMetricName(ModelMetrics.NAMESPACE, ModelMetrics.SCORES_EMITTED);

  private final LoadTestSettings settings;
  private final List<ChildProcess> started = new ArrayList<>();
  private final VerdictLatency latency = new VerdictLatency();
  private final DetectionQuality detection = new DetectionQuality();
  private final AtomicLong verdictsRead = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong sampledBytes = new AtomicLong();
  private final AtomicLong sampledEvents = new AtomicLong();
  private final AtomicReference<String> phase = new AtomicReference<>("start-up");
  private final ThreadLocal<long[]> sentOnThread = ThreadLocal.withInitial(() -> new long[1]);
  private volatile StoreReadLatency storeLatency;
  /** TaskManagers of a local session cluster the jobs run on, by name; empty on embedded Flink. */
  private Map<String, Long> clusterProcesses = Map.of();
  private final List<Job> jobs = new ArrayList<>();
  /** The broker this run started, in a JVM of its own; null with {@code --bootstrap-servers}. */
  private volatile BrokerProcess broker;

  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final AtomicBoolean stopped = new AtomicBoolean();

  private LoadTest(LoadTestSettings settings) {
    this.settings = settings;
  }

  /** Runs the load test and writes its report into {@code settings.out()}. */
  public static LoadTestReport run(LoadTestSettings settings) throws Exception {
    if (Files.isDirectory(settings.out())) {
      try (var entries = Files.list(settings.out())) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("--out " + settings.out() + " is not empty: a run writes its broker, store and"
              + " report there; give a new directory");
        }
      }
    }
    return new LoadTest(settings).run();
  }

  private LoadTestReport run() throws Exception {
    Instant startedAt = Instant.now();
    // Ctrl-C or a plain kill of this process: stop what it started (jobs on a cluster included), as the finally does.
    Thread hook = new Thread(this::stopAll, "loadtest-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      String bootstrap = settings.ownBroker() ? startBroker() : settings.bootstrapServers();
      // A cluster of the user's gets the operator's settings (file and environment); the broker started here is plain.
      KafkaClientSettings kafka = settings.ownBroker() ? KafkaClientSettings.of(bootstrap)
          : KafkaClientSettings.fromEnvironment(settings.kafkaPropertiesFile()).withBootstrapServers(bootstrap);
      int storePort = Integer.parseInt(startStore(bootstrap));
      if (!settings.embeddedFlink()) {
        clusterProcesses = localClusterProcesses();
      }
      Job filter = startJob("filter", filterGroup(), bootstrap);
      Job model = startJob("model", modelGroup(), bootstrap);
      status("filter and model jobs running; web UIs http://%s and http://%s", filter.rest.master(), model.rest.master());
      LoadGenerator.Settings mainTraffic = generatorSettings(kafka);
      Sampler sampler = new Sampler(kafka, filter, model);
      Thread sampling = new Thread(sampler, "loadtest-sampler");
      sampling.setDaemon(true);
      LoadGenerator.Result traffic;
      long warmUpEvents;
      boolean drained;
      try (VigilStoreClient store = VigilStoreClient.connect("http://127.0.0.1:" + storePort);
           StoreReadLatency storeProbe = new StoreReadLatency(store, STORE)) {
        storeLatency = storeProbe;
        // Only verdicts written from now on: a reused broker's old verdicts must not end the warm-up or count.
        try (TopicTail verdicts = TopicTail.fromEnd(kafka, List.of(VigilTopics.SCORES), this::verdict)) {
          sampling.start();
          warmUpEvents = warmUp(kafka);
          phase.set("traffic");
          sampler.mark("traffic");
          detection.countFrom(System.currentTimeMillis());
          traffic = LoadGenerator.run(mainTraffic, new LoadGenerator.Listener() {
            @Override
            public void sent(ActivityEvent event, long sentAtMs) {
              onSent(event);
            }

            @Override
            public void second(LoadGenerator.Second s) {
              acknowledged.set(s.acknowledged());
            }
          }, settings.duration().dividedBy(2)); // abusers start at staggered moments in the first half
          GroundTruth.write(settings.out().resolve(GroundTruth.FILE_NAME), traffic.groundTruth());
          acknowledged.set(traffic.acknowledged());
          phase.set("drain");
          sampler.mark("drain");
          drained = sampler.awaitDrained(settings.drainTimeout());
        }
      } finally {
        sampler.stop();
        sampling.interrupt();
        sampling.join(5_000);
        ProgressLine.done();
      }
      // The tail and the probe are closed: what they recorded is final from here on.
      SyntheticActivityGenerator population = LoadGenerator.population(mainTraffic);
      LoadTestReport report = new ReportBuilder(settings, startedAt, sampler, traffic, warmUpEvents, drained, model,
          latency, storeLatency, detection.report(traffic.groundTruth(), KINDS, verdictsRead.get(),
              m -> population.persona(m).label()), meanRecordBytes(), processesByName()).build();
      ReportFiles.write(report, settings.out());
      return report;
    } finally {
      ProgressLine.done();
      stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs stopAll again, which does nothing the second time
      }
    }
  }

  /** Consumer groups and job names of this run only: a reused broker or cluster holds no state of theirs. */
  private String filterGroup() {
    return "vigil-loadtest-filter-" + runId;
  }

  private String modelGroup() {
    return "vigil-loadtest-model-" + runId;
  }

  /** The processes whose CPU and memory the run measures: this one, those it started that still run, a local cluster's. */
  private Map<String, Long> processesByName() {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("harness", ProcessHandle.current().pid());
    if (broker != null) {
      pids.put("broker", broker.pid());
    }
    started.stream().filter(ChildProcess::alive).forEach(p -> pids.put(p.name(), p.pid()));
    pids.putAll(clusterProcesses);
    return pids;
  }

  /**
   * On a session cluster started by {@code ./vigil flink start} on this machine (its files in {@code .vigil/flink}) and
   * named by {@code --flink-master}: its TaskManagers, whose CPU the jobs use.
   */
  private Map<String, Long> localClusterProcesses() {
    try {
      Optional<FlinkSessionCluster> cluster = FlinkSessionCluster.attach(Path.of(FlinkSessionCluster.DEFAULT_HOME));
      String master = settings.flinkMaster().replaceFirst("^https?://", "").replaceFirst("^localhost:", "127.0.0.1:");
      if (cluster.isEmpty() || !cluster.get().master().equals(master)) {
        return Map.of();
      }
      Map<String, Long> pids = new LinkedHashMap<>();
      cluster.get().taskManagers().forEach((name, handle) -> pids.put(name, handle.pid()));
      return pids;
    } catch (IOException | RuntimeException e) {
      LOG.warn("the session cluster's processes are not readable: {}", e.toString());
      return Map.of();
    }
  }

  private String startBroker() throws IOException {
    broker = BrokerProcess.start(settings.out().resolve("kafka"), Duration.ofSeconds(90));
    broker.topics().create(VigilTopics.DEFAULTS, settings.partitions());
    status("broker up at %s (%d partitions per topic)", broker.bootstrapServers(), settings.partitions());
    return broker.bootstrapServers();
  }

  private String startStore(String bootstrap) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(ChildJvm.java());
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.vigil.store.cli.StoreCli", "serve",
        "--port", "0", "--data-dir", settings.out().resolve("store").toString(), "--bootstrapServers", bootstrap,
        "--status-seconds", "0"));
    kafkaPropertiesFile().ifPresent(f -> command.addAll(List.of("--kafka-properties-file", f)));
    ChildProcess store = start("store", command, STORE_PORT);
    String port = store.awaitReady(Duration.ofSeconds(90));
    status("score store listening on port %s", port);
    return port;
  }

  /** The absolute path of {@code --kafka-properties-file}: children run from other directories. */
  private Optional<String> kafkaPropertiesFile() {
    return Optional.ofNullable(settings.kafkaPropertiesFile()).map(f -> f.toAbsolutePath().toString());
  }

  /** A job: its name, its REST endpoint and its id there. */
  record Job(String name, FlinkRest rest, String id) {}

  private Job startJob(String job, String group, String bootstrap) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--runner=FlinkRunner", "--bootstrapServers=" + bootstrap, "--consumerGroup=" + group,
        "--flinkMaster=" + settings.flinkMaster(), "--parallelism=" + settings.parallelism(), "--statusIntervalSeconds=0",
        "--jobName=" + jobName(job)));
    kafkaPropertiesFile().ifPresent(f -> args.add("--kafkaPropertiesFile=" + f));
    if (settings.embeddedFlink() && settings.jobFlags().stream().noneMatch(f -> f.startsWith("--stateBackendStoragePath"))) {
      // the run's checkpoints stay in its own directory, not in .vigil/checkpoints
      args.add("--stateBackendStoragePath=" + settings.out().resolve("checkpoints").toAbsolutePath().toUri());
    }
    args.addAll(settings.jobFlags());
    List<String> command = new ArrayList<>(JobJar.command(job, args));
    command.add(1, "-Xmx3g");
    String name = jobName(job);
    ChildProcess process = start(job, command, settings.embeddedFlink() ? WEB_UI : Pattern.compile("(submitted)"));
    String rest = process.awaitReady(Duration.ofSeconds(120));
    FlinkRest api = new FlinkRest(settings.embeddedFlink() ? rest : settings.flinkMaster());
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<FlinkRest.Job> running = tryActiveJob(api, name).filter(j -> j.state().equals("RUNNING"));
      if (running.isPresent()) {
        Job started = new Job(name, api, running.get().id());
        jobs.add(started);
        return started;
      }
      if (settings.embeddedFlink() && !process.alive()) {
        throw new CommandFailure(name + " exited (" + process.lastLine() + "); its log: " + settings.out().resolve("logs"));
      }
      Thread.sleep(500); // polling Flink's REST API for the job to run
    }
    throw new CommandFailure(name + " was not RUNNING within 120 s at " + api.master());
  }

  private String jobName(String job) {
    return "vigil-loadtest-" + job + "-" + runId;
  }

  private static Optional<FlinkRest.Job> tryActiveJob(FlinkRest api, String name) {
    try {
      return api.activeJob(name);
    } catch (RuntimeException e) {
      return Optional.empty(); // the REST API is still coming up
    }
  }

  private ChildProcess start(String name, List<String> command, Pattern ready) throws IOException {
    // One thread for XGBoost's OpenMP: the jobs score a batch per call on the calling thread (docs/performance.md).
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("OMP_NUM_THREADS", "1");
    ChildProcess p = ChildProcess.start(name, builder, settings.out().resolve("logs").resolve(name + ".log"), ready);
    started.add(p);
    return p;
  }

  /**
   * Normal traffic (the run's population and seed, no abuser acting) until a verdict has been read: job start-up is
   * not measured. The same seed as the main traffic, so members keep their addresses and devices across the two.
   */
  private long warmUp(KafkaClientSettings kafka) {
    phase.set("warm-up");
    LoadGenerator.Result r = LoadGenerator.run(new LoadGenerator.Settings(kafka, VigilTopics.ACTIVITY_RAW,
        RateShape.constant(Math.min(settings.rate(), 2_000)), settings.warmUpTimeout(), 0, settings.producerThreads(),
        settings.members(), TrafficMix.loadTest(0), 0, 0, settings.seed()), new LoadGenerator.Listener() {
          @Override
          public void sent(ActivityEvent event, long sentAtMs) {
            detection.memberActed(event.getMemberId());
          }

          @Override
          public boolean stopNow() {
            return verdictsRead.get() > 0;
          }
        });
    if (verdictsRead.get() == 0) {
      throw new CommandFailure("the pipelines wrote no verdict within " + settings.warmUpTimeout().toSeconds()
          + " s of warm-up traffic; see the logs in " + settings.out().resolve("logs"));
    }
    status("pipelines writing verdicts after %,d warm-up events; main traffic starts", r.acknowledged());
    return r.acknowledged();
  }

  private LoadGenerator.Settings generatorSettings(KafkaClientSettings kafka) {
    TrafficMix mix = TrafficMix.loadTest(settings.abusiveFraction()).withHotMembers(settings.hotMembers(), settings.hotMemberShare());
    return new LoadGenerator.Settings(kafka, VigilTopics.ACTIVITY_RAW,
        RateShape.parse(settings.shape(), settings.rate(), settings.duration()), settings.duration(), settings.maxEvents(),
        settings.producerThreads(), settings.members(), mix, settings.malformedFraction(), 0.005, settings.seed());
  }

  /** On producer threads: every n-th valid event of a thread is followed for its latency. */
  private void onSent(ActivityEvent event) {
    detection.memberActed(event.getMemberId());
    long[] count = sentOnThread.get();
    if (count[0]++ % settings.latencySampleEvery() == 0) {
      latency.sent(event.getMemberId(), event.getTimestampMs());
      sampledBytes.addAndGet(event.getSerializedSize());
      sampledEvents.incrementAndGet();
    }
  }

  private double meanRecordBytes() {
    return sampledEvents.get() == 0 ? 0 : sampledBytes.get() / (double) sampledEvents.get();
  }

  /** On the verdict tail's thread. */
  private void verdict(ConsumerRecord<byte[], byte[]> record) {
    long seenAt = System.currentTimeMillis();
    AbuseScore score;
    try {
      score = AbuseScore.parseFrom(record.value());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      LOG.warn("a verdict that does not parse at {}-{}@{}", record.topic(), record.partition(), record.offset());
      return;
    }
    long n = verdictsRead.incrementAndGet();
    detection.verdict(score.getMemberId(), score.getAction(), score.getReasonsCount() == 0 ? "-" : score.getReasons(0).getCode(), seenAt);
    long covered = latency.verdict(score.getMemberId(), score.getEventTimeMs(), score.getProcessingTimeMs(), seenAt);
    if (covered >= 0 && storeLatency != null && n % 8 == 0) {
      storeLatency.follow(score.getMemberId(), score.getEventTimeMs(), covered);
    }
  }

  /** Stops everything this run started, once (the finally and the shutdown hook both call it). */
  private void stopAll() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    if (!settings.embeddedFlink()) {
      for (Job job : jobs) { // on a cluster the jobs outlive the processes that submitted them
        try {
          job.rest().cancel(job.id());
        } catch (RuntimeException e) {
          LOG.warn("cancelling {} on {}: {}", job.name(), job.rest().master(), e.toString());
        }
      }
    }
    // An interrupt must not cut the waits short: each process gets its grace period, then SIGKILL.
    boolean interrupted = Thread.interrupted();
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (RuntimeException e) {
        LOG.warn("stopping {}: {}", started.get(i).name(), e.toString());
      }
    }
    if (broker != null) {
      broker.close();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void status(String format, Object... args) {
    ProgressLine.done();
    System.out.printf("loadtest: " + format + "%n", args);
  }

  /** Samples every second: counters of both jobs, consumer lag, CPU and memory of every process, latency. */
  final class Sampler implements Runnable {
    static final int SETTLED_SECONDS = 30;
    private final KafkaClientSettings kafka;
    private final Job filter;
    private final Job model;
    private final List<Reading> readings = new ArrayList<>();
    private final Map<String, Integer> marks = new LinkedHashMap<>();
    /** Each counter's last value as Flink reported it, and what earlier subtask attempts had counted. */
    private final Map<String, Long> lastRaw = new LinkedHashMap<>();
    private final Map<String, Long> carried = new LinkedHashMap<>();
    private int restarts;
    private volatile boolean running = true;
    private final long startNanos = System.nanoTime();

    Sampler(KafkaClientSettings kafka, Job filter, Job model) {
      this.kafka = kafka;
      this.filter = filter;
      this.model = model;
    }

    @Override
    public void run() {
      while (running) {
        try {
          Thread.sleep(1_000); // the sampling period
        } catch (InterruptedException e) {
          return;
        }
        Reading r;
        try {
          r = read();
        } catch (RuntimeException e) {
          LOG.warn("sampling: {}", e.toString()); // one bad reading must not end the sampling
          continue;
        }
        synchronized (this) {
          readings.add(r);
          notifyAll();
        }
        ProgressLine.show(() -> line(r));
      }
    }

    private Reading read() {
      double t = (System.nanoTime() - startNanos) / 1e9;
      Map<String, Long> read = new LinkedHashMap<>(counters(filter, List.of(FILTER_READ, FILTER_EXTRACTED, FILTER_PARTIALS)));
      read.putAll(counters(model, List.of(MODEL_PARTIALS, MODEL_VERDICTS)));
      // Subtask counters restart at zero after a failover: carry what was counted before, so counts never go back.
      read.forEach((name, value) -> {
        long before = lastRaw.getOrDefault(name, 0L);
        if (value < before) {
          carried.merge(name, before, Long::sum);
          restarts++;
        }
        lastRaw.put(name, value);
      });
      Map<String, Long> counters = new LinkedHashMap<>();
      lastRaw.forEach((name, value) -> counters.put(name, value + carried.getOrDefault(name, 0L)));
      Map<String, ProcessUsage> usage = new LinkedHashMap<>();
      processesByName().forEach((name, pid) -> usage.put(name, ProcessUsage.of(pid)));
      Histogram h = latency.takeInterval();
      return new Reading(t, phase.get(), acknowledged.get(), counters, lag(filterGroup(), VigilTopics.ACTIVITY_RAW),
          lag(modelGroup(), VigilTopics.ACTIVITY_FILTERED), usage, h.getTotalCount() == 0 ? null : (double) h.getValueAtPercentile(50),
          h.getTotalCount() == 0 ? null : (double) h.getValueAtPercentile(99), verdictsRead.get());
    }

    private Map<String, Long> counters(Job job, List<String> names) {
      try {
        return job.rest().beamCounters(job.id(), names::contains);
      } catch (RuntimeException e) {
        LOG.debug("counters of {}: {}", job.name(), e.toString());
        return Map.of();
      }
    }

    /** The group's lag, or null when it cannot be read (no committed offset yet, Kafka busy). */
    private Long lag(String group, String topic) {
      try {
        return ConsumerGroupLag.read(kafka, group, topic).total();
      } catch (Exception e) {
        LOG.debug("lag of {}: {}", group, e.toString());
        return null;
      }
    }

    private String line(Reading r) {
      return String.format("loadtest %s %.0fs | produced %,d | filter read %,d | partials %,d | verdicts %,d | lag %s / %s",
          r.phase(), r.t(), r.produced(), r.counter(FILTER_READ), r.counter(FILTER_PARTIALS), r.verdictsRead(), r.filterLag(),
          r.modelLag());
    }

    /** Remembers the index of the next reading under {@code name} ("traffic": start of the measured stretch, "end"). */
    synchronized void mark(String name) {
      marks.put(name, readings.size());
    }

    /**
     * Waits until the filter has committed its whole input (lag 0 on the raw topic: offsets are committed at checkpoints,
     * so this holds only once the input is in a completed checkpoint), the model job has read every partial the filter
     * emitted (its lag on the filtered topic never stays at 0: the filter's progress markers keep coming), and either
     * every followed event has a verdict or no verdict has come for {@value #SETTLED_SECONDS} s; false if that takes
     * longer than {@code timeout}.
     */
    synchronized boolean awaitDrained(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        int n = readings.size();
        if (n > 0 && "drain".equals(readings.get(n - 1).phase())) {
          Reading last = readings.get(n - 1);
          boolean inputDone = Long.valueOf(0).equals(last.filterLag())
              && last.counter(MODEL_PARTIALS) >= last.counter(FILTER_PARTIALS) && last.counter(FILTER_PARTIALS) > 0;
          if (inputDone && (latency.uncovered() == 0 || verdictsUnchangedFor(last, SETTLED_SECONDS))) {
            return true;
          }
        }
        wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      return false;
    }

    /** Whether the verdict count is what it was {@code seconds} before {@code last}. */
    private boolean verdictsUnchangedFor(Reading last, int seconds) {
      for (int i = readings.size() - 1; i >= 0; i--) {
        Reading r = readings.get(i);
        if (r.verdictsRead() != last.verdictsRead()) {
          return false;
        }
        if (last.t() - r.t() >= seconds) {
          return true;
        }
      }
      return false;
    }

    void stop() {
      running = false;
    }

    synchronized List<Reading> readings() {
      return List.copyOf(readings);
    }

    synchronized int markIndex(String name) {
      return marks.getOrDefault(name, 0);
    }

    /** How often a job's counters went back (a subtask restarted): counts are carried over, the report says so. */
    synchronized int counterRestarts() {
      return restarts;
    }
  }

  /** One sample of everything the harness watches. */
  record Reading(double t, String phase, long produced, Map<String, Long> counters, Long filterLag, Long modelLag,
      Map<String, ProcessUsage> usage, Double latencyP50Ms, Double latencyP99Ms, long verdictsRead) {
    long counter(String name) {
      return counters.getOrDefault(name, 0L);
    }
  }
}
