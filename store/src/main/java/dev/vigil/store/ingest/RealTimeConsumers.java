package dev.vigil.store.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.store.version.StoreVersion;

/**
 * Consumers of a store's real-time topic. They never join a group or commit to Kafka: each version keeps
 * its own offsets in RocksDB, and consumers are positioned from there.
 */
public final class RealTimeConsumers {
  private RealTimeConsumers() {}

  /** A consumer with the operator's settings ({@code kafka}) on top of the store's; the offset handling is the store's. */
  public static KafkaConsumer<byte[], byte[]> create(KafkaClientSettings kafka, String clientId) {
    return new KafkaConsumer<>(kafka.clientConfig(Map.of(
        ConsumerConfig.CLIENT_ID_CONFIG, clientId,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000")), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The topic's partitions, or an empty list while it does not exist; Kafka's TimeoutException (a
   * RetriableException) when no broker answers within {@code timeout}.
   */
  public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    return infos == null ? List.of() : infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  /** Positions the consumer at the version's stored offsets; partitions it has never seen start at the beginning. */
  public static void seekTo(KafkaConsumer<?, ?> consumer, StoreVersion version, List<TopicPartition> partitions) {
    Map<Integer, Long> stored = version.offsets();
    for (TopicPartition tp : partitions) {
      Long next = stored.get(tp.partition());
      if (next == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, next);
      }
    }
  }

  /**
   * Applies records to {@code version} until the consumer has passed {@code stopAt} on every partition.
   * Rejections below {@code stopAt} were reported before and are not reported again.
   *
   * @return records applied
   */
  public static long catchUp(KafkaConsumer<byte[], byte[]> consumer, StoreVersion version, Map<TopicPartition, Long> stopAt,
      DeadLetterSink deadLetters, IngestionStats stats, java.util.function.LongConsumer onApplied) {
    long applied = 0;
    while (behind(consumer, stopAt)) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
      // Offsets from stopAt on are new to the serving ingestion, so their rejections are reported.
      RealTimeApplier.apply(version, records, deadLetters, stopAt, stats);
      applied += records.count();
      onApplied.accept(records.count());
    }
    return applied;
  }

  private static boolean behind(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> stopAt) {
    for (Map.Entry<TopicPartition, Long> e : stopAt.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return true;
      }
    }
    return false;
  }
}
