package dev.vigil.replay;

import dev.vigil.archive.ArchiveFiles;
import dev.vigil.archive.ArchiveFormatException;
import dev.vigil.archive.ArchivedRecord;
import dev.vigil.archive.ArchiveLayout;
import dev.vigil.archive.ArchiveManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The archive files a period needs, found through their manifests: a data file counts only once its
 * manifest exists (the archiving job writes the manifest after the file is complete). A manifest that
 * cannot be read is reported in {@link #problems()} and its file left out, never fatal.
 */
public record ArchiveSelection(Path root, ReplayPeriod period, List<ArchiveManifest> manifests, List<String> dataFiles,
    List<String> problems) {

  /** Throws IllegalArgumentException with one line when the period has no archive at all. */
  public static ArchiveSelection of(Path root, ReplayPeriod period) {
    if (!java.nio.file.Files.isDirectory(root)) {
      throw new IllegalArgumentException("archive " + root + " does not exist (start one with ./vigil archive --archive=" + root + ")");
    }
    List<ArchiveManifest> manifests = new ArrayList<>();
    List<String> files = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path manifestPath : ArchiveLayout.manifests(root, period.fromMs(), period.toMs())) {
      ArchiveManifest manifest;
      try {
        manifest = ArchiveManifest.read(manifestPath);
      } catch (ArchiveFormatException | java.io.UncheckedIOException e) {
        problems.add(e.getMessage() + " (its data file is left out)");
        continue;
      }
      if (manifest.records() == 0 || manifest.maxEventTimeMs() < period.fromMs() || manifest.minEventTimeMs() >= period.toMs()) {
        continue;
      }
      manifests.add(manifest);
      files.add(manifestPath.resolveSibling(manifest.file()).toAbsolutePath().toString());
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no archived records in " + period + " under " + root);
    }
    return new ArchiveSelection(root, period, List.copyOf(manifests), List.copyOf(files), List.copyOf(problems));
  }

  /**
   * The files grouped into read units: one file each, except in an hour where two files name the same
   * offsets (a restarted archiving job archived them again), whose files form one unit that is read with
   * each record kept once.
   */
  public List<List<String>> readUnits() {
    List<List<String>> units = new ArrayList<>();
    filesByHour().forEach((hour, indexes) -> {
      if (overlapping(indexes.stream().map(manifests::get).toList())) {
        units.add(indexes.stream().map(dataFiles::get).toList());
      } else {
        indexes.forEach(i -> units.add(List.of(dataFiles.get(i))));
      }
    });
    return units;
  }

  /** Indexes into {@link #manifests()} and {@link #dataFiles()} per hour, in hour order. */
  private Map<Long, List<Integer>> filesByHour() {
    Map<Long, List<Integer>> byHour = new java.util.TreeMap<>();
    for (int i = 0; i < manifests.size(); i++) {
      byHour.computeIfAbsent(manifests.get(i).hourStartMs(), h -> new ArrayList<>()).add(i);
    }
    return byHour;
  }

  static boolean overlapping(List<ArchiveManifest> sameHour) {
    Map<String, List<long[]>> runs = new java.util.HashMap<>();
    sameHour.forEach(m -> m.offsets().forEach((tp, r) -> runs.computeIfAbsent(tp, k -> new ArrayList<>()).addAll(r)));
    for (List<long[]> r : runs.values()) {
      r.sort(java.util.Comparator.comparingLong(x -> x[0]));
      for (int i = 1; i < r.size(); i++) {
        if (r.get(i)[0] <= r.get(i - 1)[1]) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Every archived record of the period in event-time order, hour by hour (an hour's records are read and
   * sorted in memory). A malformed file is passed to {@code onMalformed} and its remaining rows skipped.
   */
  public void forEachInEventTimeOrder(java.util.function.Consumer<ArchivedRecord> each,
      java.util.function.Consumer<ArchiveFormatException> onMalformed) {
    for (List<Integer> hour : filesByHour().values()) {
      List<ArchivedRecord> records = new ArrayList<>();
      for (int i : hour) {
        String file = dataFiles.get(i);
        try {
          ArchiveFiles.read(Path.of(file), r -> {
            if (r.eventTimeMs() >= period.fromMs() && r.eventTimeMs() < period.toMs()) {
              records.add(r);
            }
          });
        } catch (ArchiveFormatException e) {
          onMalformed.accept(e);
        }
      }
      // Ties in event time go in offset order per partition; a record archived twice (a restarted archiving
      // job re-reads what it had not committed) goes out once.
      records.sort(java.util.Comparator.comparingLong(ArchivedRecord::eventTimeMs)
          .thenComparing(r -> r.raw().getTopic()).thenComparingInt(r -> r.raw().getPartition()).thenComparingLong(r -> r.raw().getOffset()));
      ArchivedRecord previous = null;
      for (ArchivedRecord r : records) {
        if (previous == null || !sameCoordinates(previous, r)) {
          each.accept(r);
        }
        previous = r;
      }
    }
  }

  private static boolean sameCoordinates(ArchivedRecord a, ArchivedRecord b) {
    return a.raw().getOffset() == b.raw().getOffset() && a.raw().getPartition() == b.raw().getPartition()
        && a.raw().getTopic().equals(b.raw().getTopic());
  }

  /** Records in the selected files (some may lie outside the period, in its first and last hour). */
  public long records() {
    return manifests.stream().mapToLong(ArchiveManifest::records).sum();
  }

  /**
   * The highest offset per {@code topic-partition} of a record stamped before {@code cutoffMs}: where, in the
   * raw topic, the replayed history ends. Files wholly before the cut-off answer from their manifests; the
   * file(s) spanning it are scanned (coordinates only).
   */
  public Map<String, Long> lastOffsetsBefore(long cutoffMs) {
    List<ArchiveManifest> before = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      ArchiveManifest m = manifests.get(i);
      if (m.maxEventTimeMs() < cutoffMs) {
        before.add(m);
      } else if (m.minEventTimeMs() < cutoffMs) {
        Path file = Path.of(dataFiles.get(i));
        try (var channel = java.nio.file.Files.newByteChannel(file)) {
          ArchiveManifest.Builder b = ArchiveFiles.summarize(file.toString(), channel, t -> t < cutoffMs);
          before.add(b.build(m.file(), m.writtenAtMs()));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
      }
    }
    return ArchiveManifest.lastOffsets(before);
  }
}
