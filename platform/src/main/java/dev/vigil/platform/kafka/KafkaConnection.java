package dev.vigil.platform.kafka;

import dev.vigil.platform.options.KafkaPipelineOptions;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a job's KafkaIO readers and writers reach the brokers: the bootstrap servers and the <em>path</em> of the
 * operator's Kafka properties file ({@code --kafkaPropertiesFile}), nothing else. The settings themselves (SASL/SSL
 * secrets among them) are resolved by {@link KafkaClientSettings}, from that file and the {@code VIGIL_KAFKA_*}
 * environment, inside the factories KafkaIO calls to create each consumer and producer: in the submitting JVM when
 * KafkaIO splits its source, on the TaskManagers for readers and writers. So they never enter the pipeline options
 * (which Flink shows in its web UI and REST API), KafkaIO's consumer and producer configuration (part of the job
 * graph and its display data) or the serialized job graph.
 *
 * @param propertiesFile absolute path, or null for none; it must exist at that path wherever clients are created
 */
public record KafkaConnection(String bootstrapServers, String propertiesFile) implements Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);

  public static KafkaConnection of(KafkaPipelineOptions options) {
    String file = options.getKafkaPropertiesFile();
    // Absolute: TaskManagers run from other working directories than the JVM that parsed the flag.
    return new KafkaConnection(options.getBootstrapServers(),
        file == null || file.isBlank() ? null : Path.of(file).toAbsolutePath().toString());
  }

  /**
   * The operator's settings as this JVM sees them.
   *
   * @throws IllegalArgumentException (one line, no values) when the file cannot be read or sets a key Vigil owns
   */
  public KafkaClientSettings settingsHere() {
    return KafkaClientSettings.fromEnvironment(propertiesFile == null ? null : Path.of(propertiesFile))
        .withBootstrapServers(bootstrapServers);
  }

  /**
   * Resolves the settings here, so an unreadable file or a key Vigil owns fails at submission in one line rather
   * than in every reader later; logs which keys are set and where from, never their values.
   */
  public void checkSettings() {
    KafkaClientSettings settings = settingsHere();
    if (!settings.keys().isEmpty()) {
      LOG.info("Kafka clients get the operator's settings {}", settings);
    }
  }

  /** For {@code KafkaIO.Read.withConsumerFactoryFn}: KafkaIO's consumer configuration plus the operator's settings. */
  public SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
    return this::newConsumer;
  }

  /** For {@code KafkaIO.Write.withProducerFactoryFn}: KafkaIO's producer configuration plus the operator's settings. */
  public <K, V> SerializableFunction<Map<String, Object>, Producer<K, V>> producerFactory() {
    return this::newProducer;
  }

  /**
   * How many partitions {@code topic} has, asked of the brokers.
   *
   * @throws IllegalStateException when the topic does not exist (or the brokers do not answer within {@code timeout})
   */
  public int partitionCount(String topic, java.time.Duration timeout) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    try (Consumer<byte[], byte[]> consumer = newConsumer(config)) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrapServers);
      }
      return partitions.size();
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new IllegalStateException("no partitions of topic " + topic + " from " + bootstrapServers + " within " + timeout, e);
    }
  }

  private Consumer<byte[], byte[]> newConsumer(Map<String, Object> kafkaIoConfig) {
    return new KafkaConsumer<>(settingsHere().clientConfig(kafkaIoConfig));
  }

  private <K, V> Producer<K, V> newProducer(Map<String, Object> kafkaIoConfig) {
    return new KafkaProducer<>(settingsHere().clientConfig(kafkaIoConfig));
  }
}
