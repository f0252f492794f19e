package dev.vigil.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where archived records live: {@code ROOT/dt=YYYY-MM-DD/hour=HH/} (UTC, Hive-style, so DuckDB's and
 * Spark's partition discovery read the folders as columns), one Parquet data file per pane and shard,
 * each with a manifest beside it ({@code part-....manifest.json}) naming the offsets it holds.
 */
public final class ArchiveLayout {
  public static final long HOUR_MS = 3_600_000L;
  public static final String DATA_SUFFIX = ".parquet";
  public static final String MANIFEST_SUFFIX = ".manifest.json";
  private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

  private ArchiveLayout() {}

  public static long hourStart(long eventTimeMs) {
    return Math.floorDiv(eventTimeMs, HOUR_MS) * HOUR_MS;
  }

  /** The folder of the hour that starts at {@code hourStartMs}, relative to the archive root. */
  public static String hourFolder(long hourStartMs) {
    return FOLDER.format(Instant.ofEpochMilli(hourStart(hourStartMs)));
  }

  /**
   * A data file's name within its hour folder. Deterministic within one run of the archiving job (a pane
   * retried after a failure overwrites its own file); {@code runId} (when the job's graph was built) keeps a
   * fresh start from overwriting what an earlier run wrote for the same hour and pane.
   */
  public static String dataFileName(long runId, long paneIndex, int shard, int shardCount) {
    return String.format("part-%d-%05d-%05d-of-%05d%s", runId, paneIndex, shard, shardCount, DATA_SUFFIX);
  }

  public static String manifestNameFor(String dataFileName) {
    if (!dataFileName.endsWith(DATA_SUFFIX)) {
      throw new IllegalArgumentException("not an archive data file name: " + dataFileName);
    }
    return dataFileName.substring(0, dataFileName.length() - DATA_SUFFIX.length()) + MANIFEST_SUFFIX;
  }

  /** Start of every hour that overlaps {@code [fromMs, toMs)}. */
  public static List<Long> hoursOverlapping(long fromMs, long toMs) {
    List<Long> hours = new ArrayList<>();
    for (long h = hourStart(fromMs); h < toMs; h += HOUR_MS) {
      hours.add(h);
    }
    return hours;
  }

  /**
   * The manifests of every hour overlapping {@code [fromMs, toMs)} under {@code root}, in hour then name
   * order. A data file without a manifest was never completed and is not part of the archive.
   */
  public static List<Path> manifests(Path root, long fromMs, long toMs) {
    List<Path> found = new ArrayList<>();
    for (long hour : hoursOverlapping(fromMs, toMs)) {
      Path folder = root.resolve(hourFolder(hour));
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> files = Files.list(folder)) {
        files.filter(f -> f.getFileName().toString().endsWith(MANIFEST_SUFFIX)).sorted().forEach(found::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
      }
    }
    return found;
  }
}
