package dev.vigil.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSettingsTest {
  private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"vigil\""
      + " password=\"s3cret-pw\";";

  @TempDir
  Path dir;

  private Path file(String content) throws IOException {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(file, content);
    return file;
  }

  @Test
  void fileSettingsGoOnTopOfVigilsTuningAndEnvironmentOnTopOfTheFile() throws IOException {
    Path file = file("""
        security.protocol=SASL_PLAINTEXT
        sasl.mechanism=SCRAM-SHA-512
        request.timeout.ms=60000
        """);
    KafkaClientSettings settings = KafkaClientSettings.resolve(file, Map.of(
            "VIGIL_KAFKA_SASL_MECHANISM", "PLAIN",
            "VIGIL_KAFKA_SASL_JAAS_CONFIG", JAAS,
            "PATH", "/usr/bin",
            "VIGIL_STORE_ADMIN_TOKEN", "not-a-kafka-setting",
            "KAFKA_OPTS", "-Dx=y"))
        .withBootstrapServers("broker:9093");

    Map<String, Object> config = settings.clientConfig(Map.of("request.timeout.ms", "5000", "linger.ms", "5"));

    assertThat(config).containsExactlyInAnyOrderEntriesOf(Map.of(
        "bootstrap.servers", "broker:9093",
        "security.protocol", "SASL_PLAINTEXT",
        "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", JAAS,
        "request.timeout.ms", "60000",
        "linger.ms", "5"));
    assertThat(settings.keys()).containsExactly("request.timeout.ms", "sasl.jaas.config", "sasl.mechanism", "security.protocol");
  }

  @Test
  void theEnvironmentAloneIsEnough() {
    KafkaClientSettings settings = KafkaClientSettings.resolve(null, Map.of("VIGIL_KAFKA_SECURITY_PROTOCOL", "SSL",
        "VIGIL_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/vigil/truststore.jks"));

    assertThat(settings.clientConfig(Map.of())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "security.protocol", "SSL", "ssl.truststore.location", "/etc/vigil/truststore.jks"));
    assertThat(settings.bootstrapServers()).isNull();
  }

  @Test
  void withoutFileOrEnvironmentAClientGetsOnlyVigilsConfiguration() {
    assertThat(KafkaClientSettings.resolve(null, Map.of()).keys()).isEmpty();
    assertThat(KafkaClientSettings.of("localhost:9092").clientConfig(Map.of("acks", "all")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("bootstrap.servers", "localhost:9092", "acks", "all"));
  }

  @Test
  void toStringNamesKeysAndSourcesButNoValue() throws IOException {
    Path file = file("sasl.jaas.config=" + JAAS.replace("\"", "\\\"") + "\nssl.truststore.password=tr0ust\n");
    KafkaClientSettings settings = KafkaClientSettings.resolve(file, Map.of("VIGIL_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"))
        .withBootstrapServers("broker:9093");

    assertThat(settings.clientConfig(Map.of())).containsEntry("sasl.jaas.config", JAAS).containsEntry("ssl.truststore.password", "tr0ust");
    assertThat(settings.toString())
        .isEqualTo("KafkaClientSettings[bootstrap.servers=broker:9093, sasl.jaas.config=[hidden] (file " + file.toAbsolutePath()
            + "), security.protocol=[hidden] ($VIGIL_KAFKA_SECURITY_PROTOCOL), ssl.truststore.password=[hidden] (file "
            + file.toAbsolutePath() + ")]")
        .doesNotContain("s3cret-pw", "tr0ust", "SASL_SSL");
  }

  @Test
  void aKeyVigilSetsForCorrectnessIsRefusedFromTheFileInOneLineWithoutItsValue() throws IOException {
    Path file = file("security.protocol=SASL_PLAINTEXT\nenable.auto.commit=true-ish-secret\n");

    assertThatThrownBy(() -> KafkaClientSettings.resolve(file, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Kafka setting 'enable.auto.commit' (from file " + file.toAbsolutePath() + ") is not allowed: Vigil commits"
            + " offsets with checkpoints (jobs) or stores them with the data (store)")
        .message().doesNotContain("true-ish-secret").doesNotContain("\n");
  }

  @Test
  void aKeyVigilSetsForCorrectnessIsRefusedFromTheEnvironment() {
    assertThatThrownBy(() -> KafkaClientSettings.resolve(null, Map.of("VIGIL_KAFKA_GROUP_ID", "other")))
        .hasMessage("Kafka setting 'group.id' (from $VIGIL_KAFKA_GROUP_ID) is not allowed: the --consumerGroup flag sets it");
    for (String key : KafkaClientSettings.OWNED_BY_VIGIL.keySet()) {
      String name = "VIGIL_KAFKA_" + key.toUpperCase().replace('.', '_');
      assertThatThrownBy(() -> KafkaClientSettings.resolve(null, Map.of(name, "x"))).as(key).hasMessageContaining("'" + key + "'");
    }
  }

  @Test
  void aMissingOrUnreadableFileIsOneLine() throws IOException {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> KafkaClientSettings.resolve(missing, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Kafka properties file " + missing.toAbsolutePath() + " does not exist");
    assertThatThrownBy(() -> KafkaClientSettings.resolve(dir, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Kafka properties file " + dir.toAbsolutePath() + " cannot be read");
    Path malformed = file("sasl.jaas.config=\\u12G4 secret\n");
    assertThatThrownBy(() -> KafkaClientSettings.resolve(malformed, Map.of()))
        .hasMessageStartingWith("Kafka properties file " + malformed.toAbsolutePath() + " is not a properties file")
        .message().doesNotContain("secret");
  }

  @Test
  void anEnvironmentVariableThatNamesNoSettingIsRefused() {
    assertThatThrownBy(() -> KafkaClientSettings.resolve(null, Map.of("VIGIL_KAFKA_", "x")))
        .hasMessageStartingWith("environment variable VIGIL_KAFKA_ names no Kafka setting");
  }
}
