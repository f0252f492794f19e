package dev.vigil.loadtest.bench;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.JsonLines;
import dev.vigil.schemas.MemberRecordKeys;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.Reason;
import dev.vigil.store.Store;
import dev.vigil.store.StoreConfig;
import dev.vigil.store.StoreServer;
import dev.vigil.store.client.PushRequest;
import dev.vigil.store.client.PushStatus;
import dev.vigil.store.client.VigilStoreClient;
import dev.vigil.store.push.BatchPush;
import dev.vigil.store.push.PushDataset;
import dev.vigil.store.push.PushProgress;
import dev.vigil.store.version.StoreVersion;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;

/**
 * The score store on this machine, in one run: real-time ingestion rate, push build rate, and read
 * throughput and latency over HTTP (single and batch gets) next to the in-process RocksDB get rate on the
 * same data, which is the physical limit the HTTP numbers are judged against.
 */
public final class StoreBenchmark {
  private static final String STORE = "abuse-scores";

  private StoreBenchmark() {}

  public static void run(int records, int rows, int seconds, int clientThreads, int batchKeys) throws Exception {
    Path dir = Files.createTempDirectory("vigil-bench-store");
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start()) {
      String rt = StoreConfig.realTimeTopicOf(STORE);
      kafka.topics().create(List.of(rt), 4);
      System.out.printf("pre-filling %s with %,d upserts...%n", rt, records);
      prefill(kafka.bootstrapServers(), rt, records, rows);
      Path input = dir.resolve("push");
      System.out.printf("writing a push dataset of %,d JSON lines...%n", rows);
      writeDataset(input, rows);

      comparePushParseThreads(dir, input);

      long startNs = System.nanoTime();
      try (StoreServer server = StoreServer.start(StoreServer.Settings.defaults(dir.resolve("store"))
               .withBootstrapServers(kafka.bootstrapServers()).withPort(0))) {
        Store store = server.store(STORE);
        while (store.recordsConsumed() < records) {
          Thread.sleep(20); // polling progress of the run being measured
        }
        double ingestSeconds = (System.nanoTime() - startNs) / 1e9;
        System.out.printf(Locale.ROOT, "real-time ingestion: %,d updates in %.2f s = %,.0f updates/s (incl. server start)%n",
            records, ingestSeconds, records / ingestSeconds);

        VigilStoreClient client = VigilStoreClient.connect("http://localhost:" + server.port());
        long pushStart = System.nanoTime();
        PushStatus status = client.push(STORE, new PushRequest(input.toString(), System.currentTimeMillis() - 3_600_000));
        while (!status.finished()) {
          Thread.sleep(50);
          status = client.pushStatus(STORE, status.version());
        }
        double pushSeconds = (System.nanoTime() - pushStart) / 1e9;
        if (!"ONLINE".equals(status.phase())) {
          throw new IllegalStateException("push failed: " + status.error());
        }
        System.out.printf(Locale.ROOT, "push: %,d rows (JSON parse, SST write, ingest, rewind of %,d, swap) in %.2f s = %,.0f rows/s%n",
            status.rowsRead(), status.replayed(), pushSeconds, status.rowsRead() / pushSeconds);

        int members = rows;
        Result raw = measure("in-process RocksDB get", 2, seconds, 1, () -> {
          long id = 1 + ThreadLocalRandom.current().nextInt(members);
          long t = System.nanoTime();
          store.read(v -> v.get(id));
          return System.nanoTime() - t;
        });
        Result single = measure("HTTP single get", clientThreads, seconds, 1, () -> {
          long id = 1 + ThreadLocalRandom.current().nextInt(members);
          long t = System.nanoTime();
          client.lookup(STORE, id);
          return System.nanoTime() - t;
        });
        Result batch = measure("HTTP batch get x" + batchKeys, clientThreads, seconds, batchKeys, () -> {
          List<Long> keys = new ArrayList<>(batchKeys);
          for (int i = 0; i < batchKeys; i++) {
            keys.add(1L + ThreadLocalRandom.current().nextInt(members));
          }
          long t = System.nanoTime();
          client.batchGet(STORE, keys);
          return System.nanoTime() - t;
        });
        int port = server.port();
        ThreadLocal<KeepAliveHttpClient> sockets = ThreadLocal.withInitial(() -> {
          try {
            return new KeepAliveHttpClient("localhost", port);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        Result socketSingle = measure("HTTP single get, raw socket", clientThreads, seconds, 1, () -> {
          long id = 1 + ThreadLocalRandom.current().nextInt(members);
          long t = System.nanoTime();
          expect200(sockets.get(), "GET", "/stores/" + STORE + "/" + id, null);
          return System.nanoTime() - t;
        });
        Result socketBatch = measure("HTTP batch x" + batchKeys + ", raw socket", clientThreads, seconds, batchKeys, () -> {
          StringBuilder body = new StringBuilder("{\"keys\":[");
          for (int i = 0; i < batchKeys; i++) {
            body.append(i == 0 ? "" : ",").append(1 + ThreadLocalRandom.current().nextInt(members));
          }
          byte[] bytes = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
          long t = System.nanoTime();
          expect200(sockets.get(), "POST", "/stores/" + STORE + "/batch-get", bytes);
          return System.nanoTime() - t;
        });
        System.out.println();
        System.out.printf("%-28s %8s %14s %12s %12s%n", "read path", "threads", "keys/s", "p50 ms", "p99 ms");
        for (Result r : List.of(raw, single, batch, socketSingle, socketBatch)) {
          System.out.printf(Locale.ROOT, "%-28s %8d %,14.0f %12.3f %12.3f%n", r.name, r.threads, r.keysPerSecond, r.p50Ms, r.p99Ms);
        }
        System.out.printf(Locale.ROOT, "share of the in-process get rate: single get %.1f %% (raw socket %.1f %%), batch get %.1f %% (raw socket %.1f %%)%n",
            100 * single.keysPerSecond / raw.keysPerSecond, 100 * socketSingle.keysPerSecond / raw.keysPerSecond,
            100 * batch.keysPerSecond / raw.keysPerSecond, 100 * socketBatch.keysPerSecond / raw.keysPerSecond);
      }
    }
  }

  /** Push build alone (parse, sort, SST write, ingest) on 1 and on all cores, alternated so JIT warm-up shows. */
  private static void comparePushParseThreads(Path dir, Path input) {
    int cores = Runtime.getRuntime().availableProcessors();
    List<Path> files = PushDataset.files(input);
    RocksDB.loadLibrary();
    int round = 0;
    for (int threads : new int[] {1, cores, 1, cores}) {
      round++;
      try (LRUCache cache = new LRUCache(64 << 20);
           StoreVersion version = StoreVersion.open(dir.resolve("build-" + round), round, 8, cache)) {
        long start = System.nanoTime();
        long rows = BatchPush.build(files, System.currentTimeMillis(), version, dir.resolve("staging-" + round), threads,
            new PushProgress(STORE, round));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "push build, %d parse thread(s): %,d rows in %.2f s = %,.0f rows/s%n", threads, rows,
            seconds, rows / seconds);
      }
    }
  }

  private static void expect200(KeepAliveHttpClient client, String method, String path, byte[] body) {
    try {
      int status = client.exchange(method, path, body);
      if (status != 200) {
        throw new IllegalStateException(method + " " + path + " answered " + status);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private record Result(String name, int threads, double keysPerSecond, double p50Ms, double p99Ms) {}

  /** Runs {@code call} (returning its own latency in ns) on {@code threads} threads for {@code seconds}. */
  private static Result measure(String name, int threads, int seconds, int keysPerCall, LongSupplier call) throws Exception {
    // Warm-up: a fifth of the time, not recorded.
    runFor(threads, Math.max(1, seconds / 5), call, new ConcurrentHistogram(3));
    ConcurrentHistogram latency = new ConcurrentHistogram(3);
    long start = System.nanoTime();
    runFor(threads, seconds, call, latency);
    double elapsed = (System.nanoTime() - start) / 1e9;
    Result r = new Result(name, threads, latency.getTotalCount() * keysPerCall / elapsed,
        latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6);
    System.out.printf(Locale.ROOT, "  %-28s %,.0f keys/s%n", name, r.keysPerSecond);
    return r;
  }

  private static void runFor(int threads, int seconds, LongSupplier call, ConcurrentHistogram latency) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          latency.recordValue(call.getAsLong());
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
  }

  private static AbuseScore score(long member, double score, String version) {
    return AbuseScore.newBuilder().setMemberId(member).setScore(score)
        .setAction(score > 0.9 ? Action.BLOCK : score > 0.6 ? Action.CHALLENGE : Action.NONE)
        .addReasons(Reason.newBuilder().setCode("HIGH_RATE").setFeature("profile_views_per_min").setValue(score * 100))
        .setModelName("abuse").setModelVersion(version).setWindowStartMs(1_000).setWindowEndMs(61_000)
        .setEventTimeMs(60_000).setProcessingTimeMs(61_000).build();
  }

  private static void prefill(String bootstrap, String topic, int records, int members) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < records; i++) {
        long member = 1 + random.nextInt(members);
        producer.send(new ProducerRecord<>(topic, MemberRecordKeys.encode(member),
            score(member, random.nextDouble(), "rt").toByteArray()));
      }
    }
  }

  private static void writeDataset(Path dir, int rows) throws Exception {
    Files.createDirectories(dir);
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("part-00000.jsonl"), StandardCharsets.UTF_8)) {
      for (long m = 1; m <= rows; m++) {
        out.write(JsonLines.print(score(m, ThreadLocalRandom.current().nextDouble(), "batch")));
        out.newLine();
      }
    }
  }
}
