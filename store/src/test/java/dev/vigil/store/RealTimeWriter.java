package dev.vigil.store;

import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.Reason;
import dev.vigil.testsupport.kafka.TestProducer;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a store's real-time topic the way the model pipeline does (member id key, {@code AbuseScore}
 * value, tombstones for deletes) and keeps the reference: what the store must hold afterwards.
 */
final class RealTimeWriter implements AutoCloseable {
  private final String topic;
  // A send the broker rejected fails flush(), instead of surfacing only as a mismatch much later.
  private final TestProducer producer;
  private final Map<Long, byte[]> expected = new HashMap<>();

  RealTimeWriter(String bootstrapServers, String topic) {
    this(KafkaClientSettings.of(bootstrapServers), topic);
  }

  RealTimeWriter(KafkaClientSettings kafka, String topic) {
    this.topic = topic;
    this.producer = TestProducer.connect(kafka);
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
    producer.send(topic, timestampMs, TestProducer.memberKey(score.getMemberId()), value);
    byte[] stored = StoredValues.encode(timestampMs, value);
    byte[] current = expected.get(score.getMemberId());
    // The store's rule, restated: a verdict about older activity never replaces one about newer activity.
    if (current == null || StoredValues.score(current).getEventTimeMs() <= score.getEventTimeMs()) {
      expected.put(score.getMemberId(), stored);
    }
  }

  void delete(long memberId, long timestampMs) {
    producer.send(topic, timestampMs, TestProducer.memberKey(memberId), null);
    expected.remove(memberId);
  }

  /** A record the store must reject to the dead-letter topic; it changes nothing. */
  void malformed(byte[] key, byte[] value, long timestampMs) {
    producer.send(topic, timestampMs, key, value);
  }

  /** Waits for every send; fails if the broker rejected any of them. */
  void flush() {
    producer.flush();
  }

  long sent() {
    return producer.sent();
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
