package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.VigilTopics;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.store.client.BatchGetResponse;
import dev.vigil.store.client.Lookup;
import dev.vigil.store.client.StoreClientException;
import dev.vigil.store.client.StoredScore;
import dev.vigil.store.client.VigilStoreClient;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Real-time ingestion from a real broker, then reads over HTTP: exactly the latest value per key. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreIngestionAndReadsTest {
  private static final String STORE = "abuse-scores";
  private static final String RT = VigilTopics.STORE_ABUSE_SCORES_RT;

  private EmbeddedKafkaBroker kafka;
  private StoreServer server;
  private VigilStoreClient client;
  private RealTimeWriter writer;

  @BeforeAll
  void start(@TempDir Path temp) throws Exception {
    kafka = EmbeddedKafkaBroker.builder().dataDir(temp.resolve("kafka")).build().start();
    kafka.topics().create(List.of(RT, VigilTopics.DEAD_LETTER), 4);
    writer = new RealTimeWriter(kafka.bootstrapServers(), RT);
    Random random = new Random(7);
    long ts = 1_700_000_000_000L;
    for (int i = 0; i < 5_000; i++) {
      long member = 1 + random.nextInt(400);
      if (random.nextInt(10) == 0) {
        writer.delete(member, ts + i);
      } else {
        writer.upsert(RealTimeWriter.score(member, random.nextDouble(), "v" + (i % 3)), ts + i);
      }
    }
    // Member 401: a verdict about newer activity, then one about older activity computed later (a late
    // pane, a replay): the newer one must stand. Member 402: the same activity judged twice; the later stands.
    writer.upsert(RealTimeWriter.score(401, 0.95, "newer").toBuilder().setEventTimeMs(90_000).build(), ts + 10_000);
    writer.upsert(RealTimeWriter.score(401, 0.10, "older").toBuilder().setEventTimeMs(30_000).build(), ts + 10_001);
    writer.upsert(RealTimeWriter.score(402, 0.10, "first").toBuilder().setEventTimeMs(90_000).build(), ts + 10_002);
    writer.upsert(RealTimeWriter.score(402, 0.95, "second").toBuilder().setEventTimeMs(90_000).build(), ts + 10_003);
    writer.malformed("not-a-member".getBytes(StandardCharsets.UTF_8), RealTimeWriter.score(5, 0.5, "v1").toByteArray(), ts);
    writer.malformed("6".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, 0x01, 0x02}, ts);
    writer.malformed("7".getBytes(StandardCharsets.UTF_8), RealTimeWriter.score(8, 0.5, "v1").toByteArray(), ts);
    writer.flush();
    server = StoreServer.start(StoreServer.Settings.defaults(temp.resolve("store"))
        .withBootstrapServers(kafka.bootstrapServers()).withPort(0));
    client = VigilStoreClient.connect("http://localhost:" + server.port());
    Store store = server.store(STORE);
    Await.until(() -> store.recordsConsumed() == writer.sent(), Duration.ofSeconds(60),
        () -> "all " + writer.sent() + " records consumed");
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (writer != null) {
      writer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyKeyReadsItsLatestValueAndDeletedKeysAreGone() {
    Map<Long, byte[]> expected = writer.expected();
    assertThat(expected).hasSizeGreaterThan(300);
    for (long member = 1; member <= 402; member++) {
      Lookup lookup = client.lookup(STORE, member);
      assertThat(lookup.servingVersion()).isEqualTo(1);
      byte[] want = expected.get(member);
      if (want == null) {
        assertThat(lookup.value()).as("member %d was deleted or never written", member).isEmpty();
      } else {
        assertThat(lookup.value()).as("member %d", member).contains(StoredValues.toApi(want));
      }
    }
  }

  @Test
  void aVerdictAboutOlderActivityNeverReplacesOneAboutNewerActivity() {
    assertThat(client.get(STORE, 401).orElseThrow().modelVersion()).isEqualTo("newer");
    assertThat(client.get(STORE, 402).orElseThrow().modelVersion()).isEqualTo("second");
    assertThat(server.store(STORE).ingestion().stats().stale.sum()).isEqualTo(1);
  }

  @Test
  void valuesCarryScoreActionReasonsModelVersionAndUpdatedAt() {
    long member = writer.expected().entrySet().stream()
        .filter(e -> StoredValues.score(e.getValue()).getReasonsCount() > 0).findFirst().orElseThrow().getKey();
    StoredScore value = client.get(STORE, member).orElseThrow();
    AbuseScore want = StoredValues.score(writer.expected().get(member));
    assertThat(value.score()).isEqualTo(want.getScore());
    assertThat(value.action()).isEqualTo(want.getAction().name()).isNotEqualTo("NONE");
    assertThat(value.reasons()).extracting(StoredScore.Reason::code).containsExactly("HIGH_RATE");
    assertThat(value.modelVersion()).isEqualTo(want.getModelVersion());
    assertThat(value.updatedAtMs()).isEqualTo(StoredValues.updatedAtMs(writer.expected().get(member)));
    assertThat(value.updatedAt()).startsWith("2023-11-14T");
  }

  @Test
  void batchGetReturnsPresentValuesFromOneVersionAndListsMissingKeys() {
    List<Long> keys = new ArrayList<>();
    for (long m = 1; m <= 402; m++) {
      keys.add(m);
    }
    keys.add(9_999_999L);
    BatchGetResponse response = client.batchGet(STORE, keys);
    assertThat(response.version()).isEqualTo(1);
    assertThat(response.values()).hasSize(writer.expected().size());
    writer.expected().forEach((member, bytes) ->
        assertThat(response.values().get(member.toString())).isEqualTo(StoredValues.toApi(bytes)));
    assertThat(response.missing()).contains("9999999").hasSize(keys.size() - writer.expected().size());
  }

  @Test
  void malformedRealTimeRecordsGoToTheDeadLetterTopicWithReasonAndBytes() throws Exception {
    List<DeadLetter> letters = TopicRecords.deadLetters(
        kafka.topics().awaitRecords(VigilTopics.DEAD_LETTER, r -> r.size() >= 3, Duration.ofSeconds(30)));
    assertThat(letters).extracting(DeadLetter::getReason)
        .containsExactlyInAnyOrder(DeadLetterReason.INVALID_FIELD, DeadLetterReason.UNPARSEABLE, DeadLetterReason.INVALID_FIELD);
    assertThat(letters).allSatisfy(l -> {
      assertThat(l.getSourceTopic()).isEqualTo(RT);
      assertThat(l.getRejectedBy()).isEqualTo("store/ingest");
      assertThat(l.getOriginalValue().isEmpty()).isFalse();
    });
    assertThat(letters).anySatisfy(l -> assertThat(l.getDetail()).contains("differs from the value's member_id 8"));
    assertThat(letters).anySatisfy(l -> assertThat(l.getOriginalKey().toStringUtf8()).isEqualTo("not-a-member"));
  }

  @Test
  void badRequestsGetFourHundredsWithAMessageAndNoStackTrace() throws Exception {
    assertProblem("GET", "/stores/abuse-scores/abc", null, 400, "member id 'abc' is not a 64-bit integer");
    assertProblem("GET", "/stores/abuse-scores/99999999999999999999999", null, 400, "not a 64-bit integer");
    assertProblem("GET", "/stores/no-such-store/1", null, 404, "no store named 'no-such-store'");
    assertProblem("GET", "/stores/abuse-scores/123456789", null, 404, "has no value for member 123456789");
    assertProblem("POST", "/stores/abuse-scores/batch-get", "{\"keys\": [1, 2", 400, "malformed JSON body");
    assertProblem("POST", "/stores/abuse-scores/batch-get", "{\"keys\": [\"1\", \"x\"]}", 400, "member id 'x'");
    assertProblem("POST", "/stores/abuse-scores/batch-get", "", 400, "request body is empty");
    assertProblem("DELETE", "/stores/abuse-scores/1", null, 405, "DELETE is not allowed");
    assertProblem("GET", "/nowhere", null, 404, "no such endpoint");
    assertProblem("POST", "/admin/stores/abuse-scores/rollback", "", 409, "no online version older than 1");
    assertProblem("POST", "/admin/stores/abuse-scores/push", "{\"input\": \"/does/not/exist\", \"cutoffMs\": 5}", 400,
        "does not exist");
    assertThatThrownBy(() -> client.get("no-such-store", 1)).isInstanceOf(StoreClientException.class)
        .hasMessageContaining("404").hasMessageContaining("no store named");
  }

  @Test
  void healthAndMetricsReportTheServingVersionAndIngestion() throws Exception {
    HttpResponse<String> health = raw("GET", "/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"", "\"servingVersion\":1", "\"ingestion\":\"RUNNING\"",
        "\"recordsConsumed\":" + writer.sent());
    client.get(STORE, 1);
    // The server records a request once its answer is out, so the client can read the answer before the record lands.
    String[] metricsBody = {""};
    Await.until(() -> (metricsBody[0] = raw("GET", "/metrics", null).body()).contains("vigil_store_request_latency_seconds{endpoint=\"get\""),
        Duration.ofSeconds(10), () -> "the get in /metrics:\n" + metricsBody[0]);
    HttpResponse<String> metrics = raw("GET", "/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("vigil_store_serving_version{store=\"abuse-scores\"} 1",
        "vigil_store_rt_rejected_total{store=\"abuse-scores\"} 3",
        "vigil_store_request_latency_seconds{endpoint=\"get\",quantile=\"0.99\"}",
        "vigil_store_requests_total{endpoint=\"get\",status=\"200\"}");
  }

  private void assertProblem(String method, String path, String body, int status, String message) throws Exception {
    HttpResponse<String> response = raw(method, path, body);
    assertThat(response.statusCode()).as(method + " " + path).isEqualTo(status);
    assertThat(response.body()).as(method + " " + path).contains("\"message\":").contains(message)
        .doesNotContain("\tat ", "Exception");
  }

  private HttpResponse<String> raw(String method, String path, String body) throws Exception {
    return RawHttp.send(method, "http://localhost:" + server.port() + path, body);
  }
}
