package dev.vigil.store.ingest;

import dev.vigil.store.StoredValues;
import dev.vigil.store.version.StoreVersion;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies one poll's real-time records to a version: upserts and deletes in key order of arrival, the
 * consumed offsets and count alongside, all in one atomic write. Used by live ingestion, by a push's
 * rewind replay and by the catch-up before a swap, so all three mean exactly the same thing.
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
    try (StoreVersion.Batch batch = version.newBatch()) {
      for (ConsumerRecord<byte[], byte[]> record : records) {
        RealTimeRecordDecoder.Decoded decoded = RealTimeRecordDecoder.decode(record.key(), record.value());
        if (decoded instanceof RealTimeRecordDecoder.Upsert u) {
          batch.put(u.memberId(), StoredValues.encode(record.timestamp(), u.abuseScore()));
          stats.upserts.increment();
        } else if (decoded instanceof RealTimeRecordDecoder.Delete d) {
          batch.delete(d.memberId());
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
