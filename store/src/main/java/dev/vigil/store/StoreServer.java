package dev.vigil.store;

import dev.vigil.schemas.VigilTopics;
import dev.vigil.store.http.StoreHttpServer;
import dev.vigil.store.ingest.DeadLetterSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;

/**
 * A store server: the stores under one data directory, their real-time ingestion, and the HTTP API.
 * What {@code ./vigil store serve} runs, and what integration tests start in process or as a child process.
 */
public final class StoreServer implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  /**
   * @param stores store names; each consumes {@code vigil.store.<name>.rt}
   * @param blockCacheBytes RocksDB block cache shared by every open version
   */
  public record Settings(Path dataDir, String bootstrapServers, int port, List<String> stores, int partitions,
      int keepVersions, Duration rewind, String deadLetterTopic, int httpThreads, long blockCacheBytes) {

    public static Settings defaults(Path dataDir) {
      return new Settings(dataDir, "localhost:9092", 8080, List.of("abuse-scores"), 8, 3, Duration.ofHours(1),
          VigilTopics.DEAD_LETTER, 16, 256L << 20);
    }

    public Settings withBootstrapServers(String value) {
      return new Settings(dataDir, value, port, stores, partitions, keepVersions, rewind, deadLetterTopic, httpThreads, blockCacheBytes);
    }

    public Settings withPort(int value) {
      return new Settings(dataDir, bootstrapServers, value, stores, partitions, keepVersions, rewind, deadLetterTopic, httpThreads, blockCacheBytes);
    }

    public Settings withRewind(Duration value) {
      return new Settings(dataDir, bootstrapServers, port, stores, partitions, keepVersions, value, deadLetterTopic, httpThreads, blockCacheBytes);
    }

    public Settings withPartitions(int value) {
      return new Settings(dataDir, bootstrapServers, port, stores, value, keepVersions, rewind, deadLetterTopic, httpThreads, blockCacheBytes);
    }
  }

  private final Map<String, Store> stores;
  private final StoreHttpServer http;
  private final Cache blockCache;
  private final DeadLetterSink deadLetters;

  private StoreServer(Map<String, Store> stores, StoreHttpServer http, Cache blockCache, DeadLetterSink deadLetters) {
    this.stores = stores;
    this.http = http;
    this.blockCache = blockCache;
    this.deadLetters = deadLetters;
  }

  public static StoreServer start(Settings settings) {
    Cache cache = new LRUCache(settings.blockCacheBytes());
    DeadLetterSink deadLetters = DeadLetterSink.kafka(settings.bootstrapServers(), settings.deadLetterTopic(), "store/ingest");
    Map<String, Store> stores = new LinkedHashMap<>();
    try {
      for (String name : settings.stores()) {
        StoreConfig config = new StoreConfig(name, StoreConfig.realTimeTopicOf(name), settings.partitions(),
            settings.keepVersions(), settings.rewind());
        stores.put(name, Store.open(config, settings.dataDir(), settings.bootstrapServers(), cache, deadLetters));
      }
      return new StoreServer(stores, StoreHttpServer.start(stores, settings.port(), settings.httpThreads()), cache, deadLetters);
    } catch (IOException | RuntimeException e) {
      stores.values().forEach(Store::close);
      deadLetters.close();
      cache.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot listen on port " + settings.port() + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  public int port() {
    return http.port();
  }

  public Store store(String name) {
    Store store = stores.get(name);
    if (store == null) {
      throw new IllegalArgumentException("no store named " + name);
    }
    return store;
  }

  @Override
  public void close() {
    http.close();
    stores.values().forEach(Store::close);
    deadLetters.close();
    blockCache.close();
  }
}
