package dev.vigil.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.config.KafkaClientSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

  @Test
  void producesAndReadsBackAndKeepsDataAcrossRestart(@TempDir Path dataDir) throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start()) {
      kafka.topics().create(List.of("t"), 3);
      send(kafka.bootstrapServers(), "t", 10);
      assertThat(kafka.topics().recordCounts(List.of("t"))).isEqualTo(Map.of("t", 10L));
    }
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start()) {
      assertThat(kafka.topics().readAll("t")).hasSize(10)
          .extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).contains("v0", "v9");
    }
  }

  @Test
  void aSaslBrokerServesItsUsersAndRefusesAWrongPasswordAndUnauthenticatedClients() throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().saslPlainUser("alice", "alice-pw").build().start()) {
      kafka.topics().create(List.of("t"), 1);
      Map<String, Object> alice = KafkaClientSettings.of(kafka.bootstrapServers(),
          EmbeddedKafkaBroker.saslClientProperties("alice", "alice-pw")).clientConfig(Map.of());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(alice, new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>("t", "v".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
      }
      assertThat(kafka.topics().readAll("t")).hasSize(1);

      Map<String, Object> wrongPassword = KafkaClientSettings.of(kafka.bootstrapServers(),
          EmbeddedKafkaBroker.saslClientProperties("alice", "guess")).clientConfig(Map.of());
      try (Admin admin = Admin.create(wrongPassword)) {
        assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
            .hasCauseInstanceOf(SaslAuthenticationException.class);
      }
      // A client without SASL never gets an answer from a SASL listener: it times out rather than seeing topics.
      try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
        assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
      }
    }
  }

  private static void send(String bootstrap, String topic, int n) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
      }
    }
  }
}
