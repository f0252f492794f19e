package dev.vigil.replay.spark;

import static dev.vigil.testsupport.archive.ArchiveFixtures.SAMPLE_SPAN_MS;
import static dev.vigil.testsupport.archive.ArchiveFixtures.SAMPLE_START_MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.replay.ArchiveSelection;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.replay.ReplayPeriod;
import dev.vigil.replay.ReplaySummary;
import dev.vigil.schemas.JsonLines;
import dev.vigil.testsupport.archive.ArchiveFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay on Beam's Spark runner (local[2]) against DirectRunner over one archive: the same verdicts, line by line. */
class SparkReplayTest {
  @Test
  void sparkRunnerLabelsExactlyAsDirectRunner(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("archive");
    ArchiveFixtures.write(ArchiveFixtures.sampleRecords(), root, 2);
    ReplayPeriod period = new ReplayPeriod(SAMPLE_START_MS, SAMPLE_START_MS + SAMPLE_SPAN_MS);
    Path direct = dir.resolve("direct");
    ReplaySummary onDirect = ReplayLabel.run(ReplayLabel.options(List.of("--runner=DirectRunner"), null, direct),
        ArchiveSelection.of(root, period), direct, null);
    Path spark = dir.resolve("spark");
    ReplaySummary onSpark = ReplayLabel.run(ReplayLabel.options(List.of("--runner=SparkRunner", "--sparkMaster=local[2]"), null, spark),
        ArchiveSelection.of(root, period), spark, null);
    assertThat(verdictLines(spark)).isEqualTo(verdictLines(direct));
    assertThat(onSpark.flaggedByAction()).isEqualTo(onDirect.flaggedByAction());
  }

  /** Every verdict line without its processing time, sorted. */
  private static List<String> verdictLines(Path out) {
    List<String> lines = new ArrayList<>();
    ReplayLabel.forEachVerdict(out, v -> lines.add(JsonLines.print(v.toBuilder().clearProcessingTimeMs().build())));
    Collections.sort(lines);
    return lines;
  }
}
