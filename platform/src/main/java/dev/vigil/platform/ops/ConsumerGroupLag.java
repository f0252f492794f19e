package dev.vigil.platform.ops;

import dev.vigil.schemas.config.KafkaClientSettings;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's lag on a topic, per partition: the end offset minus the group's committed offset (the
 * whole partition when the group has committed nothing yet). Vigil's jobs commit with their checkpoints, so
 * this is the input a job would read again after a restart.
 */
public record ConsumerGroupLag(String group, String topic, Map<Integer, Long> perPartition, Map<Integer, Boolean> committed) {

  public long total() {
    return perPartition.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Reads it through an admin client with the operator's settings {@code kafka} (brokers, security). Fails with Kafka's
   * own exception (an authentication failure, an unknown topic; its message names no setting's value) or on timeout.
   */
  public static ConsumerGroupLag read(KafkaClientSettings kafka, String group, String topic) throws Exception {
    try {
      return readThrough(kafka, group, topic);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static ConsumerGroupLag readThrough(KafkaClientSettings kafka, String group, String topic) throws Exception {
    try (Admin admin = Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)))) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> latest = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
      for (int i = 0; i < partitions; i++) {
        latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
          .get(5, TimeUnit.SECONDS);
      Map<Integer, Long> lag = new TreeMap<>();
      Map<Integer, Boolean> committed = new TreeMap<>();
      for (TopicPartition tp : latest.keySet()) {
        OffsetAndMetadata c = offsets.get(tp);
        lag.put(tp.partition(), ends.get(tp).offset() - (c == null ? 0 : c.offset()));
        committed.put(tp.partition(), c != null);
      }
      return new ConsumerGroupLag(group, topic, lag, committed);
    }
  }
}
