package dev.vigil.model;

import static dev.vigil.testsupport.JobArgs.concat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.filter.FilterPipeline;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.scoring.ModelBundle;
import dev.vigil.scoring.ModelDirectory;
import dev.vigil.scoring.ModelManifest;
import dev.vigil.testsupport.fixtures.ActivityFixtures;
import dev.vigil.testsupport.kafka.TestProducer;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through a real broker: raw events -> filter pipeline -> model pipeline, both on embedded
 * Flink. Scrapers get BLOCK, normal members get NONE, every score names its model version, and a second
 * bundle dropped into the model directory mid-stream takes over without a restart.
 */
@Tag("slow")
class ModelPipelineKafkaTest {
  private static final Set<Long> SCRAPERS = Set.of(9001L, 9002L, 9003L);
  private static final List<Long> NORMAL = LongStream.rangeClosed(1, 30).boxed().toList();

  @Test
  void scrapersAreBlockedNormalMembersAreNotAndANewModelTakesOverMidStream(@TempDir Path dir) throws Exception {
    Path modelDir = dir.resolve("models");
    copyDefaultBundleAs(dir.resolve("staging-v1"), "1", modelDir.resolve("v1"));

    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start();
        TestProducer producer = TestProducer.connect(kafka.bootstrapServers())) {
      kafka.topics().create(List.of("raw", "filtered", "scores", "store-rt", "dl"), 2);
      String[] common = {"--bootstrapServers=" + kafka.bootstrapServers(), "--runner=FlinkRunner", "--flinkMaster=[local]",
          "--parallelism=1", "--maxOutOfOrdernessMs=1000", "--idlePartitionTimeoutMs=1000", "--deadLetterTopic=dl"};
      PipelineResult filter = StreamingJobs.start(FilterPipeline.create(FilterPipeline.parseOptions(concat(common,
          "--inputTopic=raw", "--outputTopic=filtered", "--consumerGroup=it-filter", "--windowSeconds=5"))));
      PipelineResult model = StreamingJobs.start(ModelPipeline.create(ModelPipeline.parseOptions(concat(common,
          "--filteredTopic=filtered", "--scoresTopic=scores", "--storeTopic=store-rt", "--consumerGroup=it-model",
          "--windows=1m/30s", "--earlyFiringDelayMs=500", "--modelDir=" + modelDir, "--modelCheckSeconds=1"))));
      try {
        long start = System.currentTimeMillis() - 40_000;
        sendTraffic(producer, start, 0);

        // Every scraper gets a BLOCK score from version 1.
        List<ConsumerRecord<byte[], byte[]>> firstScores = kafka.topics().awaitRecords("scores",
            rs -> blockedMembers(rs).containsAll(SCRAPERS), Duration.ofSeconds(180));
        assertThat(blockedMembers(firstScores)).containsAll(SCRAPERS);

        // Drop version 2 in; keep traffic flowing until a score from version 2 appears.
        copyDefaultBundleAs(dir.resolve("staging-v2"), "2", modelDir.resolve("v2"));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int round = 1;
        while (TopicRecords.scores(kafka.topics().readAll("scores")).stream().noneMatch(s -> s.getModelVersion().equals("2"))
            && System.nanoTime() < deadline) {
          sendTraffic(producer, System.currentTimeMillis() - 2_000, round++);
          kafka.topics().awaitRecords("scores", rs -> TopicRecords.scores(rs).stream().anyMatch(s -> s.getModelVersion().equals("2")),
              Duration.ofSeconds(3));
        }
      } finally {
        StreamingJobs.cancel(model);
        StreamingJobs.cancel(filter);
      }

      List<AbuseScore> scores = TopicRecords.scores(kafka.topics().readAll("scores"));
      assertThat(scores).extracting(AbuseScore::getModelVersion).contains("1", "2").containsOnly("1", "2");
      assertThat(scores).allSatisfy(s -> assertThat(s.getModelName()).isEqualTo("vigil-abuse"));
      assertThat(scores).filteredOn(s -> s.getModelVersion().equals("2")).extracting(AbuseScore::getMemberId).isNotEmpty();
      // Normal members are never flagged; scrapers are, with reasons an analyst can read.
      assertThat(scores).filteredOn(s -> NORMAL.contains(s.getMemberId()))
          .isNotEmpty().allSatisfy(s -> assertThat(s.getAction()).isEqualTo(Action.NONE));
      assertThat(scores).filteredOn(s -> SCRAPERS.contains(s.getMemberId()) && s.getAction() == Action.BLOCK)
          .allSatisfy(s -> assertThat(s.getReasonsList()).isNotEmpty());
      // The latest score of each member-window carries its window and model; the store topic got the same scores.
      Map<String, AbuseScore> latest = new HashMap<>();
      scores.forEach(s -> latest.put(s.getMemberId() + "@" + s.getWindowStartMs() + "-" + s.getWindowEndMs(), s));
      assertThat(latest.values()).allSatisfy(s -> {
        assertThat(s.getWindowEndMs() - s.getWindowStartMs()).isEqualTo(60_000);
        assertThat(s.getModelVersion()).isNotEmpty();
      });
      assertThat(latest.keySet().stream().map(k -> Long.parseLong(k.substring(0, k.indexOf('@')))).collect(Collectors.toSet()))
          .containsAll(SCRAPERS).containsAll(NORMAL);
      assertThat(TopicRecords.scores(kafka.topics().readAll("store-rt"))).hasSizeGreaterThanOrEqualTo(firstScoresCount(scores));
    }
  }

  private static int firstScoresCount(List<AbuseScore> scores) {
    return (int) scores.stream().filter(s -> s.getModelVersion().equals("1")).count();
  }

  /** Scrapers: 100 profile views of distinct targets each from a robot agent; normal members: a few page views. */
  private static void sendTraffic(TestProducer producer, long start, int round) {
    List<ActivityEvent> events = new ArrayList<>();
    for (long scraper : SCRAPERS) {
      for (int i = 0; i < 300; i++) {
        events.add(event(scraper, EventType.PROFILE_VIEW, start + i * 100L, 1_000_000L * round + scraper * 1_000 + i,
            "python-requests/2.31.0", "198.51.100." + (i % 50)));
      }
    }
    for (long member : NORMAL) {
      for (int i = 0; i < 3; i++) {
        events.add(event(member, i == 2 ? EventType.PROFILE_VIEW : EventType.PAGE_VIEW, start + member * 500 + i * 5_000L,
            i == 2 ? member + 1 : 0, ActivityFixtures.CHROME, "203.0.113." + member));
      }
    }
    for (ActivityEvent e : events) {
      producer.send("raw", null, TestProducer.memberKey(e.getMemberId()), e.toByteArray()); // record time: when sent
    }
    producer.flush();
  }

  private static ActivityEvent event(long member, EventType type, long ts, long target, String agent, String ip) {
    return ActivityEvent.newBuilder().setEventId(member + "-" + ts + "-" + target).setMemberId(member).setType(type)
        .setTimestampMs(ts).setTargetId(target).setUserAgent(agent).setIp(ip).setSessionId("s-" + member).build();
  }

  private static Set<Long> blockedMembers(List<ConsumerRecord<byte[], byte[]>> records) {
    return TopicRecords.scores(records).stream().filter(s -> s.getAction() == Action.BLOCK).map(AbuseScore::getMemberId).collect(Collectors.toSet());
  }

  /** Builds a copy of the shipped bundle with another version, then moves it into place in one step. */
  static void copyDefaultBundleAs(Path staging, String version, Path target) throws Exception {
    ModelDirectory.extractDefaultBundle(staging);
    ModelManifest m = ModelBundle.load(staging).manifest();
    ModelBundle.writeManifest(staging, new ModelManifest(m.name(), version, m.engine(), m.artifact(), m.featureSchema(),
        m.features(), m.thresholds(), m.reasons(), m.training(), m.createdAt()));
    Files.createDirectories(target.getParent());
    Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
