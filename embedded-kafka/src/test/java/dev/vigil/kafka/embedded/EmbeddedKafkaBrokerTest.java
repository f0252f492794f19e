package dev.vigil.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
