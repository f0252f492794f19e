package dev.vigil.loadtest.bench;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.extract.ActivityExtractor;
import dev.vigil.core.extract.ActivityParser;
import dev.vigil.core.extract.ParsedActivity;
import dev.vigil.core.extract.UserAgentClassifier;
import dev.vigil.core.rules.FilterRules;
import dev.vigil.core.rules.FilterRulesLoader;
import dev.vigil.filter.FilterPipeline;
import dev.vigil.filter.FilterPipelineOptions;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * Side-by-side throughput of the filter work on one pre-filled topic, in one JVM and one run:
 * (a) a plain KafkaConsumer/KafkaProducer loop doing parse, rules, extract and per-member-window
 * aggregation with the same core classes, and (b) the Beam filter pipeline on FlinkRunner (embedded).
 * Reports events/s of wall time and events per CPU-second of the whole process (broker included in both).
 *
 * <p>Run: {@code ./vigil bench filter [--events N] [--members N] [--beam-runs N] [--beam-only]}.
 */
public final class FilterThroughputBenchmark {
  private static final long WINDOW_MS = 5_000;

  private FilterThroughputBenchmark() {}

  /**
   * Pre-fills a topic, runs (a) once and (b) {@code beamRuns} times against it and prints each result.
   * {@code beamOnly} skips (a), for profiling the pipeline alone.
   */
  public static void run(int events, int members, int beamRuns, boolean beamOnly) throws Exception {
    int partitions = 2;
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
      List<String> topics = new java.util.ArrayList<>(List.of("bench.raw", "bench.plain.out", "bench.dl"));
      for (int v = 0; v < beamRuns; v++) {
        topics.add("bench.out.bench-beam-" + v);
      }
      kafka.topics().create(topics, partitions);
      long base = System.currentTimeMillis() - 3_600_000; // an hour ago: every window can close
      fill(kafka.bootstrapServers(), events, members, base);
      System.out.printf("pre-filled bench.raw with %,d events from %,d members (%d partitions)%n", events, members, partitions);

      // Warm up the user-agent classifier so neither side pays for building it.
      UserAgentClassifier.shared();

      Result plain = null;
      if (!beamOnly) {
        plain = plainLoop(kafka.bootstrapServers(), events);
        System.out.println(plain.describe("(a) plain Kafka loop, 1 thread"));
      }
      // Identical runs, each reading the whole topic with its own consumer group: the first pays for
      // JIT warm-up and class loading, so a single run understates steady-state throughput.
      for (int v = 0; v < beamRuns; v++) {
        Result beam = beamOnFlink(kafka.bootstrapServers(), events, "bench-beam-" + v);
        System.out.println(beam.describe("(b) Beam on FlinkRunner [local], parallelism 2, run " + (v + 1)));
        if (plain != null) {
          System.out.printf("    ratio b/a: %.2f (wall), %.2f (per CPU-second)%n",
              beam.eventsPerSecond() / plain.eventsPerSecond(), beam.eventsPerCpuSecond() / plain.eventsPerCpuSecond());
        }
      }
    }
  }

  record Result(long events, long partials, double wallSeconds, double cpuSeconds) {
    double eventsPerSecond() {
      return events / wallSeconds;
    }

    double eventsPerCpuSecond() {
      return events / cpuSeconds;
    }

    String describe(String name) {
      return String.format("%-62s %,10.0f events/s wall, %,10.0f events per CPU-second (%.1f s wall, %.1f CPU-s, %,d partials)",
          name, eventsPerSecond(), eventsPerCpuSecond(), wallSeconds, cpuSeconds, partials);
    }
  }

  private static void fill(String bootstrap, int events, int members, long base) {
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(7, members, 0.01);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        // 100k events per second of event time, in order.
        ActivityEvent e = generator.next(base + i / 100);
        producer.send(new ProducerRecord<>("bench.raw", Long.toString(e.getMemberId()).getBytes(StandardCharsets.UTF_8), e.toByteArray()));
      }
      producer.flush();
    }
  }

  /** (a): the same work as the pipeline, as a single-threaded consume-process-produce loop. */
  static Result plainLoop(String bootstrap, int events) {
    FilterRules rules = FilterRulesLoader.loadDefault();
    ActivityExtractor extractor = new ActivityExtractor(UserAgentClassifier.shared());
    Map<Long, Map<Long, MemberActivityAggregate>> windows = new HashMap<>(); // window start -> member -> aggregate
    long cpu0 = BenchSupport.cpuNanos();
    long t0 = System.nanoTime();
    long seen = 0;
    long partials = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = BenchSupport.consumer(bootstrap, "bench-plain");
        KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      consumer.subscribe(List.of("bench.raw"));
      while (seen < events) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          seen++;
          if (ActivityParser.parse(r.value()) instanceof ParsedActivity.Valid v && rules.evaluate(v.event()).keeps()) {
            long ts = v.event().getTimestampMs();
            windows.computeIfAbsent(ts - Math.floorMod(ts, WINDOW_MS), w -> new HashMap<>())
                .computeIfAbsent(v.event().getMemberId(), m -> new MemberActivityAggregate())
                .add(extractor.extract(v.event()));
          }
        }
        // Emit windows that are 2 windows behind the newest (the loop's stand-in for a watermark).
        partials += emitClosed(windows, producer, false);
      }
      partials += emitClosed(windows, producer, true);
      producer.flush();
    }
    return new Result(events, partials, (System.nanoTime() - t0) / 1e9, (BenchSupport.cpuNanos() - cpu0) / 1e9);
  }

  private static long emitClosed(Map<Long, Map<Long, MemberActivityAggregate>> windows, KafkaProducer<byte[], byte[]> producer,
      boolean all) {
    if (windows.isEmpty()) {
      return 0;
    }
    long newest = windows.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
    long emitted = 0;
    for (var it = windows.entrySet().iterator(); it.hasNext(); ) {
      var window = it.next();
      if (!all && window.getKey() > newest - 2 * WINDOW_MS) {
        continue;
      }
      for (MemberActivityAggregate a : window.getValue().values()) {
        MemberActivityPartial p = a.toPartial().setWindowStartMs(window.getKey()).setWindowEndMs(window.getKey() + WINDOW_MS).build();
        producer.send(new ProducerRecord<>("bench.plain.out", Long.toString(a.memberId()).getBytes(StandardCharsets.UTF_8), p.toByteArray()));
        emitted++;
      }
      it.remove();
    }
    return emitted;
  }

  /** (b): the real filter job; done when the output holds every event. */
  static Result beamOnFlink(String bootstrap, int events, String group) throws Exception {
    String out = "bench.out." + group;
    List<String> flags = List.of(
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2", "--bootstrapServers=" + bootstrap,
        "--inputTopic=bench.raw", "--outputTopic=" + out, "--deadLetterTopic=bench.dl",
        "--consumerGroup=" + group, "--maxOutOfOrdernessMs=1000", "--idlePartitionTimeoutMs=1000");
    FilterPipelineOptions options = FilterPipeline.parseOptions(flags.toArray(String[]::new));
    long cpu0 = BenchSupport.cpuNanos();
    long t0 = System.nanoTime();
    PipelineResult job = StreamingJobs.start(FilterPipeline.create(options));
    long counted = 0;
    long partials = 0;
    try (KafkaConsumer<byte[], byte[]> tail = BenchSupport.consumer(bootstrap, group + "-tail")) {
      tail.subscribe(List.of(out));
      long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
      long lastReport = System.nanoTime();
      while (counted < events && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(200))) {
          counted += MemberActivityPartial.parseFrom(r.value()).getEventCount();
          partials++;
        }
        if (System.nanoTime() - lastReport > 5_000_000_000L) {
          System.out.printf("  beam: %,d / %,d events out%n", counted, events);
          lastReport = System.nanoTime();
        }
      }
    } finally {
      StreamingJobs.cancel(job);
    }
    if (counted < events) {
      throw new IllegalStateException("Beam pipeline emitted only " + counted + " of " + events + " events");
    }
    return new Result(events, partials, (System.nanoTime() - t0) / 1e9, (BenchSupport.cpuNanos() - cpu0) / 1e9);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
