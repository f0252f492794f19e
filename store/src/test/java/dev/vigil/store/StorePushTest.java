package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.store.client.BatchGetResponse;
import dev.vigil.store.client.Lookup;
import dev.vigil.store.client.PushRequest;
import dev.vigil.store.client.PushStatus;
import dev.vigil.store.client.StoredScore;
import dev.vigil.store.client.VersionInfo;
import dev.vigil.store.client.VigilStoreClient;
import dev.vigil.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch push: hybrid rewind, reads during a push, rollback. Real broker, real RocksDB, real HTTP. */
class StorePushTest {
  private static final String STORE = "abuse-scores";
  private static final String RT = StoreConfig.realTimeTopicOf(STORE);
  private static final long CUTOFF = 1_763_800_000_000L;

  @Test
  void hybridPushReplaysRealTimeWritesFromTheRewindTimeAndRollbackRestoresThePreviousVersion(@TempDir Path temp) throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(temp.resolve("kafka")).build().start();
         RealTimeWriter rt = new RealTimeWriter(kafka.bootstrapServers(), RT)) {
      kafka.topics().create(List.of(RT), 3);
      // Before the rewind window (cut-off - 2 h): in v1, superseded by the batch in v2.
      rt.upsert(RealTimeWriter.score(1, 0.95, "rt-old"), CUTOFF - Duration.ofHours(2).toMillis());
      // Inside the rewind window (cut-off - 5 min): replayed on top of the batch.
      rt.upsert(RealTimeWriter.score(2, 0.97, "rt-rewind"), CUTOFF - Duration.ofMinutes(5).toMillis());
      rt.flush();
      try (StoreServer server = StoreServer.start(StoreServer.Settings.defaults(temp.resolve("store"))
               .withBootstrapServers(kafka.bootstrapServers()).withPort(0).withRewind(Duration.ofMinutes(10)));
           VigilStoreClient client = VigilStoreClient.connect("http://localhost:" + server.port())) {
        awaitConsumed(server, rt.sent());
        // After the cut-off: must be present in the pushed version.
        rt.upsert(RealTimeWriter.score(3, 0.99, "rt-after-cutoff"), CUTOFF + 60_000);
        rt.delete(4, CUTOFF + 61_000);
        rt.flush();
        awaitConsumed(server, rt.sent());

        List<AbuseScore> batch = new ArrayList<>();
        for (long m = 1; m <= 1_000; m++) {
          batch.add(RealTimeWriter.score(m, 0.1, "batch"));
        }
        Path input = PushDatasets.write(temp.resolve("push-1"), "part-00000.jsonl", batch);
        PushStatus done = pushAndWait(client, new PushRequest(input.toString(), CUTOFF));
        assertThat(done.phase()).isEqualTo("ONLINE");
        assertThat(done.version()).isEqualTo(2);
        assertThat(done.rowsWritten()).isEqualTo(1_000);
        assertThat(done.replayed()).isEqualTo(3);

        assertThat(modelVersion(client, 1)).isEqualTo("batch");
        assertThat(modelVersion(client, 2)).isEqualTo("rt-rewind");
        assertThat(modelVersion(client, 3)).isEqualTo("rt-after-cutoff");
        assertThat(client.lookup(STORE, 4)).isEqualTo(new Lookup(2, java.util.Optional.empty()));
        assertThat(modelVersion(client, 500)).isEqualTo("batch");
        assertThat(client.versions(STORE)).extracting(VersionInfo::number, VersionInfo::state, VersionInfo::serving)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "ONLINE", true), org.assertj.core.groups.Tuple.tuple(1, "ONLINE", false));

        // Live ingestion continues into the new version.
        rt.upsert(RealTimeWriter.score(5, 0.91, "rt-live"), CUTOFF + 120_000);
        rt.flush();
        Await.until(() -> client.get(STORE, 5).map(StoredScore::modelVersion).orElse("").equals("rt-live"), Duration.ofSeconds(30),
            () -> "member 5's live write visible in v2");

        VersionInfo now = client.rollback(STORE);
        assertThat(now.number()).isEqualTo(1);
        assertThat(server.store(STORE).servingVersion()).isEqualTo(1);
        // v1's own values: real-time only; the batch never reached it. It caught up on the write it missed.
        assertThat(modelVersion(client, 1)).isEqualTo("rt-old");
        assertThat(client.lookup(STORE, 500)).isEqualTo(new Lookup(1, java.util.Optional.empty()));
        assertThat(modelVersion(client, 5)).isEqualTo("rt-live");
      }
    }
  }

  @Test
  void aPushCompletesWhileReadersHammerTheApiAndEveryReadSeesOneWholeVersion(@TempDir Path temp) throws Exception {
    int members = 100_000;
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(temp.resolve("kafka")).build().start()) {
      kafka.topics().create(List.of(RT), 2);
      try (StoreServer server = StoreServer.start(StoreServer.Settings.defaults(temp.resolve("store"))
               .withBootstrapServers(kafka.bootstrapServers()).withPort(0));
           VigilStoreClient client = VigilStoreClient.connect("http://localhost:" + server.port())) {
        Path old = PushDatasets.write(temp.resolve("old"), "part-0.jsonl",
            LongStream.rangeClosed(1, members).mapToObj(m -> RealTimeWriter.score(m, 0.2, "model-a")).toList());
        assertThat(pushAndWait(client, new PushRequest(old.toString(), CUTOFF)).phase()).isEqualTo("ONLINE");
        Path next = PushDatasets.write(temp.resolve("new"), "part-0.jsonl",
            LongStream.rangeClosed(1, members).mapToObj(m -> RealTimeWriter.score(m, 0.8, "model-b")).toList());
        Map<Integer, String> modelOf = Map.of(2, "model-a", 3, "model-b");

        AtomicBoolean pushDone = new AtomicBoolean();
        AtomicLong readsAfterPush = new AtomicLong();
        Set<Integer> versionsSeen = ConcurrentHashMap.newKeySet();
        AtomicLong reads = new AtomicLong();
        ExecutorService readers = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
          int seed = r;
          running.add(readers.submit(() -> {
            java.util.Random random = new java.util.Random(seed);
            while (readsAfterPush.get() < 200) {
              if (random.nextBoolean()) {
                Lookup lookup = client.lookup(STORE, 1 + random.nextInt(members));
                assertThat(lookup.value()).isPresent();
                assertThat(lookup.value().get().modelVersion()).isEqualTo(modelOf.get(lookup.servingVersion()));
                versionsSeen.add(lookup.servingVersion());
              } else {
                List<Long> keys = random.longs(50, 1, members + 1).boxed().toList();
                BatchGetResponse response = client.batchGet(STORE, keys);
                assertThat(response.missing()).isEmpty();
                assertThat(response.values().values()).extracting(StoredScore::modelVersion)
                    .containsOnly(modelOf.get(response.version()));
                versionsSeen.add(response.version());
              }
              reads.incrementAndGet();
              if (pushDone.get()) {
                readsAfterPush.incrementAndGet();
              }
            }
            return null;
          }));
        }
        Await.until(() -> reads.get() > 200, Duration.ofSeconds(30), () -> "readers running before the push");
        PushStatus status = pushAndWait(client, new PushRequest(next.toString(), CUTOFF + 1));
        pushDone.set(true);
        for (Future<?> f : running) {
          f.get(); // rethrows any failed read or assertion
        }
        readers.shutdown();
        assertThat(status.phase()).isEqualTo("ONLINE");
        assertThat(versionsSeen).containsExactlyInAnyOrder(2, 3);
        assertThat(client.versions(STORE)).extracting(VersionInfo::number).containsExactly(3, 2, 1);
      }
    }
  }

  @Test
  void aMalformedPushFailsWithFileAndLineAndTheServingVersionIsUntouched(@TempDir Path temp) throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(temp.resolve("kafka")).build().start();
         StoreServer server = StoreServer.start(StoreServer.Settings.defaults(temp.resolve("store"))
             .withBootstrapServers(kafka.bootstrapServers()).withPort(0));
         VigilStoreClient client = VigilStoreClient.connect("http://localhost:" + server.port())) {
      Path input = PushDatasets.write(temp.resolve("bad"), "part-0.jsonl", List.of(RealTimeWriter.score(1, 0.5, "x")));
      java.nio.file.Files.writeString(input.resolve("part-0.jsonl"), "{\"memberId\": \"2\", \"score\": \"high\"}\n",
          java.nio.file.StandardOpenOption.APPEND);
      PushStatus status = pushAndWait(client, new PushRequest(input.toString(), CUTOFF));
      assertThat(status.phase()).isEqualTo("FAILED");
      assertThat(status.error()).contains("part-0.jsonl:2: field score is not a number").doesNotContain("high");
      assertThat(server.store(STORE).servingVersion()).isEqualTo(1);
      assertThat(client.versions(STORE)).extracting(VersionInfo::number, VersionInfo::state)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "ONLINE"));
    }
  }

  private static String modelVersion(VigilStoreClient client, long member) {
    return client.get(STORE, member).orElseThrow(() -> new AssertionError("no value for " + member)).modelVersion();
  }

  private static void awaitConsumed(StoreServer server, long records) throws InterruptedException {
    Store store = server.store(STORE);
    Await.until(() -> store.recordsConsumed() >= records, Duration.ofSeconds(60),
        () -> records + " records consumed");
  }

  static PushStatus pushAndWait(VigilStoreClient client, PushRequest request) throws InterruptedException {
    PushStatus started = client.push(STORE, request);
    PushStatus[] last = {started};
    Await.until(() -> (last[0] = client.pushStatus(STORE, started.version())).finished(), Duration.ofSeconds(120),
        () -> "push of v" + started.version() + " finished; last " + last[0]);
    return last[0];
  }
}
