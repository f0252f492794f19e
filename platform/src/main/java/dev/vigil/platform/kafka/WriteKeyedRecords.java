package dev.vigil.platform.kafka;

import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes key/value byte pairs to a Kafka topic. The record timestamp is the element's event-time
 * timestamp, so downstream consumers and retention see event time, not write time. Producers are created
 * with the operator's Kafka settings ({@link KafkaConnection}).
 */
public final class WriteKeyedRecords extends PTransform<PCollection<KV<byte[], byte[]>>, PDone> {
  private final KafkaConnection kafka;
  private final String topic;

  private WriteKeyedRecords(KafkaConnection kafka, String topic) {
    super("WriteTo(" + topic + ")");
    this.kafka = kafka;
    this.topic = topic;
  }

  public static WriteKeyedRecords to(KafkaConnection kafka, String topic) {
    return new WriteKeyedRecords(kafka, topic);
  }

  @Override
  public PDone expand(PCollection<KV<byte[], byte[]>> input) {
    return input.apply("KafkaWrite", KafkaIO.<byte[], byte[]>write()
        .withBootstrapServers(kafka.bootstrapServers())
        .withProducerFactoryFn(kafka.producerFactory())
        .withTopic(topic)
        .withKeySerializer(ByteArraySerializer.class)
        .withValueSerializer(ByteArraySerializer.class)
        .withInputTimestamp());
  }
}
