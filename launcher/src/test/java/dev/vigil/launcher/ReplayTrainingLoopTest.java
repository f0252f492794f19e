package dev.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.archive.ArchiveLayout;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.replay.AbuseLabels;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.replay.ReplayPeriod;
import dev.vigil.replay.ReplaySummary;
import dev.vigil.schemas.v1.AbuseLabel;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.LabelKind;
import dev.vigil.schemas.v1.RawRecord;
import dev.vigil.testsupport.archive.ArchiveFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop, through the CLI: archive -> replay label -> labels joined with confirmed abuse -> train ->
 * bundle -> replay label with the new bundle.
 */
@Tag("slow")
class ReplayTrainingLoopTest {

  @Test
  void replayLabelsJoinedWithGroundTruthTrainABundleTheNextReplayUses(@TempDir Path dir) throws Exception {
    long end = ArchiveLayout.hourStart(Instant.parse("2026-11-30T12:00:00Z").toEpochMilli());
    long start = end - 60 * 60_000L;
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(41, 300, 0.08);
    List<TimestampedValue<RawRecord>> raw = new ArrayList<>();
    TreeSet<Long> members = new TreeSet<>();
    for (int i = 0; i < 100_000; i++) {
      ActivityEvent e = generator.next(start + i * (end - start) / 100_000);
      members.add(e.getMemberId());
      raw.add(ArchiveFixtures.ofEvent(e, (int) (e.getMemberId() % 2), i, null));
    }
    Path archive = dir.resolve("archive");
    ArchiveFixtures.write(raw, archive, 1);
    String from = Instant.ofEpochMilli(start).toString();
    String to = Instant.ofEpochMilli(end).toString();

    Path first = dir.resolve("replay-1");
    assertThat(VigilCli.execute("replay", "label", "--archive", archive.toString(), "--from", from, "--to", to, "--out", first.toString(),
        "--runner=DirectRunner")).isZero();
    assertThat(first.resolve(ReplayLabel.LABELS)).exists();

    // An analyst confirms the true abusers (ground truth); for everyone else the replay's own labels stand.
    List<AbuseLabel> confirmed = members.stream().filter(m -> generator.abuseType(m) != AbuseType.NONE)
        .map(m -> AbuseLabel.newBuilder().setMemberId(m).setKind(LabelKind.ABUSIVE).setAbuseType(generator.abuseType(m).label())
            .setFromMs(start).setToMs(end).setSource("ground-truth").build()).toList();
    Path truth = dir.resolve("confirmed.jsonl");
    AbuseLabels.write(truth, confirmed);

    Path bundle = dir.resolve("bundle-2");
    assertThat(VigilCli.execute("train", "--archive", archive.toString(), "--from", from, "--to", to,
        "--labels", first.resolve(ReplayLabel.LABELS).toString(), "--labels", truth.toString(), "--out", bundle.toString(),
        "--version", "2")).isZero();
    assertThat(bundle.resolve("manifest.json")).exists();

    Path second = dir.resolve("replay-2");
    assertThat(VigilCli.execute("replay", "label", "--archive", archive.toString(), "--from", from, "--to", to, "--out", second.toString(),
        "--model", bundle.toString(), "--compare", first.toString(), "--runner=DirectRunner")).isZero();
    ReplaySummary summary = ReplaySummary.of(second, ReplayPeriod.parse(from, to));
    assertThat(summary.models()).as("every verdict from the new bundle").containsOnlyKeys("vigil-abuse:2");
    Map<Long, AbuseScore> decisive = summary.decisive();
    long abusers = confirmed.size();
    long caught = confirmed.stream().filter(l -> decisive.containsKey(l.getMemberId())
        && decisive.get(l.getMemberId()).getAction() != Action.NONE).count();
    long falseFlags = members.stream().filter(m -> generator.abuseType(m) == AbuseType.NONE)
        .filter(m -> decisive.containsKey(m) && decisive.get(m).getAction() != Action.NONE).count();
    assertThat(caught).as("confirmed abusers flagged by the retrained model").isGreaterThanOrEqualTo(abusers * 9 / 10);
    long normal = members.size() - abusers;
    // Labels cover each confirmed abuser's whole period, quiet stretches included, so a few normal members who
    // look like them get flagged; the loop is what is tested here, not the model's quality.
    assertThat(falseFlags).as("normal members flagged (%d abusers caught)", caught).isLessThanOrEqualTo(normal / 20);
    assertThat(Files.readString(second.resolve("summary.json"))).contains("\"changes\"");
  }
}
