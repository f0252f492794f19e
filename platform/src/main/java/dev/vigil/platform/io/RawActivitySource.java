package dev.vigil.platform.io;

import dev.vigil.platform.archive.ReadArchive;
import dev.vigil.platform.kafka.ReadRawRecords;
import dev.vigil.platform.options.KafkaPipelineOptions;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.RawRecord;
import java.util.List;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Where a job's raw records come from, chosen once: a live Kafka topic (unbounded; the streaming jobs) or
 * an event-time range of the archive (bounded; the replays). Either way the records come out as
 * {@link RawRecord}s stamped with the same event time, so everything downstream is one graph. Records the
 * source itself cannot read (a malformed archive file) come out as {@link #DEAD_LETTERS}.
 */
public final class RawActivitySource extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<RawRecord> RECORDS = ReadArchive.RECORDS;
  public static final TupleTag<DeadLetter> DEAD_LETTERS = ReadArchive.DEAD_LETTERS;

  private final PTransform<PBegin, PCollection<RawRecord>> kafka;
  private final ReadArchive archive;

  private RawActivitySource(PTransform<PBegin, PCollection<RawRecord>> kafka, ReadArchive archive) {
    this.kafka = kafka;
    this.archive = archive;
  }

  /** A live topic, its event time taken from each value by {@code eventTimeOfValue}. */
  public static RawActivitySource kafka(KafkaPipelineOptions options, String topic, SerializableFunction<byte[], Long> eventTimeOfValue) {
    return new RawActivitySource(ReadRawRecords.from(options, List.of(topic), eventTimeOfValue), null);
  }

  /**
   * A topic written by {@code WriteWithProgressMarkers} (the filtered topic): the writer's progress markers, not
   * the wall clock, move a silent partition's watermark; they come out as records too (every reader skips them).
   */
  public static RawActivitySource kafkaFollowingProgressMarkers(KafkaPipelineOptions options, String topic,
      SerializableFunction<byte[], Long> eventTimeOfValue) {
    return new RawActivitySource(ReadRawRecords.followingProgressMarkers(options, List.of(topic), eventTimeOfValue), null);
  }

  /** Archived records with event time in {@code [fromMs, toMs)} from the given read units of data files. */
  public static RawActivitySource archive(List<List<String>> readUnits, long fromMs, long toMs) {
    return new RawActivitySource(null, new ReadArchive(readUnits, fromMs, toMs));
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    if (archive != null) {
      return begin.apply("ReadArchive", archive);
    }
    return PCollectionTuple.of(RECORDS, begin.apply("ReadKafka", kafka));
  }

  /** The source's own dead letters: present for an archive, absent for Kafka. */
  public static List<PCollection<DeadLetter>> deadLetters(PCollectionTuple source) {
    return source.has(DEAD_LETTERS) ? List.of(source.get(DEAD_LETTERS)) : List.of();
  }
}
