package dev.vigil.loadtest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.archive.ArchiveLayout;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.replay.ArchiveSelection;
import dev.vigil.replay.ReplayBackfill;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.replay.ReplayPeriod;
import dev.vigil.schemas.Verdicts;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.RawRecord;
import dev.vigil.store.StoreConfig;
import dev.vigil.store.StoreServer;
import dev.vigil.store.client.BatchGetResponse;
import dev.vigil.store.client.StoredScore;
import dev.vigil.store.client.VigilStoreClient;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.archive.ArchiveFixtures;
import dev.vigil.testsupport.kafka.TestProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-off between a backfill and the streaming job, through the real store: the streaming job's
 * verdicts for ninety minutes of activity are in the store's real-time topic; a backfill of the first sixty
 * (a re-labelling by another model) is pushed with its cut-off at minute sixty. Afterwards every member is
 * in the store exactly once, holding the verdict about its newest activity: from the backfill for members
 * last active before the cut-off, from the streaming job for those active after it; and readers polling
 * during the push never lose a member nor see its verdict step back in event time.
 */
@Tag("slow")
class BackfillHandOffTest {
  private static final String STORE = "abuse-scores";
  private static final Duration REWIND = Duration.ofMinutes(10);

  @Test
  void eventsBeforeAndAfterTheCutOffReachTheStoreExactlyOnceWithNoGap(@TempDir Path dir) throws Exception {
    long end = ArchiveLayout.hourStart(System.currentTimeMillis()) - 60_000;
    long start = end - Duration.ofMinutes(90).toMillis();
    long cutoff = start + Duration.ofMinutes(60).toMillis();
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(31, 120, 0.08);
    List<TimestampedValue<RawRecord>> raw = new ArrayList<>();
    Map<String, Long> lastOffsetBeforeCutoff = new TreeMap<>();
    long[] nextOffset = new long[2];
    Map<Long, Long> lastActivity = new HashMap<>();
    for (int i = 0; i < 6_000; i++) {
      ActivityEvent e = generator.next(start + i * (end - start) / 6_000);
      int partition = (int) (e.getMemberId() % 2);
      long offset = nextOffset[partition]++;
      raw.add(ArchiveFixtures.ofEvent(e, partition, offset, TestProducer.memberKey(e.getMemberId())));
      if (e.getTimestampMs() < cutoff) {
        lastOffsetBeforeCutoff.put("raw-" + partition, offset);
      }
      lastActivity.merge(e.getMemberId(), e.getTimestampMs(), Math::max);
    }
    Path archive = dir.resolve("archive");
    ArchiveFixtures.write(raw, archive, 1);

    // What the streaming job wrote: the final verdicts over all ninety minutes (StreamBatchParityTest shows the
    // streaming jobs' final verdicts equal a replay's), in time order, stamped as the model job stamps them.
    Path streamingRun = dir.resolve("streaming");
    ReplayLabel.run(ReplayLabel.options(List.of("--runner=DirectRunner"), null, streamingRun),
        ArchiveSelection.of(archive, new ReplayPeriod(start, end)), streamingRun, null);
    List<AbuseScore> streamed = ReplayLabel.readVerdicts(streamingRun).stream()
        .map(s -> s.toBuilder().setModelVersion("streaming").build())
        .sorted(Comparator.comparingLong(AbuseScore::getAsOfMs)).toList();

    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start()) {
      String topic = StoreConfig.realTimeTopicOf(STORE);
      kafka.topics().create(List.of(topic), 2);
      sendRealTime(kafka.bootstrapServers(), topic, streamed);
      Map<Long, AbuseScore> beforePush = newestPerMember(streamed);
      try (StoreServer server = StoreServer.start(StoreServer.Settings.defaults(dir.resolve("store"))
               .withBootstrapServers(kafka.bootstrapServers()).withPort(0).withRewind(REWIND));
           VigilStoreClient client = VigilStoreClient.connect("http://localhost:" + server.port())) {
        List<Long> members = new ArrayList<>(new TreeSet<>(lastActivity.keySet()));
        awaitStore(client, members, beforePush);

        // Readers poll every member through the push and the swap.
        AtomicBoolean pushing = new AtomicBoolean(true);
        List<String> readProblems = new CopyOnWriteArrayList<>();
        Map<Long, Long> lastSeenEventTime = new ConcurrentHashMap<>();
        Set<Integer> versionsSeen = ConcurrentHashMap.newKeySet();
        Thread reader = new Thread(() -> {
          while (pushing.get() && readProblems.isEmpty()) {
            BatchGetResponse r = client.batchGet(STORE, members);
            versionsSeen.add(r.version());
            if (!r.missing().isEmpty()) {
              readProblems.add("v" + r.version() + " misses " + r.missing());
            }
            r.values().forEach((k, v) -> {
              Long before = lastSeenEventTime.put(v.memberId(), v.eventTimeMs());
              if (before != null && v.eventTimeMs() < before) {
                readProblems.add("member " + v.memberId() + " went back from " + before + " to " + v.eventTimeMs() + " in v" + r.version());
              }
            });
          }
        }, "store-reader");
        reader.start();

        Path backfillRun = dir.resolve("backfill");
        ReplayBackfill.Result result;
        try {
          result = ReplayBackfill.run(ReplayLabel.options(List.of("--runner=DirectRunner"), null, backfillRun),
              ArchiveSelection.of(archive, new ReplayPeriod(start, cutoff)), backfillRun, client, STORE, s -> {});
        } finally {
          pushing.set(false);
          reader.join();
        }
        assertThat(result.push().phase()).isEqualTo("ONLINE");
        assertThat(readProblems).as("what readers saw during the push").isEmpty();
        assertThat(versionsSeen).as("versions readers saw").contains(1);
        assertThat(result.rawOffsetsBeforeCutoff()).as("raw offsets the cut-off corresponds to").isEqualTo(lastOffsetBeforeCutoff);
        String record = Files.readString(backfillRun.resolve("backfill.json"));
        assertThat(record).contains("\"cutoffMs\" : " + cutoff).contains("\"version\" : " + result.push().version());

        // The oracle: per member, the newest of the backfill's verdicts and the real-time verdicts from the rewind on.
        List<AbuseScore> candidates = new ArrayList<>(ReplayLabel.readVerdicts(backfillRun));
        assertThat(candidates).allSatisfy(v -> assertThat(v.getAsOfMs()).isLessThanOrEqualTo(cutoff));
        streamed.stream().filter(v -> v.getAsOfMs() - 1 >= cutoff - REWIND.toMillis()).forEach(candidates::add);
        Map<Long, AbuseScore> expected = newestPerMember(candidates);
        assertThat(expected.keySet()).as("every member active in the period has a verdict").containsExactlyInAnyOrderElementsOf(members);

        BatchGetResponse after = client.batchGet(STORE, members);
        assertThat(after.version()).isEqualTo(result.push().version());
        assertThat(after.missing()).as("no gap").isEmpty();
        for (long member : members) {
          StoredScore stored = after.values().get(Long.toString(member));
          AbuseScore want = expected.get(member);
          assertThat(stored.eventTimeMs()).as("member %d: verdict about its newest activity", member).isEqualTo(want.getEventTimeMs());
          assertThat(stored.modelVersion()).as("member %d: verdict source", member).isEqualTo(want.getModelVersion());
          assertThat(stored.score()).isEqualTo(want.getScore());
          if (lastActivity.get(member) >= cutoff) {
            assertThat(stored.modelVersion()).as("member %d active after the cut-off: the streaming verdict", member).isEqualTo("streaming");
          } else if (lastActivity.get(member) < cutoff - REWIND.toMillis() - Duration.ofMinutes(2).toMillis()) {
            assertThat(stored.modelVersion()).as("member %d last active well before the cut-off: the backfill's", member).isNotEqualTo("streaming");
          }
        }
      }
    }
  }

  private static Map<Long, AbuseScore> newestPerMember(List<AbuseScore> verdicts) {
    Map<Long, AbuseScore> newest = new HashMap<>();
    for (AbuseScore v : verdicts) {
      newest.merge(v.getMemberId(), v, (current, candidate) -> Verdicts.supersedes(candidate, current) ? candidate : current);
    }
    return newest;
  }

  /** As the model job writes them: keyed by member, stamped with the row's end (as of - 1 ms). */
  private static void sendRealTime(String bootstrap, String topic, List<AbuseScore> verdicts) {
    try (TestProducer producer = TestProducer.connect(bootstrap)) {
      for (AbuseScore v : verdicts) {
        producer.send(topic, v.getAsOfMs() - 1, TestProducer.memberKey(v.getMemberId()), v.toByteArray());
      }
      producer.flush();
    }
  }

  private static void awaitStore(VigilStoreClient client, List<Long> members, Map<Long, AbuseScore> expected) throws InterruptedException {
    Await.until(() -> {
      BatchGetResponse r = client.batchGet(STORE, members);
      return r.missing().isEmpty() && members.stream().allMatch(m ->
          r.values().get(Long.toString(m)).eventTimeMs() == expected.get(m).getEventTimeMs());
    }, Duration.ofSeconds(60), Duration.ofMillis(200), () -> "store ingesting the real-time topic");
  }
}
