package dev.vigil.store.push;

import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.store.MemberKeys;
import dev.vigil.store.ingest.DeadLetterSink;
import dev.vigil.store.ingest.IngestionStats;
import dev.vigil.store.ingest.RealTimeConsumers;
import dev.vigil.store.version.StoreIOException;
import dev.vigil.store.version.StoreVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.rocksdb.EnvOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a pushed version offline: the dataset is written as one sorted SST file per partition and
 * ingested (no row-by-row puts), then, for a hybrid store, the real-time writes from {@code cutoff - rewind}
 * up to the topic's end are replayed on top. The caller swaps the version in afterwards; until then
 * nothing reads it.
 */
public final class BatchPush {
  private static final Logger LOG = LoggerFactory.getLogger(BatchPush.class);

  private BatchPush() {}

  /**
   * Phase 1: the dataset into the version's files, JSON parsed on {@code parseThreads} threads. Returns
   * the distinct members written.
   */
  public static long build(List<Path> files, long cutoffMs, StoreVersion version, Path stagingDir, int parseThreads,
      PushProgress progress) {
    PushDataset dataset = PushDataset.read(files, version.partitionCount(), cutoffMs, parseThreads, progress);
    try {
      Files.createDirectories(stagingDir);
      long written = 0;
      try (EnvOptions env = new EnvOptions(); Options options = new Options()) {
        for (int p = 0; p < dataset.partitionCount(); p++) {
          long[] members = dataset.sortedMembers(p);
          if (members.length == 0) {
            continue;
          }
          Path sst = stagingDir.resolve("p-" + p + ".sst");
          try (SstFileWriter writer = new SstFileWriter(env, options)) {
            writer.open(sst.toString());
            for (long member : members) {
              writer.put(MemberKeys.encode(member), dataset.value(p, member));
            }
            writer.finish();
          }
          version.ingest(p, sst);
          written += members.length;
          progress.rowsWritten = written;
        }
      }
      return written;
    } catch (RocksDBException e) {
      throw new StoreIOException("writing SST files for version " + version.number() + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + stagingDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Phase 2: replays the real-time topic into the version from the first record at or after
   * {@code fromMs} up to the end the topic has now. Afterwards the version's stored offsets say where
   * live ingestion continues it from.
   *
   * @return records replayed
   */
  public static long rewind(KafkaClientSettings kafka, String topic, long fromMs, StoreVersion version, PushProgress progress) {
    try (KafkaConsumer<byte[], byte[]> consumer = RealTimeConsumers.create(kafka, "vigil-store-push-v" + version.number())) {
      List<TopicPartition> partitions = RealTimeConsumers.partitions(consumer, topic, Duration.ofSeconds(10));
      if (partitions.isEmpty()) {
        LOG.info("push v{}: real-time topic {} does not exist; nothing to replay", version.number(), topic);
        return 0;
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(tp -> query.put(tp, fromMs));
      Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      for (TopicPartition tp : partitions) {
        OffsetAndTimestamp at = start.get(tp);
        consumer.seek(tp, at == null ? end.get(tp) : at.offset());
      }
      // Records from here to `end` were judged by live ingestion already; none is dead-lettered twice.
      long replayed = RealTimeConsumers.catchUp(consumer, version, end, DeadLetterSink.ALREADY_REPORTED, new IngestionStats(),
          progress.replayed::add);
      // Partitions with nothing to replay still need their position recorded, or live ingestion would
      // start them from the beginning.
      recordPositions(version, partitions, consumer);
      LOG.info("push v{}: replayed {} real-time records from {} (rewind start) to the end", version.number(), replayed, fromMs);
      return replayed;
    }
  }

  private static void recordPositions(StoreVersion version, List<TopicPartition> partitions, KafkaConsumer<byte[], byte[]> consumer) {
    Map<Integer, Long> stored = version.offsets();
    try (StoreVersion.Batch batch = version.newBatch()) {
      boolean any = false;
      for (TopicPartition tp : partitions) {
        if (!stored.containsKey(tp.partition())) {
          batch.positionAt(tp.partition(), consumer.position(tp));
          any = true;
        }
      }
      if (any) {
        batch.commit();
      }
    }
  }
}
