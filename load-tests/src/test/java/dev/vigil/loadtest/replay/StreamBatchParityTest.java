package dev.vigil.loadtest.replay;

import static dev.vigil.testsupport.JobArgs.concat;
import static dev.vigil.testsupport.kafka.TopicRecords.scores;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.archive.ArchiveLayout;
import dev.vigil.archive.ArchiveManifest;
import dev.vigil.filter.FilterPipeline;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.loadtest.support.FinalVerdicts;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.model.ModelPipeline;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.replay.ArchivePipeline;
import dev.vigil.replay.ArchiveSelection;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.replay.ReplayPeriod;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Pacer;
import dev.vigil.testsupport.kafka.TestProducer;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of events, two ways: through the streaming filter and model jobs (Kafka, FlinkRunner
 * streaming) with the archiving job beside them, and through {@code replay label} over that archive in
 * batch (FlinkRunner, then DirectRunner). Every final verdict (member and row boundary) must be the same.
 */
@Tag("slow")
class StreamBatchParityTest {
  private static final Logger LOG = LoggerFactory.getLogger(StreamBatchParityTest.class);
  private static final int MEMBERS = 250;
  private static final int EVENTS = 12_000;
  private static final int PRODUCE_PER_SECOND = 600;
  private static final String WINDOWS = "1m/30s,10m/1m,60m/5m";

  @Test
  void streamingAndBatchGiveTheSameFinalVerdicts(@TempDir Path dir) throws Exception {
    // Whole hours in the past, so every archive hour closes once the idle watermark follows the clock.
    long end = ArchiveLayout.hourStart(System.currentTimeMillis()) - 60_000;
    long start = end - Duration.ofMinutes(150).toMillis();
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(23, MEMBERS, 0.06);
    List<ActivityEvent> events = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      events.add(generator.next(start + i * (end - start) / EVENTS));
    }
    Path archive = dir.resolve("archive");

    Map<String, AbuseScore> streaming;
    List<PipelineResult> jobs = new ArrayList<>();
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
      kafka.topics().create(List.of("raw", "filtered", "scores", "store-rt", "dl"), 4);
      String[] common = {"--bootstrapServers=" + kafka.bootstrapServers(), "--runner=FlinkRunner", "--flinkMaster=[local]",
          "--parallelism=2", "--deadLetterTopic=dl"};
      try {
        jobs.add(StreamingJobs.start(FilterPipeline.create(FilterPipeline.parseOptions(concat(common,
            "--inputTopic=raw", "--outputTopic=filtered", "--consumerGroup=parity-filter")))));
        jobs.add(StreamingJobs.start(ArchivePipeline.create(ArchivePipeline.parseOptions(concat(common,
            "--inputTopic=raw", "--archive=" + archive, "--archiveLateFiringDelayMs=1000")))));
        // The model job runs beside the filter: partials that reach it after their row was scored on time are late,
        // and every row they change is scored again (MemberTimeline), so the final verdicts still equal batch.
        jobs.add(StreamingJobs.start(ModelPipeline.create(ModelPipeline.parseOptions(concat(common,
            "--filteredTopic=filtered", "--scoresTopic=scores", "--storeTopic=store-rt", "--consumerGroup=parity-model",
            "--windows=" + WINDOWS)))));
        // Paced over about 20 s, so the filter's partials reach the model job in several checkpoints (each one is
        // released when its checkpoint completes, every 10 s) with silent partitions between them: the model's
        // watermark must wait for the filter's progress markers, not follow the clock once a partition is silent
        // (it did, and hours of the backlog were then scored on timelines that had expired).
        try (TestProducer producer = TestProducer.connect(kafka.bootstrapServers())) {
          Iterator<ActivityEvent> next = events.iterator();
          Pacer.pace(EVENTS, PRODUCE_PER_SECOND, now -> {
            producer.sendEvent("raw", next.next());
            return true;
          });
          producer.flush();
        }
        awaitArchived(archive, start, end, EVENTS, Duration.ofSeconds(240));
        kafka.topics().awaitRecords("filtered", TopicRecords.eventsAtLeast(EVENTS), Duration.ofSeconds(240));
        assertThat(TopicRecords.eventsIn(kafka.topics().readAll("filtered"))).as("valid events in the streaming filter's partials").isEqualTo(EVENTS);


        Path batchOut = dir.resolve("flink-batch");
        ReplayPeriod period = new ReplayPeriod(start, end + 1);
        ReplayLabel.run(ReplayLabel.options(List.of("--windows=" + WINDOWS, "--parallelism=2"), null, batchOut),
            ArchiveSelection.of(archive, period), batchOut, null);
        Map<String, AbuseScore> batch = FinalVerdicts.ofReplay(batchOut);
        LOG.info("batch replay: {} final verdicts", batch.size());
        assertThat(batch).hasSizeGreaterThan(MEMBERS);

        Map<String, AbuseScore> expected = FinalVerdicts.normalized(batch);
        List<AbuseScore> all = scores(kafka.topics().awaitRecords("scores",
            rs -> FinalVerdicts.normalized(FinalVerdicts.of(scores(rs))).equals(expected), Duration.ofSeconds(240)));
        streaming = FinalVerdicts.of(all);
        Path directOut = dir.resolve("direct-batch");
        ReplayLabel.run(ReplayLabel.options(List.of("--windows=" + WINDOWS, "--runner=DirectRunner"), null, directOut),
            ArchiveSelection.of(archive, period), directOut, null);
        FinalVerdicts.assertSame("batch on DirectRunner vs FlinkRunner", FinalVerdicts.ofReplay(directOut), batch);
        assertThat(kafka.topics().readAll("dl")).as("dead letters in streaming").isEmpty();
        FinalVerdicts.assertSame("streaming vs batch replay (FlinkRunner)", streaming, batch);
        LOG.info("streaming and batch: {} final verdicts, all identical", batch.size());
      } finally {
        for (PipelineResult job : jobs) {
          StreamingJobs.cancel(job);
        }
      }
    }
  }

  /** Waits until the archive's manifests account for every event (hours close as the watermark passes them). */
  private static void awaitArchived(Path archive, long start, long end, long expected, Duration timeout) throws InterruptedException {
    long[] archived = {0};
    Await.until(() -> (archived[0] = archived(archive, start, end)) >= expected, timeout, Duration.ofMillis(500),
        () -> "archive holds " + archived[0] + " of " + expected + " records");
    assertThat(archived[0]).as("archived records").isEqualTo(expected);
  }

  private static long archived(Path archive, long start, long end) throws Exception {
    long archived = 0;
    if (Files.isDirectory(archive)) {
      for (Path m : ArchiveLayout.manifests(archive, start, end + 1)) {
        archived += ArchiveManifest.read(m).records();
      }
    }
    return archived;
  }
}
