package dev.vigil.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.VigilTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./vigil loadtest --bootstrap-servers ... --kafka-properties-file F} against a cluster that takes only SASL/PLAIN
 * clients: the generator, both jobs, the store and the harness's own tails and lag readers all connect with the file's
 * credentials, so verdicts flow end to end and reach the store; the password is in no file the run writes.
 */
@Tag("slow")
class LoadTestSaslTest {
  private static final String USER = "vigil_loadtest";
  private static final String PASSWORD = "sasl-pw-5b0d2e94";

  @TempDir
  Path dir;

  @Test
  void everyClientOfTheRunConnectsThroughTheFilesCredentialsAndThePasswordIsWrittenNowhere() throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().saslPlainUser(USER, PASSWORD).build().start()) {
      kafka.topics().create(VigilTopics.DEFAULTS, 2);
      Path properties = EmbeddedKafkaBroker.writeSaslClientProperties(dir.resolve("client.properties"), USER, PASSWORD);
      Path out = dir.resolve("report");
      LoadTestSettings settings = new LoadTestSettings(Duration.ofSeconds(8), 0, 300, "constant", 2, 500, 0.05, 0, 0,
          11, 0, out, kafka.bootstrapServers(), properties, 2, "[local]", 2, Duration.ofSeconds(240), Duration.ofSeconds(120), 2,
          List.of());

      LoadTestReport report = LoadTest.run(settings);

      assertThat(report.traffic().acknowledged()).as("generator").isPositive().isEqualTo(report.traffic().sent());
      assertThat(stage(report, "filter").eventsIn()).as("filter job").isGreaterThanOrEqualTo(report.traffic().acknowledged());
      assertThat(stage(report, "model").recordsOut()).as("model job").isPositive();
      assertThat(report.latency().verdictRead().count()).as("the harness's verdict tail").isPositive();
      assertThat(report.latency().storeReadable().count()).as("the store's ingestion").isPositive();
      assertThat(report.timeline()).as("consumer lag read through the admin client").anySatisfy(s -> {
        assertThat(s.filterLag()).isNotNull();
        assertThat(s.modelLag()).isNotNull();
      });
      try (Stream<Path> files = Files.walk(out)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (Files.size(f) < 64 << 20) {
            assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("%s", f).doesNotContain(PASSWORD);
          }
        }
      }
    }
  }

  private static LoadTestReport.Stage stage(LoadTestReport report, String name) {
    return report.stages().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
