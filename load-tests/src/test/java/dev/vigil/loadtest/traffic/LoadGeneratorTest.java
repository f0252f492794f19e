package dev.vigil.loadtest.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
  private static EmbeddedKafkaBroker kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafkaBroker.builder().build().start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  private static LoadGenerator.Settings settings(String topic, RateShape shape, Duration duration, long maxEvents, int threads) {
    kafka.topics().create(List.of(topic), 4);
    return new LoadGenerator.Settings(kafka.clientSettings(), topic, shape, duration, maxEvents, threads, 5_000,
        TrafficMix.loadTest(0.05), 0, 0.01, 99);
  }

  /** Collects what the generator reports, from any thread. */
  private static final class Recorder implements LoadGenerator.Listener {
    final Queue<ActivityEvent> sent = new ConcurrentLinkedQueue<>();
    final Queue<LoadGenerator.Second> seconds = new ConcurrentLinkedQueue<>();

    @Override
    public void sent(ActivityEvent event, long sentAtMs) {
      assertThat(sentAtMs).isEqualTo(event.getTimestampMs());
      sent.add(event);
    }

    @Override
    public void second(LoadGenerator.Second second) {
      seconds.add(second);
    }
  }

  @Test
  void everyAcknowledgedRecordIsInTheTopicAndGroundTruthMatchesIt() {
    LoadGenerator.Settings s = settings("small-run", RateShape.constant(2_000), Duration.ofSeconds(3), 0, 2);
    Recorder recorder = new Recorder();
    long startMs = System.currentTimeMillis();
    LoadGenerator.Result result = LoadGenerator.run(s, recorder, Duration.ofSeconds(2));

    List<ConsumerRecord<byte[], byte[]>> records = kafka.topics().readAll("small-run");
    assertThat(result.acknowledged()).isEqualTo(records.size()).isEqualTo(result.total());
    assertThat(result.failed()).isZero();
    assertThat(result.total()).isBetween(5_000L, 6_000L);
    assertThat(result.healthChecks()).isPositive();
    assertThat(recorder.seconds).hasSizeGreaterThanOrEqualTo(2).allSatisfy(sec -> assertThat(sec.due()).isPositive());

    List<ActivityEvent> events = TopicRecords.activityEvents(records);
    List<ActivityEvent> valid = events.stream().filter(e -> !e.getUserAgent().equals(SyntheticActivityGenerator.HEALTH_CHECK_AGENT)).toList();
    assertThat(valid).hasSize((int) result.valid()).containsExactlyInAnyOrderElementsOf(recorder.sent);
    assertThat(records).allSatisfy(r -> assertThat(new String(r.key())).isEqualTo(Long.toString(TopicRecords.activityEvents(List.of(r))
        .get(0).getMemberId())));

    // One thread per member: its events are in the topic in the order they were made.
    Map<Long, List<ActivityEvent>> byMember = new HashMap<>();
    valid.forEach(e -> byMember.computeIfAbsent(e.getMemberId(), m -> new ArrayList<>()).add(e));
    assertThat(byMember.values()).allSatisfy(memberEvents -> assertThat(memberEvents).extracting(ActivityEvent::getTimestampMs).isSorted());

    assertThat(result.groundTruth()).isNotEmpty().allSatisfy(t -> {
      assertThat(byMember).containsKey(t.memberId());
      assertThat(byMember.get(t.memberId()).get(0).getTimestampMs()).isLessThanOrEqualTo(t.startMs());
      assertThat(byMember.get(t.memberId())).anyMatch(e -> e.getTimestampMs() == t.startMs());
      if (t.kind() != SyntheticActivityGenerator.AbuseType.ACCOUNT_TAKEOVER) { // only a takeover victim's owner acts before it
        assertThat(byMember.get(t.memberId()).get(0).getTimestampMs()).isEqualTo(t.startMs());
      }
    });
    assertThat(result.groundTruth()).extracting(GroundTruth::memberId).doesNotHaveDuplicates();
    // Onsets staggered over the first two seconds: abuse starts at different moments, none before the run.
    LongSummaryStatistics starts = result.groundTruth().stream().mapToLong(GroundTruth::startMs).summaryStatistics();
    assertThat(starts.getMin()).isGreaterThanOrEqualTo(startMs);
    assertThat(starts.getMax() - starts.getMin()).isGreaterThan(1_000);
  }

  @Test
  void aRunStopsAtItsEventCap() {
    LoadGenerator.Result result = LoadGenerator.run(settings("capped", RateShape.constant(2_000), Duration.ofSeconds(30), 500, 3),
        new Recorder());
    assertThat(result.total()).isEqualTo(500);
    assertThat(result.elapsedMs()).isLessThan(30_000);
    assertThat(result.generatorBound()).isFalse();
    assertThat(kafka.topics().recordCounts(List.of("capped"))).containsEntry("capped", 500L);
  }

  @Test
  void anImpossibleRateIsGeneratorBound() {
    Recorder recorder = new Recorder();
    LoadGenerator.Result result = LoadGenerator.run(settings("impossible", RateShape.constant(10_000_000), Duration.ofSeconds(2), 0, 2),
        recorder);
    assertThat(result.generatorBound()).isTrue();
    assertThat(result.behindSeconds()).isPositive();
    assertThat(recorder.seconds).anyMatch(LoadGenerator.Second::behind);
    assertThat(result.maxRatePerSecond()).isPositive().isLessThan(10_000_000);
  }

  @Test
  void aTinyRateKeepsUp() {
    Recorder recorder = new Recorder();
    LoadGenerator.Result result = LoadGenerator.run(settings("tiny", RateShape.constant(50), Duration.ofSeconds(2), 0, 2), recorder);
    assertThat(result.generatorBound()).isFalse();
    assertThat(result.behindSeconds()).isZero();
    assertThat(recorder.seconds).isNotEmpty().noneMatch(LoadGenerator.Second::behind);
    assertThat(result.total()).isBetween(95L, 100L);
    assertThat(result.acknowledged()).isEqualTo(result.total());
  }
}
