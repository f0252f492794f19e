package dev.vigil.store.push;

import dev.vigil.schemas.JsonLines;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.store.MemberKeys;
import dev.vigil.store.StoredValues;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A push's input, read and grouped by partition: JSON-lines {@code AbuseScore} files as the model
 * pipeline's offline sink (and the replay tools) write them. When a member appears more than once, the
 * verdict about its latest activity wins (later event time, then later processing time; ties: the later
 * row), the rule of {@link dev.vigil.schemas.Verdicts}. A malformed row fails the whole push
 * with its file, line and what is wrong with it (never its content): a store version is all of a dataset
 * or nothing.
 */
public final class PushDataset {
  private final List<Map<Long, byte[]>> partitions;

  private PushDataset(List<Map<Long, byte[]>> partitions) {
    this.partitions = partitions;
  }

  /** The files a push of {@code input} reads, from any directory: see {@link PushInputs#files}. */
  public static List<Path> files(Path input) {
    return PushInputs.anywhere().files(input.toString());
  }

  private static final int CHUNK_LINES = 8_192;

  /**
   * Reads the files with {@code parseThreads} parsers: one thread reads lines in chunks, parsers turn
   * chunks into stored values, and results are merged in input order, so "the later row wins a tie"
   * means the same whatever the thread count.
   */
  static PushDataset read(List<Path> files, int partitionCount, long cutoffMs, int parseThreads, PushProgress progress) {
    List<Map<Long, byte[]>> partitions = new ArrayList<>(partitionCount);
    for (int p = 0; p < partitionCount; p++) {
      partitions.add(new HashMap<>());
    }
    ExecutorService parsers = Executors.newFixedThreadPool(parseThreads, r -> {
      Thread t = new Thread(r, "store-push-parse");
      t.setDaemon(true);
      return t;
    });
    Deque<Future<ParsedChunk>> inFlight = new ArrayDeque<>();
    try {
      for (Path file : files) {
        // Undecodable bytes become U+FFFD and are reported by line, instead of an exception that knows no line.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
          long firstLine = 1;
          List<String> chunk = new ArrayList<>(CHUNK_LINES);
          String line;
          while ((line = in.readLine()) != null) {
            chunk.add(line);
            if (chunk.size() == CHUNK_LINES) {
              submit(parsers, inFlight, file, firstLine, chunk, cutoffMs);
              firstLine += chunk.size();
              chunk = new ArrayList<>(CHUNK_LINES);
              // Bounded read-ahead: at most two chunks per parser wait in memory.
              while (inFlight.size() > 2 * parseThreads) {
                merge(inFlight.removeFirst(), partitions, progress);
              }
            }
          }
          submit(parsers, inFlight, file, firstLine, chunk, cutoffMs);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
      }
      while (!inFlight.isEmpty()) {
        merge(inFlight.removeFirst(), partitions, progress);
      }
    } finally {
      parsers.shutdownNow();
    }
    return new PushDataset(partitions);
  }

  /** Members and stored values of one chunk of lines, in line order. */
  private record ParsedChunk(long[] members, byte[][] values) {}

  private static void submit(ExecutorService parsers, Deque<Future<ParsedChunk>> inFlight, Path file, long firstLine,
      List<String> lines, long cutoffMs) {
    inFlight.addLast(parsers.submit(() -> {
      long[] members = new long[lines.size()];
      byte[][] values = new byte[lines.size()][];
      int n = 0;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isBlank()) {
          continue;
        }
        AbuseScore score = parse(line, file, firstLine + i);
        long updatedAt = score.getProcessingTimeMs() > 0 ? score.getProcessingTimeMs() : cutoffMs;
        members[n] = score.getMemberId();
        values[n++] = StoredValues.encode(updatedAt, score.toByteArray());
      }
      return new ParsedChunk(Arrays.copyOf(members, n), Arrays.copyOf(values, n));
    }));
  }

  private static void merge(Future<ParsedChunk> pending, List<Map<Long, byte[]>> partitions, PushProgress progress) {
    ParsedChunk chunk;
    try {
      chunk = pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("push interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
    for (int i = 0; i < chunk.members().length; i++) {
      long member = chunk.members()[i];
      partitions.get(MemberKeys.partition(member, partitions.size()))
          .merge(member, chunk.values()[i], (old, now) -> StoredValues.supersedes(now, old) ? now : old);
    }
    progress.rowsRead.add(chunk.members().length);
  }

  private static AbuseScore parse(String line, Path file, long lineNumber) {
    AbuseScore.Builder builder = AbuseScore.newBuilder();
    // U+FFFD stands for bytes that were not UTF-8 (see read); the parser would take it for text.
    if (line.indexOf('\uFFFD') >= 0 || !parses(line, builder)) {
      // Not the parser's message: it quotes the line, and push errors must never echo input content.
      throw new IllegalArgumentException(file + ":" + lineNumber + ": " + RowProblem.of(line, AbuseScore::newBuilder));
    }
    if (builder.getMemberId() == 0) {
      throw new IllegalArgumentException(file + ":" + lineNumber + ": memberId is missing");
    }
    return builder.build();
  }

  private static boolean parses(String line, AbuseScore.Builder builder) {
    try {
      JsonLines.parse(line, builder);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
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
