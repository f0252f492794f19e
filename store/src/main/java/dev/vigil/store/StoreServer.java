package dev.vigil.store;

import dev.vigil.schemas.VigilTopics;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.store.http.AdminAccess;
import dev.vigil.store.http.StoreHttpServer;
import dev.vigil.store.ingest.DeadLetterSink;
import dev.vigil.store.push.PushInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
   * @param http address, port, threads, connection limit and request timeout of the HTTP API
   * @param admin who may call the admin endpoints
   * @param pushInputs where pushes may read their input from
   */
  public record Settings(Path dataDir, KafkaClientSettings kafka, List<String> stores, int partitions, int keepVersions,
      Duration rewind, String deadLetterTopic, long blockCacheBytes, StoreHttpServer.Options http, AdminAccess admin,
      PushInputs pushInputs) {

    /**
     * For a server embedded in a process that trusts its own callers (tests, benchmarks): it listens on
     * 127.0.0.1 only, but its admin endpoints take no credentials and pushes read from any directory.
     * {@code vigil store serve} starts from stricter settings (a token, push directories).
     */
    public static Settings defaults(Path dataDir) {
      return new Settings(dataDir, KafkaClientSettings.of("localhost:9092"), List.of("abuse-scores"), 8, 3, Duration.ofHours(1), VigilTopics.DEAD_LETTER,
          256L << 20, StoreHttpServer.Options.defaults(), AdminAccess.open(), PushInputs.anywhere());
    }

    /** Other brokers, the same operator settings. */
    public Settings withBootstrapServers(String value) {
      return withKafka(kafka.withBootstrapServers(value));
    }

    public Settings withKafka(KafkaClientSettings value) {
      return new Settings(dataDir, value, stores, partitions, keepVersions, rewind, deadLetterTopic, blockCacheBytes, http, admin,
          pushInputs);
    }

    public Settings withPort(int value) {
      return withHttp(http.withPort(value));
    }

    public Settings withRewind(Duration value) {
      return new Settings(dataDir, kafka, stores, partitions, keepVersions, value, deadLetterTopic, blockCacheBytes, http,
          admin, pushInputs);
    }

    public Settings withPartitions(int value) {
      return new Settings(dataDir, kafka, stores, value, keepVersions, rewind, deadLetterTopic, blockCacheBytes, http,
          admin, pushInputs);
    }

    public Settings withHttp(StoreHttpServer.Options value) {
      return new Settings(dataDir, kafka, stores, partitions, keepVersions, rewind, deadLetterTopic, blockCacheBytes, value,
          admin, pushInputs);
    }

    public Settings withAdmin(AdminAccess value) {
      return new Settings(dataDir, kafka, stores, partitions, keepVersions, rewind, deadLetterTopic, blockCacheBytes, http,
          value, pushInputs);
    }

    public Settings withPushInputs(PushInputs value) {
      return new Settings(dataDir, kafka, stores, partitions, keepVersions, rewind, deadLetterTopic, blockCacheBytes, http,
          admin, value);
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
    DeadLetterSink deadLetters = DeadLetterSink.kafka(settings.kafka(), settings.deadLetterTopic(), "store/ingest");
    Map<String, Store> stores = new LinkedHashMap<>();
    try {
      for (String name : settings.stores()) {
        StoreConfig config = new StoreConfig(name, StoreConfig.realTimeTopicOf(name), settings.partitions(),
            settings.keepVersions(), settings.rewind());
        stores.put(name, Store.open(config, settings.dataDir(), settings.kafka(), cache, deadLetters,
            settings.pushInputs()));
      }
      return new StoreServer(stores, StoreHttpServer.start(stores, settings.http(), settings.admin()), cache, deadLetters);
    } catch (IOException | RuntimeException e) {
      stores.values().forEach(Store::close);
      deadLetters.close();
      cache.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot listen on " + settings.http().bind() + " port " + settings.http().port() + ": "
            + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  public int port() {
    return http.port();
  }

  /** The address and port the HTTP API listens on. */
  public InetSocketAddress address() {
    return http.address();
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
