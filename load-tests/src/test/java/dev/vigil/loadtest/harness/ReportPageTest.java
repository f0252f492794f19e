package dev.vigil.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report page in a real browser: it renders offline, and every chart draws the report's numbers. */
@org.junit.jupiter.api.Tag("slow") // needs Chromium (scripts/install-test-tools), which -Pquick does not ask for
class ReportPageTest {
  static final Pattern CHART = Pattern.compile("<svg[^>]*class=\"chart\"[^>]*data-points=\"(\\d+)\"");

  @TempDir
  Path dir;

  @Test
  void everyChartDrawsTheReportsData() throws Exception {
    String hostile = "</script><script>document.body.setAttribute('data-injected','yes')</script>";
    ReportFiles.write(report(6, hostile), dir);

    JsonNode json = ReportFiles.mapper().readTree(dir.resolve(ReportFiles.JSON).toFile());
    assertThat(json.path("traffic").path("achieved_rate").asDouble()).isEqualTo(990.0);
    assertThat(json.path("timeline")).hasSize(6);

    String dom = HeadlessChromium.dumpDom(dir.resolve(ReportFiles.HTML), dir);
    assertThat(dom).contains("data-rendered=\"true\"").doesNotContain("data-injected=\"yes\"");
    assertThat(chartPoints(dom)).containsExactly(
        6 * 5, // throughput: five series, a point per sample
        6 * 2, // lag
        6 * 2, // latency p50 and p99
        6 * 2, // CPU of the two processes
        2 * 2); // detection: recall and precision of two kinds
    assertThat(dom).contains("scraper").contains("account_takeover").contains("&lt;/script&gt;");
  }

  @Test
  void gapsInASeriesAreLeftOutNotDrawnAsZero() throws Exception {
    ReportFiles.write(report(4, "none"), dir);
    String dom = HeadlessChromium.dumpDom(dir.resolve(ReportFiles.HTML), dir);
    // The first sample has no latency (nothing read in that second): 3 of 4 points in each latency series.
    assertThat(chartPoints(dom).get(2)).isEqualTo(3 * 2);
  }

  static List<Integer> chartPoints(String dom) {
    List<Integer> points = new ArrayList<>();
    Matcher m = CHART.matcher(dom);
    while (m.find()) {
      points.add(Integer.parseInt(m.group(1)));
    }
    return points;
  }

  private static LoadTestReport report(int samples, String note) {
    List<LoadTestReport.Sample> timeline = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      Map<String, Double> cores = new LinkedHashMap<>(Map.of("filter", 0.5 + i / 10.0));
      cores.put("model", 0.4);
      Double latency = samples == 4 && i == 0 ? null : 800.0 + i;
      timeline.add(new LoadTestReport.Sample(i + 1, "traffic", 1000, 990, 120, 118, 118, 50L * i, 10L, latency,
          latency == null ? null : latency * 2, cores, Map.of("filter", 1L << 30, "model", 1L << 30)));
    }
    return new LoadTestReport(
        new LoadTestReport.Run("2026-12-02T03:00:00Z", samples, "abc1234", new LoadTestReport.Machine(2, 24L << 30, "Linux", "Java 17"),
            Map.of("rate", 1000), List.of(note)),
        new LoadTestReport.Traffic(6000, 5940, 5900, 10, 30, 1000, 990, 1012, 0, false, 2000, 160),
        List.of(new LoadTestReport.Stage("filter", "filter (pid 1)", "raw records", 5940, 700, 990, 3, 0.5, 1980, 1L << 30)),
        new LoadTestReport.Latency(10, new LoadTestReport.Percentiles(500, 800, 1200, 1900, 2500, 3000),
            new LoadTestReport.Percentiles(500, 700, 1100, 1800, 2400, 2900),
            new LoadTestReport.Percentiles(50, 900, 1300, 2000, 2600, 3100), 3, 0, 0),
        new LoadTestReport.Detection(List.of(
            new LoadTestReport.KindQuality("scraper", 10, 9, 8, 0, 0.9, 0.9, 12.0, 20.0, 15.0),
            new LoadTestReport.KindQuality("account_takeover", 4, 1, 0, 0, 0.5, 0.25, 40.0, 40.0, null)), 900, 1,
            Map.of("regular / HIGH_DISTINCT_IP_PREFIXES", 1L), 1180),
        timeline,
        new LoadTestReport.Projection(3_000_000, List.of(new LoadTestReport.StageCores("filter", 1980, 1515)), 1515, 4.8e8,
            300L, 9_000_000L, 0.02, 60_000, List.of("linear scaling")),
        List.of(new LoadTestReport.Goal("filter stage events per core-second", ">= 50,000", "1,980", false)));
  }
}
