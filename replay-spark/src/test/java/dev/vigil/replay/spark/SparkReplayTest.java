package dev.vigil.replay.spark;

import static dev.vigil.replay.ArchiveAndReplayTest.SPAN;
import static dev.vigil.replay.ArchiveAndReplayTest.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.replay.ArchiveAndReplayTest;
import dev.vigil.replay.ArchiveSelection;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.replay.ReplayPeriod;
import dev.vigil.replay.ReplaySummary;
import dev.vigil.schemas.JsonLines;
import dev.vigil.schemas.v1.AbuseScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay on Beam's Spark runner (local[2]) against DirectRunner over one archive: the same verdicts, line by line. */
class SparkReplayTest {
  @Test
  void sparkRunnerLabelsExactlyAsDirectRunner(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("archive");
    ArchiveAndReplayTest.archive(ArchiveAndReplayTest.rawRecords(), root);
    ReplayPeriod period = new ReplayPeriod(START, START + SPAN);
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
  private static List<String> verdictLines(Path out) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.walk(out.resolve(ReplayLabel.VERDICTS))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
        for (String line : Files.readAllLines(f)) {
          lines.add(JsonLines.print(JsonLines.parse(line, AbuseScore.newBuilder()).clearProcessingTimeMs().build()));
        }
      }
    }
    Collections.sort(lines);
    return lines;
  }

}
