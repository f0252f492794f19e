package dev.vigil.loadtest.harness;

import dev.vigil.core.console.CommandFailure;
import dev.vigil.core.console.ProgressLine;
import dev.vigil.core.process.ChildJvm;
import dev.vigil.filter.FilterMetrics;
import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.flink.cluster.FlinkSessionCluster;
import dev.vigil.flink.cluster.JobJar;
import dev.vigil.kafka.embedded.BrokerMain;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  static final String FILTER_GROUP = "vigil-loadtest-filter";
  static final String MODEL_GROUP = "vigil-loadtest-model";
  static final String STORE = "abuse-scores";
  private static final Pattern WEB_UI = Pattern.compile("Flink web UI at http://(\\S+)");
  private static final Pattern STORE_PORT = Pattern.compile("listening on port (\\d+)");
  private static final Pattern BROKER_READY = Pattern.compile(Pattern.quote(BrokerMain.READY_PREFIX) + "(\\S+)");
  private static final List<AbuseType> KINDS = Arrays.stream(AbuseType.values()).filter(k -> k != AbuseType.NONE).toList();

  static final String FILTER_READ = FlinkRest.flinkMetricName(ReadRawRecords.METRICS_NAMESPACE, ReadRawRecords.RECORDS_READ);
  static final String FILTER_EXTRACTED = FlinkRest.flinkMetricName(FilterMetrics.NAMESPACE, FilterMetrics.EXTRACTED);
  static final String FILTER_PARTIALS = FlinkRest.flinkMetricName(FilterMetrics.NAMESPACE, FilterMetrics.PARTIALS_EMITTED);
  static final String MODEL_PARTIALS = FlinkRest.flinkMetricName(ModelMetrics.NAMESPACE, ModelMetrics.PARTIALS_READ);
  static final String MODEL_VERDICTS = FlinkRest.flinkMetricName(ModelMetrics.NAMESPACE, ModelMetrics.SCORES_EMITTED);

  private final LoadTestSettings settings;
  private final List<ComponentProcess> started = new ArrayList<>();
  private final VerdictLatency latency = new VerdictLatency();
  private final DetectionQuality detection = new DetectionQuality();
  private final AtomicLong verdictsRead = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong sampledBytes = new AtomicLong();
  private final AtomicLong sampledEvents = new AtomicLong();
  private final AtomicReference<String> phase = new AtomicReference<>("start-up");
  private final ThreadLocal<long[]> sentOnThread = ThreadLocal.withInitial(() -> new long[1]);
  private StoreReadLatency storeLatency;
  /** TaskManagers of a local session cluster the jobs run on, by name; empty on embedded Flink. */
  private Map<String, Long> clusterProcesses = Map.of();
  private final List<Job> jobs = new ArrayList<>();
  static final String FLINK_HOME = ".vigil/flink";

  private LoadTest(LoadTestSettings settings) {
    this.settings = settings;
  }

  /** Runs the load test and writes its report into {@code settings.out()}. */
  public static LoadTestReport run(LoadTestSettings settings) throws Exception {
    return new LoadTest(settings).run();
  }

  private LoadTestReport run() throws Exception {
    Instant startedAt = Instant.now();
    try {
      String bootstrap = settings.ownBroker() ? startBroker() : settings.bootstrapServers();
      KafkaClientSettings kafka = KafkaClientSettings.of(bootstrap);
      int storePort = Integer.parseInt(startStore(bootstrap));
      if (!settings.embeddedFlink()) {
        clusterProcesses = localClusterProcesses();
      }
      Job filter = startJob("filter", FILTER_GROUP, bootstrap);
      Job model = startJob("model", MODEL_GROUP, bootstrap);
      status("filter and model jobs running; web UIs http://%s and http://%s", filter.rest.master(), model.rest.master());
      try (VigilStoreClient store = VigilStoreClient.connect("http://127.0.0.1:" + storePort);
           TopicTail verdicts = TopicTail.start(bootstrap, List.of(VigilTopics.SCORES), this::verdict)) {
        storeLatency = new StoreReadLatency(store, STORE);
        Sampler sampler = new Sampler(kafka, filter, model);
        Thread sampling = new Thread(sampler, "loadtest-sampler");
        sampling.setDaemon(true);
        sampling.start();
        long warmUpEvents = warmUp(kafka);
        phase.set("traffic");
        sampler.mark("traffic");
        LoadGenerator.Settings main = generatorSettings(kafka);
        SyntheticActivityGenerator population = LoadGenerator.population(main);
        LoadGenerator.Result traffic = LoadGenerator.run(main, new LoadGenerator.Listener() {
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
        long expectedRead = warmUpEvents + traffic.acknowledged();
        boolean drained = sampler.awaitDrained(expectedRead, settings.drainTimeout());
        sampler.mark("end");
        sampler.stop();
        sampling.join(5_000);
        ProgressLine.done();
        storeLatency.close();
        LoadTestReport report = new ReportBuilder(settings, startedAt, sampler, traffic, warmUpEvents, drained, filter, model,
            latency, storeLatency, detection.report(traffic.groundTruth(), KINDS, verdictsRead.get(),
                m -> population.persona(m).label()), meanRecordBytes(),
            processesByName()).build();
        ReportFiles.write(report, settings.out());
        return report;
      }
    } finally {
      ProgressLine.done();
      stopAll();
    }
  }

  /** The processes whose CPU and memory the run measures: this one, those it started that still run, a local cluster's. */
  private Map<String, Long> processesByName() {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("harness", ProcessHandle.current().pid());
    started.stream().filter(ComponentProcess::alive).forEach(p -> pids.put(p.name(), p.pid()));
    pids.putAll(clusterProcesses);
    return pids;
  }

  /**
   * On a session cluster started by {@code ./vigil flink start} on this machine (its files in {@value #FLINK_HOME}) and
   * named by {@code --flink-master}: its JobManager and TaskManagers, whose CPU the jobs use.
   */
  private Map<String, Long> localClusterProcesses() {
    try {
      Optional<FlinkSessionCluster> cluster = FlinkSessionCluster.attach(Path.of(FLINK_HOME));
      if (cluster.isEmpty() || !cluster.get().master().endsWith(":" + settings.flinkMaster().replaceFirst(".*:", ""))) {
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

  private String startBroker() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(ChildJvm.java());
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), BrokerMain.class.getName(),
        settings.out().resolve("kafka").toString(), Integer.toString(settings.partitions())));
    ComponentProcess broker = start("broker", command, BROKER_READY);
    String bootstrap = broker.awaitReady(Duration.ofSeconds(90));
    status("broker up at %s (%d partitions per topic)", bootstrap, settings.partitions());
    return bootstrap;
  }

  private String startStore(String bootstrap) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(ChildJvm.java());
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.vigil.store.cli.StoreCli", "serve",
        "--port", "0", "--data-dir", settings.out().resolve("store").toString(), "--bootstrapServers", bootstrap,
        "--status-seconds", "0"));
    ComponentProcess store = start("store", command, STORE_PORT);
    String port = store.awaitReady(Duration.ofSeconds(90));
    status("score store listening on port %s", port);
    return port;
  }

  /** A job: its REST endpoint, its id there, and the process that runs it (absent on a cluster). */
  record Job(String name, FlinkRest rest, String id, Optional<ComponentProcess> process) {}

  private Job startJob(String job, String group, String bootstrap) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--runner=FlinkRunner", "--bootstrapServers=" + bootstrap, "--consumerGroup=" + group,
        "--flinkMaster=" + settings.flinkMaster(), "--parallelism=" + settings.parallelism(), "--statusIntervalSeconds=0"));
    args.addAll(settings.jobFlags());
    List<String> command = new ArrayList<>(JobJar.command(job, args));
    command.add(1, "-Xmx3g");
    String name = "vigil-" + job;
    ComponentProcess process = start(job, command, settings.embeddedFlink() ? WEB_UI : Pattern.compile("(submitted)"));
    String rest = process.awaitReady(Duration.ofSeconds(120));
    FlinkRest api = new FlinkRest(settings.embeddedFlink() ? rest : settings.flinkMaster());
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<FlinkRest.Job> running = tryActiveJob(api, name).filter(j -> j.state().equals("RUNNING"));
      if (running.isPresent()) {
        Job started = new Job(name, api, running.get().id(), settings.embeddedFlink() ? Optional.of(process) : Optional.empty());
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

  private static Optional<FlinkRest.Job> tryActiveJob(FlinkRest api, String name) {
    try {
      return api.activeJob(name);
    } catch (RuntimeException e) {
      return Optional.empty(); // the REST API is still coming up
    }
  }

  private ComponentProcess start(String name, List<String> command, Pattern ready) throws IOException {
    // One thread for XGBoost's OpenMP: the jobs score a batch per call on the calling thread (docs/performance.md).
    ComponentProcess p = ComponentProcess.start(name, command, Map.of("OMP_NUM_THREADS", "1"),
        settings.out().resolve("logs").resolve(name + ".log"), ready);
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
    long covered = latency.verdict(score.getMemberId(), score.getEventTimeMs(), seenAt);
    if (covered >= 0 && storeLatency != null && n % 8 == 0) {
      storeLatency.follow(score.getMemberId(), score.getEventTimeMs(), covered);
    }
  }

  private void stopAll() {
    if (!settings.embeddedFlink()) {
      for (Job job : jobs) { // on a cluster the jobs outlive the processes that submitted them
        try {
          job.rest().cancel(job.id());
        } catch (RuntimeException e) {
          LOG.warn("cancelling {} on {}: {}", job.name(), job.rest().master(), e.toString());
        }
      }
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.warn("stopping {}: {}", started.get(i).name(), e.toString());
      }
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
    private final Map<String, Long> lastCounters = new LinkedHashMap<>();
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
        Reading r = read();
        synchronized (this) {
          readings.add(r);
          notifyAll();
        }
        ProgressLine.show(() -> line(r));
      }
    }

    private Reading read() {
      double t = (System.nanoTime() - startNanos) / 1e9;
      Map<String, Long> counters = new LinkedHashMap<>(lastCounters);
      counters.putAll(counters(filter, List.of(FILTER_READ, FILTER_EXTRACTED, FILTER_PARTIALS)));
      counters.putAll(counters(model, List.of(MODEL_PARTIALS, MODEL_VERDICTS)));
      lastCounters.putAll(counters);
      Map<String, ProcessUsage> usage = new LinkedHashMap<>();
      processesByName().forEach((name, pid) -> usage.put(name, ProcessUsage.of(pid)));
      Histogram h = latency.takeInterval();
      return new Reading(t, phase.get(), acknowledged.get(), counters, lag(FILTER_GROUP, VigilTopics.ACTIVITY_RAW),
          lag(MODEL_GROUP, VigilTopics.ACTIVITY_FILTERED), usage, h.getTotalCount() == 0 ? null : (double) h.getValueAtPercentile(50),
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

    private long lag(String group, String topic) {
      try {
        return ConsumerGroupLag.read(kafka, group, topic).total();
      } catch (Exception e) {
        LOG.debug("lag of {}: {}", group, e.toString());
        return -1;
      }
    }

    private String line(Reading r) {
      return String.format("loadtest %s %.0fs | produced %,d | filter read %,d | partials %,d | verdicts %,d | lag %,d / %,d",
          r.phase(), r.t(), r.produced(), r.counter(FILTER_READ), r.counter(FILTER_PARTIALS), r.verdictsRead(), r.filterLag(),
          r.modelLag());
    }

    /** Remembers the index of the next reading under {@code name} ("traffic": start of the measured stretch, "end"). */
    synchronized void mark(String name) {
      marks.put(name, readings.size());
    }

    /**
     * Waits until the filter has read {@code expectedRead} records, the model has read every partial the filter wrote,
     * and either every followed event has a verdict or no verdict has come for {@value #SETTLED_SECONDS} s (the jobs
     * release output at checkpoints, so a quiet second or two means nothing); false if that takes longer than
     * {@code timeout}.
     */
    synchronized boolean awaitDrained(long expectedRead, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        int n = readings.size();
        if (n > 0 && "drain".equals(readings.get(n - 1).phase())) {
          Reading last = readings.get(n - 1);
          boolean filterDone = last.counter(FILTER_READ) >= expectedRead;
          boolean modelDone = last.counter(MODEL_PARTIALS) >= last.counter(FILTER_PARTIALS);
          if (filterDone && modelDone && (latency.uncovered() == 0 || verdictsStill(last))) {
            return true;
          }
        }
        wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      return false;
    }

    /** Whether the verdict count is what it was {@value #SETTLED_SECONDS} s before {@code last}. */
    private boolean verdictsStill(Reading last) {
      for (int i = readings.size() - 1; i >= 0; i--) {
        Reading r = readings.get(i);
        if (r.verdictsRead() != last.verdictsRead()) {
          return false;
        }
        if (last.t() - r.t() >= SETTLED_SECONDS) {
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
  }

  /** One sample of everything the harness watches. */
  record Reading(double t, String phase, long produced, Map<String, Long> counters, long filterLag, long modelLag,
      Map<String, ProcessUsage> usage, Double latencyP50Ms, Double latencyP99Ms, long verdictsRead) {
    long counter(String name) {
      return counters.getOrDefault(name, 0L);
    }
  }
}
