package dev.vigil.loadtest.bench;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.console.ProgressLine;
import dev.vigil.core.nearline.ActivityFilter;
import dev.vigil.core.nearline.ShortWindowAggregator;
import dev.vigil.filter.FilterPipeline;
import dev.vigil.filter.FilterPipelineOptions;
import dev.vigil.flink.cluster.JobJar;
import dev.vigil.kafka.embedded.BrokerProcess;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.MemberRecordKeys;
import dev.vigil.schemas.ProgressMarkers;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Filter work on one pre-filled topic, side by side. Sides: {@code plain}, a single-threaded
 * KafkaConsumer -> {@link ActivityFilter} -> {@link ShortWindowAggregator} -> KafkaProducer loop (the
 * same core classes the job runs), and {@code beam} (and optionally {@code beam-b} with other flags), the
 * real filter job on FlinkRunner [local], parallelism 2.
 *
 * <p>The broker runs in its own process, so a run's CPU is the engine's (plus the small tail that counts
 * its output), not the broker's. One warm-up round runs every side once and is reported apart; then the
 * sides alternate for {@code rounds} rounds (A, B, A, B...), each run reading the whole topic with its own
 * consumer group into its own output topic. At the end every output is merged per member and window and
 * compared with the first side's, member-window by member-window.
 *
 * <p>Run: {@code ./vigil bench filter [--events 1000000] [--members 100000] [--rounds 3] [--sides plain,beam]
 * [--beam-b-flags=--fasterCopy=false] [--job-jar]}. With {@code --job-jar} each beam run is the deployable job jar in a
 * JVM of its own (needed for {@code --stateBackend=rocksdb}), and its CPU is that JVM's, start-up included.
 */
public final class FilterThroughputBenchmark {
  private static final long WINDOW_MS = 5_000;
  private static final String INPUT = "bench.raw";

  private FilterThroughputBenchmark() {}

  /** One run's figures. */
  record Result(String side, long events, long partials, double wallSeconds, double cpuSeconds, String outputTopic) {
    double eventsPerSecond() {
      return events / wallSeconds;
    }

    double eventsPerCpuSecond() {
      return events / cpuSeconds;
    }

    String describe(String label) {
      return String.format("%-22s %,10.0f events/s wall, %,10.0f events per CPU-second (%.1f s wall, %.1f CPU-s, %,d partials)",
          label, eventsPerSecond(), eventsPerCpuSecond(), wallSeconds, cpuSeconds, partials);
    }
  }

  public static void run(int events, int members, int rounds, List<String> sides, List<String> beamBFlags, boolean jobJar)
      throws Exception {
    for (String side : sides) {
      if (!List.of("plain", "beam", "beam-b").contains(side)) {
        throw new IllegalArgumentException("--sides: unknown side '" + side + "' (plain, beam, beam-b)");
      }
    }
    Path dataDir = Files.createTempDirectory("vigil-bench-broker");
    Path jobLogs = jobJar ? Files.createTempDirectory("vigil-bench-job-logs") : null; // kept: a failed run names its log
    try (BrokerProcess kafka = BrokerProcess.start(dataDir, Duration.ofSeconds(60))) {
      kafka.topics().create(List.of(INPUT, "bench.dl"), 2);
      long base = System.currentTimeMillis() - 3_600_000; // an hour ago: every window can close
      fill(kafka.bootstrapServers(), events, members, base);
      System.out.printf("pre-filled %s with %,d events from %,d members (2 partitions); broker in its own process%n",
          INPUT, events, members);
      ActivityFilter.withDefaults(); // the user-agent classifier is built once per JVM: neither side pays for it

      List<Result> results = new ArrayList<>();
      for (int round = 0; round <= rounds; round++) {
        for (String side : sides) {
          String run = side + "-" + round;
          Result r = side.equals("plain") ? plainLoop(kafka, events, run) : beamOnFlink(kafka, events, run,
              side.equals("beam-b") ? beamBFlags : List.of(), jobLogs);
          System.out.println(r.describe(round == 0 ? side + " (warm-up)" : side + " round " + round));
          if (round > 0) {
            results.add(r);
          }
        }
      }
      summarize(results, sides);
      compareOutputs(kafka, results);
    } finally {
      BenchSupport.deleteRecursively(dataDir);
    }
  }

  private static void summarize(List<Result> results, List<String> sides) {
    System.out.println("median of the measured rounds (events per CPU-second of this process; the broker is apart):");
    Map<String, Double> medians = new HashMap<>();
    for (String side : sides) {
      double[] perCpu = results.stream().filter(r -> r.side().equals(side)).mapToDouble(Result::eventsPerCpuSecond).sorted().toArray();
      if (perCpu.length > 0) {
        medians.put(side, perCpu[perCpu.length / 2]);
        System.out.printf("  %-8s %,10.0f (runs: %s)%n", side, perCpu[perCpu.length / 2],
            Arrays.stream(perCpu).mapToObj(v -> String.format("%,.0f", v)).toList());
      }
    }
    if (medians.size() > 1) {
      String first = sides.get(0);
      medians.forEach((side, m) -> {
        if (!side.equals(first)) {
          System.out.printf("  %s / %s: %.2f%n", side, first, m / medians.get(first));
        }
      });
    }
  }

  /** Every side's output, merged per member-window, equals the first side's. */
  private static void compareOutputs(BrokerProcess kafka, List<Result> results) throws Exception {
    if (results.isEmpty()) {
      return;
    }
    Map<String, MemberActivityPartial> reference = merged(kafka, results.get(0).outputTopic());
    for (Result r : results.subList(1, results.size())) {
      Map<String, MemberActivityPartial> other = merged(kafka, r.outputTopic());
      if (!other.equals(reference)) {
        long differing = reference.keySet().stream().filter(k -> !reference.get(k).equals(other.get(k))).count()
            + other.keySet().stream().filter(k -> !reference.containsKey(k)).count();
        throw new IllegalStateException(r.outputTopic() + " differs from " + results.get(0).outputTopic() + " in " + differing
            + " of " + reference.size() + " member-windows");
      }
    }
    System.out.printf("outputs identical: every run's partials, merged per member and window, equal %s's (%,d member-windows)%n",
        results.get(0).outputTopic(), reference.size());
  }

  private static Map<String, MemberActivityPartial> merged(BrokerProcess kafka, String topic) throws Exception {
    Map<String, MemberActivityAggregate> byWindow = new HashMap<>();
    Map<String, long[]> bounds = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.topics().readAll(topic)) {
      if (ProgressMarkers.isMarker(r.key())) {
        continue;
      }
      MemberActivityPartial p = MemberActivityPartial.parseFrom(r.value());
      String key = p.getMemberId() + "@" + p.getWindowStartMs();
      byWindow.computeIfAbsent(key, k -> MemberActivityAggregate.mergeTarget()).merge(MemberActivityAggregate.fromPartial(p));
      bounds.put(key, new long[] {p.getWindowStartMs(), p.getWindowEndMs()});
    }
    Map<String, MemberActivityPartial> out = new HashMap<>();
    byWindow.forEach((k, a) -> out.put(k, a.toPartial().setWindowStartMs(bounds.get(k)[0]).setWindowEndMs(bounds.get(k)[1]).build()));
    return out;
  }

  private static void fill(String bootstrap, int events, int members, long base) {
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(7, members, 0.01);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        ActivityEvent e = generator.next(base + i / 100);
        // Record timestamp = event time: the topic replays history as it was produced.
        producer.send(new ProducerRecord<>(INPUT, null, e.getTimestampMs(), MemberRecordKeys.encode(e.getMemberId()),
            e.toByteArray()));
      }
      producer.flush();
    }
  }

  /** The same work as the job, as a single-threaded consume-process-produce loop. */
  static Result plainLoop(BrokerProcess kafka, int events, String run) throws Exception {
    String out = "bench.out." + run;
    kafka.topics().create(List.of(out), 2);
    ActivityFilter filter = ActivityFilter.withDefaults();
    ShortWindowAggregator windows = new ShortWindowAggregator(WINDOW_MS, MemberActivityAggregate.DEFAULT_SKETCH_K);
    long cpu0 = BenchSupport.cpuNanos();
    long t0 = System.nanoTime();
    long seen = 0;
    long partials = 0;
    long newest = Long.MIN_VALUE;
    try (KafkaConsumer<byte[], byte[]> consumer = BenchSupport.consumer(kafka.bootstrapServers(), "bench-" + run);
        KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
      consumer.subscribe(List.of(INPUT));
      while (seen < events) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          seen++;
          ExtractedActivity e = filter.apply(r.value(), r.timestamp(), System.currentTimeMillis());
          if (e != null) {
            windows.add(e);
            newest = Math.max(newest, e.getTimestampMs());
          }
        }
        // Windows two windows behind the newest event close: the loop's stand-in for a watermark.
        partials += send(producer, out, windows.closeUpTo(newest - 2 * WINDOW_MS));
      }
      partials += send(producer, out, windows.closeAll());
      producer.flush();
    }
    return new Result("plain", events, partials, (System.nanoTime() - t0) / 1e9, (BenchSupport.cpuNanos() - cpu0) / 1e9, out);
  }

  private static long send(KafkaProducer<byte[], byte[]> producer, String topic, List<MemberActivityPartial> partials) {
    for (MemberActivityPartial p : partials) {
      producer.send(new ProducerRecord<>(topic, MemberRecordKeys.encode(p.getMemberId()), p.toByteArray()));
    }
    return partials.size();
  }

  /**
   * The real filter job; done when its output holds every event. In this JVM, or, given {@code jobJarLogs}, through the
   * job jar in a JVM of its own (its output goes to a log file there).
   */
  static Result beamOnFlink(BrokerProcess kafka, int events, String run, List<String> extraFlags, Path jobJarLogs) throws Exception {
    String out = "bench.out." + run;
    kafka.topics().create(List.of(out), 2);
    List<String> flags = new ArrayList<>(List.of(
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2", "--bootstrapServers=" + kafka.bootstrapServers(),
        "--inputTopic=" + INPUT, "--outputTopic=" + out, "--deadLetterTopic=bench.dl",
        "--consumerGroup=bench-" + run, "--maxOutOfOrdernessMs=1000", "--idlePartitionTimeoutMs=1000", "--statusIntervalSeconds=0"));
    flags.addAll(extraFlags);
    FilterPipelineOptions options = FilterPipeline.parseOptions(flags.toArray(String[]::new)); // validates the flags here too
    long cpu0 = BenchSupport.cpuNanos();
    long t0 = System.nanoTime();
    Process child = null;
    PipelineResult job = null;
    if (jobJarLogs != null) {
      Path log = jobJarLogs.resolve(run + ".log");
      child = new ProcessBuilder(JobJar.command("filter", flags)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } else {
      job = StreamingJobs.start(FilterPipeline.create(options));
    }
    long counted = 0;
    long partials = 0;
    double cpuSeconds;
    try (KafkaConsumer<byte[], byte[]> tail = BenchSupport.consumer(kafka.bootstrapServers(), "bench-" + run + "-tail")) {
      tail.subscribe(List.of(out));
      long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
      while (counted < events && System.nanoTime() < deadline && (child == null || child.isAlive())) {
        for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(200))) {
          if (ProgressMarkers.isMarker(r.key())) {
            continue;
          }
          counted += MemberActivityPartial.parseFrom(r.value()).getEventCount();
          partials++;
        }
        ProgressLine.show(String.format("  %s: %,d / %,d events out", run, counted, events));
      }
    } finally {
      if (child != null) {
        cpuSeconds = child.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
        child.destroy();
        child.waitFor();
      } else {
        cpuSeconds = (BenchSupport.cpuNanos() - cpu0) / 1e9;
        StreamingJobs.cancel(job);
      }
      ProgressLine.done();
    }
    if (counted < events) {
      throw new IllegalStateException("the filter job emitted only " + counted + " of " + events + " events"
          + (jobJarLogs == null ? "" : "; its log: " + jobJarLogs.resolve(run + ".log")));
    }
    return new Result(extraFlags.isEmpty() ? "beam" : "beam-b", events, partials, (System.nanoTime() - t0) / 1e9, cpuSeconds, out);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
