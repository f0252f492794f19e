package dev.vigil.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.ProgressMarkers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.kafka.ProducerRecordCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The markers one partition's writer interleaves with its records, driven in event and processing time. */
@ExtendWith(TestPipelineExtension.class)
class WriteWithProgressMarkersTest {
  private static final Duration STEP = Duration.standardSeconds(5);
  private static final Duration LEAD = Duration.millis(4_999);
  private static final KV<byte[], byte[]> SEED = KV.of(new byte[0], new byte[0]);

  @Test
  void markersFollowTheWatermarkOncePerFlushOnEveryPartitionUpToTheEndOfInput(TestPipeline p) {
    long base = System.currentTimeMillis() / 5_000 * 5_000 - 60_000;
    KV<byte[], byte[]> record = KV.of("7".getBytes(StandardCharsets.UTF_8), "partial".getBytes(StandardCharsets.UTF_8));
    TestStream<KV<Integer, KV<byte[], byte[]>>> input = TestStream.create(
            KvCoder.of(VarIntCoder.of(), KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of())))
        .addElements(TimestampedValue.of(KV.of(0, SEED), new Instant(base + 4_999)),
            TimestampedValue.of(KV.of(1, SEED), new Instant(base + 4_999)),
            TimestampedValue.of(KV.of(0, record), new Instant(base + 4_999)))
        // One jump of 15 s: four loop firings (base+4,999 .. base+19,999), one marker per partition a second later.
        .advanceWatermarkTo(new Instant(base + 20_000))
        .advanceProcessingTime(Duration.standardSeconds(2))
        .advanceWatermarkToInfinity();

    PCollection<KV<Integer, KV<byte[], byte[]>>> out = p.apply(input)
        .apply(ParDo.of(new WriteWithProgressMarkers.InterleaveMarkersFn(STEP, LEAD)));

    PAssert.that(out).satisfies(all -> {
      List<KV<Integer, KV<byte[], byte[]>>> list = StreamSupport.stream(all.spliterator(), false).toList();
      assertThat(list).filteredOn(kv -> !ProgressMarkers.isMarker(kv.getValue().getKey())).as("records pass, seeds do not")
          .singleElement().satisfies(kv -> {
            assertThat(kv.getKey()).isZero();
            assertThat(kv.getValue().getValue()).isEqualTo(record.getValue());
          });
      for (int partition = 0; partition < 2; partition++) {
        List<Long> markers = new ArrayList<>();
        for (KV<Integer, KV<byte[], byte[]>> kv : list) {
          if (kv.getKey() == partition && ProgressMarkers.isMarker(kv.getValue().getKey())) {
            markers.add(ProgressMarkers.watermarkMs(kv.getValue().getValue()));
          }
        }
        assertThat(markers).as("partition %d: the flushed jump, then the end of input", partition).hasSizeGreaterThanOrEqualTo(2)
            .isSorted().doesNotHaveDuplicates();
        assertThat(markers.get(0)).as("last firing passed (base+19,999) less the lead").isEqualTo(base + 15_000);
        assertThat(markers.get(markers.size() - 1)).as("the end of time, less a step and the lead")
            .isGreaterThan(GlobalWindow.INSTANCE.maxTimestamp().getMillis() / 64 * 63 - LEAD.getMillis());
      }
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void stepsAreTheStepNearTheClockAndGrowWithTheDistanceFromIt() {
    var fn = new WriteWithProgressMarkers.InterleaveMarkersFn(STEP, LEAD);
    long now = 1_800_000_000_000L;
    assertThat(fn.stepAt(now - 5_000, now)).isEqualTo(STEP);
    assertThat(fn.stepAt(now - 64 * 5_000, now)).isEqualTo(STEP);
    assertThat(fn.stepAt(now - Duration.standardDays(7).getMillis(), now)).as("a week behind")
        .isEqualTo(Duration.millis(Duration.standardDays(7).getMillis() / 64));
    assertThat(fn.stepAt(now + Duration.standardDays(64).getMillis(), now)).as("past the clock: the end of input")
        .isEqualTo(Duration.standardDays(1));
  }

  @Test
  void recordsKeepTheirEventTimeAndAMarkerNeverGoesPastTheClock(TestPipeline p) {
    long farFuture = GlobalWindow.INSTANCE.maxTimestamp().getMillis() - 1;
    long before = System.currentTimeMillis();
    KV<byte[], byte[]> partial = KV.of("7".getBytes(StandardCharsets.UTF_8), new byte[] {1});
    KV<byte[], byte[]> marker = KV.of(ProgressMarkers.key(), ProgressMarkers.value(farFuture - LEAD.getMillis()));
    PCollection<ProducerRecord<byte[], byte[]>> out = p.apply(Create.timestamped(
            TimestampedValue.of(KV.of(3, partial), new Instant(before + 60_000)), TimestampedValue.of(KV.of(1, marker), new Instant(farFuture)))
            .withCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()))))
        .apply(ParDo.of(new WriteWithProgressMarkers.ToProducerRecordFn("filtered")))
        .setCoder(ProducerRecordCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()));

    PAssert.that(out).satisfies(records -> {
      assertThat(records).hasSize(2).allSatisfy(r -> assertThat(r.topic()).isEqualTo("filtered"));
      for (ProducerRecord<byte[], byte[]> r : records) {
        if (ProgressMarkers.isMarker(r.key())) {
          assertThat(r.partition()).isEqualTo(1);
          assertThat(r.timestamp()).as("the end of input's marker, stamped now").isBetween(before, System.currentTimeMillis());
        } else {
          assertThat(r.partition()).isEqualTo(3);
          assertThat(r.timestamp()).as("a partial keeps its event time").isEqualTo(before + 60_000);
        }
      }
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void routesAKeyToThePartitionKafkasDefaultPartitionerGivesIt() {
    byte[] key = "12345".getBytes(StandardCharsets.UTF_8);
    // Kafka's BuiltInPartitioner.partitionForKey, the reference the filtered topic's readers and producers share.
    assertThat(WriteWithProgressMarkers.partitionOf(key, 7))
        .isEqualTo(org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(key, 7));
  }
}
