package dev.vigil.launcher;

import dev.vigil.filter.FilterPipeline;
import dev.vigil.filter.FilterPipelineOptions;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.kafka.embedded.KafkaTopics;
import dev.vigil.loadtest.traffic.ActivityProducer;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.VigilTopics;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
    "Start an embedded Kafka broker, run the filter pipeline on embedded Flink, produce a burst of synthetic",
    "traffic (with malformed records and internal health checks), and report what came out."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--events", defaultValue = "50000", description = "Records to produce (default: ${DEFAULT-VALUE})")
  long events;

  @Option(names = "--members", defaultValue = "2000", description = "Distinct members (default: ${DEFAULT-VALUE})")
  int members;

  @Option(names = "--runner", defaultValue = "FlinkRunner", description = "FlinkRunner or DirectRunner (default: ${DEFAULT-VALUE})")
  String runner;

  @Option(names = "--timeout-seconds", defaultValue = "240", description = "Give up waiting for output after this long (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (events < 1) {
      throw new IllegalArgumentException("--events must be >= 1, got " + events);
    }
    if (!runner.equals("FlinkRunner") && !runner.equals("DirectRunner")) {
      throw new IllegalArgumentException("--runner must be FlinkRunner or DirectRunner, got " + runner);
    }
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().defaultPartitions(4).build().start()) {
      KafkaTopics topics = kafka.topics();
      topics.create(VigilTopics.DEFAULTS, 4);
      status("Kafka broker up at %s", kafka.bootstrapServers());

      FilterPipelineOptions options = FilterPipeline.parseOptions(new String[] {
          "--runner=" + runner, "--flinkMaster=[local]", "--parallelism=2",
          "--bootstrapServers=" + kafka.bootstrapServers(), "--consumerGroup=vigil-demo",
          "--maxOutOfOrdernessMs=1000", "--idlePartitionTimeoutMs=1000"});
      PipelineResult job = StreamingJobs.start(FilterPipeline.create(options));
      status("Filter pipeline submitted to %s (parallelism 2)", runner.equals("FlinkRunner") ? "embedded Flink" : "the Direct runner");
      try {
        ActivityProducer.Summary sent = ActivityProducer.run(new ActivityProducer.Settings(kafka.bootstrapServers(),
            VigilTopics.ACTIVITY_RAW, events, 0, members, 0.01, 0.01, 0.005, 20261122L), n -> { });
        status("Produced %,d records to %s in %.1f s (%,d valid, %,d internal health checks, %,d malformed)",
            sent.total(), VigilTopics.ACTIVITY_RAW, sent.elapsedMs() / 1000.0, sent.valid(), sent.healthChecks(), sent.malformed());

        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        Tally tally = tally(topics);
        while ((tally.eventsInPartials < sent.valid() || tally.deadLetters.values().stream().mapToLong(Long::longValue).sum() < sent.malformed())
            && System.nanoTime() < deadline) {
          status("waiting: %,d / %,d events in %,d partials, %,d / %,d dead letters",
              tally.eventsInPartials, sent.valid(), tally.partials, tally.deadLetterCount(), sent.malformed());
          Thread.sleep(2_000);
          tally = tally(topics);
        }
        report(sent, tally, topics);
        boolean complete = tally.eventsInPartials == sent.valid() && tally.deadLetterCount() == sent.malformed();
        if (!complete) {
          System.out.println("Demo incomplete: the pipeline did not emit everything within " + timeoutSeconds + " s.");
          return 1;
        }
        return 0;
      } finally {
        StreamingJobs.cancel(job);
      }
    }
  }

  private record Tally(long partials, long eventsInPartials, long partialBytes, Map<String, Long> deadLetters) {
    long deadLetterCount() {
      return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static Tally tally(KafkaTopics topics) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> partials = topics.readAll(VigilTopics.ACTIVITY_FILTERED);
    long events = 0;
    long bytes = 0;
    for (ConsumerRecord<byte[], byte[]> r : partials) {
      events += MemberActivityPartial.parseFrom(r.value()).getEventCount();
      bytes += r.value().length;
    }
    Map<String, Long> reasons = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : topics.readAll(VigilTopics.DEAD_LETTER)) {
      reasons.merge(DeadLetter.parseFrom(r.value()).getReason().name(), 1L, Long::sum);
    }
    return new Tally(partials.size(), events, bytes, reasons);
  }

  private static void report(ActivityProducer.Summary sent, Tally tally, KafkaTopics topics) {
    Map<String, Long> counts = topics.recordCounts(List.of(VigilTopics.ACTIVITY_RAW, VigilTopics.ACTIVITY_FILTERED, VigilTopics.DEAD_LETTER));
    long rawBytes = topics.readAll(VigilTopics.ACTIVITY_RAW).stream().mapToLong(r -> r.value().length).sum();
    System.out.println();
    System.out.println("Records per topic");
    counts.forEach((topic, n) -> System.out.printf("  %-26s %,10d%n", topic, n));
    System.out.println();
    System.out.printf("Filter rules dropped %,d internal health-check events.%n", sent.healthChecks());
    System.out.printf("Reduction: %,d raw records -> %,d member partials (%.1fx fewer records; %,d -> %,d value bytes, %.1fx)%n",
        counts.get(VigilTopics.ACTIVITY_RAW), tally.partials,
        counts.get(VigilTopics.ACTIVITY_RAW) / (double) Math.max(1, tally.partials),
        rawBytes, tally.partialBytes, rawBytes / (double) Math.max(1, tally.partialBytes));
    System.out.printf("Events accounted for in partials: %,d of %,d valid%n", tally.eventsInPartials, sent.valid());
    System.out.println();
    System.out.println("Dead letters by reason");
    tally.deadLetters.forEach((reason, n) -> System.out.printf("  %-26s %,10d%n", reason, n));
  }

  private static void status(String format, Object... args) {
    System.out.printf("[demo] " + format + "%n", args);
  }
}
