package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.store.client.StoredScore;
import dev.vigil.store.client.VigilStoreClient;
import dev.vigil.store.ingest.RealTimeIngestion;
import dev.vigil.testsupport.Await;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka that is not there yet: the store waits, says so, and ingests once it comes, without a restart. */
class StoreKafkaRetryTest {
  private static final String STORE = "abuse-scores";
  private static final String RT = StoreConfig.realTimeTopicOf(STORE);

  @Test
  void aServerStartedBeforeKafkaWaitsForItSaysSoInHealthAndIngestsOnceItIsUp(@TempDir Path temp) throws Exception {
    int kafkaPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      kafkaPort = probe.getLocalPort();
    }
    String bootstrap = "localhost:" + kafkaPort;
    try (StoreServer server = StoreServer.start(StoreServer.Settings.defaults(temp.resolve("store")).withBootstrapServers(bootstrap)
             .withPort(0));
         VigilStoreClient client = VigilStoreClient.connect("http://localhost:" + server.port())) {
      String health = "http://localhost:" + server.port() + "/health";
      RealTimeIngestion ingestion = server.store(STORE).ingestion();
      // Waiting from the start ("a first answer from Kafka"); the health names the failure once an attempt failed.
      Await.until(() -> ingestion.state() == RealTimeIngestion.State.WAITING_FOR_KAFKA && String.valueOf(ingestion.waitingFor())
              .contains("attempt"), Duration.ofSeconds(30),
          () -> "ingestion waiting for Kafka after a failed attempt; it is " + ingestion.state() + ", waiting for " + ingestion.waitingFor());
      HttpResponse<String> waiting = RawHttp.send("GET", health, null);
      assertThat(waiting.statusCode()).isEqualTo(503);
      JsonNode store = storeHealth(waiting);
      assertThat(store.path("ingestion").asText()).isEqualTo("WAITING_FOR_KAFKA");
      assertThat(store.path("waitingFor").asText()).startsWith("Kafka at " + bootstrap + " (").contains("attempt");
      assertThat(RawHttp.send("GET", "http://localhost:" + server.port() + "/stores/" + STORE + "/1", null).statusCode())
          .as("reads keep serving meanwhile").isEqualTo(404);

      try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(kafkaPort).dataDir(temp.resolve("kafka")).build().start();
           RealTimeWriter writer = new RealTimeWriter(kafka.bootstrapServers(), RT)) {
        kafka.topics().create(List.of(RT), 2);
        writer.upsert(RealTimeWriter.score(1, 0.97, "after-kafka-came"), 1_763_800_000_000L);
        writer.upsert(RealTimeWriter.score(2, 0.20, "after-kafka-came"), 1_763_800_000_001L);
        writer.delete(3, 1_763_800_000_002L);
        writer.flush();

        Store s = server.store(STORE);
        Await.until(() -> s.recordsConsumed() == writer.sent(), Duration.ofSeconds(60),
            () -> writer.sent() + " records consumed; " + s.recordsConsumed() + " so far, ingestion " + ingestion.state()
                + " waiting for " + ingestion.waitingFor());
        assertThat(client.get(STORE, 1)).hasValueSatisfying(v -> assertThat(v.modelVersion()).isEqualTo("after-kafka-came"));
        assertThat(client.get(STORE, 2).map(StoredScore::score)).contains(0.20);

        HttpResponse<String> up = RawHttp.send("GET", health, null);
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(storeHealth(up).path("ingestion").asText()).isEqualTo("RUNNING");
        assertThat(storeHealth(up).has("waitingFor")).isFalse();
        assertThat(ingestion.failure()).isNull();
      }
    }
  }

  private static JsonNode storeHealth(HttpResponse<String> response) throws Exception {
    return new ObjectMapper().readTree(response.body()).path("stores").path(STORE);
  }
}
