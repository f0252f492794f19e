package dev.vigil.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.flink.cluster.JobJar;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's own Kafka clients ({@code vigil produce}, {@code vigil status}) against a broker that takes only
 * SASL/PLAIN clients, with {@code --kafka-properties-file}; and {@code --optionsFile} as the launcher and the job jar
 * read it.
 */
class KafkaSecurityCliTest {
  private static final String USER = "cli_user";
  private static final String PASSWORD = "cli-pw-4be1d7";
  private static EmbeddedKafkaBroker kafka;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @TempDir
  Path dir;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafkaBroker.builder().saslPlainUser(USER, PASSWORD).build().start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  private String stderr() {
    return console.stderr();
  }

  private Path kafkaProperties(String name, String password) throws IOException {
    return EmbeddedKafkaBroker.writeSaslClientProperties(dir.resolve(name), USER, password);
  }

  @Test
  void produceSendsThroughTheSaslBrokerWithThePropertiesFileAndSaysInOneLineWhenItIsRefused() throws IOException {
    kafka.topics().create(List.of("cli-raw"), 1);

    assertThat(VigilCli.execute("produce", "--bootstrap-servers=" + kafka.bootstrapServers(), "--topic", "cli-raw", "--count", "200",
        "--rate", "0", "--members", "20", "--kafka-properties-file", kafkaProperties("ok.properties", PASSWORD).toString())).isZero();
    assertThat(kafka.topics().recordCounts(List.of("cli-raw"))).containsEntry("cli-raw", 200L);

    String wrong = "wrong-" + PASSWORD;
    assertThat(VigilCli.execute("produce", "--bootstrapServers=" + kafka.bootstrapServers(), "--topic", "cli-raw", "--count", "5",
        "--kafka-properties-file", kafkaProperties("wrong.properties", wrong).toString())).isEqualTo(2);
    // Besides Kafka's own log line about the failed authentication.
    assertThat(stderr().lines()).contains("vigil produce: Kafka at " + kafka.bootstrapServers()
        + " refused the first records: Authentication failed: Invalid username or password");
    assertThat(console.stdout() + stderr()).doesNotContain(PASSWORD);
  }

  @Test
  void statusReadsConsumerLagThroughTheSaslBroker() throws Exception {
    kafka.topics().create(List.of("cli-lag"), 1);
    VigilCli.execute("produce", "--bootstrapServers=" + kafka.bootstrapServers(), "--topic", "cli-lag", "--count", "5", "--rate", "0",
        "--kafka-properties-file", kafkaProperties("ok.properties", PASSWORD).toString());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.clientSettings().clientConfig(
        Map.of(ConsumerConfig.GROUP_ID_CONFIG, "cli-group")), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.commitSync(Map.of(new TopicPartition("cli-lag", 0), new OffsetAndMetadata(2)));
    }
    Map<String, String> jobOptions = Map.of("bootstrapServers", kafka.bootstrapServers(), "consumerGroup", "cli-group",
        "inputTopic", "cli-lag");

    assertThat(StatusCommand.lag(jobOptions, KafkaClientSettings.resolve(kafkaProperties("ok.properties", PASSWORD), Map.of())))
        .isEqualTo("lag of group cli-group on cli-lag: 3 (0:3); offsets are committed with checkpoints");
    assertThat(StatusCommand.lag(jobOptions, KafkaClientSettings.resolve(kafkaProperties("wrong.properties", "nope"), Map.of())))
        .isEqualTo("lag: Kafka at " + kafka.bootstrapServers()
            + " did not answer (SaslAuthenticationException: Authentication failed: Invalid username or password)");
  }

  @Test
  void aKeyVigilOwnsFailsEveryKafkaCommandInOneLine() throws IOException {
    Path acks = Files.writeString(dir.resolve("acks.properties"), "acks=0\n");
    String refusal = "Kafka setting 'acks' (from file " + acks + ") is not allowed: at-least-once delivery needs acks=all";

    assertThat(VigilCli.execute("produce", "--kafka-properties-file", acks.toString())).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil produce: " + refusal);
    console.resetStderr();
    assertThat(VigilCli.execute("status", "--kafka-properties-file", acks.toString(), "--flink-master", "127.0.0.1:1")).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil status: " + refusal);
    console.resetStderr();
    assertThat(VigilCli.execute("filter", "--kafkaPropertiesFile=" + acks)).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("vigil filter: " + refusal);
  }

  @Test
  void theOptionsFileDecidesHowTheLauncherRunsAJobAndFlagsWinOverIt() throws IOException {
    Path options = Files.writeString(dir.resolve("job.properties"), "flinkMaster=127.0.0.1:8081\nconsumerGroup=from-file\n");

    String[] args = BeamFlags.withRunnerDefaults(List.of("--optionsFile=" + options, "--consumerGroup=from-flag"));

    assertThat(args).contains("--flinkMaster=127.0.0.1:8081", "--runner=FlinkRunner", "--consumerGroup=from-flag")
        .doesNotContain("--flinkMaster=[local]", "--consumerGroup=from-file");
    assertThat(JobJarProcess.needed(args)).as("a cluster master from the file sends the job through the job jar").isTrue();
  }

  @Test
  void anUnknownKeyInTheOptionsFileFailsAsTheSameFlagDoes() throws IOException {
    Path options = Files.writeString(dir.resolve("job.properties"), "windowSecond=5\n");

    assertThat(VigilCli.execute("filter", "--windowSecond=5")).isEqualTo(2);
    String asFlag = stderr();
    console.resetStderr();
    assertThat(VigilCli.execute("filter", "--optionsFile=" + options)).isEqualTo(2);

    assertThat(stderr()).isEqualTo(asFlag).startsWith("vigil filter: ").contains("'windowSecond'");
    assertThat(stderr().strip()).doesNotContain("\n");
  }

  /** The job jar's JVM, as JobJarProcess and flink run start it: it reads the options file and the Kafka properties file. */
  @Test
  void theJobJarReadsTheOptionsFileAndTheKafkaPropertiesFileItNames() throws Exception {
    Path kafkaProperties = Files.writeString(dir.resolve("kafka.properties"), "security.protocol=SASL_PLAINTEXT\ngroup.id=mine\n");
    Path options = Files.writeString(dir.resolve("job.properties"), "kafkaPropertiesFile=" + kafkaProperties + "\n");

    Process job = new ProcessBuilder(JobJar.command("filter", List.of("--optionsFile=" + options))).redirectErrorStream(true).start();
    String output = new String(job.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(job.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(job.exitValue()).as(output).isEqualTo(2);
    assertThat(output.strip()).endsWith("vigil filter: Kafka setting 'group.id' (from file " + kafkaProperties
        + ") is not allowed: the --consumerGroup flag sets it");
  }
}
