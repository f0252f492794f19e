package dev.vigil.loadtest.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;

/** The microbenchmarks exist and run through the same runner as {@code ./vigil bench jmh}; no speeds asserted. */
class JmhBenchTest {

  /** {@code parse}: the benchmark whose set-up is cheapest (no user-agent classifier), so the fork starts fast. */
  @Test
  void oneBenchmarkRunsInAForkedJvmAndReportsAPositiveScore(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("jmh.json");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Collection<RunResult> results = JmhBench.run(
        new JmhBench.Settings("FilterBenchmarks\\.parse$", 1, 0, 1, "200ms", json, true),
        new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(results).hasSize(1);
    RunResult r = results.iterator().next();
    assertThat(r.getParams().getBenchmark()).isEqualTo(FilterBenchmarks.class.getName() + ".parse");
    assertThat(r.getPrimaryResult().getScore()).isPositive();
    assertThat(r.getPrimaryResult().getScoreUnit()).isEqualTo("ops/s");
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("FilterBenchmarks.parse").contains("ops/s");
    assertThat(Files.readString(json)).contains("\"benchmark\" : \"" + FilterBenchmarks.class.getName() + ".parse\"")
        .contains("primaryMetric");
  }

  @Test
  void everyHotPathHasAGeneratedBenchmark() throws Exception {
    String list;
    try (InputStream in = JmhBenchTest.class.getResourceAsStream("/META-INF/BenchmarkList")) {
      assertThat(in).as("META-INF/BenchmarkList: the JMH annotation processor ran").isNotNull();
      list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (String b : new String[] {"FilterBenchmarks_parse", "FilterBenchmarks_extract", "FilterBenchmarks_filter",
        "AggregateBenchmarks_add", "AggregateBenchmarks_merge", "AggregateBenchmarks_decodeAndMerge",
        "TileBenchmarks_timelineUpdate", "TileBenchmarks_windowFeatures", "ScoringBenchmarks_scoreBatch1_",
        "ScoringBenchmarks_scoreBatch64_", "ScoringBenchmarks_scoreBatch1024_"}) {
      assertThat(list).contains("jmh_generated." + b);
    }
  }

  @Test
  void forkedJvmsGetTheProjectsModuleFlags() {
    assertThat(JmhBench.forkJvmArgs()).contains("--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
  }

  @Test
  void badSettingsFailInOneLine() {
    assertThatThrownBy(() -> new JmhBench.Settings(".*", -1, 0, 1, "1s", null, true)).hasMessage("--forks must be >= 0, got -1");
    assertThatThrownBy(() -> new JmhBench.Settings(".*", 1, 0, 0, "1s", null, true)).hasMessage("--iterations must be >= 1, got 0");
    assertThatThrownBy(() -> new JmhBench.Settings(".*", 1, 0, 1, "soon", null, true))
        .hasMessage("--time must be a duration such as 1s, 500ms or 2min, got 'soon'");
    assertThatThrownBy(() -> JmhBench.run(new JmhBench.Settings("NoSuchBenchmark", 0, 0, 1, "100ms", null, true), System.out))
        .hasMessageContaining("NoSuchBenchmark");
  }
}
