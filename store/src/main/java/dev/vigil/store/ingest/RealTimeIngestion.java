package dev.vigil.store.ingest;

import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.store.version.StoreVersion;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes a store's serving version: it consumes the real-time topic and applies each
 * poll atomically with its offsets. Version switches (a finished push, a rollback) are requests to this
 * thread, so a switch can never interleave with a write: the target first catches up to exactly where the
 * serving version is, then becomes the serving (and written) version.
 *
 * <p>Kafka may be down when the server starts, or go away later: ingestion then waits and retries with
 * backoff (1 s doubling to 30 s), saying in {@link #waitingFor()} what it waits for, and carries on from the
 * version's stored offsets once Kafka answers. Only errors retrying cannot fix make it FAILED.
 */
public final class RealTimeIngestion implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RealTimeIngestion.class);
  private static final long PARTITION_RECHECK_MS = 10_000;
  /** How long one attempt waits for the topic's metadata; an unreachable Kafka costs this per attempt. */
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);
  /** Longest a wait between attempts goes without looking at {@link #running} (so close() is prompt). */
  private static final long WAIT_SLICE_MS = 200;

  public enum State { STARTING, WAITING_FOR_KAFKA, WAITING_FOR_TOPIC, RUNNING, FAILED, STOPPED }

  private record SwitchRequest(StoreVersion target, CompletableFuture<Void> done) {}

  private final String topic;
  private final KafkaClientSettings kafka;
  private final String clientId;
  private final DeadLetterSink deadLetters;
  private final Consumer<StoreVersion> onSwitched;
  private final IngestionStats stats = new IngestionStats();
  private final LinkedBlockingQueue<SwitchRequest> switches = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile StoreVersion target;
  private volatile State state = State.STARTING;
  private volatile String failure;
  private volatile String waitingFor;
  private volatile long lag;
  private volatile boolean running = true;
  private KafkaConsumer<byte[], byte[]> consumer;

  /**
   * @param onSwitched called on this thread when a requested version has caught up; it must make that
   *     version the serving one before returning
   */
  public RealTimeIngestion(String storeName, String topic, KafkaClientSettings kafka, StoreVersion initial,
      DeadLetterSink deadLetters, Consumer<StoreVersion> onSwitched) {
    this.topic = topic;
    this.kafka = kafka;
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

  /** What ingestion waits for before it can run (Kafka, the topic), or null when it runs or has stopped. */
  public String waitingFor() {
    return waitingFor;
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
    if (state == State.FAILED || state == State.WAITING_FOR_KAFKA || !running) {
      done.completeExceptionally(cannotSwitch());
      return done;
    }
    switches.add(new SwitchRequest(version, done));
    return done;
  }

  private IllegalStateException cannotSwitch() {
    String why = state == State.FAILED ? failure : waitingFor;
    return new IllegalStateException("real-time ingestion is " + state + (why == null ? "" : ": " + why)
        + "; no version can catch up and serve until it runs");
  }

  private void run() {
    List<TopicPartition> assigned = List.of();
    long lastPartitionCheck = 0;
    int failedAttempts = 0;
    waitingFor = "a first answer from Kafka at " + kafka.bootstrapServers();
    try {
      consumer = RealTimeConsumers.create(kafka, clientId);
      while (running) {
        try {
          long now = System.currentTimeMillis();
          if (assigned.isEmpty() || now - lastPartitionCheck > PARTITION_RECHECK_MS) {
            List<TopicPartition> found = RealTimeConsumers.partitions(consumer, topic, METADATA_TIMEOUT);
            lastPartitionCheck = now;
            if (failedAttempts > 0) {
              LOG.info("store ingestion: Kafka at {} answers again (failed attempts: {})", kafka.bootstrapServers(), failedAttempts);
              failedAttempts = 0;
            }
            if (found.isEmpty()) {
              state = State.WAITING_FOR_TOPIC;
              waitingFor = "topic " + topic + " to be created";
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
            waitingFor = null;
          }
          SwitchRequest request = switches.poll();
          if (request != null) {
            switchVersion(request, assigned);
            continue;
          }
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
          RealTimeApplier.apply(target, records, deadLetters, Map.of(), stats);
          updateLag(assigned);
        } catch (RetriableException e) {
          // Kafka does not answer (not up yet, restarting, unreachable). Everything applied so far is in the
          // version with its offsets, and the consumer keeps its positions: waiting loses nothing.
          failedAttempts++;
          Duration delay = retryDelay(failedAttempts);
          state = State.WAITING_FOR_KAFKA;
          waitingFor = "Kafka at " + kafka.bootstrapServers() + " (" + e.getMessage() + "); failed attempts: " + failedAttempts
              + ", next in " + Math.max(1, delay.toSeconds()) + " s";
          if (failedAttempts == 1) {
            LOG.warn("store ingestion from {}: Kafka at {} does not answer ({}); retrying with backoff, reads keep serving",
                topic, kafka.bootstrapServers(), e.getMessage());
          }
          awaitRetry(delay);
          // Look at the topic again first: it may have changed while Kafka was away.
          lastPartitionCheck = 0;
        }
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
      waitingFor = null;
      if (consumer != null) {
        consumer.close(Duration.ofSeconds(5));
      }
    }
  }

  /** 1 s doubling per failed attempt up to 30 s, give or take 20 % so restarted servers do not retry in step. */
  private static Duration retryDelay(int failedAttempts) {
    long base = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failedAttempts - 1, 20));
    return Duration.ofMillis((long) (base * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
  }

  /** Waits out a retry delay; a switch asked for meanwhile fails at once, as nothing can catch up without Kafka. */
  private void awaitRetry(Duration delay) {
    long until = System.nanoTime() + delay.toNanos();
    try {
      for (long left = delay.toNanos(); running && left > 0; left = until - System.nanoTime()) {
        SwitchRequest request = switches.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(WAIT_SLICE_MS)), TimeUnit.NANOSECONDS);
        if (request != null) {
          request.done().completeExceptionally(cannotSwitch());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
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
