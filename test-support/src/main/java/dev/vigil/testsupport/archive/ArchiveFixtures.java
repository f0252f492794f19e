package dev.vigil.testsupport.archive;

import dev.vigil.archive.ArchiveLayout;
import dev.vigil.platform.archive.WriteArchive;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.RawRecord;
import dev.vigil.testsupport.fixtures.RawRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Archives for replay tests, written by the archiving job's own sink ({@link WriteArchive}, hourly files and their
 * manifests) on the Direct runner, and the raw records that go into them.
 */
public final class ArchiveFixtures {
  /** The sample archive: three hours from this instant, 25 members. */
  public static final long SAMPLE_START_MS = Instant.parse("2026-11-30T10:00:00Z").getMillis();
  public static final long SAMPLE_SPAN_MS = 3 * ArchiveLayout.HOUR_MS;
  public static final int SAMPLE_MEMBERS = 25;

  private ArchiveFixtures() {}

  /** Writes {@code records} (each at its event time) into {@code root} as the archiving job does, {@code shards} files per hour. */
  public static void write(List<TimestampedValue<RawRecord>> records, Path root, int shards) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(Create.timestamped(records).withCoder(ProtoCoder.of(RawRecord.class)))
        .apply(new WriteArchive(root.toString(), Duration.standardHours(1), Duration.ZERO, shards));
    p.run().waitUntilFinish();
  }

  /**
   * Raw records over three hours from {@link #SAMPLE_START_MS} on two partitions, arriving somewhat out of order (up to
   * 2 min late, across hour ends too), plus one undecodable value.
   */
  public static List<TimestampedValue<RawRecord>> sampleRecords() {
    Random random = new Random(11);
    List<TimestampedValue<RawRecord>> out = new ArrayList<>();
    long[] next = new long[2];
    EventType[] types = {EventType.PAGE_VIEW, EventType.PROFILE_VIEW, EventType.SEARCH, EventType.MESSAGE_SENT};
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 3_000; i++) {
      long ts = SAMPLE_START_MS + (long) i * SAMPLE_SPAN_MS / 3_000 - random.nextInt(120_000);
      ts = Math.max(SAMPLE_START_MS, ts);
      long member = 1 + random.nextInt(SAMPLE_MEMBERS);
      ActivityEvent e = ActivityEvent.newBuilder().setEventId("e" + i).setMemberId(member).setType(types[random.nextInt(types.length)])
          .setTimestampMs(ts).setIp("198.51.100." + member).setUserAgent("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")
          .setTargetId(random.nextInt(300)).setSessionId("s" + member).build();
      int partition = (int) (member % 2);
      out.add(atEventTime(RawRecords.of(partition, next[partition]++, ts, key, e.toByteArray()), ts));
    }
    long garbageAt = SAMPLE_START_MS + 60_000;
    out.add(atEventTime(RawRecords.of(0, next[0]++, garbageAt, key, "garbage".getBytes(StandardCharsets.UTF_8)), garbageAt));
    return out;
  }

  public static TimestampedValue<RawRecord> atEventTime(RawRecord record, long eventTimeMs) {
    return TimestampedValue.of(record, new Instant(eventTimeMs));
  }

  /**
   * An event's record of the raw topic as a producer stamps it (Kafka timestamp = event time), at its event time;
   * {@code key} null for none.
   */
  public static TimestampedValue<RawRecord> ofEvent(ActivityEvent event, int partition, long offset, byte[] key) {
    return atEventTime(RawRecords.of(partition, offset, event.getTimestampMs(), key, event.toByteArray()), event.getTimestampMs());
  }

  /** What the raw topic holds, as the archiving job would archive it: each record at its event's time. */
  public static List<TimestampedValue<RawRecord>> fromTopic(List<ConsumerRecord<byte[], byte[]>> records) {
    List<TimestampedValue<RawRecord>> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      long eventTime;
      try {
        eventTime = ActivityEvent.parseFrom(r.value()).getTimestampMs();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
      RawRecord raw = RawRecord.newBuilder(RawRecords.of(r.partition(), r.offset(), r.timestamp(), r.key(), r.value()))
          .setTopic(r.topic()).build();
      out.add(atEventTime(raw, eventTime));
    }
    return out;
  }
}
