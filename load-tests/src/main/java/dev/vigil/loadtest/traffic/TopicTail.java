package dev.vigil.loadtest.traffic;

import dev.vigil.schemas.config.KafkaClientSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows topics from their beginning on a background thread, handing each record to a callback: how a
 * live run watches what the pipelines write without a consumer group or committed offsets.
 */
public final class TopicTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  private TopicTail(KafkaConsumer<byte[], byte[]> consumer, Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    this.consumer = consumer;
    this.thread = new Thread(() -> poll(onRecord), "topic-tail");
    this.thread.setDaemon(true);
  }

  /** Starts following every partition of {@code topics} (which must exist) from offset 0. */
  public static TopicTail start(KafkaClientSettings kafka, Collection<String> topics,
      Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    return start(kafka, topics, onRecord, false);
  }

  /** Starts following {@code topics} from their current ends: only what is written from now on. */
  public static TopicTail fromEnd(KafkaClientSettings kafka, Collection<String> topics,
      Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    return start(kafka, topics, onRecord, true);
  }

  private static TopicTail start(KafkaClientSettings kafka, Collection<String> topics,
      Consumer<ConsumerRecord<byte[], byte[]>> onRecord, boolean fromEnd) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    }
    consumer.assign(partitions);
    if (fromEnd) {
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // resolve the ends now, not at the first poll
    } else {
      consumer.seekToBeginning(partitions);
    }
    TopicTail tail = new TopicTail(consumer, onRecord);
    tail.thread.start();
    return tail;
  }

  private void poll(Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          onRecord.accept(r);
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (RuntimeException e) {
      LOG.error("topic tail stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Stops the tail and waits for its thread; a second call does nothing. */
  @Override
  public synchronized void close() throws InterruptedException {
    if (!running) {
      return;
    }
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
