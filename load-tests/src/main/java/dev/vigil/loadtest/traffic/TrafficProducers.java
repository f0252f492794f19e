package dev.vigil.loadtest.traffic;

import dev.vigil.schemas.config.KafkaClientSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The Kafka producers of synthetic traffic ({@link ActivityProducer}, {@link LoadGenerator}) and how they count what got through. */
final class TrafficProducers {
  /** What {@code ./vigil produce} and the demo have always used. */
  static final Map<String, String> ACTIVITY_PRODUCER = Map.of(
      ProducerConfig.LINGER_MS_CONFIG, "5",
      ProducerConfig.BATCH_SIZE_CONFIG, "131072",
      ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

  /**
   * Throughput first: no idempotence (no sequence bookkeeping per partition), bigger batches and a longer
   * linger, more buffer for bursts (per producer; LoadGenerator has one per thread). acks=all stays (Vigil owns it) so an acknowledged record is in the topic.
   */
  static final Map<String, String> LOAD_GENERATOR = Map.of(
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
      ProducerConfig.ACKS_CONFIG, "all",
      ProducerConfig.LINGER_MS_CONFIG, "10",
      ProducerConfig.BATCH_SIZE_CONFIG, "262144",
      ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
      ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L << 20));

  private TrafficProducers() {}

  static KafkaProducer<byte[], byte[]> open(KafkaClientSettings kafka, Map<String, String> throughput) {
    Map<String, Object> config = new HashMap<>(throughput);
    // A broker that is not there is reported in seconds, not after the client's default minute of retries.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    return new KafkaProducer<>(kafka.clientConfig(config), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Fetches the topic's partitions before a timed run, so its first sends do not wait for metadata while the
   * clock runs; IllegalArgumentException (one line) if no broker answers.
   */
  static void fetchMetadata(Producer<byte[], byte[]> producer, String topic, String bootstrapServers) {
    try {
      producer.partitionsFor(topic);
    } catch (TimeoutException e) {
      throw noBroker(bootstrapServers, e);
    }
  }

  private static IllegalArgumentException noBroker(String bootstrapServers, TimeoutException e) {
    return new IllegalArgumentException("no Kafka broker answered at " + bootstrapServers + " within 5 s (" + e.getMessage() + ")");
  }

  /**
   * Counts the broker's acknowledgements of sends (one callback instance for all of them, safe on any
   * number of producer threads) and turns a broker that takes nothing into a one-line IllegalArgumentException.
   */
  static final class Acknowledgements implements Callback {
    private final String bootstrapServers;
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    Acknowledgements(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception error) {
      if (error == null) {
        acknowledged.increment();
      } else {
        failed.increment();
        firstFailure.compareAndSet(null, error);
      }
    }

    /** Sends; throws IllegalArgumentException if no broker answers, or if the first records failed and none got through. */
    void send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
      try {
        producer.send(record, this);
      } catch (TimeoutException e) {
        throw noBroker(bootstrapServers, e);
      }
      Exception failure = firstFailure.get();
      if (failure != null && acknowledged.sum() == 0) {
        throw failure instanceof TimeoutException t ? noBroker(bootstrapServers, t)
            : new IllegalArgumentException("Kafka at " + bootstrapServers + " refused the first records: " + failure.getMessage());
      }
    }

    long acknowledged() {
      return acknowledged.sum();
    }

    long failed() {
      return failed.sum();
    }
  }
}
