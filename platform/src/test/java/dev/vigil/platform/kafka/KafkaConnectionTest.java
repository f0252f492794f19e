package dev.vigil.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.platform.options.KafkaPipelineOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factories KafkaIO calls carry the properties file's path only and read it when a client is created; broker-free.
 * FilterPipelineSaslTest runs a job through a SASL broker.
 */
class KafkaConnectionTest {
  private static final String PASSWORD = "pw-that-must-not-travel";

  @TempDir
  Path dir;

  @Test
  void theOptionHoldsAnAbsolutePathAndTheFactoriesSerializeWithoutTheSettings() throws IOException {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(file, "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\""
        + PASSWORD + "\";\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n");
    KafkaPipelineOptions options = PipelineOptionsFactory.fromArgs("--kafkaPropertiesFile=" + file, "--bootstrapServers=b:9092")
        .as(KafkaPipelineOptions.class);

    KafkaConnection kafka = KafkaConnection.of(options);

    assertThat(kafka).isEqualTo(new KafkaConnection("b:9092", file.toAbsolutePath().toString()));
    assertThat(kafka.settingsHere().clientConfig(Map.of())).containsEntry("sasl.mechanism", "PLAIN");
    assertThat(javaSerialized(kafka.consumerFactory()) + javaSerialized(kafka.producerFactory())).contains(file.toAbsolutePath().toString()).doesNotContain(PASSWORD, "SASL_PLAINTEXT");
  }

  /** Uncompressed (SerializableUtils compresses, which would hide a string from a search). */
  private static String javaSerialized(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aConsumerGetsTheFilesSettingsAsTheyAreWhenItIsCreated() throws IOException {
    Path file = dir.resolve("kafka.properties");
    SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> factory =
        SerializableUtils.clone(new KafkaConnection("localhost:1", file.toString()).consumerFactory());
    Map<String, Object> kafkaIoConfig = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        ByteArrayDeserializer.class));

    // Written after the factory was built and copied, as on a TaskManager: read when the consumer is made.
    Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n");
    assertThatThrownBy(() -> factory.apply(kafkaIoConfig))
        .as("SASL without a JAAS entry: Kafka refuses to build the client, so the file's settings reached it")
        .hasRootCauseMessage("Could not find a 'KafkaClient' entry in the JAAS configuration. System property"
            + " 'java.security.auth.login.config' is not set");

    Files.writeString(file, "enable.auto.commit=true\n");
    assertThatThrownBy(() -> factory.apply(kafkaIoConfig)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Kafka setting 'enable.auto.commit' (from file " + file.toAbsolutePath() + ") is not allowed");

    Files.writeString(file, "client.id=from-the-file\n");
    try (Consumer<byte[], byte[]> consumer = factory.apply(kafkaIoConfig)) {
      assertThat(consumer.metrics().keySet()).anySatisfy(m -> assertThat(m.tags()).containsEntry("client-id", "from-the-file"));
    }
  }
}
