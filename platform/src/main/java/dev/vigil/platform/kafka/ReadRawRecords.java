package dev.vigil.platform.kafka;

import com.google.protobuf.ByteString;
import dev.vigil.core.extract.EventTimeBounds;
import dev.vigil.platform.metrics.BundleCounter;
import dev.vigil.platform.options.KafkaPipelineOptions;
import dev.vigil.schemas.ProgressMarkers;
import dev.vigil.schemas.v1.RawRecord;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Unbounded read of byte records from Kafka as {@link RawRecord}s stamped with event time. Event time
 * comes from {@code eventTimeOfValue}. A value with none (-1), or with one beyond the job's
 * {@link EventTimeBounds}, is stamped with its record's time instead (never later than now), so it
 * cannot move the watermark; the job's parse step dead-letters it.
 *
 * <p>A progress marker's ({@link WriteWithProgressMarkers}) event time is its watermark. Read
 * {@link #followingProgressMarkers}, a topic's watermark is its markers' ({@link ProgressMarkerPolicy}); otherwise
 * it is {@link BoundedOutOfOrdernessPolicy}'s, idle rule included.
 */
public final class ReadRawRecords extends PTransform<PBegin, PCollection<RawRecord>> {
  /** Beam metrics of the Kafka source: {@value #METRICS_NAMESPACE}.{@value #RECORDS_READ} counts records read. */
  public static final String METRICS_NAMESPACE = "vigil.source";
  public static final String RECORDS_READ = "records_read";

  private final KafkaPipelineOptions options;
  private final List<String> topics;
  private final SerializableFunction<byte[], Long> eventTimeOfValue;
  private final boolean followProgressMarkers;

  private ReadRawRecords(KafkaPipelineOptions options, List<String> topics, SerializableFunction<byte[], Long> eventTimeOfValue,
      boolean followProgressMarkers) {
    super("ReadRawRecords");
    this.options = options;
    this.topics = topics;
    this.eventTimeOfValue = eventTimeOfValue;
    this.followProgressMarkers = followProgressMarkers;
  }

  /** Topics written by producers: a partition caught up and silent for the idle timeout follows the wall clock. */
  public static ReadRawRecords from(KafkaPipelineOptions options, List<String> topics,
      SerializableFunction<byte[], Long> eventTimeOfValue) {
    return new ReadRawRecords(options, topics, eventTimeOfValue, false);
  }

  /** Topics written by {@link WriteWithProgressMarkers}: the markers, not the wall clock, move silent partitions on. */
  public static ReadRawRecords followingProgressMarkers(KafkaPipelineOptions options, List<String> topics,
      SerializableFunction<byte[], Long> eventTimeOfValue) {
    return new ReadRawRecords(options, topics, eventTimeOfValue, true);
  }

  @Override
  public PCollection<RawRecord> expand(PBegin input) {
    SerializableFunction<byte[], Long> valueTime = eventTimeOfValue;
    EventTimeBounds bounds = KafkaPipelineOptions.eventTimeBounds(options);
    // A progress marker's event time is its watermark, whichever way the topic is read.
    SerializableFunction<KafkaRecord<byte[], byte[]>, Instant> recordTime = r -> {
      byte[] value = r.getKV().getValue();
      long valueMs = ProgressMarkers.isMarker(r.getKV().getKey()) ? ProgressMarkers.watermarkMs(value) : valueTime.apply(value);
      return new Instant(stampMs(valueMs, r.getTimestamp(), System.currentTimeMillis(), bounds));
    };
    TimestampPolicyFactory<byte[], byte[]> watermarks = followProgressMarkers
        ? ProgressMarkerPolicy.factory(recordTime, r -> ProgressMarkers.isMarker(r.getKV().getKey()) ? recordTime.apply(r) : null)
        : BoundedOutOfOrdernessPolicy.factory(recordTime, Duration.millis(options.getMaxOutOfOrdernessMs()),
            Duration.millis(options.getIdlePartitionTimeoutMs()), Duration.millis(options.getIdleStartupGraceMs()));
    KafkaConnection kafka = KafkaConnection.of(options);
    return input
        .apply("ReadKafka", KafkaIO.<byte[], byte[]>read()
            .withBootstrapServers(kafka.bootstrapServers())
            .withConsumerFactoryFn(kafka.consumerFactory())
            .withTopics(topics)
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(ByteArrayDeserializer.class)
            // Offsets are committed by commitOffsetsInFinalize, when a checkpoint completes; the consumer's own
            // auto-commit (on by default once a group is set) would commit records no checkpoint holds yet.
            .withConsumerConfigUpdates(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, options.getConsumerGroup(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.getStartOffset(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))
            .commitOffsetsInFinalize()
            .withTimestampPolicyFactory(watermarks))
        .apply("ToRawRecord", ParDo.of(new ToRawRecordFn()))
        .setCoder(ProtoCoder.of(RawRecord.class));
  }

  /**
   * The event time a record is stamped with: its value's, when it has one the bounds accept; otherwise its
   * record's time, never later than now.
   */
  static long stampMs(long valueTimeMs, long recordTimeMs, long nowMs, EventTimeBounds bounds) {
    return valueTimeMs > 0 && bounds.accepts(valueTimeMs, recordTimeMs, nowMs) ? valueTimeMs
        : EventTimeBounds.referenceMs(recordTimeMs, nowMs);
  }

  static final class ToRawRecordFn extends DoFn<KafkaRecord<byte[], byte[]>, RawRecord> {
    private final BundleCounter read = new BundleCounter(METRICS_NAMESPACE, RECORDS_READ);

    @FinishBundle
    public void finishBundle() {
      read.flush();
    }

    @ProcessElement
    public void process(@Element KafkaRecord<byte[], byte[]> r, OutputReceiver<RawRecord> out) {
      read.inc();
      byte[] key = r.getKV().getKey();
      byte[] value = r.getKV().getValue();
      out.output(RawRecord.newBuilder()
          .setTopic(r.getTopic())
          .setPartition(r.getPartition())
          .setOffset(r.getOffset())
          .setKafkaTimestampMs(r.getTimestamp())
          .setKey(key == null ? ByteString.EMPTY : ByteString.copyFrom(key))
          .setValue(value == null ? ByteString.EMPTY : ByteString.copyFrom(value))
          .setHasValue(value != null)
          .build());
    }
  }
}
