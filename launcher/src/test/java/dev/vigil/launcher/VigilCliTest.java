package dev.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class VigilCliTest {
  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private String stdout() {
    return console.stdout();
  }

  private String stderr() {
    return console.stderr();
  }

  @Test
  void helpListsSubcommands() {
    assertThat(VigilCli.execute("--help")).isZero();
    assertThat(stdout()).contains("kafka", "produce", "filter", "demo");
  }

  @Test
  void storeSubcommandsValidateTheirArgumentsInOneLine() {
    assertThat(VigilCli.execute("store", "serve", "--port", "0")).isEqualTo(2);
    assertThat(stderr()).contains("Missing required option: '--data-dir=<dataDir>'");
    assertThat(VigilCli.execute("store", "push", "abuse-scores", "--input", "/tmp", "--cutoff", "yesterday")).isEqualTo(2);
    assertThat(stderr()).contains("--cutoff 'yesterday' is neither ISO-8601");
    assertThat(VigilCli.execute("store", "get", "abuse-scores", "12x")).isEqualTo(2);
    assertThat(stderr()).contains("member id '12x' is not a 64-bit integer");
    assertThat(VigilCli.execute("store", "versions", "abuse-scores", "--server", "localhost:8080")).isEqualTo(2);
    assertThat(stderr()).contains("--server must look like http://host:port");
    assertThat(VigilCli.execute("store", "serve", "--data-dir", "/tmp/x", "--rewind", "soon")).isEqualTo(2);
    assertThat(stderr()).contains("'soon' is not a duration");
    assertThat(stderr()).doesNotContain("\tat ");
  }

  @Test
  void storeClientCommandsSayInOneLineWhenNoServerAnswers() {
    assertThat(VigilCli.execute("store", "versions", "abuse-scores", "--server", "http://localhost:1")).isEqualTo(1);
    assertThat(stderr()).contains("vigil store versions: store server http://localhost:1 unreachable").doesNotContain("\tat ");
  }

  @Test
  void flinkJobsAndStatusSayInOneLineWhatIsWrong(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    assertThat(VigilCli.execute("status", "--flink-master", "127.0.0.1:1")).isEqualTo(1);
    assertThat(stderr()).contains("vigil status: no Flink REST API answers at 127.0.0.1:1");
    assertThat(VigilCli.execute("jobs", "stop", "vigil-model", "--savepoint", dir.toString(), "--flink-master", "127.0.0.1:1")).isEqualTo(1);
    assertThat(stderr()).contains("vigil jobs stop: no Flink REST API answers at 127.0.0.1:1");
    assertThat(VigilCli.execute("jobs", "stop", "vigil-model")).isEqualTo(2);
    assertThat(stderr()).contains("Missing required option: '--savepoint=DIR'");
    assertThat(VigilCli.execute("flink", "start", "--slots", "0", "--dir", dir.toString())).isEqualTo(2);
    assertThat(stderr()).contains("vigil flink start: --slots must be 1..64, got 0");
    assertThat(VigilCli.execute("flink", "start", "--taskmanager-memory", "lots", "--dir", dir.toString())).isEqualTo(2);
    assertThat(stderr()).contains("--taskmanager-memory must look like 2048m or 2g");
    assertThat(VigilCli.execute("flink", "stop", "--dir", dir.toString())).isZero();
    assertThat(stdout()).contains("No Flink session cluster runs from");
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(VigilCli.execute("flink", "start", "--port", Integer.toString(taken.getLocalPort()), "--dir", dir.toString())).isEqualTo(1);
      assertThat(stderr()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use");
    }
    assertThat(stderr()).doesNotContain("\tat ");
  }

  @Test
  void filterHelpListsBeamOptions() {
    assertThat(VigilCli.execute("filter", "--help")).isZero();
    assertThat(stdout()).contains("--inputTopic", "--rulesFile", "--bootstrapServers", "--windowSeconds");
  }

  @Test
  void badFlagsGiveOneLineErrorAndExitTwo() {
    assertThat(VigilCli.execute("produce", "--members", "0")).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil produce: --members must be >= 1, got 0");
  }

  @Test
  void benchJmhChecksItsFlagsInOneLine() {
    assertThat(VigilCli.execute("bench", "jmh", "--forks", "-1")).isEqualTo(2);
    assertThat(VigilCli.execute("bench", "jmh", "--iterations", "0")).isEqualTo(2);
    assertThat(VigilCli.execute("bench", "jmh", "--time", "soon")).isEqualTo(2);
    assertThat(VigilCli.execute("bench", "jmh", "--include", "NoSuchBenchmark", "--forks", "0")).isEqualTo(2);
    assertThat(stderr().strip().lines()).containsExactly(
        "vigil bench jmh: --forks must be >= 0, got -1",
        "vigil bench jmh: --iterations must be >= 1, got 0",
        "vigil bench jmh: --time must be a duration such as 1s, 500ms or 2min, got 'soon'",
        "vigil bench jmh: no benchmark of dev.vigil.loadtest.jmh matches --include NoSuchBenchmark");
  }

  @Test
  void loadtestChecksItsFlagsInOneLineBeforeStartingAnything(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Files.writeString(dir.resolve("earlier-run.txt"), "x");
    assertThat(VigilCli.execute("loadtest", "--shape", "wobble")).isEqualTo(2);
    assertThat(VigilCli.execute("loadtest", "--hot-members", "5")).isEqualTo(2);
    assertThat(VigilCli.execute("loadtest", "--producer-threads", "0")).isEqualTo(2);
    assertThat(VigilCli.execute("loadtest", "--job-flag=checkpointingInterval=1")).isEqualTo(2);
    assertThat(VigilCli.execute("loadtest", "--out", dir.toString())).isEqualTo(2);
    assertThat(VigilCli.execute("loadtest", "--kafka-properties-file", dir.resolve("earlier-run.txt").toString())).isEqualTo(2);
    assertThat(stderr().strip().lines()).containsExactly(
        "vigil loadtest: --shape: unknown rate shape 'wobble': expected constant, ramp or spike",
        "vigil loadtest: --hot-members, --hot-member-share: 5 hot members need a hot member share > 0",
        "vigil loadtest: --producer-threads must be >= 1, got 0",
        "vigil loadtest: --job-flag takes a Beam flag such as --checkpointingInterval=-1, got 'checkpointingInterval=1'",
        "vigil loadtest: --out " + dir + " is not empty: a run writes its broker, store and report there; give a new directory",
        "vigil loadtest: --kafka-properties-file is for a cluster given with --bootstrap-servers; the broker started here takes plain clients");
  }

  @Test
  void unknownOptionIsReported() {
    assertThat(VigilCli.execute("kafka", "--prot", "1")).isEqualTo(2);
    assertThat(stderr()).contains("Unknown options: '--prot'");
  }

  @Test
  void filterRejectsInvalidBeamFlagsInOneLine() {
    assertThat(VigilCli.execute("filter", "--windowSeconds=0")).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil filter: --windowSeconds must be >= 1, got 0");
  }

  @Test
  void filterRejectsBrokenRulesFileBeforeStarting() {
    assertThat(VigilCli.execute("filter", "--rulesFile=/nonexistent/rules.yaml")).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil filter: rules file /nonexistent/rules.yaml does not exist");
  }

  @Test
  void modelHelpAndOneLineErrors() {
    assertThat(VigilCli.execute("model", "--help")).isZero();
    assertThat(stdout()).contains("--modelDir", "--windows", "--scoresTopic", "--storeTopic", "--offlineOutput");
    assertThat(VigilCli.execute("model", "--windows=10m/3m")).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil model: window length 10m is not a multiple of its period 3m");
  }

  @Test
  void trainHelpListsItsOptions() {
    assertThat(VigilCli.execute("train", "--help")).isZero();
    assertThat(stdout()).contains("--out", "--version", "--windows", "--eval-seed");
  }

  @Test
  void trainRejectsAnOccupiedBundleDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("manifest.json"), "{}");
    assertThat(VigilCli.execute("train", "--out", dir.toString())).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil train: --out " + dir + " already holds a bundle; choose a new directory");
  }

  @Test
  void replayCommandsSayInOneLineWhatIsWrong(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    assertThat(VigilCli.execute("replay", "label", "--from", "yesterday", "--to", "2026-12-01T00:00:00Z", "--out", dir.resolve("o").toString(),
        "--archive", dir.toString())).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil replay label: --from 'yesterday' is not an ISO-8601 instant (e.g. 2026-11-30T14:00:00Z)");
    console.resetStderr();
    assertThat(VigilCli.execute("replay", "label", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-01T01:00:00Z", "--out",
        dir.resolve("o").toString(), "--archive", dir.toString())).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil replay label: no archived records in [2026-12-01T00:00:00Z, 2026-12-01T01:00:00Z) under " + dir);
    console.resetStderr();
    assertThat(VigilCli.execute("replay", "publish", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-01T01:00:00Z", "--speed", "fast",
        "--archive", dir.toString())).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil replay publish: --speed must be a positive multiple like 10x, or max; got 'fast'");
    console.resetStderr();
    assertThat(VigilCli.execute("replay", "backfill", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-01T00:00:00Z", "--store",
        "abuse-scores", "--archive", dir.toString())).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil replay backfill: --to 2026-12-01T00:00:00Z must be after --from 2026-12-01T00:00:00Z");
    console.resetStderr();
    assertThat(VigilCli.execute("train", "--out", dir.resolve("b").toString(), "--archive", dir.toString())).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil train: --archive needs --from, --to and at least one --labels file");
  }

  @Test
  void startupFailuresAreOneLineWithinSeconds(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("localhost"))) {
      assertThat(VigilCli.execute("kafka", "--port", Integer.toString(taken.getLocalPort()), "--data-dir", dir.resolve("k").toString()))
          .isEqualTo(2);
      assertThat(stderr().strip()).startsWith("vigil kafka: --port " + taken.getLocalPort() + " is in use").doesNotContain("\n");
    }
    console.resetStderr();
    long t0 = System.nanoTime();
    assertThat(VigilCli.execute("produce", "--bootstrapServers=localhost:1", "--count", "2")).isEqualTo(2);
    assertThat(stderr().strip()).startsWith("vigil produce: no Kafka broker answered at localhost:1 within 5 s").doesNotContain("\n");
    assertThat((System.nanoTime() - t0) / 1_000_000_000).as("seconds until the failure is reported").isLessThan(30);
    console.resetStderr();
    t0 = System.nanoTime();
    // A probe of a broker that is not there takes up to 3.5 s (Kafka's own timeouts): 8 s see two or three of them.
    assertThat(VigilCli.execute("filter", "--bootstrapServers=localhost:1", "--awaitDependenciesSeconds=8")).isEqualTo(1);
    assertThat(stderr().strip()).startsWith("vigil filter: Kafka at localhost:1 did not answer within 8 s: ").doesNotContain("\n");
    assertThat(stdout()).contains("waiting for Kafka at localhost:1: ");
    assertThat((System.nanoTime() - t0) / 1_000_000_000).as("seconds until the failure is reported").isLessThan(30);
    console.resetStderr();
    assertThat(VigilCli.execute("train", "--out", "/proc/vigil-bundle")).isEqualTo(2);
    assertThat(stderr().strip()).startsWith("vigil train: --out /proc/vigil-bundle cannot be created").doesNotContain("\n");
    console.resetStderr();
    assertThat(VigilCli.execute("model", "--modelDir=" + dir)).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil model: --modelDir " + dir + " holds no model bundle (no manifest.json in it or in a sub-directory)");
    console.resetStderr();
    assertThat(VigilCli.execute("store", "serve", "--data-dir", "/proc/vigil-store")).isEqualTo(2);
    assertThat(stderr().strip()).startsWith("vigil store serve: --data-dir /proc/vigil-store cannot be created").doesNotContain("\n");
  }

  @Test
  @Tag("slow")
  void demoRunsBothPipelinesAccountsForEveryEventAndReportsDetections() {
    int code = VigilCli.execute("demo", "--runner=DirectRunner", "--seconds=20", "--rate=400", "--members=200",
        "--abusive-fraction=0.05", "--drain-seconds=20", "--timeout-seconds=120");
    assertThat(code).as(stdout()).isZero();
    assertThat(stdout()).contains("Records per topic", "vigil.activity.filtered", "vigil.scores", "Reduction:",
        "Dead letters by reason", "UNPARSEABLE", "Detection (model vigil-abuse:1", "reasons (highest score)");
    assertThat(stdout()).containsPattern("Events accounted for in partials: ([\\d,]+) of \\1 valid");
    // at least one abuser was flagged, with a time to detection
    assertThat(stdout()).containsPattern("Abusers flagged: [1-9]\\d* of \\d+");
    assertThat(stdout()).containsPattern("\\d+\\.\\d s +(CHALLENGE|RESTRICT|BLOCK)");
  }

  @Test
  void demoRejectsBadFlagsInOneLine() {
    assertThat(VigilCli.execute("demo", "--windows=10m")).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil demo: window '10m' must be LENGTH/PERIOD, e.g. 10m/1m");
  }
}
