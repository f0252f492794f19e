package dev.vigil.platform.ops;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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

  /** Reads it through an admin client with these client settings (security settings among them); fails on timeout. */
  public static ConsumerGroupLag read(String bootstrapServers, Properties clientSettings, String group, String topic) throws Exception {
    Properties p = new Properties();
    p.putAll(clientSettings);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(p)) {
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
