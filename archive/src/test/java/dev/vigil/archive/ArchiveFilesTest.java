package dev.vigil.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vigil.schemas.v1.RawRecord;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

class ArchiveFilesTest {

  private static RawRecord record(int partition, long offset, boolean tombstone) {
    return RawRecord.newBuilder().setTopic("raw").setPartition(partition).setOffset(offset).setKafkaTimestampMs(1_000 + offset)
        .setKey(ByteString.copyFromUtf8("k" + offset)).setValue(tombstone ? ByteString.EMPTY : ByteString.copyFromUtf8("v" + offset))
        .setHasValue(!tombstone).build();
  }

  @Test
  void recordsComeBackExactlyIncludingTombstonesAndEmptyValues() throws Exception {
    List<RawRecord> written = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArchiveFiles.Writer writer = ArchiveFiles.writer(bytes)) {
      for (int i = 0; i < 2_000; i++) {
        RawRecord r = record(i % 3, i, i % 97 == 0);
        if (i == 5) {
          r = r.toBuilder().setValue(ByteString.EMPTY).build(); // empty, not a tombstone
        }
        written.add(r);
        writer.write(r, 7_000L + i);
      }
    }
    List<ArchivedRecord> read = new ArrayList<>();
    long rows = ArchiveFiles.read("mem", new SeekableInMemoryByteChannel(bytes.toByteArray()), read::add);
    assertThat(rows).isEqualTo(2_000);
    assertThat(read.stream().map(ArchivedRecord::raw).toList()).isEqualTo(written);
    assertThat(read.get(10).eventTimeMs()).isEqualTo(7_010L);
    assertThat(read.get(5).raw().getHasValue()).isTrue();
    assertThat(read.get(0).raw().getHasValue()).isFalse();
  }

  @Test
  void manifestRunsNameExactlyTheOffsetsWritten() throws Exception {
    Random random = new Random(7);
    TreeSet<Long> p0 = new TreeSet<>();
    TreeSet<Long> p1 = new TreeSet<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArchiveFiles.Writer writer = ArchiveFiles.writer(bytes)) {
      for (long offset = 0; offset < 5_000; offset++) {
        if (random.nextInt(4) != 0) { // gaps: other hours' records
          int partition = random.nextInt(2);
          (partition == 0 ? p0 : p1).add(offset);
          writer.write(record(partition, offset, false), 3_600_000L * 5 + offset);
        }
      }
    }
    ArchiveManifest manifest = ArchiveFiles.summarize("mem", new SeekableInMemoryByteChannel(bytes.toByteArray())).build("part.parquet", 1L);
    ArchiveManifest reread = ArchiveManifest.fromJson(manifest.toJson(), "manifest");
    assertThat(reread.records()).isEqualTo(p0.size() + p1.size());
    assertThat(reread.hourStartMs()).isEqualTo(3_600_000L * 5);
    assertThat(Arrays.stream(reread.offsetsOf("raw-0")).boxed().toList()).isEqualTo(new ArrayList<>(p0));
    assertThat(Arrays.stream(reread.offsetsOf("raw-1")).boxed().toList()).isEqualTo(new ArrayList<>(p1));
    assertThat(ArchiveManifest.lastOffsets(List.of(reread))).containsEntry("raw-0", p0.last()).containsEntry("raw-1", p1.last());
  }

  @Test
  void aFileThatIsNotAnArchiveIsReportedWithItsName() {
    assertThatThrownBy(() -> ArchiveFiles.read("hour=03/part-x.parquet", new SeekableInMemoryByteChannel("not parquet at all".getBytes()), r -> {}))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageStartingWith("hour=03/part-x.parquet: not a readable vigil-archive-v1 Parquet file");
  }

  @Test
  void aTruncatedFileIsReported() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArchiveFiles.Writer writer = ArchiveFiles.writer(bytes)) {
      for (int i = 0; i < 100; i++) {
        writer.write(record(0, i, false), i);
      }
    }
    byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2);
    assertThatThrownBy(() -> ArchiveFiles.read("cut.parquet", new SeekableInMemoryByteChannel(cut), r -> {}))
        .isInstanceOf(ArchiveFormatException.class).hasMessageContaining("cut.parquet");
  }

  @Test
  void aManifestOfAnotherFormatIsRefused() {
    assertThatThrownBy(() -> ArchiveManifest.fromJson("{\"format\":\"x\"}".getBytes(), "m.json"))
        .isInstanceOf(ArchiveFormatException.class).hasMessageContaining("m.json");
  }
}
