package dev.vigil.loadtest.bench;

import dev.vigil.archive.ArchiveLayout;
import dev.vigil.archive.ArchiveManifest;
import dev.vigil.core.console.ProgressLine;
import dev.vigil.core.process.ChildJvm;
import dev.vigil.kafka.embedded.BrokerProcess;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.replay.ArchivePipeline;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.schemas.MemberRecordKeys;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.ActivityEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One archived data set labelled two ways, each in processes of its own measured by {@code /usr/bin/time}
 * (wall, user+system CPU, peak RSS), the broker in a process of its own and not counted:
 * <ul>
 *   <li>{@code batch}: {@code vigil replay label} (filter and model transforms in one batch job, FlinkRunner);</li>
 *   <li>{@code streaming}: the filter and model jobs ({@code vigil filter}, {@code vigil model}, FlinkRunner
 *       streaming, each its own JVM) fed by {@code vigil replay publish --speed max}; done when the latest
 *       verdict of every member and boundary the batch labelled equals the batch's (or when nothing new has
 *       come for two minutes after the publisher finished; wall time ends at the last verdict). Its CPU is
 *       the two jobs'; the publisher's is reported beside it.</li>
 * </ul>
 * The data set (generator events over several hours of event time, archived by the archiving job) is built
 * once; then the sides alternate (batch, streaming, batch, streaming...). Verdicts are compared member and
 * boundary by boundary.
 *
 * <p>Run: {@code ./vigil bench replay [--events 1000000] [--hours 6] [--members 20000] [--rounds 2]}.
 */
public final class ReplayBenchmark {
  private static final String WINDOWS = "1m/30s,10m/1m,60m/5m";
  /** A streaming run that produces no final verdict for this long after the publisher finished is over. */
  private static final Duration QUIET = Duration.ofSeconds(120);

  private ReplayBenchmark() {}

  /** What {@code /usr/bin/time} measured of one process. */
  record Usage(double wallSeconds, double cpuSeconds, long peakRssKb) {
    static final Usage NONE = new Usage(0, 0, 0);

    Usage plus(Usage o) {
      return new Usage(Math.max(wallSeconds, o.wallSeconds), cpuSeconds + o.cpuSeconds, peakRssKb + o.peakRssKb);
    }
  }

  record Round(String side, int round, double wallSeconds, Usage engine, Usage publisher, long finalVerdicts, long identical) {
    String describe() {
      return String.format("%-9s round %d: %7.1f s wall, %7.1f CPU-s, peak RSS %,6d MB%s; %,d final verdicts%s", side, round, wallSeconds,
          engine.cpuSeconds(), engine.peakRssKb() / 1024,
          publisher == Usage.NONE ? "" : String.format(" (publisher: %.1f CPU-s, %,d MB)", publisher.cpuSeconds(), publisher.peakRssKb() / 1024),
          finalVerdicts, identical < 0 ? "" : String.format(", %,d identical to the batch's", identical));
    }
  }

  /**
   * Builds the data set (or reuses {@code existingArchive} over {@code [from, to)}, when given) and runs the
   * rounds.
   */
  public static void run(int events, int hours, int members, int rounds, Path work, Path existingArchive, String existingFrom,
      String existingTo) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
      throw new IllegalArgumentException("bench replay measures its processes with /usr/bin/time (Debian package 'time'), not found");
    }
    Files.createDirectories(work);
    long end = existingArchive != null ? Instant.parse(existingTo).toEpochMilli() : ArchiveLayout.hourStart(System.currentTimeMillis()) - 60_000;
    long start = existingArchive != null ? Instant.parse(existingFrom).toEpochMilli() : end - hours * ArchiveLayout.HOUR_MS;
    String from = Instant.ofEpochMilli(start).toString();
    String to = Instant.ofEpochMilli(end).toString();
    Path archive = existingArchive != null ? existingArchive : work.resolve("archive-" + end);
    // Everything of this run (outputs, broker, process logs) in a folder of its own: runs never share state.
    Path runDir = Files.createDirectories(work.resolve("run-" + System.currentTimeMillis()));
    Measured.logs = runDir;
    List<Round> results = new ArrayList<>();
    try (BrokerProcess kafka = BrokerProcess.start(runDir.resolve("broker"), Duration.ofSeconds(60))) {
      if (existingArchive == null) {
        prepare(kafka, archive, events, members, start, end);
      }
      Map<String, AbuseScore> reference = null;
      for (int r = 1; r <= rounds; r++) {
        Round batch = batch(r, archive, from, to, runDir, reference);
        if (reference == null) {
          reference = batchVerdicts(runDir.resolve("batch-" + r));
        }
        results.add(batch);
        System.out.println(batch.describe());
        Round streaming = streaming(r, kafka, archive, from, to, reference);
        results.add(streaming);
        System.out.println(streaming.describe());
      }
    }
    System.out.printf("%nData set: %s, event time %s to %s%s%n", archive, from, to,
        existingArchive != null ? "" : String.format(" (%,d events from %,d members over %d h, generated)", events, members, hours));
    for (String side : List.of("batch", "streaming")) {
      List<Round> of = results.stream().filter(x -> x.side().equals(side)).toList();
      System.out.printf("%-9s median %.1f s wall, %.1f CPU-s, peak RSS %,d MB%n", side, median(of, x -> x.wallSeconds()),
          median(of, x -> x.engine().cpuSeconds()), (long) median(of, x -> x.engine().peakRssKb() / 1024.0));
    }
    double wallRatio = median(results.stream().filter(x -> x.side().equals("streaming")).toList(), Round::wallSeconds)
        / median(results.stream().filter(x -> x.side().equals("batch")).toList(), Round::wallSeconds);
    double cpuRatio = median(results.stream().filter(x -> x.side().equals("streaming")).toList(), x -> x.engine().cpuSeconds())
        / median(results.stream().filter(x -> x.side().equals("batch")).toList(), x -> x.engine().cpuSeconds());
    System.out.printf("streaming / batch: %.1fx wall time, %.1fx CPU (goal: >= 18x, >= 2x)%n", wallRatio, cpuRatio);
  }

  /** Generator events into a topic, archived by the archiving job; not measured. */
  private static void prepare(BrokerProcess kafka, Path archive, int events, int members, long start, long end) throws Exception {
    kafka.topics().create(List.of("bench.archive.raw"), 4);
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(20261201, members, 0.03);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        ActivityEvent e = generator.next(start + (long) i * (end - start) / events);
        producer.send(new ProducerRecord<>("bench.archive.raw", null, e.getTimestampMs(),
            MemberRecordKeys.encode(e.getMemberId()), e.toByteArray()));
      }
      producer.flush();
    }
    PipelineResult job = StreamingJobs.start(ArchivePipeline.create(ArchivePipeline.parseOptions(new String[] {
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2", "--bootstrapServers=" + kafka.bootstrapServers(),
        "--inputTopic=bench.archive.raw", "--archive=" + archive, "--archiveLateFiringDelayMs=1000", "--consumerGroup=bench-archive"})));
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      long archived = 0;
      while (archived < events) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("archive holds " + archived + " of " + events + " records after 30 min");
        }
        Thread.sleep(1_000); // polling the archive's manifests
        archived = 0;
        if (Files.isDirectory(archive)) {
          for (Path m : ArchiveLayout.manifests(archive, start, end)) {
            archived += ArchiveManifest.read(m).records();
          }
        }
        ProgressLine.show(String.format("  preparing: %,d / %,d events archived", archived, events));
      }
      ProgressLine.done();
    } finally {
      StreamingJobs.cancel(job);
    }
  }

  private static Round batch(int round, Path archive, String from, String to, Path runDir, Map<String, AbuseScore> reference) throws Exception {
    Path out = runDir.resolve("batch-" + round);
    Measured m = Measured.start("batch", List.of("replay", "label", "--archive", archive.toString(), "--from", from, "--to", to,
        "--out", out.toString(), "--runner=FlinkRunner", "--parallelism=2", "--windows=" + WINDOWS));
    Usage usage = m.awaitExit(Duration.ofHours(2));
    Map<String, AbuseScore> verdicts = batchVerdicts(out);
    return new Round("batch", round, usage.wallSeconds(), usage, Usage.NONE, verdicts.size(),
        reference == null ? -1 : identical(verdicts, reference));
  }

  private static Round streaming(int round, BrokerProcess kafka, Path archive, String from, String to, Map<String, AbuseScore> reference)
      throws Exception {
    String raw = "bench.replay.raw." + round;
    String filtered = "bench.replay.filtered." + round;
    String scores = "bench.replay.scores." + round;
    String dl = "bench.replay.dl." + round;
    kafka.topics().create(List.of(raw, filtered, scores, dl), 4);
    String bootstrap = "--bootstrapServers=" + kafka.bootstrapServers();
    Measured filter = Measured.start("filter", List.of("filter", bootstrap, "--inputTopic=" + raw, "--outputTopic=" + filtered,
        "--deadLetterTopic=" + dl, "--consumerGroup=bench-filter-" + round, "--parallelism=2"));
    Measured model = Measured.start("model", List.of("model", bootstrap, "--filteredTopic=" + filtered, "--scoresTopic=" + scores,
        "--writeStore=false", "--deadLetterTopic=" + dl, "--consumerGroup=bench-model-" + round, "--parallelism=2", "--windows=" + WINDOWS));
    long t0 = System.nanoTime();
    Measured publisher = Measured.start("publish", List.of("replay", "publish", "--archive", archive.toString(), "--from", from, "--to", to,
        "--speed", "max", "--topic", raw, bootstrap));
    // A boundary's final verdict is the last one emitted for it (an early verdict that already held every partial
    // is not repeated on time). The run is done when every boundary's latest verdict equals the batch's, or when
    // the publisher has finished and nothing new came for QUIET; wall time ends at the last verdict.
    Map<String, AbuseScore> finals = new HashMap<>();
    java.util.Set<String> unmatched = new java.util.HashSet<>(reference.keySet());
    double wall;
    double cpuToLastVerdict;
    Usage published = null;
    Usage engine;
    try (KafkaConsumer<byte[], byte[]> tail = consumer(kafka.bootstrapServers(), scores)) {
      long deadline = System.nanoTime() + Duration.ofHours(2).toNanos();
      long lastNew = System.nanoTime();
      long cpuSampledAt = 0;
      double cpuAtLastVerdict = 0;
      while (!unmatched.isEmpty() && !(published != null && System.nanoTime() - lastNew > QUIET.toNanos())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("streaming round " + round + ": " + unmatched.size() + " boundaries unmatched after 2 h");
        }
        for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(500))) {
          AbuseScore s = AbuseScore.parseFrom(r.value());
          String key = s.getMemberId() + "@" + s.getAsOfMs();
          AbuseScore before = finals.get(key);
          if (before == null || s.getProcessingTimeMs() >= before.getProcessingTimeMs()) {
            finals.put(key, s);
            AbuseScore expected = reference.get(key);
            if (expected != null && normalized(expected).equals(normalized(s))) {
              unmatched.remove(key);
            } else if (expected != null) {
              unmatched.add(key);
            }
          }
          lastNew = System.nanoTime();
        }
        if (lastNew > cpuSampledAt) { // the jobs' CPU as of their last output, not of the quiet wait after it
          cpuAtLastVerdict = filter.cpuSeconds() + model.cpuSeconds();
          cpuSampledAt = System.nanoTime();
        }
        if (published == null && !publisher.running()) {
          published = publisher.awaitExit(Duration.ofSeconds(10));
        }
        ProgressLine.show(String.format("  streaming round %d: %,d of %,d boundaries match the batch", round,
            reference.size() - unmatched.size(), reference.size()));
      }
      wall = (lastNew - t0) / 1e9;
      cpuToLastVerdict = cpuAtLastVerdict;
      ProgressLine.done();
      if (published == null) {
        published = publisher.awaitExit(Duration.ofMinutes(10));
      }
    } finally {
      engine = filter.stop().plus(model.stop());
      publisher.stop();
    }
    // CPU up to the last verdict (sampled from /proc while running); peak memory from /usr/bin/time at exit.
    Usage toLastVerdict = new Usage(engine.wallSeconds(), cpuToLastVerdict, engine.peakRssKb());
    return new Round("streaming", round, wall, toLastVerdict, published, finals.size(), reference.size() - unmatched.size());
  }

  private static long identical(Map<String, AbuseScore> a, Map<String, AbuseScore> b) {
    return b.entrySet().stream().filter(e -> a.containsKey(e.getKey()) && normalized(a.get(e.getKey())).equals(normalized(e.getValue()))).count();
  }

  private static AbuseScore normalized(AbuseScore s) {
    return s.toBuilder().clearProcessingTimeMs().clearPaneTiming().build();
  }

  private static Map<String, AbuseScore> batchVerdicts(Path out) {
    Map<String, AbuseScore> verdicts = new HashMap<>();
    ReplayLabel.forEachVerdict(out, s -> verdicts.put(s.getMemberId() + "@" + s.getAsOfMs(), s));
    return verdicts;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-tail-" + topic);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }

  private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> f) {
    double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** A {@code vigil} command in a JVM of its own under {@code /usr/bin/time}. */
  static final class Measured {
    private final String name;
    /** Where the processes' logs and time reports go (the run's folder). */
    static Path logs;
    private static int started;
    private final Process time;
    private final Path report;
    private final Path log;

    private Measured(String name, Process time, Path report, Path log) {
      this.name = name;
      this.time = time;
      this.report = report;
      this.log = log;
    }

    static Measured start(String name, List<String> vigilArgs) throws IOException {
      started++;
      Path report = logs.resolve(String.format("%02d-%s.time", started, name));
      Path log = logs.resolve(String.format("%02d-%s.log", started, name));
      List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-o", report.toString(), "-f", "%e %U %S %M"));
      command.addAll(ChildJvm.java());
      command.addAll(List.of("-Xmx4g", "-cp", System.getProperty("java.class.path"), "dev.vigil.launcher.VigilCli"));
      command.addAll(vigilArgs);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
      return new Measured(name, pb.start(), report, log);
    }

    boolean running() {
      return time.isAlive();
    }

    /** CPU the JVM under {@code time} has used so far. */
    double cpuSeconds() {
      return time.toHandle().children().findFirst().flatMap(h -> h.info().totalCpuDuration())
          .map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    Usage awaitExit(Duration timeout) throws Exception {
      if (!time.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop();
        throw new IllegalStateException(name + " did not finish within " + timeout);
      }
      if (time.exitValue() != 0) {
        throw new IllegalStateException(name + " exited " + time.exitValue() + "; its output is in " + log);
      }
      return usage();
    }

    /** Stops a job that runs until stopped: SIGTERM to the JVM under {@code time}, which then reports. */
    Usage stop() throws Exception {
      if (!time.isAlive()) {
        return usage();
      }
      time.toHandle().children().forEach(ProcessHandle::destroy);
      if (!time.waitFor(60, TimeUnit.SECONDS)) {
        time.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        time.waitFor(10, TimeUnit.SECONDS);
      }
      return usage();
    }

    private Usage usage() throws IOException {
      // The last line is "wall user system maxrss-KB"; a killed command gets a "Command terminated" line before it.
      List<String> lines = Files.readAllLines(report).stream().filter(l -> !l.isBlank()).toList();
      String[] f = lines.get(lines.size() - 1).trim().split("\\s+");
      return new Usage(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]), Long.parseLong(f[3]));
    }
  }
}
