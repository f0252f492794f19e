package dev.vigil.loadtest.bench;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.console.ProgressLine;
import dev.vigil.core.nearline.ActivityFilter;
import dev.vigil.core.nearline.ShortWindowAggregator;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.kafka.embedded.BrokerProcess;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.model.ModelPipeline;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.MemberRecordKeys;
import dev.vigil.schemas.ProgressMarkers;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Throughput of the model pipeline on FlinkRunner (embedded, parallelism 2) from a pre-filled filtered
 * topic. The topic holds what the filter pipeline would have written for synthetic traffic (the same
 * rules, extraction and 5-second per-member aggregation), an hour in the past so every window can close.
 * A run is done when every member has been scored as of every boundary its partials make pending (the
 * end of the finest tile holding them); it reports partials and represented raw events per second of wall
 * time and per CPU-second of this process: the job and the tail counting its output (the broker runs in its own
 * process).
 *
 * <p>Run: {@code ./vigil bench model [--minutes 10] [--rate 2000] [--members 2000] [--windows ...] [--runs 2]}.
 */
public final class ModelThroughputBenchmark {
  private static final long FILTER_WINDOW_MS = 5_000;
  private static final String TOPIC = "bench.filtered";

  private ModelThroughputBenchmark() {}

  /**
   * Runs the job {@code runs} times; with {@code bFlags}, each run is a pair, the job as is (A) then with those flags (B),
   * so A and B alternate on one pre-filled topic.
   */
  public static void run(int minutes, int rate, int members, String windows, int runs, List<String> bFlags) throws Exception {
    TileLayout layout = TileLayout.parse(windows);
    long base = System.currentTimeMillis() - Duration.ofMinutes(60L + minutes).toMillis();
    base -= Math.floorMod(base, FILTER_WINDOW_MS);
    List<MemberActivityPartial> partials = partials(minutes, rate, members, base);
    long events = partials.stream().mapToLong(MemberActivityPartial::getEventCount).sum();
    Set<String> expected = new HashSet<>();
    for (MemberActivityPartial p : partials) {
      expected.add(memberAsOf(p.getMemberId(), layout.boundaryAfter(p.getWindowStartMs())));
    }
    java.nio.file.Path dataDir = java.nio.file.Files.createTempDirectory("vigil-bench-broker");
    try (BrokerProcess kafka = BrokerProcess.start(dataDir, Duration.ofSeconds(60))) {
      List<String> topics = new ArrayList<>(List.of(TOPIC, "bench.model.dl"));
      List<List<String>> sides = bFlags.isEmpty() ? List.of(List.of()) : List.of(List.of(), bFlags);
      for (int r = 0; r < runs; r++) {
        for (int side = 0; side < sides.size(); side++) {
          topics.add(scoresTopic(r, side));
        }
      }
      kafka.topics().create(topics, 2);
      fill(kafka.bootstrapServers(), partials);
      System.out.printf("pre-filled %s with %,d partials (%,d events: %,d members, %,d events/s for %d min); windows %s -> %,d member boundaries%n",
          TOPIC, partials.size(), events, members, rate, minutes, windows, expected.size());
      for (int r = 0; r < runs; r++) {
        for (int side = 0; side < sides.size(); side++) {
          Result result = runOnce(kafka.bootstrapServers(), windows, r, side, sides.get(side), expected);
          System.out.printf("Beam model pipeline on FlinkRunner [local], parallelism 2, run %d%s: %,.0f partials/s"
                  + " and %,.0f events/s wall; %,.0f partials and %,.0f events per CPU-second (%.1f s wall, %.1f CPU-s, %,d scores)%n",
              r + 1, sides.size() == 1 ? "" : side == 0 ? " A" : " B " + sides.get(side), partials.size() / result.wallSeconds,
              events / result.wallSeconds, partials.size() / result.cpuSeconds, events / result.cpuSeconds, result.wallSeconds,
              result.cpuSeconds, result.scores);
        }
      }
    } finally {
      BenchSupport.deleteRecursively(dataDir);
    }
  }

  private record Result(double wallSeconds, double cpuSeconds, long scores) {}

  /** What the filter pipeline writes for this traffic: one partial per member per 5-second window (core's plain-loop filter). */
  static List<MemberActivityPartial> partials(int minutes, int rate, int members, long base) {
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(11, members, 0.01);
    ActivityFilter filter = ActivityFilter.withDefaults();
    ShortWindowAggregator windows = new ShortWindowAggregator(FILTER_WINDOW_MS, MemberActivityAggregate.DEFAULT_SKETCH_K);
    long count = (long) minutes * 60 * rate;
    for (long i = 0; i < count; i++) {
      ExtractedActivity e = filter.apply(generator.next(base + i * 1000 / rate));
      if (e != null) {
        windows.add(e);
      }
    }
    return windows.closeAll();
  }

  /** Key of a verdict: member and the boundary it is as of. */
  static String memberAsOf(long member, long asOfMs) {
    return member + "@" + asOfMs;
  }

  private static void fill(String bootstrap, List<MemberActivityPartial> partials) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (MemberActivityPartial partial : partials) {
        producer.send(new ProducerRecord<>(TOPIC, MemberRecordKeys.encode(partial.getMemberId()),
            partial.toByteArray()));
      }
      // The benchmark stands in for the filter job: its progress, on every partition, closes the last rows.
      for (var partition : producer.partitionsFor(TOPIC)) {
        producer.send(new ProducerRecord<>(TOPIC, partition.partition(), ProgressMarkers.key(),
            ProgressMarkers.value(System.currentTimeMillis())));
      }
      producer.flush();
    }
  }

  private static String scoresTopic(int run, int side) {
    return "bench.scores." + run + "." + side;
  }

  private static Result runOnce(String bootstrap, String windows, int run, int side, List<String> extraFlags, Set<String> expected)
      throws Exception {
    String scores = scoresTopic(run, side);
    List<String> flags = new ArrayList<>(List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2", "--bootstrapServers=" + bootstrap,
        "--filteredTopic=" + TOPIC, "--scoresTopic=" + scores, "--writeStore=false", "--deadLetterTopic=bench.model.dl",
        "--consumerGroup=bench-model-" + run + "-" + side, "--windows=" + windows, "--maxOutOfOrdernessMs=1000",
        "--idlePartitionTimeoutMs=1000"));
    flags.addAll(extraFlags);
    long cpu0 = BenchSupport.cpuNanos();
    long t0 = System.nanoTime();
    PipelineResult job = StreamingJobs.start(ModelPipeline.create(ModelPipeline.parseOptions(flags.toArray(String[]::new))));
    Set<String> seen = new HashSet<>();
    long scored = 0;
    try (KafkaConsumer<byte[], byte[]> tail = BenchSupport.consumer(bootstrap, "bench-model-tail-" + run + "-" + side)) {
      tail.subscribe(List.of(scores));
      long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
      while (seen.size() < expected.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(200))) {
          AbuseScore s = AbuseScore.parseFrom(r.value());
          seen.add(memberAsOf(s.getMemberId(), s.getAsOfMs()));
          scored++;
        }
        ProgressLine.show(String.format("  run %d: %,d / %,d member boundaries scored (%,d scores)", run + 1, seen.size(),
            expected.size(), scored));
      }
    } finally {
      StreamingJobs.cancel(job);
      ProgressLine.done();
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (BenchSupport.cpuNanos() - cpu0) / 1e9;
    if (!seen.containsAll(expected)) {
      throw new IllegalStateException("the model pipeline scored " + seen.size() + " of " + expected.size() + " member boundaries");
    }
    return new Result(wall, cpu, scored);
  }

}
