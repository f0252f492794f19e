package dev.vigil.store;

import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.Reason;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a store's real-time topic the way the model pipeline does (member id key, {@code AbuseScore}
 * value, tombstones for deletes) and keeps the reference: what the store must hold afterwards.
 */
final class RealTimeWriter implements AutoCloseable {
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<Long, byte[]> expected = new HashMap<>();
  private long sent;
  // A send the broker rejected would otherwise vanish and surface only as a mismatch much later.
  private final java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();

  RealTimeWriter(String bootstrapServers, String topic) {
    this(KafkaClientSettings.of(bootstrapServers), topic);
  }

  RealTimeWriter(KafkaClientSettings kafka, String topic) {
    this.topic = topic;
    this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5")),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  static AbuseScore score(long memberId, double score, String modelVersion) {
    Action action = score >= 0.9 ? Action.BLOCK : score >= 0.6 ? Action.CHALLENGE : Action.NONE;
    AbuseScore.Builder b = AbuseScore.newBuilder().setMemberId(memberId).setScore(score).setAction(action)
        .setModelName("abuse").setModelVersion(modelVersion).setWindowStartMs(1_000).setWindowEndMs(61_000)
        .setEventTimeMs(60_000).setProcessingTimeMs(61_500);
    if (action != Action.NONE) {
      b.addReasons(Reason.newBuilder().setCode("HIGH_RATE").setFeature("profile_views_per_min").setValue(score * 100).setContribution(0.5));
    }
    return b.build();
  }

  /** Sends {@code score} computed at {@code timestampMs} (its processing time and the record's timestamp). */
  void upsert(AbuseScore score, long timestampMs) {
    byte[] value = score.toBuilder().setProcessingTimeMs(timestampMs).build().toByteArray();
    send(Long.toString(score.getMemberId()).getBytes(StandardCharsets.UTF_8), value, timestampMs);
    byte[] stored = StoredValues.encode(timestampMs, value);
    byte[] current = expected.get(score.getMemberId());
    // The store's rule, restated: a verdict about older activity never replaces one about newer activity.
    if (current == null || StoredValues.score(current).getEventTimeMs() <= score.getEventTimeMs()) {
      expected.put(score.getMemberId(), stored);
    }
  }

  void delete(long memberId, long timestampMs) {
    send(Long.toString(memberId).getBytes(StandardCharsets.UTF_8), null, timestampMs);
    expected.remove(memberId);
  }

  /** A record the store must reject to the dead-letter topic; it changes nothing. */
  void malformed(byte[] key, byte[] value, long timestampMs) {
    send(key, value, timestampMs);
  }

  private void send(byte[] key, byte[] value, long timestampMs) {
    producer.send(new ProducerRecord<>(topic, null, timestampMs, key, value), (meta, error) -> {
      if (error != null) {
        failure.compareAndSet(null, error);
      }
    });
    sent++;
  }

  /** Waits for every send; fails if the broker rejected any of them. */
  void flush() {
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("a real-time write was rejected: " + failure.get(), failure.get());
    }
  }

  long sent() {
    return sent;
  }

  /** Member id to the exact bytes the store must hold (updated-at + score). */
  Map<Long, byte[]> expected() {
    return expected;
  }

  @Override
  public void close() {
    producer.close();
  }
}
