package dev.vigil.store.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.store.StoredValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class PushDatasetTest {

  /**
   * Member 1 appears in three chunks about the same activity: the latest processing time wins, and of
   * equals the later row. Member 2's verdict about newer activity stands against a later-computed one
   * about older activity.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void latestProcessingTimeWinsAndTiesGoToTheLaterRowAtAnyThreadCount(int threads, @TempDir Path dir) throws Exception {
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 20_000; i++) {
      AbuseScore.Builder row = AbuseScore.newBuilder().setMemberId(1_000 + i).setScore(0.1).setProcessingTimeMs(10);
      if (i == 5) {
        row.setMemberId(1).setModelVersion("first").setProcessingTimeMs(100);
      } else if (i == 10_000) {
        row.setMemberId(1).setModelVersion("older").setProcessingTimeMs(50);
      } else if (i == 15_000) {
        row.setMemberId(1).setModelVersion("later-tie").setProcessingTimeMs(100);
      } else if (i == 7) {
        row.setMemberId(2).setModelVersion("newer-activity").setEventTimeMs(2_000).setProcessingTimeMs(100);
      } else if (i == 16_000) {
        row.setMemberId(2).setModelVersion("older-activity").setEventTimeMs(1_000).setProcessingTimeMs(500);
      }
      lines.add(printer.print(row.build()));
    }
    lines.add("");
    Path file = dir.resolve("part-0.jsonl");
    Files.write(file, lines);

    PushProgress progress = new PushProgress("s", 2);
    PushDataset dataset = PushDataset.read(List.of(file), 4, 7, threads, progress);

    assertThat(dataset.size()).isEqualTo(20_000 - 3);
    assertThat(progress.toApi().rowsRead()).isEqualTo(20_000);
    int partition = dev.vigil.store.MemberKeys.partition(1, 4);
    assertThat(StoredValues.score(dataset.value(partition, 1)).getModelVersion()).isEqualTo("later-tie");
    assertThat(StoredValues.score(dataset.value(dev.vigil.store.MemberKeys.partition(2, 4), 2)).getModelVersion())
        .isEqualTo("newer-activity");
    long[] sorted = dataset.sortedMembers(partition);
    for (int i = 1; i < sorted.length; i++) {
      assertThat(sorted[i]).isGreaterThan(sorted[i - 1]);
    }
  }
}
