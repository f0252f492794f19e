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
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
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
 * coming: that data is then late, and state the consumer expires on its watermark is gone before it comes.
 *
 * <p>How: records are routed to their partition here (the same partition Kafka's default partitioner gives a
 * key), one key per partition, so each partition has one writer and its records keep their order. A looping
 * event-time timer per partition fires as the watermark passes each {@code step}; every firing at {@code t} means
 * every element stamped before {@code t} has gone by, so a marker written after them says: nothing read as earlier
 * than {@code t - timestampLead} follows on time. Firings are written at most once per {@link #FLUSH_DELAY} of
 * processing time (a backlog moves the watermark by hours in one go). Markers ride through
 * {@link HoldUntilCheckpoint} with the records, in order. Late records stay late: markers do not change them.
 *
 * <p>Order holds on Flink, where the steps after the keyed one are chained to it, and the producer is idempotent
 * with at most 5 requests in flight (set here; operators may not change either). It does not hold on the Direct
 * runner (bundles of one step run on several threads, each with its own producer): tests only. Restoring a savepoint
 * at another parallelism redistributes records the hold still buffers, so those of the stop's last checkpoint may
 * land behind a marker: late, as after any reordering. The partition count is read when a worker starts; partitions
 * added to the topic get records and markers after the job restarts.
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
  private final boolean holdUntilCheckpoint;

  private WriteWithProgressMarkers(KafkaConnection kafka, String topic, org.joda.time.Duration step,
      org.joda.time.Duration timestampLead, boolean holdUntilCheckpoint) {
    super("WriteWithProgressMarkers(" + topic + ")");
    this.kafka = kafka;
    this.topic = topic;
    this.step = step;
    this.timestampLead = timestampLead;
    this.holdUntilCheckpoint = holdUntilCheckpoint;
  }

  /**
   * @param step event time between markers
   * @param timestampLead how far ahead of the event time its readers take from it an element is stamped (a partial
   *     is stamped at its window's end and read as its window's start)
   * @param holdUntilCheckpoint pass records and markers on only once their checkpoint has completed
   */
  public static WriteWithProgressMarkers to(KafkaConnection kafka, String topic, org.joda.time.Duration step,
      org.joda.time.Duration timestampLead, boolean holdUntilCheckpoint) {
    return new WriteWithProgressMarkers(kafka, topic, step, timestampLead, holdUntilCheckpoint);
  }

  @Override
  public PDone expand(PCollection<KV<byte[], byte[]>> input) {
    return input
        // Markers span every window of the input: one loop per partition, in the global window.
        .apply("IntoGlobalWindow", Window.into(new GlobalWindows()))
        .apply("AssignPartitions", ParDo.of(new AssignPartitionFn(kafka, topic))).setCoder(ROUTED_CODER)
        .apply("InterleaveProgressMarkers", ParDo.of(new InterleaveMarkersFn(step, timestampLead))).setCoder(ROUTED_CODER)
        .apply("HoldUntilCheckpoint", HoldUntilCheckpoint.when(holdUntilCheckpoint))
        .apply("ToProducerRecords", ParDo.of(new ToProducerRecordFn(topic)))
        .setCoder(ProducerRecordCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()))
        .apply("KafkaWrite", KafkaIO.<byte[], byte[]>writeRecords()
            .withBootstrapServers(kafka.bootstrapServers())
            .withProducerFactoryFn(kafka.producerFactory())
            // A partition's records must land in the order written, or a marker could pass a partial: idempotence
            // (at most 5 requests in flight) keeps a retried batch in place, and retries last until the delivery
            // timeout instead of KafkaIO's 3, after which the job fails and restarts from its checkpoint.
            .withProducerConfigUpdates(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5, ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE))
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

    InterleaveMarkersFn(org.joda.time.Duration step, org.joda.time.Duration timestampLead) {
      this.step = step;
      this.timestampLead = timestampLead;
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
    public void onAdvance(@Key Integer partition, @Timestamp Instant passedAt, @StateId("passed") ValueState<Long> passed,
        @StateId("written") ValueState<Long> written, @StateId("flushSet") ValueState<Boolean> flushSet,
        @TimerId("advance") Timer advance, @TimerId("flush") Timer flush, OutputReceiver<KV<Integer, KV<byte[], byte[]>>> out) {
      passed.write(passedAt.getMillis());
      Instant next = passedAt.plus(stepAt(passedAt.getMillis(), System.currentTimeMillis()));
      if (next.isAfter(GlobalWindow.INSTANCE.maxTimestamp())) {
        // The end of the input: the watermark is at the end of time. The last marker, now.
        writeMarker(partition, passed, written, out);
        return;
      }
      advance.set(next);
      if (!Boolean.TRUE.equals(flushSet.read())) {
        flush.withOutputTimestamp(passedAt).offset(FLUSH_DELAY).setRelative();
        flushSet.write(true);
      }
    }

    /**
     * Event time to the next firing: the step near the clock; a 64th of the distance to the clock when further off, so
     * catching up a week-old backlog costs hundreds of firings, not a hundred thousand, and the end of the input (the
     * watermark at the end of time) a couple of thousand. Markers only get coarser, never wrong.
     */
    org.joda.time.Duration stepAt(long passedMs, long nowMs) {
      return org.joda.time.Duration.millis(Math.max(step.getMillis(), Math.abs(nowMs - passedMs) / 64));
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
        // Stamped with the time it covers, so a reader's bounds on a record's time accept its value.
        out.outputWithTimestamp(KV.of(partition, KV.of(ProgressMarkers.key(), ProgressMarkers.value(passedMs - timestampLead.getMillis()))),
            new Instant(passedMs));
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
      // The record's time is the element's event time, so consumers and retention see event time, not write time. A
      // marker's is never past the clock: a broker may refuse records from the future, and the end of the input marks
      // the end of time (readers then take the clock instead of its value).
      long time = ProgressMarkers.isMarker(element.getValue().getKey())
          ? Math.min(timestamp.getMillis(), System.currentTimeMillis()) : timestamp.getMillis();
      out.output(new ProducerRecord<>(topic, element.getKey(), Math.max(0, time), element.getValue().getKey(),
          element.getValue().getValue()));
    }
  }
}
