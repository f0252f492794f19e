package dev.vigil.filter;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.vigil.testsupport.kafka.TestProducer.memberKey;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.ProgressMarkers;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.PaneTiming;
import dev.vigil.testsupport.fixtures.ActivityFixtures;
import dev.vigil.testsupport.kafka.TestProducer;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end through a real broker: a plain producer writes valid and malformed records, the filter job
 * runs streaming on the Direct runner and on Flink (embedded), and the filtered and dead-letter topics
 * must hold exactly what the events and the core oracle say.
 */
@Tag("slow")
class FilterPipelineKafkaTest {
  private static final long WINDOW_MS = 5_000;
  private static EmbeddedKafkaBroker kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafkaBroker.builder().build().start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"DirectRunner", "FlinkRunner"})
  void filtersRawTopicIntoPartialsAndDeadLetters(String runner) throws Exception {
    String raw = "raw-" + runner;
    String filtered = "filtered-" + runner;
    String deadLetters = "dl-" + runner;
    // Three partitions and few keys: some partitions may stay empty, which the idle watermark must handle.
    kafka.topics().create(List.of(raw, filtered, deadLetters), 3);

    long base = System.currentTimeMillis() - 10_000;
    List<ActivityEvent> events = ActivityFixtures.randomEvents(new Random(42), 400, 6, base, 2_000);
    List<ActivityEvent> irrelevantInternal = List.of(ActivityFixtures.event(3, EventType.SEARCH, base).toBuilder()
        .setIp("10.255.0.1").setUserAgent("VigilHealthCheck/1.0").build()); // dropped by the example rules' monitoring network
    ActivityEvent missingType = ActivityFixtures.event(2, EventType.SEARCH, base).toBuilder().clearType().build();
    byte[] garbage = ActivityFixtures.garbage();

    // One record at a time, each acknowledged before the next (see TestProducer on why this test once lost records).
    try (TestProducer producer = TestProducer.connect(kafka.bootstrapServers())) {
      for (ActivityEvent e : events) {
        producer.sendAndWait(new ProducerRecord<>(raw, memberKey(e.getMemberId()), e.toByteArray()));
      }
      for (ActivityEvent e : irrelevantInternal) {
        producer.sendAndWait(new ProducerRecord<>(raw, memberKey(e.getMemberId()), e.toByteArray()));
      }
      producer.sendAndWait(new ProducerRecord<>(raw, memberKey(1), garbage));
      producer.sendAndWait(new ProducerRecord<>(raw, memberKey(2), missingType.toByteArray()));
      producer.sendAndWait(new ProducerRecord<>(raw, memberKey(3), null));
      producer.flush();
    }

    Map<String, MemberActivityPartial> expected = ActivityFixtures.expectedPartials(events, WINDOW_MS, 32);
    FilterPipelineOptions options = FilterPipeline.parseOptions(new String[] {
        "--runner=" + runner, "--bootstrapServers=" + kafka.bootstrapServers(),
        "--inputTopic=" + raw, "--outputTopic=" + filtered, "--deadLetterTopic=" + deadLetters,
        "--consumerGroup=it-" + runner, "--windowSeconds=5", "--maxOutOfOrdernessMs=1000",
        "--idlePartitionTimeoutMs=1000", "--sketchK=32", "--parallelism=2", "--flinkMaster=[local]",
        "--rulesFile=" + Path.of("..", "config", "filter-rules.yaml")});
    PipelineResult job = StreamingJobs.start(FilterPipeline.create(options));
    try {
      List<ConsumerRecord<byte[], byte[]>> partials = kafka.topics().awaitRecords(filtered,
          TopicRecords.eventsAtLeast(events.size()), Duration.ofSeconds(150));
      List<ConsumerRecord<byte[], byte[]>> letters = kafka.topics().awaitRecords(deadLetters,
          r -> r.size() >= 3, Duration.ofSeconds(30));

      Map<String, MemberActivityPartial> actual = ActivityFixtures.mergedByMemberWindow(partials);
      assertThat(ActivityFixtures.eventCounts(actual)).as("event count per member-window").isEqualTo(ActivityFixtures.eventCounts(expected));
      assertThat(actual).isEqualTo(expected);
      List<ConsumerRecord<byte[], byte[]>> partialRecords = TopicRecords.partialRecords(partials);
      assertThat(partialRecords).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
          .isEqualTo(Long.toString(TopicRecords.partial(r).getMemberId())));
      assertThat(partialRecords).allSatisfy(r -> assertThat(r.timestamp())
          .as("record timestamp is event time (window end - 1 ms)")
          .isEqualTo(TopicRecords.partial(r).getWindowEndMs() - 1));

      // Once the input is idle, every partition (those no member hashes to too) says the filter is past all its windows.
      long lastWindowEnd = actual.values().stream().mapToLong(MemberActivityPartial::getWindowEndMs).max().orElseThrow();
      List<ConsumerRecord<byte[], byte[]>> all = kafka.topics().awaitRecords(filtered,
          rs -> TopicRecords.progressMarkers(rs).stream().filter(r -> ProgressMarkers.watermarkMs(r.value()) >= lastWindowEnd)
              .map(ConsumerRecord::partition).distinct().count() == 3, Duration.ofSeconds(60));
      if (runner.equals("FlinkRunner")) {
        assertOnTimePartialsNeverFollowAMarkerPastThem(all); // the Direct runner writes one step from several threads
      }

      List<DeadLetter> parsed = TopicRecords.deadLetters(letters);
      assertThat(parsed).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(
          DeadLetterReason.UNPARSEABLE, DeadLetterReason.MISSING_REQUIRED_FIELD, DeadLetterReason.UNPARSEABLE);
      assertThat(parsed).extracting(d -> d.getOriginalValue().toByteArray())
          .containsExactlyInAnyOrder(garbage, missingType.toByteArray(), new byte[0]);
      assertThat(parsed).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo(raw));
    } finally {
      StreamingJobs.cancel(job);
    }
    // Nothing more arrives after the expected output (no duplicates from late panes or retries).
    assertThat(ActivityFixtures.mergedByMemberWindow(kafka.topics().readAll(filtered))).isEqualTo(expected);
    assertThat(kafka.topics().readAll(deadLetters)).hasSize(3);
  }

  /** Per partition in offset order: markers only rise, and no on-time partial of a window before one comes after it. */
  static void assertOnTimePartialsNeverFollowAMarkerPastThem(List<ConsumerRecord<byte[], byte[]>> filtered) {
    Map<Integer, Long> markerPerPartition = new java.util.HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : filtered.stream().sorted(java.util.Comparator
        .comparing((ConsumerRecord<byte[], byte[]> c) -> c.partition()).thenComparing(ConsumerRecord::offset)).toList()) {
      long marker = markerPerPartition.getOrDefault(r.partition(), Long.MIN_VALUE);
      if (ProgressMarkers.isMarker(r.key())) {
        long watermark = ProgressMarkers.watermarkMs(r.value());
        assertThat(watermark).as("marker at %d-%d", r.partition(), r.offset()).isGreaterThan(marker);
        markerPerPartition.put(r.partition(), watermark);
      } else {
        MemberActivityPartial p = TopicRecords.partial(r);
        if (p.getPaneTiming() == PaneTiming.PANE_ON_TIME) {
          assertThat(p.getWindowStartMs()).as("on-time partial at %d-%d after a marker", r.partition(), r.offset())
              .isGreaterThanOrEqualTo(marker);
        }
      }
    }
  }
}
