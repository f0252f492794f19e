package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.store.client.AdminToken;
import dev.vigil.store.client.PushRequest;
import dev.vigil.store.client.PushStatus;
import dev.vigil.store.client.StoreClientException;
import dev.vigil.store.client.VersionInfo;
import dev.vigil.store.client.VigilStoreClient;
import dev.vigil.store.http.AdminAccess;
import dev.vigil.store.push.PushInputs;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Who may call the admin endpoints, and what a push may read. Real broker, RocksDB and HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreAdminAccessTest {
  private static final String STORE = "abuse-scores";
  private static final String TOKEN = "0123456789abcdef-test-token";
  private static final long CUTOFF = 1_763_800_000_000L;

  private EmbeddedKafkaBroker kafka;

  @BeforeAll
  void startKafka(@TempDir Path temp) {
    kafka = EmbeddedKafkaBroker.builder().dataDir(temp.resolve("kafka")).build().start();
    kafka.topics().create(List.of(StoreConfig.realTimeTopicOf(STORE)), 2);
  }

  @AfterAll
  void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private StoreServer start(Path temp, AdminAccess admin, PushInputs pushInputs) {
    return StoreServer.start(StoreServer.Settings.defaults(temp.resolve("store")).withBootstrapServers(kafka.bootstrapServers())
        .withPort(0).withAdmin(admin).withPushInputs(pushInputs));
  }

  @Test
  void adminEndpointsAnswer401WithoutTheTokenAndServeClientsThatSendIt(@TempDir Path temp) throws Exception {
    Path pushDir = Files.createDirectories(temp.resolve("push"));
    Path input = PushDatasets.write(pushDir.resolve("day-1"), "part-0.jsonl", List.of(RealTimeWriter.score(7, 0.95, "batch")));
    Path tokenFile = Files.writeString(temp.resolve("admin.token"), TOKEN + "\n");
    try (StoreServer server = start(temp, AdminAccess.token(AdminToken.fromFile(tokenFile)), PushInputs.under(List.of(pushDir)))) {
      String url = "http://localhost:" + server.port();
      String rollback = url + "/admin/stores/" + STORE + "/rollback";

      HttpResponse<String> none = RawHttp.send("POST", rollback, "");
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(none.body()).contains("\"error\":\"unauthorized\"", "Authorization: Bearer <token>", "--admin-token-file");
      HttpResponse<String> wrong = RawHttp.send("POST", rollback, "", "Authorization", "Bearer 0123456789abcdef-wrong-token");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("does not match").doesNotContain(TOKEN);
      assertThat(RawHttp.send("GET", url + "/admin/stores/" + STORE + "/versions", null, "Authorization", "Basic " + TOKEN).statusCode())
          .isEqualTo(401);
      assertThat(RawHttp.send("POST", url + "/admin/stores/" + STORE + "/push",
          "{\"input\": \"" + input + "\", \"cutoffMs\": " + CUTOFF + "}").statusCode()).isEqualTo(401);
      assertThat(server.store(STORE).versions()).as("a refused push starts nothing").hasSize(1);

      // Reads never need the token.
      assertThat(RawHttp.send("GET", url + "/stores/" + STORE + "/7", null).statusCode()).isEqualTo(404);
      assertThat(RawHttp.send("GET", url + "/health", null).statusCode()).isEqualTo(200);
      assertThat(RawHttp.send("GET", url + "/metrics", null).statusCode()).isEqualTo(200);

      VigilStoreClient anonymous = VigilStoreClient.connect(url);
      assertThatThrownBy(() -> anonymous.versions(STORE)).isInstanceOf(StoreClientException.class)
          .satisfies(e -> assertThat(((StoreClientException) e).status()).isEqualTo(401));
      VigilStoreClient admin = anonymous.withAdminToken(AdminToken.resolve(null, Map.of(AdminToken.ENV, TOKEN)).orElseThrow());
      PushStatus pushed = StorePushTest.pushAndWait(admin, new PushRequest(input.toString(), CUTOFF));
      assertThat(pushed.phase()).isEqualTo("ONLINE");
      assertThat(admin.get(STORE, 7)).hasValueSatisfying(v -> assertThat(v.modelVersion()).isEqualTo("batch"));

      // The CLI sends the token of --admin-token-file; without one it fails in one line.
      CliRun cli = CliRun.of("rollback", STORE, "--server", url, "--admin-token-file", tokenFile.toString());
      assertThat(cli.code()).as(cli.err()).isZero();
      assertThat(cli.out()).contains("version 1 serves again");
      cli = CliRun.of("versions", STORE, "--server", url);
      assertThat(cli.code()).isEqualTo(1);
      assertThat(cli.err().strip()).startsWith("vigil store versions: HTTP 401: admin endpoints need").doesNotContain("\n");
      cli = CliRun.of("versions", STORE, "--server", url, "--admin-token-file", temp.resolve("missing.token").toString());
      assertThat(cli.code()).isEqualTo(2);
      assertThat(cli.err().strip()).isEqualTo("vigil store versions: admin token file " + temp.resolve("missing.token") + " does not exist");
      assertThat(admin.versions(STORE)).extracting(VersionInfo::number, VersionInfo::serving)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(2, false), org.assertj.core.groups.Tuple.tuple(1, true));
    }
  }

  @Test
  void withoutAConfiguredTokenAdminEndpointsAnswer403SayingHowToConfigureOne(@TempDir Path temp) throws Exception {
    try (StoreServer server = start(temp, AdminAccess.refused(), PushInputs.under(List.of(temp)))) {
      String url = "http://localhost:" + server.port();
      for (HttpResponse<String> response : List.of(
          RawHttp.send("POST", url + "/admin/stores/" + STORE + "/rollback", ""),
          RawHttp.send("GET", url + "/admin/stores/" + STORE + "/versions", null, "Authorization", "Bearer " + TOKEN))) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"error\":\"admin_disabled\"", "--admin-token-file", AdminToken.ENV);
      }
      assertThat(RawHttp.send("GET", url + "/stores/" + STORE + "/7", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void pushesReadOnlyInsideThePushDirectoriesAndTheirErrorsNeverEchoFileContent(@TempDir Path temp) throws Exception {
    Path pushDir = Files.createDirectories(temp.resolve("push"));
    Path outside = Files.createDirectories(temp.resolve("outside"));
    Path secret = Files.writeString(outside.resolve("secret.jsonl"), "s3cret-line-one\n");
    Files.createSymbolicLink(pushDir.resolve("link.jsonl"), secret);
    Files.createSymbolicLink(pushDir.resolve("escape"), outside);
    Path linked = Files.createDirectories(pushDir.resolve("linked"));
    Files.createSymbolicLink(linked.resolve("part-0.jsonl"), secret);
    Path bad = Files.createDirectories(pushDir.resolve("bad"));
    Files.writeString(bad.resolve("part-0.jsonl"), "root:x:0:0:s3cret-gecos:/root:/bin/bash\n");
    try (StoreServer server = start(temp, AdminAccess.token(AdminToken.of(TOKEN, "test")), PushInputs.under(List.of(pushDir)));
         VigilStoreClient client = VigilStoreClient.connect("http://localhost:" + server.port())
             .withAdminToken(AdminToken.of(TOKEN, "test"))) {
      assertRefused(client, "/etc/passwd", "is outside the server's push directories [" + pushDir.toRealPath() + "]");
      assertRefused(client, secret.toString(), "is outside the server's push directories");
      assertRefused(client, pushDir + "/../outside/secret.jsonl", "is outside the server's push directories");
      assertRefused(client, "outside/secret.jsonl", "must be an absolute path");
      assertRefused(client, pushDir.resolve("link.jsonl").toString(), "is a symbolic link leading outside the push directories");
      assertRefused(client, pushDir.resolve("escape").toString(), "is a symbolic link leading outside the push directories");
      assertRefused(client, linked.toString(), "part-0.jsonl is a symbolic link leading outside the push directories");
      assertRefused(client, pushDir.resolve("nothing-here").toString(), "does not exist");
      assertThat(server.store(STORE).versions()).as("no refused push started a version").hasSize(1);

      // Inside the push directories, a file that is not push input fails with file, line and what is wrong.
      PushStatus failed = StorePushTest.pushAndWait(client, new PushRequest(bad.toString(), CUTOFF));
      assertThat(failed.phase()).isEqualTo("FAILED");
      assertThat(failed.error()).startsWith(bad.toRealPath().resolve("part-0.jsonl") + ":1: not JSON (syntax error at column")
          .doesNotContain("s3cret", "root:x", "/bin/bash");
      assertThat(server.store(STORE).servingVersion()).isEqualTo(1);
    }
  }

  private static void assertRefused(VigilStoreClient client, String input, String why) {
    assertThatThrownBy(() -> client.push(STORE, new PushRequest(input, CUTOFF))).isInstanceOf(StoreClientException.class)
        .hasMessageContaining("HTTP 400").hasMessageContaining(why).hasMessageNotContaining("s3cret").hasMessageNotContaining("root:x");
  }
}
