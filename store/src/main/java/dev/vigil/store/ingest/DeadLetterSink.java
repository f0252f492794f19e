package dev.vigil.store.ingest;

import dev.vigil.schemas.DeadLetterRecords;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where rejected real-time records go: the dead-letter topic, with the reason and the original bytes and
 * coordinates. Delivery is at least once (a crash between the store write and the send may repeat one).
 */
public interface DeadLetterSink extends AutoCloseable {

  void reject(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail);

  @Override
  default void close() {}

  /** Counts nothing and sends nothing: replays of records the serving ingestion already judged. */
  DeadLetterSink ALREADY_REPORTED = (record, reason, detail) -> {};

  /** A sink that produces {@code DeadLetter} bytes to {@code topic}, keyed {@code topic-partition@offset}. */
  static DeadLetterSink kafka(KafkaClientSettings kafka, String topic, String rejectedBy) {
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
        new ByteArraySerializer(), new ByteArraySerializer());
    Logger log = LoggerFactory.getLogger(DeadLetterSink.class);
    return new DeadLetterSink() {
      @Override
      public void reject(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        DeadLetter letter = DeadLetterRecords.build(record.key(), record.value(),
            new DeadLetterRecords.Source(record.topic(), record.partition(), record.offset(), record.timestamp()), reason, detail,
            rejectedBy);
        producer.send(new ProducerRecord<>(topic, DeadLetterRecords.key(letter), letter.toByteArray()), (meta, error) -> {
          if (error != null) {
            log.warn("dead letter for {}-{}@{} not delivered: {}", record.topic(), record.partition(), record.offset(), error.toString());
          }
        });
      }

      @Override
      public void close() {
        producer.close();
      }
    };
  }
}
