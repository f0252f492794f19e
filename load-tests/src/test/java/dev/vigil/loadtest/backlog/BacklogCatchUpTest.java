package dev.vigil.loadtest.backlog;

import static dev.vigil.testsupport.JobArgs.concat;
import static dev.vigil.testsupport.kafka.TopicRecords.scores;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.nearline.ActivityFilter;
import dev.vigil.core.nearline.MemberTimelines;
import dev.vigil.core.nearline.ShortWindowAggregator;
import dev.vigil.core.tiles.MemberTimeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.filter.FilterPipeline;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.model.ModelPipeline;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.scoring.BundleScorer;
import dev.vigil.scoring.ModelBundle;
import dev.vigil.scoring.ModelDirectory;
import dev.vigil.scoring.TrainingRow;
import dev.vigil.testsupport.kafka.TestProducer;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backlog, as after an outage: twenty minutes of recent activity produced into the raw topic in seconds
 * while the filter and model jobs run on FlinkRunner. Nothing may be lost catching up: every valid event
 * is in a partial, no partial is refused as late, every member with activity gets a verdict, and every
 * member the same model flags when the traffic is replayed at its own pace (the plain-loop form of both
 * jobs, event by event in time order) is flagged by the jobs too.
 */
@Tag("slow")
class BacklogCatchUpTest {
  private static final Logger LOG = LoggerFactory.getLogger(BacklogCatchUpTest.class);
  private static final int MEMBERS = 600;
  private static final int EVENTS = 42_000;
  private static final long SPAN_MS = Duration.ofMinutes(20).toMillis();
  private static final String WINDOWS = "1m/30s,10m/1m,60m/5m";

  @Test
  void twentyMinutesOfHistoryProducedInSecondsLosesNothing(@TempDir Path dir) throws Exception {
    long end = System.currentTimeMillis();
    long start = end - SPAN_MS;
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(99, MEMBERS, 0.05);
    List<ActivityEvent> events = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      events.add(generator.next(start + i * SPAN_MS / EVENTS));
    }
    Set<Long> active = new HashSet<>();
    events.forEach(e -> active.add(e.getMemberId()));
    Set<Long> flaggedAtOwnPace = flaggedAtOwnPace(events, dir);

    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
      kafka.topics().create(List.of("raw", "filtered", "scores", "store-rt", "dl"), 4);
      String[] common = {"--bootstrapServers=" + kafka.bootstrapServers(), "--runner=FlinkRunner", "--flinkMaster=[local]",
          "--parallelism=2", "--deadLetterTopic=dl"};
      PipelineResult filter = StreamingJobs.start(FilterPipeline.create(FilterPipeline.parseOptions(concat(common,
          "--inputTopic=raw", "--outputTopic=filtered", "--consumerGroup=backlog-filter"))));
      PipelineResult model = StreamingJobs.start(ModelPipeline.create(ModelPipeline.parseOptions(concat(common,
          "--filteredTopic=filtered", "--scoresTopic=scores", "--storeTopic=store-rt", "--consumerGroup=backlog-model",
          "--windows=" + WINDOWS))));
      try {
        long t0 = System.nanoTime();
        TestProducer.produceEvents(kafka.bootstrapServers(), "raw", events);
        LOG.info("produced {} events spanning {} min of event time in {} ms", EVENTS, SPAN_MS / 60_000,
            (System.nanoTime() - t0) / 1_000_000);

        kafka.topics().awaitRecords("filtered", TopicRecords.eventsAtLeast(EVENTS), Duration.ofSeconds(240));
        List<ConsumerRecord<byte[], byte[]>> scoreRecords = kafka.topics().awaitRecords("scores",
            rs -> scoredMembers(rs).containsAll(active) && flagged(rs).containsAll(flaggedAtOwnPace), Duration.ofSeconds(240));

        assertThat(TopicRecords.eventsIn(kafka.topics().readAll("filtered"))).as("valid events in partials").isEqualTo(EVENTS);
        List<DeadLetter> deadLetters = TopicRecords.deadLetters(kafka.topics().readAll("dl"));
        assertThat(deadLetters).as("dead letters (none expected: every record is valid and none is late)").isEmpty();
        assertThat(scoredMembers(scoreRecords)).as("members with a verdict").containsAll(active);
        Set<Long> flagged = flagged(scoreRecords);
        assertThat(flagged).as("flagged when caught up").containsAll(flaggedAtOwnPace);

        Map<AbuseType, int[]> byKind = new EnumMap<>(AbuseType.class);
        for (long m : active) {
          int[] c = byKind.computeIfAbsent(generator.abuseType(m), k -> new int[2]);
          c[0]++;
          c[1] += flagged.contains(m) ? 1 : 0;
        }
        byKind.forEach((kind, c) -> LOG.info("{}: {} of {} members flagged", kind.label(), c[1], c[0]));
        for (AbuseType kind : List.of(AbuseType.SCRAPER, AbuseType.FAKE_ACCOUNT, AbuseType.SPAMMER)) {
          assertThat(byKind.get(kind)[1]).as("%s members flagged", kind.label()).isPositive();
        }
      } finally {
        StreamingJobs.cancel(model);
        StreamingJobs.cancel(filter);
      }
    }
  }

  /** Members the shipped model flags when the same events flow at their own pace, through the plain-loop jobs. */
  private static Set<Long> flaggedAtOwnPace(List<ActivityEvent> events, Path dir) throws Exception {
    ActivityFilter filter = ActivityFilter.withDefaults();
    ShortWindowAggregator partials = new ShortWindowAggregator(5_000, MemberActivityAggregate.DEFAULT_SKETCH_K);
    MemberTimelines timelines = new MemberTimelines(TileLayout.parse(WINDOWS), 300_000);
    List<MemberTimelines.MemberRow> rows = new ArrayList<>();
    for (ActivityEvent e : events) {
      ExtractedActivity x = filter.apply(e);
      if (x != null) {
        partials.add(x);
      }
      partials.closeUpTo(e.getTimestampMs() - 5_000).forEach(timelines::admit);
      rows.addAll(timelines.advanceTo(e.getTimestampMs() - 10_000));
    }
    partials.closeAll().forEach(timelines::admit);
    rows.addAll(timelines.advanceTo(Long.MAX_VALUE));
    Set<Long> flagged = new HashSet<>();
    ModelBundle bundle = ModelBundle.load(ModelDirectory.extractDefaultBundle(dir.resolve("bundle")));
    try (BundleScorer scorer = bundle.newScorer()) {
      for (MemberTimelines.MemberRow r : rows) {
        float[][] windows = r.row().windows().stream().map(w -> TrainingRow.toFloats(w.values())).toArray(float[][]::new);
        float max = 0;
        for (float s : scorer.score(windows)) {
          max = Math.max(max, s);
        }
        if (bundle.policy().actionFor(max) != Action.NONE) {
          flagged.add(r.memberId());
        }
      }
    }
    return flagged;
  }

  private static Set<Long> scoredMembers(List<ConsumerRecord<byte[], byte[]>> records) {
    Set<Long> out = new HashSet<>();
    scores(records).forEach(s -> out.add(s.getMemberId()));
    return out;
  }

  private static Set<Long> flagged(List<ConsumerRecord<byte[], byte[]>> records) {
    Set<Long> out = new HashSet<>();
    scores(records).stream().filter(s -> s.getAction() != Action.NONE).forEach(s -> out.add(s.getMemberId()));
    return out;
  }
}
