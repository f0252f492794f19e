package dev.vigil.store.ingest;

import dev.vigil.store.version.StoreVersion;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes a store's serving version: it consumes the real-time topic and applies each
 * poll atomically with its offsets. Version switches (a finished push, a rollback) are requests to this
 * thread, so a switch can never interleave with a write: the target first catches up to exactly where the
 * serving version is, then becomes the serving (and written) version.
 */
public final class RealTimeIngestion implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RealTimeIngestion.class);
  private static final long PARTITION_RECHECK_MS = 10_000;

  public enum State { STARTING, WAITING_FOR_TOPIC, RUNNING, FAILED, STOPPED }

  private record SwitchRequest(StoreVersion target, CompletableFuture<Void> done) {}

  private final String topic;
  private final String bootstrapServers;
  private final String clientId;
  private final DeadLetterSink deadLetters;
  private final Consumer<StoreVersion> onSwitched;
  private final IngestionStats stats = new IngestionStats();
  private final LinkedBlockingQueue<SwitchRequest> switches = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile StoreVersion target;
  private volatile State state = State.STARTING;
  private volatile String failure;
  private volatile long lag;
  private volatile boolean running = true;
  private KafkaConsumer<byte[], byte[]> consumer;

  /**
   * @param onSwitched called on this thread when a requested version has caught up; it must make that
   *     version the serving one before returning
   */
  public RealTimeIngestion(String storeName, String topic, String bootstrapServers, StoreVersion initial,
      DeadLetterSink deadLetters, Consumer<StoreVersion> onSwitched) {
    this.topic = topic;
    this.bootstrapServers = bootstrapServers;
    this.clientId = "vigil-store-" + storeName;
    this.target = initial;
    this.deadLetters = deadLetters;
    this.onSwitched = onSwitched;
    this.thread = new Thread(this::run, "store-ingest-" + storeName);
    this.thread.setDaemon(true);
  }

  public RealTimeIngestion start() {
    thread.start();
    return this;
  }

  public State state() {
    return state;
  }

  public String failure() {
    return failure;
  }

  /** Records between the serving version's position and the end of the topic, summed over partitions. */
  public long lag() {
    return lag;
  }

  public IngestionStats stats() {
    return stats;
  }

  public String topic() {
    return topic;
  }

  /** Makes {@code version} serving once it has caught up with the current one; completes when it serves. */
  public CompletableFuture<Void> switchTo(StoreVersion version) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (state == State.FAILED || !running) {
      done.completeExceptionally(new IllegalStateException("real-time ingestion is " + state
          + (failure == null ? "" : ": " + failure)));
      return done;
    }
    switches.add(new SwitchRequest(version, done));
    return done;
  }

  private void run() {
    List<TopicPartition> assigned = List.of();
    long lastPartitionCheck = 0;
    try {
      consumer = RealTimeConsumers.create(bootstrapServers, clientId);
      while (running) {
        long now = System.currentTimeMillis();
        if (assigned.isEmpty() || now - lastPartitionCheck > PARTITION_RECHECK_MS) {
          lastPartitionCheck = now;
          List<TopicPartition> found = RealTimeConsumers.partitions(consumer, topic);
          if (found.isEmpty()) {
            state = State.WAITING_FOR_TOPIC;
            serveSwitchesWithoutTopic();
            continue;
          }
          if (!new HashSet<>(found).equals(new HashSet<>(assigned))) {
            consumer.assign(found);
            RealTimeConsumers.seekTo(consumer, target, found);
            assigned = found;
            LOG.info("store ingestion: version {} consuming {} ({} partitions) from {}", target.number(), topic,
                found.size(), target.offsets());
          }
          state = State.RUNNING;
        }
        SwitchRequest request = switches.poll();
        if (request != null) {
          switchVersion(request, assigned);
          continue;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        RealTimeApplier.apply(target, records, deadLetters, Map.of(), stats);
        updateLag(assigned);
      }
      state = State.STOPPED;
    } catch (WakeupException e) {
      state = State.STOPPED;
    } catch (RuntimeException e) {
      failure = e.toString();
      state = State.FAILED;
      LOG.error("store ingestion from {} failed; reads keep serving, writes stop", topic, e);
      SwitchRequest pending;
      while ((pending = switches.poll()) != null) {
        pending.done().completeExceptionally(e);
      }
    } finally {
      if (consumer != null) {
        consumer.close(Duration.ofSeconds(5));
      }
    }
  }

  /** Without a topic there is nothing to catch up: switches take effect at once. */
  private void serveSwitchesWithoutTopic() {
    try {
      SwitchRequest request = switches.poll(1, TimeUnit.SECONDS);
      if (request != null) {
        onSwitched.accept(request.target());
        target = request.target();
        request.done().complete(null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void switchVersion(SwitchRequest request, List<TopicPartition> assigned) {
    try {
      Map<TopicPartition, Long> serving = new HashMap<>();
      for (TopicPartition tp : assigned) {
        serving.put(tp, consumer.position(tp));
      }
      StoreVersion next = request.target();
      RealTimeConsumers.seekTo(consumer, next, assigned);
      long applied = RealTimeConsumers.catchUp(consumer, next, serving, deadLetters, stats, n -> {});
      onSwitched.accept(next);
      target = next;
      LOG.info("store ingestion: version {} caught up ({} records) and now serves", next.number(), applied);
      request.done().complete(null);
    } catch (RuntimeException e) {
      // Put the consumer back where the serving version is, so ingestion carries on unharmed.
      RealTimeConsumers.seekTo(consumer, target, assigned);
      request.done().completeExceptionally(e);
    }
  }

  private void updateLag(List<TopicPartition> assigned) {
    long sum = 0;
    for (TopicPartition tp : assigned) {
      OptionalLong l = consumer.currentLag(tp);
      if (l.isPresent()) {
        sum += l.getAsLong();
      }
    }
    lag = sum;
  }

  @Override
  public void close() {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
