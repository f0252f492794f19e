package dev.vigil.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.archive.ArchiveFiles;
import dev.vigil.archive.ArchiveLayout;
import dev.vigil.archive.ArchiveManifest;
import dev.vigil.schemas.JsonLines;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.RawRecord;
import dev.vigil.testsupport.archive.ArchiveFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's contract on DirectRunner, then a replay over it. */
class ArchiveAndReplayTest {
  private static final long START = ArchiveFixtures.SAMPLE_START_MS;
  private static final long SPAN = ArchiveFixtures.SAMPLE_SPAN_MS;
  private static final int MEMBERS = ArchiveFixtures.SAMPLE_MEMBERS;
  /** Two files per hour, as the archiving job at parallelism 2 writes them. */
  private static final int SHARDS = 2;

  @Test
  void eachHoursFilesHoldExactlyTheOffsetsItsManifestsName(@TempDir Path dir) throws Exception {
    List<TimestampedValue<RawRecord>> records = ArchiveFixtures.sampleRecords();
    Path root = dir.resolve("archive");
    ArchiveFixtures.write(records, root, SHARDS);

    Map<Long, Set<String>> expectedByHour = new HashMap<>();
    for (TimestampedValue<RawRecord> r : records) {
      expectedByHour.computeIfAbsent(ArchiveLayout.hourStart(r.getTimestamp().getMillis()), h -> new HashSet<>())
          .add(r.getValue().getPartition() + "@" + r.getValue().getOffset());
    }
    assertThat(expectedByHour).hasSize(3);
    for (Map.Entry<Long, Set<String>> hour : expectedByHour.entrySet()) {
      List<Path> manifests = ArchiveLayout.manifests(root, hour.getKey(), hour.getKey() + 1);
      assertThat(manifests).as("manifests of %s", ArchiveLayout.hourFolder(hour.getKey())).isNotEmpty();
      Set<String> named = new HashSet<>();
      Set<String> held = new HashSet<>();
      for (Path m : manifests) {
        ArchiveManifest manifest = ArchiveManifest.read(m);
        assertThat(manifest.hourStartMs()).isEqualTo(hour.getKey());
        for (int partition = 0; partition < 2; partition++) {
          for (long offset : manifest.offsetsOf("raw-" + partition)) {
            assertThat(named.add(partition + "@" + offset)).as("offset named once").isTrue();
          }
        }
        Set<String> inFile = new HashSet<>();
        ArchiveFiles.read(m.resolveSibling(manifest.file()), r -> {
          inFile.add(r.raw().getPartition() + "@" + r.raw().getOffset());
          assertThat(ArchiveLayout.hourStart(r.eventTimeMs())).isEqualTo(hour.getKey());
        });
        assertThat(inFile).hasSize((int) manifest.records());
        held.addAll(inFile);
      }
      assertThat(named).as("offsets the manifests name").isEqualTo(hour.getValue());
      assertThat(held).as("offsets the files hold").isEqualTo(hour.getValue());
    }
  }

  @Test
  void replayLabelsEveryMemberAndReportsBadRecordsAndBadFiles(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("archive");
    ArchiveFixtures.write(ArchiveFixtures.sampleRecords(), root, SHARDS);
    // A corrupt data file with a manifest, as after a disk error: reported, the rest of the archive still replays.
    Path hour = root.resolve(ArchiveLayout.hourFolder(START + ArchiveLayout.HOUR_MS));
    Files.write(hour.resolve("part-00009-00000-of-00001.parquet"), "corrupt".getBytes(StandardCharsets.UTF_8));
    Files.write(hour.resolve("part-00009-00000-of-00001.manifest.json"), new ArchiveManifest("vigil-archive-v1",
        "part-00009-00000-of-00001.parquet", START + ArchiveLayout.HOUR_MS, 1, START + ArchiveLayout.HOUR_MS,
        START + ArchiveLayout.HOUR_MS, Map.of("raw-0", List.of(new long[] {99_999, 99_999})), 0).toJson());

    ReplayPeriod period = new ReplayPeriod(START, START + SPAN);
    Path out = dir.resolve("labels");
    ReplaySummary summary = ReplayLabel.run(ReplayLabel.options(List.of("--runner=DirectRunner"), null, out),
        ArchiveSelection.of(root, period), out, null);

    assertThat(summary.members()).isEqualTo(MEMBERS);
    assertThat(Files.exists(out.resolve("summary.json"))).isTrue();
    List<DeadLetter> deadLetters = new ArrayList<>();
    try (Stream<Path> files = Files.walk(out.resolve(ReplayLabel.DEAD_LETTERS))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
        for (String line : Files.readAllLines(f)) {
          deadLetters.add(JsonLines.parse(line, DeadLetter.newBuilder()).build());
        }
      }
    }
    assertThat(deadLetters).extracting(DeadLetter::getReason)
        .containsExactlyInAnyOrder(DeadLetterReason.UNPARSEABLE, DeadLetterReason.MALFORMED_ARCHIVE);
    DeadLetter garbage = deadLetters.stream().filter(d -> d.getReason() == DeadLetterReason.UNPARSEABLE).findFirst().orElseThrow();
    assertThat(garbage.getSourceTopic()).isEqualTo("raw");
    assertThat(garbage.getOriginalValue().toStringUtf8()).isEqualTo("garbage");
    DeadLetter badFile = deadLetters.stream().filter(d -> d.getReason() == DeadLetterReason.MALFORMED_ARCHIVE).findFirst().orElseThrow();
    assertThat(badFile.getDetail()).contains("part-00009-00000-of-00001.parquet");

    // The same replay again, compared with the first: nothing changes.
    Path again = dir.resolve("again");
    ReplaySummary second = ReplayLabel.run(ReplayLabel.options(List.of("--runner=DirectRunner"), null, again),
        ArchiveSelection.of(root, period), again, out);
    assertThat(second.changes()).isEmpty();
    assertThat(second.decisive()).isEqualTo(summary.decisive().entrySet().stream().collect(
        java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toBuilder().setProcessingTimeMs(
            second.decisive().get(e.getKey()).getProcessingTimeMs()).build())));
  }

  @Test
  void anHourArchivedTwiceByARestartedJobIsReplayedOnceAndABrokenManifestIsReportedNotFatal(@TempDir Path dir) throws Exception {
    Path once = dir.resolve("once");
    Path twice = dir.resolve("twice");
    ArchiveFixtures.write(ArchiveFixtures.sampleRecords(), once, SHARDS);
    ArchiveFixtures.write(ArchiveFixtures.sampleRecords(), twice, SHARDS);
    ArchiveFixtures.write(ArchiveFixtures.sampleRecords(), twice, SHARDS); // a fresh start re-reads what it had not committed: new file names, same offsets
    Path hour = twice.resolve(ArchiveLayout.hourFolder(START));
    Files.writeString(hour.resolve("part-1-00000-00000-of-00001.manifest.json"), "{\"format\":\"vigil-arch"); // cut short
    ReplayPeriod period = new ReplayPeriod(START, START + SPAN);

    ArchiveSelection selection = ArchiveSelection.of(twice, period);
    assertThat(selection.problems()).singleElement().asString().contains("part-1-00000-00000-of-00001.manifest.json");
    assertThat(selection.readUnits()).as("one unit per hour: every hour was archived twice").hasSize(3)
        .allSatisfy(unit -> assertThat(unit).hasSizeGreaterThan(1));

    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    ReplaySummary single = ReplayLabel.run(ReplayLabel.options(List.of("--runner=DirectRunner"), null, a), ArchiveSelection.of(once, period), a, null);
    ReplaySummary doubled = ReplayLabel.run(ReplayLabel.options(List.of("--runner=DirectRunner"), null, b), selection, b, null);
    assertThat(doubled.verdicts()).isEqualTo(single.verdicts());
    assertThat(ReplayLabel.readVerdicts(b).stream().map(v -> v.toBuilder().clearProcessingTimeMs().build()).collect(Collectors.toSet()))
        .isEqualTo(ReplayLabel.readVerdicts(a).stream().map(v -> v.toBuilder().clearProcessingTimeMs().build()).collect(Collectors.toSet()));

    List<String> published = new ArrayList<>();
    selection.forEachInEventTimeOrder(r -> published.add(r.raw().getPartition() + "@" + r.raw().getOffset()), e -> { });
    assertThat(published).doesNotHaveDuplicates().hasSize(ArchiveFixtures.sampleRecords().size());
  }

  @Test
  void theRunnerFlagIsReadAsBeamReadsIt() {
    assertThat(ReplayLabel.runner(List.of("--runner=FlinkRunner"))).isEqualTo("flink");
    assertThat(ReplayLabel.runner(List.of("--runner=spark"))).isEqualTo("spark");
    assertThat(ReplayLabel.runner(List.of("--runner=org.apache.beam.runners.spark.SparkRunner"))).isEqualTo("spark");
    assertThat(ReplayLabel.runner(List.of("--windows=1m/30s"))).isEmpty();
  }

  @Test
  void aPeriodWithNoArchiveSaysSoInOneLine(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("archive");
    ArchiveFixtures.write(ArchiveFixtures.sampleRecords(), root, SHARDS);
    assertThatThrownBy(() -> ArchiveSelection.of(root, ReplayPeriod.parse("2026-12-01T00:00:00Z", "2026-12-01T01:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no archived records in [2026-12-01T00:00:00Z, 2026-12-01T01:00:00Z) under " + root);
    assertThatThrownBy(() -> ReplayPeriod.parse("yesterday", "2026-12-01T01:00:00Z"))
        .hasMessage("--from 'yesterday' is not an ISO-8601 instant (e.g. 2026-11-30T14:00:00Z)");
  }
}
