package dev.vigil.platform.kafka;

import dev.vigil.platform.runner.HoldUntilCheckpoint;
import dev.vigil.schemas.ProgressMarkers;
import java.time.Duration;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.ProducerRecordCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.joda.time.Instant;

/**
 * Writes keyed records to a topic and, on every partition of it, the writing job's event-time progress as
 * {@link ProgressMarkers}: a consumer job's watermark can then follow the writer's instead of the wall clock.
 *
 * <p>Why: a consumer cannot tell a partition that is silent because its writer is done from one that is silent
 * because its writer is still working through a backlog, or holds its output until the next checkpoint. Taking
 * silence for "done" (the wall-clock idle rule) moves the consumer's watermark hours past data that is still
 * coming, and every record of the backlog is then too late.
 *
 * <p>How: records are routed to their partition here (the same partition Kafka's default partitioner gives a
 * key), one key per partition, so each partition has one writer and its records keep their order. A looping
 * event-time timer per partition fires as the watermark passes each {@code step}; every firing at {@code t} means
 * every element stamped before {@code t} has gone by, so a marker written after them says: nothing read as earlier
 * than {@code t - timestampLead} follows on time. Firings are written at most once per {@link #FLUSH_DELAY} of
 * processing time (a backlog moves the watermark by hours in one go). Markers ride through
 * {@link HoldUntilCheckpoint} with the records, in order. Late records stay late: markers do not change them.
 *
 * <p>Input keys must not be empty (an empty key marks the seeds that start every partition's markers).
 */
public final class WriteWithProgressMarkers extends PTransform<PCollection<KV<byte[], byte[]>>, PDone> {
  /** Processing time between a timer firing and the marker that carries it: markers at most once a second. */
  static final org.joda.time.Duration FLUSH_DELAY = org.joda.time.Duration.standardSeconds(1);
  private static final Duration PARTITIONS_TIMEOUT = Duration.ofSeconds(60);
  private static final KvCoder<Integer, KV<byte[], byte[]>> ROUTED_CODER =
      KvCoder.of(VarIntCoder.of(), KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()));

  private final KafkaConnection kafka;
  private final String topic;
  private final org.joda.time.Duration step;
  private final org.joda.time.Duration timestampLead;
  private final org.joda.time.Duration horizon;
  private final boolean holdUntilCheckpoint;

  private WriteWithProgressMarkers(KafkaConnection kafka, String topic, org.joda.time.Duration step,
      org.joda.time.Duration timestampLead, org.joda.time.Duration horizon, boolean holdUntilCheckpoint) {
    super("WriteWithProgressMarkers(" + topic + ")");
    this.kafka = kafka;
    this.topic = topic;
    this.step = step;
    this.timestampLead = timestampLead;
    this.horizon = horizon;
    this.holdUntilCheckpoint = holdUntilCheckpoint;
  }

  /**
   * @param step event time between markers
   * @param timestampLead how far ahead of the event time its readers take from it an element is stamped (a partial
   *     is stamped at its window's end and read as its window's start)
   * @param horizon how far past the wall clock the watermark can be while input still comes (the largest accepted
   *     clock skew); beyond it the input has ended and the markers stop
   * @param holdUntilCheckpoint pass records and markers on only once their checkpoint has completed
   */
  public static WriteWithProgressMarkers to(KafkaConnection kafka, String topic, org.joda.time.Duration step,
      org.joda.time.Duration timestampLead, org.joda.time.Duration horizon, boolean holdUntilCheckpoint) {
    return new WriteWithProgressMarkers(kafka, topic, step, timestampLead, horizon, holdUntilCheckpoint);
  }

  @Override
  public PDone expand(PCollection<KV<byte[], byte[]>> input) {
    return input
        // Markers span every window of the input: one loop per partition, in the global window.
        .apply("IntoGlobalWindow", Window.into(new GlobalWindows()))
        .apply("AssignPartitions", ParDo.of(new AssignPartitionFn(kafka, topic))).setCoder(ROUTED_CODER)
        .apply("InterleaveProgressMarkers", ParDo.of(new InterleaveMarkersFn(step, timestampLead, horizon))).setCoder(ROUTED_CODER)
        .apply("HoldUntilCheckpoint", HoldUntilCheckpoint.when(holdUntilCheckpoint))
        .apply("ToProducerRecords", ParDo.of(new ToProducerRecordFn(topic)))
        .setCoder(ProducerRecordCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()))
        .apply("KafkaWrite", KafkaIO.<byte[], byte[]>writeRecords()
            .withBootstrapServers(kafka.bootstrapServers())
            .withProducerFactoryFn(kafka.producerFactory())
            .withTopic(topic)
            .withKeySerializer(ByteArraySerializer.class)
            .withValueSerializer(ByteArraySerializer.class));
  }

  /** Kafka's default partitioner for a keyed record: murmur2 of the key bytes. */
  static int partitionOf(byte[] key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  static boolean isSeed(KV<byte[], byte[]> record) {
    return record.getKey().length == 0;
  }

  /** Routes each record to its partition; the first record each instance sees also seeds every partition's markers. */
  static final class AssignPartitionFn extends DoFn<KV<byte[], byte[]>, KV<Integer, KV<byte[], byte[]>>> {
    private static final KV<byte[], byte[]> SEED = KV.of(new byte[0], new byte[0]);
    private final KafkaConnection kafka;
    private final String topic;
    private transient int partitions;
    private transient boolean seeded;

    AssignPartitionFn(KafkaConnection kafka, String topic) {
      this.kafka = kafka;
      this.topic = topic;
    }

    @Setup
    public void setup() {
      partitions = kafka.partitionCount(topic, PARTITIONS_TIMEOUT);
    }

    @ProcessElement
    public void process(@Element KV<byte[], byte[]> record, OutputReceiver<KV<Integer, KV<byte[], byte[]>>> out) {
      if (!seeded) {
        // Without a seed, a partition no record goes to would never get a marker and would hold its readers back.
        for (int p = 0; p < partitions; p++) {
          out.output(KV.of(p, SEED));
        }
        seeded = true;
      }
      out.output(KV.of(partitionOf(record.getKey(), partitions), record));
    }
  }

  /** Passes a partition's records on and interleaves its progress markers, in order. */
  static final class InterleaveMarkersFn extends DoFn<KV<Integer, KV<byte[], byte[]>>, KV<Integer, KV<byte[], byte[]>>> {
    @StateId("looping")
    private final StateSpec<ValueState<Boolean>> loopingSpec = StateSpecs.value();
    @StateId("passed")
    private final StateSpec<ValueState<Long>> passedSpec = StateSpecs.value(VarLongCoder.of());
    @StateId("written")
    private final StateSpec<ValueState<Long>> writtenSpec = StateSpecs.value(VarLongCoder.of());
    @StateId("flushSet")
    private final StateSpec<ValueState<Boolean>> flushSetSpec = StateSpecs.value();
    @TimerId("advance")
    private final TimerSpec advanceSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);
    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    private final org.joda.time.Duration step;
    private final org.joda.time.Duration timestampLead;
    private final org.joda.time.Duration horizon;

    InterleaveMarkersFn(org.joda.time.Duration step, org.joda.time.Duration timestampLead, org.joda.time.Duration horizon) {
      this.step = step;
      this.timestampLead = timestampLead;
      this.horizon = horizon;
    }

    @ProcessElement
    public void process(@Element KV<Integer, KV<byte[], byte[]>> element, @Timestamp Instant timestamp,
        @StateId("looping") ValueState<Boolean> looping, @TimerId("advance") Timer advance,
        OutputReceiver<KV<Integer, KV<byte[], byte[]>>> out) {
      if (!isSeed(element.getValue())) {
        out.output(element);
      }
      if (!Boolean.TRUE.equals(looping.read())) {
        advance.set(timestamp);
        looping.write(true);
      }
    }

    @OnTimer("advance")
    public void onAdvance(@Key Integer partition, @Timestamp Instant passedAt, @StateId("looping") ValueState<Boolean> looping,
        @StateId("passed") ValueState<Long> passed, @StateId("written") ValueState<Long> written,
        @StateId("flushSet") ValueState<Boolean> flushSet, @TimerId("advance") Timer advance, @TimerId("flush") Timer flush,
        OutputReceiver<KV<Integer, KV<byte[], byte[]>>> out) {
      passed.write(passedAt.getMillis());
      Instant next = passedAt.plus(step);
      if (next.isAfter(Instant.now().plus(horizon))) {
        // Only the end of the input moves the watermark this far: say so now and stop looping until a record comes.
        looping.write(false);
        writeMarker(partition, passed, written, out);
        return;
      }
      advance.set(next);
      if (!Boolean.TRUE.equals(flushSet.read())) {
        flush.withOutputTimestamp(passedAt).offset(FLUSH_DELAY).setRelative();
        flushSet.write(true);
      }
    }

    @OnTimer("flush")
    public void onFlush(@Key Integer partition, @StateId("passed") ValueState<Long> passed,
        @StateId("written") ValueState<Long> written, @StateId("flushSet") ValueState<Boolean> flushSet,
        OutputReceiver<KV<Integer, KV<byte[], byte[]>>> out) {
      flushSet.clear();
      writeMarker(partition, passed, written, out);
    }

    private void writeMarker(int partition, ValueState<Long> passed, ValueState<Long> written,
        OutputReceiver<KV<Integer, KV<byte[], byte[]>>> out) {
      Long passedMs = passed.read();
      Long writtenMs = written.read();
      if (passedMs != null && (writtenMs == null || passedMs > writtenMs)) {
        out.output(KV.of(partition, KV.of(ProgressMarkers.key(), ProgressMarkers.value(passedMs - timestampLead.getMillis()))));
        written.write(passedMs);
      }
    }
  }

  static final class ToProducerRecordFn extends DoFn<KV<Integer, KV<byte[], byte[]>>, ProducerRecord<byte[], byte[]>> {
    private final String topic;

    ToProducerRecordFn(String topic) {
      this.topic = topic;
    }

    @ProcessElement
    public void process(@Element KV<Integer, KV<byte[], byte[]>> element, @Timestamp Instant timestamp,
        OutputReceiver<ProducerRecord<byte[], byte[]>> out) {
      // The record's time is the element's event time, so consumers and retention see event time, not write time.
      out.output(new ProducerRecord<>(topic, element.getKey(), Math.max(0, timestamp.getMillis()),
          element.getValue().getKey(), element.getValue().getValue()));
    }
  }
}
