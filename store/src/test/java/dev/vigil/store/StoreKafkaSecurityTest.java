package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.VigilTopics;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.store.client.VigilStoreClient;
import dev.vigil.store.ingest.RealTimeIngestion;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.store.StoreServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store against a broker that takes only SASL/PLAIN clients: {@code store serve} ingests and dead-letters with the
 * settings of {@code --kafka-properties-file}, a {@code VIGIL_KAFKA_*} variable overriding the file; a wrong password
 * stops ingestion with the authentication error; no password is ever printed.
 */
class StoreKafkaSecurityTest {
  private static final String STORE = "abuse-scores";
  private static final String RT = StoreConfig.realTimeTopicOf(STORE);
  private static final String USER = "store_reader";
  private static final String PASSWORD = "store-pw-51d0c2";
  private static EmbeddedKafkaBroker kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafkaBroker.builder().saslPlainUser(USER, PASSWORD).build().start();
    kafka.topics().create(List.of(RT, VigilTopics.DEAD_LETTER), 2);
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  private static Path propertiesFile(Path dir, String password) throws IOException {
    return EmbeddedKafkaBroker.writeSaslClientProperties(dir.resolve("kafka.properties"), USER, password);
  }

  @Test
  void serveIngestsAndDeadLettersThroughSaslWithTheEnvironmentOverridingTheFile(@TempDir Path temp) throws Exception {
    String fileOnlyPassword = "stale-pw-in-file";
    Path properties = propertiesFile(temp, fileOnlyPassword);
    String jaas = EmbeddedKafkaBroker.saslClientProperties(USER, PASSWORD).get("sasl.jaas.config");
    try (RealTimeWriter writer = new RealTimeWriter(kafka.clientSettings(), RT);
         StoreServerProcess child = StoreServerProcess.start(temp.resolve("data"), kafka.bootstrapServers(),
             List.of("--kafka-properties-file", properties.toString()), Map.of("VIGIL_KAFKA_SASL_JAAS_CONFIG", jaas))) {
      writer.upsert(RealTimeWriter.score(42, 0.97, "sasl"), 1_763_800_000_000L);
      writer.malformed("not-a-member".getBytes(StandardCharsets.UTF_8), RealTimeWriter.score(43, 0.5, "sasl").toByteArray(),
          1_763_800_000_001L);
      writer.flush();
      int port = child.awaitPort(Duration.ofSeconds(60));

      try (VigilStoreClient client = VigilStoreClient.connect("http://127.0.0.1:" + port)) {
        Await.until(() -> client.get(STORE, 42).isPresent(), Duration.ofSeconds(60),
            () -> "member 42 ingested through SASL; the server said:\n" + child.output());
      }
      List<DeadLetter> letters = kafka.topics().awaitRecords(VigilTopics.DEAD_LETTER, r -> !r.isEmpty(), Duration.ofSeconds(30))
          .stream().map(r -> parse(r.value())).toList();
      assertThat(letters).extracting(DeadLetter::getReason).containsExactly(DeadLetterReason.INVALID_FIELD);
      child.stop();
      assertThat(child.allOutput())
          .contains("sasl.jaas.config=[hidden] ($VIGIL_KAFKA_SASL_JAAS_CONFIG)", "sasl.mechanism=[hidden] (file " + properties.toAbsolutePath())
          .doesNotContain(PASSWORD, fileOnlyPassword);
    }
  }

  @Test
  void aWrongPasswordStopsIngestionWithTheAuthenticationErrorAndReadsKeepServing(@TempDir Path temp) throws Exception {
    String wrong = "wrong-" + PASSWORD;
    KafkaClientSettings settings = KafkaClientSettings.resolve(propertiesFile(temp, wrong), Map.of())
        .withBootstrapServers(kafka.bootstrapServers());
    try (StoreServer server = StoreServer.start(StoreServer.Settings.defaults(temp.resolve("store")).withKafka(settings).withPort(0))) {
      RealTimeIngestion ingestion = server.store(STORE).ingestion();
      Await.until(() -> ingestion.state() == RealTimeIngestion.State.FAILED, Duration.ofSeconds(30),
          () -> "ingestion failed on the wrong password; it is " + ingestion.state() + ", waiting for " + ingestion.waitingFor());
      assertThat(ingestion.failure()).contains("SaslAuthenticationException", "Invalid username or password").doesNotContain(wrong);
      assertThat(RawHttp.send("GET", "http://localhost:" + server.port() + "/stores/" + STORE + "/1", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aKeyVigilOwnsFailsServeInOneLine(@TempDir Path temp) throws IOException {
    Path properties = Files.writeString(temp.resolve("kafka.properties"), "isolation.level=read_uncommitted\n");

    CliRun run = CliRun.of("serve", "--data-dir", temp.resolve("data").toString(), "--kafka-properties-file", properties.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("vigil store serve: Kafka setting 'isolation.level' (from file " + properties.toAbsolutePath()
        + ") is not allowed: the store must read committed records only" + System.lineSeparator());
  }

  private static DeadLetter parse(byte[] bytes) {
    try {
      return DeadLetter.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
