package dev.vigil.launcher;

import dev.vigil.filter.FilterPipeline;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.kafka.embedded.KafkaTopics;
import dev.vigil.loadtest.detection.DetectionReport;
import dev.vigil.loadtest.detection.DetectionTracker;
import dev.vigil.loadtest.traffic.ActivityProducer;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.loadtest.traffic.TopicTail;
import dev.vigil.model.ModelPipeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.ProgressMarkers;
import dev.vigil.schemas.VigilTopics;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
    "Start an embedded Kafka broker, run the filter and model pipelines on embedded Flink, stream synthetic",
    "traffic in which abusers start at staggered moments, show a live status line, and finish with who was",
    "flagged, why, and how long after their abuse started."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--seconds", defaultValue = "90", description = "How long traffic flows (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--rate", defaultValue = "2000", description = "Records per second (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--members", defaultValue = "2000", description = "Distinct members (default: ${DEFAULT-VALUE})")
  int members;

  @Option(names = "--abusive-fraction", defaultValue = "0.01", description = "Share of abusive members (default: ${DEFAULT-VALUE})")
  double abusiveFraction;

  @Option(names = "--windows", defaultValue = "1m/30s,10m/1m", description = "Model windows, length/slide (default: ${DEFAULT-VALUE})")
  String windows;

  @Option(names = "--modelDir", description = "Model bundle directory (default: the built-in bundle)")
  Path modelDir;

  @Option(names = "--runner", defaultValue = "FlinkRunner", description = "FlinkRunner or DirectRunner (default: ${DEFAULT-VALUE})")
  String runner;

  @Option(names = "--drain-seconds", defaultValue = "30",
      description = "After traffic stops, wait this long for abusers not yet flagged (default: ${DEFAULT-VALUE})")
  int drainSeconds;

  @Option(names = "--timeout-seconds", defaultValue = "240",
      description = "Give up waiting for the filter to account for every event after this long (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  /** What the tail has seen so far; updated on the tail's thread, read by the status line. */
  private final AtomicLong partials = new AtomicLong();
  private final AtomicLong eventsInPartials = new AtomicLong();
  /** Per member and 5 s window: valid events sent, and events the filtered topic accounts for. */
  private final java.util.concurrent.ConcurrentHashMap<String, long[]> ledger = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong partialBytes = new AtomicLong();
  private final Map<String, Long> deadLetters = new TreeMap<>();
  private final Set<String> modelVersions = new ConcurrentSkipListSet<>();

  @Override
  public Integer call() throws Exception {
    validate();
    long count = (long) seconds * rate;
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().defaultPartitions(4).build().start()) {
      KafkaTopics topics = kafka.topics();
      topics.create(VigilTopics.DEFAULTS, 4);
      status("Kafka broker up at %s", kafka.bootstrapServers());

      String[] common = {"--runner=" + runner, "--flinkMaster=[local]", "--parallelism=2",
          "--bootstrapServers=" + kafka.bootstrapServers(), "--maxOutOfOrdernessMs=1000", "--idlePartitionTimeoutMs=1000"};
      PipelineResult filter = StreamingJobs.start(FilterPipeline.create(FilterPipeline.parseOptions(
          concat(common, "--consumerGroup=vigil-demo-filter", "--rulesFile=" + demoRules()))));
      List<String> modelArgs = new ArrayList<>(List.of(concat(common, "--consumerGroup=vigil-demo-model", "--windows=" + windows)));
      if (modelDir != null) {
        modelArgs.add("--modelDir=" + modelDir);
      }
      PipelineResult model = StreamingJobs.start(ModelPipeline.create(ModelPipeline.parseOptions(modelArgs.toArray(String[]::new))));
      String where = runner.equals("FlinkRunner") ? "embedded Flink" : "the Direct runner";
      status("Filter and model pipelines submitted to %s (parallelism 2 each; windows %s)", where, windows);

      ActivityProducer.Settings settings = new ActivityProducer.Settings(kafka.clientSettings(), VigilTopics.ACTIVITY_RAW,
          count, rate, members, abusiveFraction, 0.01, 0.005, 20261122L, seconds * 1000L * 2 / 3);
      // One population throughout: the warm-up is the same members' normal traffic, abusers not yet started.
      SyntheticActivityGenerator generator = ActivityProducer.generator(settings, Long.MAX_VALUE / 2);
      long warmUpEvents = warmUp(kafka.bootstrapServers(), topics, generator);
      long trafficStart = System.currentTimeMillis();
      generator.staggerAbuseOnsets(trafficStart, settings.abuseOnsetSpreadMs());
      DetectionTracker tracker = new DetectionTracker(generator::abuseType);
      try (TopicTail tail = TopicTail.start(KafkaClientSettings.of(kafka.bootstrapServers()),
          List.of(VigilTopics.ACTIVITY_FILTERED, VigilTopics.DEAD_LETTER, VigilTopics.SCORES), r -> observe(r, tracker))) {
        status("Streaming %,d records at %,d/s for %d s; abusers start during the first %d s", count, rate, seconds,
            settings.abuseOnsetSpreadMs() / 1000);
        AtomicLong sentSoFar = new AtomicLong();
        CompletableFuture<ActivityProducer.Summary> traffic = CompletableFuture.supplyAsync(() -> ActivityProducer.run(
            settings, generator, e -> {
              tracker.eventSent(e.getMemberId(), e.getTimestampMs());
              ledger(e.getMemberId(), e.getTimestampMs())[0]++;
            }, sentSoFar::set));
        LiveStatus live = new LiveStatus(() -> String.format("%3d s | sent %,d | events in partials %,d | dead letters %,d | %s",
            (System.currentTimeMillis() - trafficStart) / 1000, sentSoFar.get(), eventsInPartials.get(), deadLetterCount(),
            tracker.statusLine()));
        live.until(traffic::isDone, Long.MAX_VALUE);
        ActivityProducer.Summary sent = traffic.join();
        live.println(String.format("Produced %,d records in %.1f s (%,d valid, %,d internal health checks, %,d malformed)",
            sent.total(), sent.elapsedMs() / 1000.0, sent.valid(), sent.healthChecks(), sent.malformed()));

        long expectedEvents = warmUpEvents + sent.valid();
        boolean filterComplete = live.until(() -> eventsInPartials.get() >= expectedEvents && deadLetterCount() >= sent.malformed(),
            timeoutSeconds * 1000L);
        live.until(tracker::allAbusersFlagged, drainSeconds * 1000L);
        live.finish();
        tail.close(); // the counts are final from here on; the jobs are cancelled below, after the report
        DetectionReport detection = tracker.report();
        report(sent, expectedEvents, topics, detection);
        if (!filterComplete) {
          System.out.printf("Demo incomplete: the filter pipeline accounted for %,d of %,d valid events within %d s.%n",
              eventsInPartials.get(), expectedEvents, timeoutSeconds);
          ledger.entrySet().stream().filter(e -> e.getValue()[0] != e.getValue()[1]).sorted(java.util.Map.Entry.comparingByKey())
              .limit(10).forEach(e -> System.out.printf("  member@window %s: %d events sent, %d in partials%n",
                  e.getKey(), e.getValue()[0], e.getValue()[1]));
          return 1;
        }
        if (detection.scores() == 0) {
          System.out.println("Demo incomplete: the model pipeline wrote no scores.");
          return 1;
        }
        return 0;
      } finally {
        StreamingJobs.cancel(model);
        StreamingJobs.cancel(filter);
      }
    }
  }

  /**
   * Normal traffic only, a second at a time, until the model pipeline has written a score: job start-up
   * (tens of seconds on a small machine) then does not count against time to detection.
   */
  private long warmUp(String bootstrapServers, KafkaTopics topics, SyntheticActivityGenerator generator) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long start = System.nanoTime();
    long valid = 0;
    for (int second = 0; topics.recordCounts(List.of(VigilTopics.SCORES)).get(VigilTopics.SCORES) == 0; second++) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pipelines wrote no score within " + timeoutSeconds + " s of warm-up traffic");
      }
      valid += ActivityProducer.run(new ActivityProducer.Settings(KafkaClientSettings.of(bootstrapServers), VigilTopics.ACTIVITY_RAW, rate, rate,
          members, 0, 0, 0, 7_000 + second), generator, e -> ledger(e.getMemberId(), e.getTimestampMs())[0]++, n -> { }).valid();
      if (second % 5 == 4) {
        status("warming up: %d s of normal traffic, waiting for the first score", second + 1);
      }
    }
    status("Pipelines are scoring after %.0f s of warm-up traffic (%,d events); abusers start now",
        (System.nanoTime() - start) / 1e9, valid);
    return valid;
  }

  private void validate() {
    if (seconds < 1) {
      throw new IllegalArgumentException("--seconds must be >= 1, got " + seconds);
    }
    if (rate < 1) {
      throw new IllegalArgumentException("--rate must be >= 1, got " + rate);
    }
    if (members < 1) {
      throw new IllegalArgumentException("--members must be >= 1, got " + members);
    }
    if (abusiveFraction < 0 || abusiveFraction > 1) {
      throw new IllegalArgumentException("--abusive-fraction must be in [0, 1], got " + abusiveFraction);
    }
    if (!runner.equals("FlinkRunner") && !runner.equals("DirectRunner")) {
      throw new IllegalArgumentException("--runner must be FlinkRunner or DirectRunner, got " + runner);
    }
    TileLayout.parse(windows); // one-line error on a bad spec, before anything starts
  }

  /** The ledger entry of a member's 5 s window (the filter's default window). */
  private long[] ledger(long member, long timeMs) {
    return ledger.computeIfAbsent(member + "@" + java.time.Instant.ofEpochMilli(timeMs - Math.floorMod(timeMs, 5_000L)),
        k -> new long[2]);
  }

  private void observe(ConsumerRecord<byte[], byte[]> r, DetectionTracker tracker) {
    try {
      switch (r.topic()) {
        case VigilTopics.ACTIVITY_FILTERED -> {
          if (ProgressMarkers.isMarker(r.key())) {
            return;
          }
          partials.incrementAndGet();
          partialBytes.addAndGet(r.value().length);
          MemberActivityPartial partial = MemberActivityPartial.parseFrom(r.value());
          eventsInPartials.addAndGet(partial.getEventCount());
          // One writer per slot: the producer thread counts sends, this (tail) thread counts partials.
          ledger(partial.getMemberId(), partial.getWindowStartMs())[1] += partial.getEventCount();
        }
        case VigilTopics.DEAD_LETTER -> {
          DeadLetter dl = DeadLetter.parseFrom(r.value());
          String reason = dl.getReason().name() + " (" + dl.getRejectedBy() + ", from " + dl.getSourceTopic() + ")";
          synchronized (deadLetters) {
            deadLetters.merge(reason, 1L, Long::sum);
          }
        }
        default -> {
          AbuseScore score = AbuseScore.parseFrom(r.value());
          modelVersions.add(score.getModelName() + ":" + score.getModelVersion());
          tracker.scored(score);
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(r.topic() + " holds a record that does not parse: " + e.getMessage(), e);
    }
  }

  private long deadLetterCount() {
    synchronized (deadLetters) {
      return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private void report(ActivityProducer.Summary sent, long validEvents, KafkaTopics topics, DetectionReport detection) {
    Map<String, Long> counts = topics.recordCounts(List.of(VigilTopics.ACTIVITY_RAW, VigilTopics.ACTIVITY_FILTERED,
        VigilTopics.DEAD_LETTER, VigilTopics.SCORES, VigilTopics.STORE_ABUSE_SCORES_RT));
    long rawBytes = topics.readAll(VigilTopics.ACTIVITY_RAW).stream().mapToLong(r -> r.value().length).sum();
    System.out.println();
    System.out.println("Records per topic");
    counts.forEach((topic, n) -> System.out.printf("  %-28s %,10d%n", topic, n));
    System.out.println();
    System.out.printf("Filter rules dropped %,d internal health-check events.%n", sent.healthChecks());
    System.out.printf("Reduction: %,d raw records -> %,d member partials (%.1fx fewer records; %,d -> %,d value bytes, %.1fx)%n",
        counts.get(VigilTopics.ACTIVITY_RAW), partials.get(),
        counts.get(VigilTopics.ACTIVITY_RAW) / (double) Math.max(1, partials.get()),
        rawBytes, partialBytes.get(), rawBytes / (double) Math.max(1, partialBytes.get()));
    System.out.printf("Events accounted for in partials: %,d of %,d valid (warm-up included)%n", eventsInPartials.get(), validEvents);
    System.out.println();
    System.out.println("Dead letters by reason");
    synchronized (deadLetters) {
      deadLetters.forEach((reason, n) -> System.out.printf("  %-66s %,10d%n", reason, n));
    }
    System.out.println();
    System.out.printf("Detection (model %s, windows %s; flagged = first score at CHALLENGE or above)%n",
        String.join(", ", modelVersions), windows);
    detection.print(System.out);
  }

  /** A status line rewritten in place on a terminal, printed every few seconds otherwise. */
  private static final class LiveStatus {
    private final java.util.function.Supplier<String> line;
    private final boolean terminal = System.console() != null;
    private long lastPrinted;
    private boolean pending;

    LiveStatus(java.util.function.Supplier<String> line) {
      this.line = line;
    }

    /** Shows the status until {@code done} holds or {@code timeoutMs} passes; whether {@code done} held. */
    boolean until(BooleanSupplier done, long timeoutMs) throws InterruptedException {
      long deadline = timeoutMs == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      while (!done.getAsBoolean()) {
        if (System.nanoTime() >= deadline) {
          return false;
        }
        show();
        Thread.sleep(500); // status refresh period, not synchronisation: the loop exits on the condition
      }
      return true;
    }

    void show() {
      long now = System.currentTimeMillis();
      if (terminal) {
        System.out.print("\r[demo] " + line.get() + "   ");
        System.out.flush();
        pending = true;
      } else if (now - lastPrinted >= 5_000) {
        System.out.println("[demo] " + line.get());
        lastPrinted = now;
      }
    }

    void println(String message) {
      finish();
      System.out.println("[demo] " + message);
    }

    void finish() {
      if (pending) {
        System.out.println("\r[demo] " + line.get() + "   ");
        pending = false;
      } else {
        System.out.println("[demo] " + line.get());
      }
    }
  }

  /** The default rules plus the demo's monitoring network, where its health checks come from. */
  private static java.nio.file.Path demoRules() throws java.io.IOException {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("vigil-demo-rules", ".yaml");
    file.toFile().deleteOnExit();
    java.nio.file.Files.writeString(file, """
        relevantEventTypes: [PAGE_VIEW, PROFILE_VIEW, SEARCH, LOGIN_SUCCESS, LOGIN_FAILURE, SIGNUP, CONNECTION_INVITE, MESSAGE_SENT]
        internalTraffic:
          ipRanges: [10.0.0.0/8]
        """);
    return file;
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void status(String format, Object... args) {
    System.out.printf("[demo] " + format + "%n", args);
  }
}
