package dev.vigil.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one archive data file holds: its hour, record count, event-time span, and the Kafka offsets it
 * covers per {@code topic-partition}, as inclusive {@code [first, last]} runs of consecutive offsets.
 * A data file's rows are exactly the offsets its manifest names; an hour is the union of its manifests.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArchiveManifest(
    String format,
    String file,
    long hourStartMs,
    long records,
    long minEventTimeMs,
    long maxEventTimeMs,
    Map<String, List<long[]>> offsets,
    long writtenAtMs) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ArchiveManifest fromJson(byte[] json, String name) {
    try {
      ArchiveManifest m = JSON.readValue(json, ArchiveManifest.class);
      if (!ArchiveSchema.FORMAT.equals(m.format()) || m.file() == null || m.offsets() == null) {
        throw new ArchiveFormatException(name, -1, "not a " + ArchiveSchema.FORMAT + " manifest", null);
      }
      return m;
    } catch (IOException e) {
      throw new ArchiveFormatException(name, -1, "unreadable manifest: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  public static ArchiveManifest read(Path file) {
    try {
      return fromJson(java.nio.file.Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Offsets the manifest names for {@code topicPartition}, expanded (tests and audits). */
  public long[] offsetsOf(String topicPartition) {
    List<long[]> runs = offsets.getOrDefault(topicPartition, List.of());
    return runs.stream().flatMapToLong(r -> java.util.stream.LongStream.rangeClosed(r[0], r[1])).toArray();
  }

  /** The highest offset per {@code topic-partition} named by any of {@code manifests}. */
  public static Map<String, Long> lastOffsets(List<ArchiveManifest> manifests) {
    Map<String, Long> last = new TreeMap<>();
    for (ArchiveManifest m : manifests) {
      m.offsets().forEach((tp, runs) -> runs.forEach(r -> last.merge(tp, r[1], Math::max)));
    }
    return last;
  }

  public static String topicPartition(String topic, int partition) {
    return topic + "-" + partition;
  }

  /** Collects coordinates in any order. */
  public static final class Builder {
    private final Map<String, long[]> offsets = new HashMap<>();
    private final Map<String, Integer> sizes = new HashMap<>();
    private long records;
    private long minEventTimeMs = Long.MAX_VALUE;
    private long maxEventTimeMs = Long.MIN_VALUE;

    public void add(String topic, int partition, long offset, long eventTimeMs) {
      String tp = topicPartition(topic, partition);
      long[] list = offsets.computeIfAbsent(tp, k -> new long[64]);
      int size = sizes.getOrDefault(tp, 0);
      if (size == list.length) {
        list = Arrays.copyOf(list, size * 2);
        offsets.put(tp, list);
      }
      list[size] = offset;
      sizes.put(tp, size + 1);
      records++;
      minEventTimeMs = Math.min(minEventTimeMs, eventTimeMs);
      maxEventTimeMs = Math.max(maxEventTimeMs, eventTimeMs);
    }

    public long records() {
      return records;
    }

    /** The manifest of {@code file}; its hour is that of the earliest event time (every row shares one hour). */
    public ArchiveManifest build(String file, long writtenAtMs) {
      Map<String, List<long[]>> runs = new TreeMap<>();
      offsets.forEach((tp, list) -> runs.put(tp, runs(Arrays.copyOf(list, sizes.get(tp)))));
      long hourStartMs = records == 0 ? 0 : ArchiveLayout.hourStart(minEventTimeMs);
      return new ArchiveManifest(ArchiveSchema.FORMAT, file, hourStartMs, records,
          records == 0 ? 0 : minEventTimeMs, records == 0 ? 0 : maxEventTimeMs, runs, writtenAtMs);
    }

    private static List<long[]> runs(long[] sorted) {
      Arrays.sort(sorted);
      List<long[]> runs = new ArrayList<>();
      for (int i = 0; i < sorted.length; ) {
        int j = i;
        while (j + 1 < sorted.length && sorted[j + 1] <= sorted[j] + 1) {
          j++;
        }
        runs.add(new long[] {sorted[i], sorted[j]});
        i = j + 1;
      }
      return runs;
    }
  }
}
