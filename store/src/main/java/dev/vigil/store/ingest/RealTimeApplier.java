package dev.vigil.store.ingest;

import dev.vigil.store.StoredValues;
import dev.vigil.store.version.StoreVersion;
import dev.vigil.schemas.Verdicts;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies one poll's real-time records to a version: upserts and deletes in key order of arrival, the
 * consumed offsets and count alongside, all in one atomic write. An upsert replaces the stored verdict
 * only if it {@linkplain Verdicts#supersedes supersedes} it (later event time, or the same and later
 * processing time); a stale one is counted and skipped. Used by live ingestion, by a push's rewind replay
 * and by the catch-up before a swap, so all three mean exactly the same thing.
 */
public final class RealTimeApplier {
  private RealTimeApplier() {}

  /**
   * @param reportFrom per partition, the first offset whose rejections are new (earlier ones were already
   *     dead-lettered by the serving ingestion); absent partitions report everything
   */
  public static void apply(StoreVersion version, ConsumerRecords<byte[], byte[]> records, DeadLetterSink deadLetters,
      Map<TopicPartition, Long> reportFrom, IngestionStats stats) {
    if (records.isEmpty()) {
      return;
    }
    // What this batch wrote so far: a later record of the poll is ordered against it, not the database.
    Map<Long, byte[]> written = new HashMap<>();
    try (StoreVersion.Batch batch = version.newBatch()) {
      for (ConsumerRecord<byte[], byte[]> record : records) {
        RealTimeRecordDecoder.Decoded decoded = RealTimeRecordDecoder.decode(record.key(), record.value());
        if (decoded instanceof RealTimeRecordDecoder.Upsert u) {
          byte[] current = written.containsKey(u.memberId()) ? written.get(u.memberId()) : version.get(u.memberId());
          if (current == null || StoredValues.isSupersededBy(current, u.eventTimeMs(), u.processingTimeMs())) {
            // updated-at is when the verdict was computed; a producer that did not say is stamped with the record time
            byte[] value = StoredValues.encode(u.processingTimeMs() > 0 ? u.processingTimeMs() : record.timestamp(), u.abuseScore());
            batch.put(u.memberId(), value);
            written.put(u.memberId(), value);
            stats.upserts.increment();
          } else {
            stats.stale.increment();
          }
        } else if (decoded instanceof RealTimeRecordDecoder.Delete d) {
          batch.delete(d.memberId());
          written.put(d.memberId(), null);
          stats.deletes.increment();
        } else if (decoded instanceof RealTimeRecordDecoder.Rejected r) {
          stats.rejected.increment();
          long first = reportFrom.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L);
          if (record.offset() >= first) {
            deadLetters.reject(record, r.reason(), r.detail());
          }
        }
        batch.consumedUpTo(record.partition(), record.offset() + 1);
      }
      batch.commit();
      stats.batches.increment();
    }
  }
}
