package dev.vigil.kafka.embedded;

import dev.vigil.schemas.config.KafkaClientSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Topic administration and whole-topic reads against any broker: used by tests, the CLI and the demo. */
public final class KafkaTopics {
  private final KafkaClientSettings kafka;

  public KafkaTopics(String bootstrapServers) {
    this(KafkaClientSettings.of(bootstrapServers));
  }

  public KafkaTopics(KafkaClientSettings kafka) {
    this.kafka = kafka;
  }

  private Admin admin() {
    return Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000")));
  }

  /** Waits until the broker answers metadata requests. */
  void awaitReady() throws ExecutionException, InterruptedException, TimeoutException {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Creates the topics that do not exist yet (replication factor 1) and waits until they are visible. */
  public void create(Collection<String> topics, int partitions) {
    try (Admin admin = admin()) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
          .map(t -> new NewTopic(t, partitions, (short) 1)).collect(Collectors.toList());
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      awaitLeaders(topics);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not create topics " + topics + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * Waits until the broker's own metadata (what producers and consumers see, not only the controller's)
   * names a leader for every partition. Producing earlier can leave an idempotent producer retrying
   * forever with OUT_OF_ORDER_SEQUENCE_NUMBER after its first batch raced the leader election.
   */
  private void awaitLeaders(Collection<String> topics) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (String topic : topics) {
      while (!hasLeaders(topic)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + topic + " has partitions without a leader after 30 s");
        }
        Thread.sleep(100);
      }
    }
  }

  private boolean hasLeaders(String topic) {
    // A fresh client each time, so no cached metadata from an earlier attempt is reused.
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<org.apache.kafka.common.PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      return !infos.isEmpty() && infos.stream().allMatch(i -> i.leader() != null && i.leader().id() >= 0);
    } catch (org.apache.kafka.common.KafkaException e) {
      return false;
    }
  }

  /** Number of records in each topic (sum of end offsets minus start offsets). */
  public Map<String, Long> recordCounts(Collection<String> topics) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      Map<String, Long> counts = new HashMap<>();
      for (String topic : topics) {
        List<TopicPartition> partitions = partitions(consumer, topic);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        counts.put(topic, partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum());
      }
      return counts;
    }
  }

  /** Every record currently in the topic, partition by partition. */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      Predicate<TopicPartition> behind = tp -> consumer.position(tp) < end.get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(behind)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out reading " + topic);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * Polls until {@code done} holds for the records of the topic (re-read in full each round) or the
   * timeout passes; returns the last read. Tests use this instead of sleeping.
   */
  public List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
      Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<byte[], byte[]>> records = readAll(topic);
    while (!done.test(records)) {
      if (System.nanoTime() > deadline) {
        return records;
      }
      Thread.sleep(250);
      records = readAll(topic);
    }
    return records;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(kafka.clientConfig(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(info -> new TopicPartition(topic, info.partition())).collect(Collectors.toList());
  }
}
