package dev.vigil.platform.archive;

import com.google.protobuf.ByteString;
import dev.vigil.archive.ArchiveFiles;
import dev.vigil.archive.ArchiveFormatException;
import dev.vigil.platform.metrics.BundleCounter;
import dev.vigil.schemas.DeadLetterRecords;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.RawRecord;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded read of archive data files: every record whose event time lies in {@code [fromMs, toMs)},
 * stamped with the event time the archiving job recorded. Files come in read units: a unit of several
 * files (an hour a restarted archiving job archived twice) is read with each Kafka record kept once. A file that cannot be read (or stops being
 * readable at some row) becomes a {@code MALFORMED_ARCHIVE} dead letter naming the file and row, is logged
 * and counted ({@code vigil.archive/malformed_files}); the records before the bad row are kept.
 */
public final class ReadArchive extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<RawRecord> RECORDS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  /** Records read by archive reads running in this JVM (local runners): what a replay's progress line shows. */
  private static final AtomicLong READ_IN_THIS_JVM = new AtomicLong();

  private final List<String> units;
  private final long fromMs;
  private final long toMs;

  public ReadArchive(List<List<String>> readUnits, long fromMs, long toMs) {
    this.units = readUnits.stream().map(u -> String.join("\n", u)).toList();
    this.fromMs = fromMs;
    this.toMs = toMs;
  }

  public static long recordsReadInThisJvm() {
    return READ_IN_THIS_JVM.get();
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple out = begin
        .apply("ArchiveFiles", Create.of(units).withCoder(StringUtf8Coder.of()))
        .apply("SpreadFiles", Reshuffle.viaRandomKey())
        .apply("ReadParquetFiles", ParDo.of(new ReadFileFn(fromMs, toMs)).withOutputTags(RECORDS, TupleTagList.of(DEAD_LETTERS)));
    out.get(RECORDS).setCoder(ProtoCoder.of(RawRecord.class));
    out.get(DEAD_LETTERS).setCoder(ProtoCoder.of(DeadLetter.class));
    return out;
  }

  static final class ReadFileFn extends DoFn<String, RawRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadArchive.class);
    private final long fromMs;
    private final long toMs;
    private final BundleCounter read = new BundleCounter("vigil.archive", "records_read");
    private final Counter malformed = Metrics.counter("vigil.archive", "malformed_files");

    ReadFileFn(long fromMs, long toMs) {
      this.fromMs = fromMs;
      this.toMs = toMs;
    }

    @FinishBundle
    public void finishBundle() {
      read.flush();
    }

    @ProcessElement
    public void process(@Element String unit, MultiOutputReceiver out) throws IOException {
      String[] files = unit.split("\n");
      java.util.Set<String> seen = files.length > 1 ? new java.util.HashSet<>() : null;
      for (String file : files) {
        readFile(file, seen, out);
      }
    }

    private void readFile(String file, java.util.Set<String> seen, MultiOutputReceiver out) throws IOException {
      try (SeekableByteChannel channel = WriteArchive.seekable(FileSystems.open(FileSystems.matchNewResource(file, false)))) {
        ArchiveFiles.read(file, channel, record -> {
          read.inc();
          READ_IN_THIS_JVM.incrementAndGet();
          boolean first = seen == null
              || seen.add(record.raw().getTopic() + "-" + record.raw().getPartition() + "@" + record.raw().getOffset());
          if (first && record.eventTimeMs() >= fromMs && record.eventTimeMs() < toMs) {
            out.get(RECORDS).outputWithTimestamp(record.raw(), new Instant(record.eventTimeMs()));
          }
        });
      } catch (ArchiveFormatException e) {
        malformed.inc();
        LOG.warn("skipping the rest of a malformed archive file: {}", e.getMessage());
        out.get(DEAD_LETTERS).output(DeadLetterRecords.build(ByteString.EMPTY, ByteString.copyFromUtf8(e.file()),
            DeadLetterRecords.Source.UNKNOWN, DeadLetterReason.MALFORMED_ARCHIVE, e.getMessage(), "ReadArchive"));
      }
    }
  }
}
