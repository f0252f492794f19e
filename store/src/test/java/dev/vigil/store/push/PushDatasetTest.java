package dev.vigil.store.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.store.StoredValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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

  /**
   * A push may be pointed at a file whose content must not travel back to the requester: each problem is
   * named by file, line and what is wrong, and none of the line's text (here "SECRET") is quoted.
   */
  @ParameterizedTest
  @MethodSource("malformedRows")
  void malformedRowsAreReportedByFileLineAndProblemWithoutTheirContent(byte[] row, String problem, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("part-0.jsonl");
    Files.write(file, "{\"memberId\": 1, \"score\": 0.5}\n".getBytes(StandardCharsets.UTF_8));
    Files.write(file, row, StandardOpenOption.APPEND);

    assertThatThrownBy(() -> PushDataset.read(List.of(file), 4, 7, 1, new PushProgress("s", 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ":2: " + problem)
        .hasMessageNotContaining("SECRET");
  }

  static Stream<Arguments> malformedRows() {
    return Stream.of(
        row("root:x:0:0:SECRET:/root:/bin/bash", "not JSON (syntax error at column "),
        row("{\"memberId\": 5, \"modelName\": \"SECRET\"", "not JSON (syntax error at column "),
        row("[\"SECRET\"]", "a JSON array, not an object"),
        row("\"SECRET\"", "a JSON string, not an object"),
        row("{\"memberId\": 5, \"score\": \"SECRET\"}", "field score is not a number"),
        row("{\"memberId\": \"SECRET\"}", "field memberId is not an integer"),
        row("{\"memberId\": 5, \"action\": {\"SECRET\": 1}}", "field action is not one of NONE, CHALLENGE, RESTRICT, BLOCK"),
        row("{\"memberId\": 5, \"reasons\": [{\"code\": \"A\", \"value\": \"SECRET\"}]}", "field reasons is not a list of Reason objects"),
        row("{\"memberId\": 5, \"member_id\": 6, \"modelName\": \"SECRET\"}", "a field is given twice"),
        row("{\"score\": 0.5, \"modelName\": \"SECRET\"}", "memberId is missing"),
        Arguments.of(concat("{\"memberId\": 5, \"modelName\": \"SECRET".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x28},
            "\"}".getBytes(StandardCharsets.UTF_8)), "not UTF-8 text"));
  }

  private static Arguments row(String line, String problem) {
    return Arguments.of((line + "\n").getBytes(StandardCharsets.UTF_8), problem);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
