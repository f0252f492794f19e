package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.store.version.StoreVersion;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.store.StoreServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time ingestion is killed with SIGKILL at random points while the topic is still being written,
 * restarted on the same data directory each time, and must end with exactly the reference contents and
 * every record counted exactly once.
 */
@Tag("slow")
class StoreCrashSafetyTest {
  private static final Logger LOG = LoggerFactory.getLogger(StoreCrashSafetyTest.class);
  private static final String STORE = "abuse-scores";
  private static final String RT = StoreConfig.realTimeTopicOf(STORE);
  private static final int RECORDS = 400_000;
  private static final int KILLS = 4;

  @Test
  void killNineAtRandomPointsLosesNothingAndAppliesNothingTwice(@TempDir Path temp) throws Exception {
    Path dataDir = temp.resolve("store");
    Random random = new Random(42);
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(temp.resolve("kafka")).build().start();
         RealTimeWriter writer = new RealTimeWriter(kafka.bootstrapServers(), RT)) {
      kafka.topics().create(List.of(RT), 4);
      AtomicLong produced = new AtomicLong();
      CompletableFuture<Void> production = CompletableFuture.runAsync(() -> produce(writer, produced));

      List<Long> consumedAtKill = new ArrayList<>();
      for (int kill = 0; kill < KILLS; kill++) {
        try (StoreServerProcess server = StoreServerProcess.start(dataDir, kafka.bootstrapServers())) {
          int port = server.awaitPort(Duration.ofSeconds(60));
          // Spread over the topic: the k-th kill lands near k/(KILLS+1) of it, give or take 5 %.
          long killAt = (kill + 1L) * RECORDS / (KILLS + 1) + random.nextInt(RECORDS / 10) - RECORDS / 20;
          Await.until(() -> consumed(port) >= killAt, Duration.ofSeconds(90),
              () -> "child consumed " + killAt + "\n" + server.output());
          long seen = consumed(port);
          server.kill();
          consumedAtKill.add(seen);
          LOG.info("kill {}: SIGKILL after {} records consumed ({} produced)", kill + 1, seen, produced.get());
        }
      }
      production.get();
      long sent = writer.sent();
      try (StoreServerProcess server = StoreServerProcess.start(dataDir, kafka.bootstrapServers())) {
        int port = server.awaitPort(Duration.ofSeconds(60));
        Await.until(() -> consumed(port) >= sent, Duration.ofSeconds(120), () -> "all " + sent + " consumed\n" + server.output());
        server.stop();
      }
      // Kills happened while records were still arriving: each one interrupted ingestion mid-stream.
      assertThat(consumedAtKill).hasSize(KILLS).allSatisfy(c -> assertThat(c).isBetween(1L, sent - 1));

      RocksDB.loadLibrary();
      try (LRUCache cache = new LRUCache(16 << 20);
           StoreVersion version = StoreVersion.open(dataDir.resolve(STORE).resolve("v-1"), 1, 8, cache)) {
        assertThat(version.recordsConsumed()).as("every record counted exactly once").isEqualTo(sent);
        assertThat(version.offsets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(sent);
        Map<Long, byte[]> actual = new HashMap<>();
        version.forEach(actual::put);
        assertThat(actual.keySet()).isEqualTo(writer.expected().keySet());
        writer.expected().forEach((member, bytes) -> assertThat(actual.get(member)).as("member %d", member).isEqualTo(bytes));
      }
    }
  }

  /** Writes RECORDS upserts and deletes at about 40k/s, so ingestion is killed while the topic grows. */
  private static void produce(RealTimeWriter writer, AtomicLong produced) {
    Random random = new Random(1);
    long start = System.nanoTime();
    long ts = 1_763_800_000_000L;
    for (int i = 0; i < RECORDS; i++) {
      long member = 1 + random.nextInt(30_000);
      if (random.nextInt(20) == 0) {
        writer.delete(member, ts + i);
      } else {
        writer.upsert(RealTimeWriter.score(member, random.nextDouble(), "v" + i), ts + i);
      }
      if (i % 2_000 == 1_999) {
        writer.flush();
        produced.set(i + 1);
        long due = start + (i + 1) * 25_000L; // 40k records per second
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing load, not synchronisation
        }
      }
    }
    writer.flush();
    produced.set(RECORDS);
  }

  private static long consumed(int port) {
    try {
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = new ObjectMapper().readTree(health.body());
      return body.path("stores").path(STORE).path("recordsConsumed").asLong();
    } catch (Exception e) {
      return -1;
    }
  }
}
