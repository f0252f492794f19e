package dev.vigil.loadtest.harness;

import static dev.vigil.loadtest.harness.LoadTest.FILTER_EXTRACTED;
import static dev.vigil.loadtest.harness.LoadTest.FILTER_PARTIALS;
import static dev.vigil.loadtest.harness.LoadTest.FILTER_READ;
import static dev.vigil.loadtest.harness.LoadTest.MODEL_PARTIALS;
import static dev.vigil.loadtest.harness.LoadTest.MODEL_VERDICTS;

import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.loadtest.harness.LoadTest.Job;
import dev.vigil.loadtest.harness.LoadTest.Reading;
import dev.vigil.loadtest.traffic.LoadGenerator;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/** Turns what a run sampled into its {@link LoadTestReport}: stages, timeline, latency, projection, goals. */
final class ReportBuilder {
  static final long TARGET_EVENTS_PER_SECOND = 3_000_000;
  /** A planning figure for what one partition of the raw topic takes in writes; an assumption, stated in the report. */
  static final double PARTITION_BYTES_PER_SECOND = 10 * 1024 * 1024;
  static final double PER_CORE_GOAL = 50_000;

  private final LoadTestSettings settings;
  private final Instant startedAt;
  private final List<Reading> readings;
  private final Reading first;
  /** The last reading of the main traffic, before the drain: rates are taken up to it. */
  private final Reading trafficEnd;
  private final Reading last;
  private final int counterRestarts;
  private final LoadGenerator.Result traffic;
  private final long warmUpEvents;
  private final boolean drained;
  private final Job model;
  private final VerdictLatency latency;
  private final StoreReadLatency storeLatency;
  private final LoadTestReport.Detection detection;
  private final double meanRecordBytes;
  private final Map<String, Long> processes;
  private final List<String> notes = new ArrayList<>();

  ReportBuilder(LoadTestSettings settings, Instant startedAt, LoadTest.Sampler sampler, LoadGenerator.Result traffic,
      long warmUpEvents, boolean drained, Job model, VerdictLatency latency, StoreReadLatency storeLatency,
      LoadTestReport.Detection detection, double meanRecordBytes, Map<String, Long> processes) {
    this.settings = settings;
    this.startedAt = startedAt;
    this.readings = sampler.readings();
    if (readings.size() < 2) {
      throw new IllegalStateException("the run took fewer than two samples; nothing to report");
    }
    int from = Math.min(Math.max(0, sampler.markIndex("traffic") - 1), readings.size() - 2);
    this.first = readings.get(from);
    this.last = readings.get(readings.size() - 1);
    int drainAt = sampler.markIndex("drain");
    this.trafficEnd = readings.get(Math.max(from + 1, Math.min(readings.size() - 1, drainAt - 1)));
    this.counterRestarts = sampler.counterRestarts();
    this.traffic = traffic;
    this.warmUpEvents = warmUpEvents;
    this.drained = drained;
    this.model = model;
    this.latency = latency;
    this.storeLatency = storeLatency;
    this.detection = detection;
    this.meanRecordBytes = meanRecordBytes;
    this.processes = processes;
  }

  LoadTestReport build() {
    double seconds = last.t() - first.t();
    List<LoadTestReport.Stage> stages = stages(seconds);
    LoadTestReport.Latency lat = new LoadTestReport.Latency(settings.latencySampleEvery(), percentiles(latency.total()),
        percentiles(latency.toComputed()), percentiles(storeLatency.total()), latency.uncovered(), storeLatency.skipped(), storeLatency.neverReadable());
    LoadTestReport.Projection projection = projection(stages, seconds);
    if (!drained) {
      notes.add("The pipelines had not drained the traffic within " + settings.drainTimeout().toSeconds()
          + " s after it stopped: throughput figures cover what they handled, latency and detection what was read.");
    }
    if (traffic.generatorBound()) {
      notes.add("The generator fell behind its schedule in " + traffic.behindSeconds() + " seconds: the offered load was below"
          + " the target, so this run does not show what the pipelines can take.");
    }
    if (!settings.embeddedFlink()) {
      notes.add(processes.keySet().stream().anyMatch(p -> p.startsWith("taskmanager"))
          ? "Jobs ran on the local session cluster at " + settings.flinkMaster() + ": the 'flink cluster' row is its"
              + " TaskManagers' CPU and memory (any other job running there included); filter and model are not apart."
          : "Jobs ran on the Flink cluster at " + settings.flinkMaster() + ": their CPU and memory are not measured here.");
    }
    if (counterRestarts > 0) {
      notes.add("A job's counters went back " + counterRestarts + " times (a subtask restarted); earlier counts were carried"
          + " over, and the restarted stretch may have been counted twice.");
    }
    notes.add("In/s is over the main traffic; CPU and events per core-second over the traffic and the drain, idle work"
        + " included: at a rate far below a stage's capacity its fixed costs (timers, checkpoints, metrics) weigh in, so"
        + " run at a high rate to read capacity.");
    return new LoadTestReport(run(seconds), trafficSummary(), stages, lat, detection, timeline(), projection,
        goals(stages, lat));
  }

  private LoadTestReport.Run run(double seconds) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("duration_seconds", settings.duration().toSeconds());
    s.put("max_events", settings.maxEvents());
    s.put("rate", settings.rate());
    s.put("shape", settings.shape());
    s.put("producer_threads", settings.producerThreads());
    s.put("members", settings.members());
    s.put("abusive_fraction", settings.abusiveFraction());
    s.put("hot_members", settings.hotMembers());
    s.put("hot_member_share", settings.hotMemberShare());
    s.put("seed", settings.seed());
    s.put("malformed_fraction", settings.malformedFraction());
    s.put("kafka", settings.ownBroker() ? "own broker, " + settings.partitions() + " partitions" : settings.bootstrapServers());
    s.put("flink_master", settings.flinkMaster());
    s.put("parallelism", settings.parallelism());
    s.put("job_flags", settings.jobFlags());
    s.put("latency_sample_every", settings.latencySampleEvery());
    s.put("warm_up_timeout_seconds", settings.warmUpTimeout().toSeconds());
    s.put("drain_timeout_seconds", settings.drainTimeout().toSeconds());
    long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getTotalMemorySize() : 0;
    LoadTestReport.Machine machine = new LoadTestReport.Machine(Runtime.getRuntime().availableProcessors(), memory,
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    return new LoadTestReport.Run(startedAt.toString(), seconds, commit(), machine, s, notes);
  }

  private LoadTestReport.Traffic trafficSummary() {
    double trafficSeconds = traffic.elapsedMs() / 1000.0;
    long sent = traffic.valid() + traffic.healthChecks() + traffic.malformed();
    return new LoadTestReport.Traffic(sent, traffic.acknowledged(), traffic.valid(), traffic.malformed(), traffic.healthChecks(),
        settings.rate(), trafficSeconds > 0 ? traffic.acknowledged() / trafficSeconds : 0, traffic.maxRatePerSecond(),
        traffic.behindSeconds(), traffic.generatorBound(), warmUpEvents, meanRecordBytes);
  }

  private List<LoadTestReport.Stage> stages(double seconds) {
    List<LoadTestReport.Stage> stages = new ArrayList<>();
    long produced = last.produced() - first.produced();
    long filterRead = delta(FILTER_READ);
    long partials = delta(FILTER_PARTIALS);
    long modelPartials = delta(MODEL_PARTIALS);
    // The model reads partials; the raw events they stand for are the filter's kept events per partial.
    double eventsPerPartial = partials == 0 ? 0 : delta(FILTER_EXTRACTED) / (double) partials;
    long modelEvents = Math.round(modelPartials * eventsPerPartial);
    long verdicts = delta(MODEL_VERDICTS);
    long producedInTraffic = trafficEnd.produced() - first.produced();
    stages.add(stage("generator", "harness", "records produced and acknowledged (the harness's process: generator,"
        + " verdict tail, probes)", produced, producedInTraffic, produced, produced, seconds));
    if (processes.containsKey("broker")) {
      stages.add(stage("broker", "broker", "raw records produced (it also serves the filtered, verdict and store topics)",
          produced, producedInTraffic, produced, produced, seconds));
    }
    stages.add(stage("filter", "filter", "raw records read; out: partials", filterRead, trafficDelta(FILTER_READ), partials,
        filterRead, seconds));
    stages.add(stage("model", "model", "partials read (events per core: the raw events those partials hold); out: verdicts",
        modelPartials, trafficDelta(MODEL_PARTIALS), verdicts, modelEvents, seconds));
    List<String> taskManagers = processes.keySet().stream().filter(p -> p.startsWith("taskmanager")).toList();
    if (!taskManagers.isEmpty()) {
      stages.add(stage("flink cluster", taskManagers, "raw records produced; both jobs run on these TaskManagers",
          produced, producedInTraffic, verdicts, produced, seconds));
    }
    stages.add(stage("store", "store", "verdicts written by the model job (events per core: raw events per store CPU-second)",
        verdicts, trafficDelta(MODEL_VERDICTS), verdicts, produced, seconds));
    return stages;
  }

  private LoadTestReport.Stage stage(String name, String process, String unit, long in, long inDuringTraffic, long out,
      long events, double seconds) {
    return stage(name, List.of(process), unit, in, inDuringTraffic, out, events, seconds);
  }

  /** A count over the main traffic's stretch, per second. */
  private double trafficRate(long count) {
    double s = trafficEnd.t() - first.t();
    return s > 0 ? count / s : 0;
  }

  /** A stage whose work is done by {@code processes} (a cluster's TaskManagers): their CPU summed, their largest peak. */
  private LoadTestReport.Stage stage(String name, List<String> processes, String unit, long in, long inDuringTraffic,
      long out, long events, double seconds) {
    List<String> measured = processes.stream().filter(this.processes::containsKey).toList();
    double cpu = 0;
    long peak = 0;
    for (String p : measured) {
      cpu += last.usage().getOrDefault(p, ProcessUsage.NONE).cpuSeconds() - first.usage().getOrDefault(p, ProcessUsage.NONE).cpuSeconds();
      peak = Math.max(peak, last.usage().getOrDefault(p, ProcessUsage.NONE).peakRssBytes());
    }
    String where = measured.isEmpty() ? "not measured here"
        : String.join(", ", measured.stream().map(p -> p + " (pid " + this.processes.get(p) + ")").toList());
    return new LoadTestReport.Stage(name, where, unit, in, out, trafficRate(inDuringTraffic), cpu,
        seconds > 0 ? cpu / seconds : 0, cpu > 0 ? events / cpu : 0, peak);
  }

  private long delta(String counter) {
    return Math.max(0, last.counter(counter) - first.counter(counter));
  }

  private long trafficDelta(String counter) {
    return Math.max(0, trafficEnd.counter(counter) - first.counter(counter));
  }

  private List<LoadTestReport.Sample> timeline() {
    List<LoadTestReport.Sample> samples = new ArrayList<>();
    for (int i = 1; i < readings.size(); i++) {
      Reading p = readings.get(i - 1);
      Reading r = readings.get(i);
      double dt = Math.max(1e-3, r.t() - p.t());
      Map<String, Double> cores = new LinkedHashMap<>();
      Map<String, Long> rss = new LinkedHashMap<>();
      r.usage().forEach((name, u) -> {
        ProcessUsage before = p.usage().getOrDefault(name, u);
        cores.put(name, Math.max(0, u.cpuSeconds() - before.cpuSeconds()) / dt);
        rss.put(name, u.rssBytes());
      });
      samples.add(new LoadTestReport.Sample(round(r.t()), r.phase(), (r.produced() - p.produced()) / dt,
          rate(p, r, FILTER_READ, dt), rate(p, r, FILTER_PARTIALS, dt), rate(p, r, MODEL_PARTIALS, dt),
          (r.verdictsRead() - p.verdictsRead()) / dt, r.filterLag(), r.modelLag(), r.latencyP50Ms(), r.latencyP99Ms(), cores, rss));
    }
    return samples;
  }

  private static double rate(Reading p, Reading r, String counter, double dt) {
    return Math.max(0, r.counter(counter) - p.counter(counter)) / dt;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static LoadTestReport.Percentiles percentiles(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new LoadTestReport.Percentiles(0, 0, 0, 0, 0, 0);
    }
    return new LoadTestReport.Percentiles(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
  }

  private LoadTestReport.Projection projection(List<LoadTestReport.Stage> stages, double seconds) {
    List<String> assumptions = new ArrayList<>();
    assumptions.add("Each stage scales linearly in cores at the per-core rate measured in this run (no coordination cost);"
        + " the model's events per core use the filter's events per partial at this run's rate, which grows with the"
        + " rate, so its figure is conservative.");
    List<LoadTestReport.StageCores> cores = new ArrayList<>();
    for (LoadTestReport.Stage s : stages) {
      if (!s.name().equals("generator") && s.eventsPerCoreSecond() > 0) {
        cores.add(new LoadTestReport.StageCores(s.name(), s.eventsPerCoreSecond(), TARGET_EVENTS_PER_SECOND / s.eventsPerCoreSecond()));
      }
    }
    double rawBytes = TARGET_EVENTS_PER_SECOND * meanRecordBytes;
    double filterCores = cores.stream().filter(c -> c.stage().equals("filter")).mapToDouble(LoadTestReport.StageCores::cores)
        .findFirst().orElse(1);
    int partitions = (int) Math.max(Math.ceil(rawBytes / PARTITION_BYTES_PER_SECOND), Math.ceil(filterCores));
    assumptions.add(String.format("A partition of the raw topic takes %.0f MiB/s of writes, and there are at least as many"
        + " partitions as filter cores (a Kafka source subtask reads whole partitions); record values of %.0f bytes as in"
        + " this run (keys, headers and batch overhead not counted; before compression).",
        PARTITION_BYTES_PER_SECOND / (1024 * 1024), meanRecordBytes));
    Optional<Long> checkpoint = checkpointBytes(model);
    Long perMember = checkpoint.map(b -> b / Math.max(1, settings.members())).orElse(null);
    double measuredRate = trafficRate(trafficEnd.produced() - first.produced());
    Long projectedState = perMember == null || measuredRate <= 0 ? null
        : Math.round(perMember * (double) settings.members() * TARGET_EVENTS_PER_SECOND / measuredRate);
    assumptions.add("Model state: the model job's last completed checkpoint divided by the population (" + settings.members()
        + " members); the population grows with the rate, each member as active as in this run.");
    long produced = last.produced() - first.produced();
    double verdictsPerEvent = produced == 0 ? 0 : delta(MODEL_VERDICTS) / (double) produced;
    assumptions.add("Store writes: one per verdict, verdicts per raw event as in this run.");
    return new LoadTestReport.Projection(TARGET_EVENTS_PER_SECOND, cores, partitions, rawBytes, perMember, projectedState,
        verdictsPerEvent, verdictsPerEvent * TARGET_EVENTS_PER_SECOND, assumptions);
  }

  private static Optional<Long> checkpointBytes(Job job) {
    try {
      return job.rest().checkpoints(job.id()).latestSizeBytes();
    } catch (RuntimeException e) {
      return Optional.empty(); // the job has ended or never checkpointed
    }
  }

  private List<LoadTestReport.Goal> goals(List<LoadTestReport.Stage> stages, LoadTestReport.Latency lat) {
    List<LoadTestReport.Goal> goals = new ArrayList<>();
    for (String stage : List.of("filter", "model")) {
      stages.stream().filter(s -> s.name().equals(stage)).findFirst().ifPresent(s -> goals.add(new LoadTestReport.Goal(
          stage + " stage events per core-second", ">= 50,000", String.format("%,.0f", s.eventsPerCoreSecond()),
          s.cpuSeconds() > 0 ? s.eventsPerCoreSecond() >= PER_CORE_GOAL : null)));
    }
    LoadTestReport.Percentiles p = lat.verdictRead();
    goals.add(new LoadTestReport.Goal("p99 end-to-end latency at this run's rate (the goal: at half the maximum sustained rate)",
        "< 2,000 ms", String.format("%,.0f ms at %,.0f records/s achieved", p.p99(), trafficSummary().achievedRate()),
        p.count() == 0 ? null : p.p99() < 2_000));
    detection.kinds().stream().filter(k -> k.kind().equals("scraper")).findFirst().ifPresent(k -> {
      goals.add(new LoadTestReport.Goal("scraper precision", ">= 0.99", k.precision() == null ? "-" : String.format("%.3f", k.precision()),
          k.precision() == null ? null : k.precision() >= 0.99));
      goals.add(new LoadTestReport.Goal("scraper recall", ">= 0.95", k.recall() == null ? "-" : String.format("%.3f", k.recall()),
          k.recall() == null ? null : k.recall() >= 0.95));
      goals.add(new LoadTestReport.Goal("scraper median time to detect", "< 30 s",
          k.medianSecondsToFlag() == null ? "-" : String.format("%.1f s", k.medianSecondsToFlag()),
          k.medianSecondsToFlag() == null ? null : k.medianSecondsToFlag() < 30));
    });
    return goals;
  }

  private static String commit() {
    try {
      String home = System.getenv("VIGIL_HOME"); // set by the vigil script; tests run in the module's folder
      Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true)
          .directory(home == null ? null : new java.io.File(home)).start();
      String out = new String(git.getInputStream().readAllBytes()).trim();
      return git.waitFor() == 0 && out.matches("[0-9a-f]{7,40}(-dirty)?") ? out : "unknown";
    } catch (Exception e) {
      return "unknown";
    }
  }
}
