package dev.vigil.store.version;

import dev.vigil.store.MemberKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One numbered version of a store: a RocksDB database with a column family per partition, plus the
 * default column family for the version's own bookkeeping (the next real-time offset per Kafka partition
 * and how many real-time records it has consumed). Data and bookkeeping change only together, in one
 * {@link WriteBatch}: that is what makes a crash at any point resume exactly where the data is.
 *
 * <p>Readers {@link #tryAcquire()} before reading and {@link #release()} after; {@link #close()} waits
 * for them, so a retired version is never closed under a read.
 */
public final class StoreVersion implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private static final byte[] CONSUMED = "rt-consumed".getBytes(StandardCharsets.UTF_8);
  private static final String OFFSET_PREFIX = "rt-offset/";

  private final int number;
  private final Path dir;
  private final RocksDB db;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final ColumnFamilyHandle meta;
  private final List<ColumnFamilyHandle> partitions;
  private final WriteOptions writeOptions = new WriteOptions();
  private final ReentrantReadWriteLock readers = new ReentrantReadWriteLock();
  private boolean closed;
  // Only one thread writes a version at a time (its push, then the ingestion loop), so volatile suffices.
  private volatile long consumedTotal;

  private StoreVersion(int number, Path dir, RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions,
      List<ColumnFamilyHandle> handles) {
    this.number = number;
    this.dir = dir;
    this.db = db;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.meta = handles.get(0);
    this.partitions = List.copyOf(handles.subList(1, handles.size()));
    this.consumedTotal = readConsumed();
  }

  /** Opens (creating if needed) version {@code number} in {@code dir}; the block cache is shared by versions. */
  public static StoreVersion open(Path dir, int number, int partitionCount, Cache blockCache) {
    try {
      Files.createDirectories(dir);
      ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().setTableFormatConfig(
          new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10)).setBlockCache(blockCache));
      DBOptions dbOptions = new DBOptions()
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          .setMaxBackgroundJobs(2)
          .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
          .setKeepLogFileNum(2);
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
      for (int p = 0; p < partitionCount; p++) {
        descriptors.add(new ColumnFamilyDescriptor(("p-" + p).getBytes(StandardCharsets.UTF_8), cfOptions));
      }
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      return new StoreVersion(number, dir, db, dbOptions, cfOptions, handles);
    } catch (RocksDBException | java.io.IOException e) {
      throw new StoreIOException("cannot open version " + number + " at " + dir + ": " + e.getMessage(), e);
    }
  }

  public int number() {
    return number;
  }

  public Path dir() {
    return dir;
  }

  public int partitionCount() {
    return partitions.size();
  }

  /** Registers a reader; false once the version is closing (the caller re-reads the serving version). */
  public boolean tryAcquire() {
    if (!readers.readLock().tryLock()) {
      return false;
    }
    if (closed) {
      readers.readLock().unlock();
      return false;
    }
    return true;
  }

  public void release() {
    readers.readLock().unlock();
  }

  /** The stored value of a member, or null. */
  public byte[] get(long memberId) {
    try {
      return db.get(partitions.get(MemberKeys.partition(memberId, partitions.size())), MemberKeys.encode(memberId));
    } catch (RocksDBException e) {
      throw new StoreIOException("read failed in version " + number + ": " + e.getMessage(), e);
    }
  }

  /** Values for many members in one call (null where absent), in the order asked. */
  public List<byte[]> multiGet(long[] memberIds) {
    List<ColumnFamilyHandle> handles = new ArrayList<>(memberIds.length);
    List<byte[]> keys = new ArrayList<>(memberIds.length);
    for (long id : memberIds) {
      handles.add(partitions.get(MemberKeys.partition(id, partitions.size())));
      keys.add(MemberKeys.encode(id));
    }
    try {
      return db.multiGetAsList(handles, keys);
    } catch (RocksDBException e) {
      throw new StoreIOException("batch read failed in version " + number + ": " + e.getMessage(), e);
    }
  }

  /** The next offset to consume per real-time topic partition, as stored with the data. */
  public Map<Integer, Long> offsets() {
    Map<Integer, Long> out = new HashMap<>();
    try (RocksIterator it = db.newIterator(meta)) {
      byte[] prefix = OFFSET_PREFIX.getBytes(StandardCharsets.UTF_8);
      for (it.seek(prefix); it.isValid(); it.next()) {
        String key = new String(it.key(), StandardCharsets.UTF_8);
        if (!key.startsWith(OFFSET_PREFIX)) {
          break;
        }
        out.put(Integer.parseInt(key.substring(OFFSET_PREFIX.length())), ByteBuffer.wrap(it.value()).getLong());
      }
    }
    return out;
  }

  /** Real-time records this version has consumed over its whole life (each counted exactly once). */
  public long recordsConsumed() {
    return consumedTotal;
  }

  private long readConsumed() {
    try {
      byte[] v = db.get(meta, CONSUMED);
      return v == null ? 0 : ByteBuffer.wrap(v).getLong();
    } catch (RocksDBException e) {
      throw new StoreIOException("read failed in version " + number + ": " + e.getMessage(), e);
    }
  }

  /** A batch of real-time changes plus the bookkeeping that goes with them, applied atomically. */
  public Batch newBatch() {
    return new Batch();
  }

  /** Moves a finished SST file (keys sorted, one partition) into the version. */
  public void ingest(int partition, Path sstFile) {
    try (IngestExternalFileOptions options = new IngestExternalFileOptions().setMoveFiles(true)) {
      db.ingestExternalFile(partitions.get(partition), List.of(sstFile.toString()), options);
    } catch (RocksDBException e) {
      throw new StoreIOException("ingesting " + sstFile + " into version " + number + " failed: " + e.getMessage(), e);
    }
  }

  /** Visits every member and value (tests, dumps); not for the serving path. */
  public void forEach(BiConsumer<Long, byte[]> visitor) {
    for (ColumnFamilyHandle handle : partitions) {
      try (RocksIterator it = db.newIterator(handle)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          visitor.accept(MemberKeys.decode(it.key()), it.value());
        }
      }
    }
  }

  /** RocksDB's estimate of the number of keys (cheap; for metrics). */
  public long estimatedKeys() {
    long sum = 0;
    try {
      for (ColumnFamilyHandle handle : partitions) {
        sum += db.getLongProperty(handle, "rocksdb.estimate-num-keys");
      }
    } catch (RocksDBException e) {
      return -1;
    }
    return sum;
  }

  /** Waits for readers in flight, then releases the database. Idempotent. */
  @Override
  public void close() {
    readers.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        db.flushWal(true);
      } catch (RocksDBException e) {
        // Closing anyway: the WAL was written on every batch, a failed final sync loses nothing a kill would not.
      }
      meta.close();
      partitions.forEach(ColumnFamilyHandle::close);
      db.close();
      dbOptions.close();
      cfOptions.close();
      writeOptions.close();
    } finally {
      readers.writeLock().unlock();
    }
  }

  /** Changes to one version, written together or not at all. */
  public final class Batch implements AutoCloseable {
    private final WriteBatch batch = new WriteBatch();
    private final Map<Integer, Long> offsets = new HashMap<>();
    private long consumed;

    public void put(long memberId, byte[] value) {
      try {
        batch.put(partitions.get(MemberKeys.partition(memberId, partitions.size())), MemberKeys.encode(memberId), value);
      } catch (RocksDBException e) {
        throw new StoreIOException("batch put failed: " + e.getMessage(), e);
      }
    }

    public void delete(long memberId) {
      try {
        batch.delete(partitions.get(MemberKeys.partition(memberId, partitions.size())), MemberKeys.encode(memberId));
      } catch (RocksDBException e) {
        throw new StoreIOException("batch delete failed: " + e.getMessage(), e);
      }
    }

    /** Records that the real-time topic's {@code partition} has been consumed up to (not including) {@code next}. */
    public void consumedUpTo(int partition, long next) {
      offsets.put(partition, next);
      consumed++;
    }

    /** Records a partition's position without consuming a record (a replay that found nothing there). */
    public void positionAt(int partition, long next) {
      offsets.put(partition, next);
    }

    public boolean isEmpty() {
      return consumed == 0 && batch.count() == 0;
    }

    /** Writes the data, the offsets and the consumed count in one atomic write (WAL on). */
    public void commit() {
      try {
        for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
          batch.put(meta, (OFFSET_PREFIX + e.getKey()).getBytes(StandardCharsets.UTF_8),
              ByteBuffer.allocate(8).putLong(e.getValue()).array());
        }
        batch.put(meta, CONSUMED, ByteBuffer.allocate(8).putLong(consumedTotal + consumed).array());
        db.write(writeOptions, batch);
        consumedTotal += consumed;
      } catch (RocksDBException e) {
        throw new StoreIOException("write to version " + number + " failed: " + e.getMessage(), e);
      }
    }

    /** Records consumed in this batch. */
    public long consumed() {
      return consumed;
    }

    @Override
    public void close() {
      batch.close();
    }
  }
}
