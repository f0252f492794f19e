package dev.vigil.store.push;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.store.MemberKeys;
import dev.vigil.store.StoredValues;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A push's input, read and grouped by partition: JSON-lines {@code AbuseScore} files as the model
 * pipeline's offline sink (and the replay tools) write them. When a member appears more than once, the
 * row with the latest processing time wins (ties: the later row). A malformed row fails the whole push
 * with its file and line: a store version is all of a dataset or nothing.
 */
public final class PushDataset {
  private final List<Map<Long, byte[]>> partitions;

  private PushDataset(List<Map<Long, byte[]>> partitions) {
    this.partitions = partitions;
  }

  /** The files a push reads: {@code input} itself, or every {@code *.jsonl} under it, in name order. */
  public static List<Path> files(Path input) {
    if (!Files.exists(input)) {
      throw new IllegalArgumentException("push input " + input + " does not exist");
    }
    if (Files.isRegularFile(input)) {
      return List.of(input);
    }
    try (Stream<Path> walk = Files.walk(input)) {
      List<Path> files = walk.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".jsonl"))
          .sorted().toList();
      if (files.isEmpty()) {
        throw new IllegalArgumentException("push input " + input + " holds no .jsonl files");
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
    }
  }

  static PushDataset read(List<Path> files, int partitionCount, long cutoffMs, PushProgress progress) {
    List<Map<Long, byte[]>> partitions = new ArrayList<>(partitionCount);
    for (int p = 0; p < partitionCount; p++) {
      partitions.add(new HashMap<>());
    }
    JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();
    for (Path file : files) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        long lineNumber = 0;
        while ((line = in.readLine()) != null) {
          lineNumber++;
          if (line.isBlank()) {
            continue;
          }
          AbuseScore score = parse(parser, line, file, lineNumber);
          long updatedAt = score.getProcessingTimeMs() > 0 ? score.getProcessingTimeMs() : cutoffMs;
          byte[] value = StoredValues.encode(updatedAt, score.toByteArray());
          partitions.get(MemberKeys.partition(score.getMemberId(), partitionCount))
              .merge(score.getMemberId(), value, (old, now) -> StoredValues.updatedAtMs(now) >= StoredValues.updatedAtMs(old) ? now : old);
          progress.rowsRead.increment();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return new PushDataset(partitions);
  }

  private static AbuseScore parse(JsonFormat.Parser parser, String line, Path file, long lineNumber) {
    AbuseScore.Builder builder = AbuseScore.newBuilder();
    try {
      parser.merge(line, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException(file + ":" + lineNumber + ": not an AbuseScore JSON line: " + e.getMessage());
    }
    if (builder.getMemberId() == 0) {
      throw new IllegalArgumentException(file + ":" + lineNumber + ": memberId is missing");
    }
    return builder.build();
  }

  public int partitionCount() {
    return partitions.size();
  }

  /** The partition's members in key order (what SstFileWriter needs). */
  long[] sortedMembers(int partition) {
    long[] ids = partitions.get(partition).keySet().stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(ids);
    return ids;
  }

  byte[] value(int partition, long memberId) {
    return partitions.get(partition).get(memberId);
  }

  long size() {
    return partitions.stream().mapToLong(Map::size).sum();
  }
}
