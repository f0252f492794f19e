package dev.vigil.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's smoke run of {@code ./vigil loadtest}: a broker, the store and both jobs in processes of their own, a few
 * seconds of traffic at a small rate. The report must be sane (what was sent was read, verdicts with latencies,
 * CPU and memory for every process, a row per abuse kind), its page must render with data in every chart, and
 * nothing the harness started may outlive it.
 */
@Tag("slow")
class LoadTestSmokeTest {
  private static final Pattern PID = Pattern.compile("pid (\\d+)");

  @TempDir
  Path dir;

  @Test
  void aShortRunWritesASaneReportThatRendersInABrowser() throws Exception {
    Path out = dir.resolve("report");
    LoadTestSettings settings = new LoadTestSettings(Duration.ofSeconds(12), 0, 400, "constant", 2, 1_000, 0.05, 0, 0,
        7, 0.01, out, null, null, 2, "[local]", 2, Duration.ofSeconds(240), Duration.ofSeconds(120), 2, List.of());

    LoadTestReport report = LoadTest.run(settings);

    assertThat(report.traffic().acknowledged()).isGreaterThan(3_000).isEqualTo(report.traffic().sent());
    assertThat(report.traffic().generatorBound()).isFalse();
    assertThat(report.run().notes()).noneMatch(n -> n.contains("had not drained"));
    LoadTestReport.Stage filter = stage(report, "filter");
    LoadTestReport.Stage model = stage(report, "model");
    // The measured stretch starts with the main traffic: the filter read all of it, and the model every partial.
    assertThat(filter.eventsIn()).isGreaterThanOrEqualTo(report.traffic().acknowledged());
    assertThat(model.eventsIn()).isGreaterThanOrEqualTo(filter.recordsOut()).isPositive();
    assertThat(model.recordsOut()).isPositive();
    for (LoadTestReport.Stage s : report.stages()) {
      assertThat(s.cpuSeconds()).as("CPU of %s", s.name()).isPositive();
      assertThat(s.peakRssBytes()).as("peak memory of %s", s.name()).isGreaterThan(32L << 20);
    }
    assertThat(report.stages()).extracting(LoadTestReport.Stage::name).containsExactly("generator", "broker", "filter", "model", "store");
    assertThat(report.latency().verdictRead().count()).isPositive();
    assertThat(report.latency().verdictRead().p50()).isPositive();
    assertThat(report.latency().verdictRead().p99()).isGreaterThanOrEqualTo(report.latency().verdictRead().p50());
    assertThat(report.latency().storeReadable().count()).isPositive();
    assertThat(report.detection().kinds()).extracting(LoadTestReport.KindQuality::kind)
        .containsExactly("scraper", "fake_account", "spammer", "account_takeover");
    assertThat(report.detection().kinds().stream().mapToLong(LoadTestReport.KindQuality::abusers).sum()).isPositive();
    assertThat(report.timeline().size()).isGreaterThanOrEqualTo(12);
    assertThat(report.projection().cores()).extracting(LoadTestReport.StageCores::stage).contains("filter", "model");

    JsonNode json = ReportFiles.mapper().readTree(out.resolve(ReportFiles.JSON).toFile());
    assertThat(json.path("traffic").path("acknowledged").asLong()).isEqualTo(report.traffic().acknowledged());

    String dom = HeadlessChromium.dumpDom(out.resolve(ReportFiles.HTML), dir);
    assertThat(dom).contains("data-rendered=\"true\"");
    assertThat(ReportPageTest.chartPoints(dom)).hasSize(5).allMatch(points -> points > 0);

    for (LoadTestReport.Stage s : report.stages()) {
      Matcher m = PID.matcher(s.process());
      if (m.find() && !s.name().equals("generator")) {
        long pid = Long.parseLong(m.group(1));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("%s process %d after the run", s.name(), pid)
            .isNotEqualTo(java.util.Optional.of(true));
      }
    }
  }

  private static LoadTestReport.Stage stage(LoadTestReport report, String name) {
    return report.stages().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
