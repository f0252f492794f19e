package dev.vigil.store;

import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.store.client.PushRequest;
import dev.vigil.store.client.PushStatus;
import dev.vigil.store.client.VersionInfo;
import dev.vigil.store.ingest.DeadLetterSink;
import dev.vigil.store.ingest.RealTimeIngestion;
import dev.vigil.store.push.BatchPush;
import dev.vigil.store.push.PushInputs;
import dev.vigil.store.push.PushProgress;
import dev.vigil.store.version.StoreVersion;
import dev.vigil.store.version.VersionHistory;
import dev.vigil.store.version.VersionHistoryFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Stream;
import org.rocksdb.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store: its version history on disk, the serving version, real-time ingestion into it, pushes that
 * build new versions beside it, and rollback. Reads go to whichever version serves at the moment they
 * start and finish on it, even if a swap happens meanwhile.
 */
public final class Store implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Store.class);

  /** A value together with the version it was read from. */
  public record Versioned<T>(int version, T value) {}

  private final StoreConfig config;
  private final Path dir;
  private final KafkaClientSettings kafka;
  private final Cache blockCache;
  private final PushInputs pushInputs;
  private final VersionHistoryFile historyFile;
  private final RealTimeIngestion ingestion;
  private final ExecutorService pushes;
  private final Map<Integer, PushProgress> pushProgress = new ConcurrentHashMap<>();
  private volatile VersionHistory history;
  private volatile StoreVersion serving;
  private volatile PushProgress runningPush;

  private Store(StoreConfig config, Path dir, KafkaClientSettings kafka, Cache blockCache, DeadLetterSink deadLetters,
      PushInputs pushInputs) {
    this.config = config;
    this.dir = dir;
    this.kafka = kafka;
    this.blockCache = blockCache;
    this.pushInputs = pushInputs;
    this.historyFile = new VersionHistoryFile(dir);
    VersionHistory loaded = historyFile.read().orElseGet(() -> VersionHistory.initial(config.partitions(), System.currentTimeMillis()));
    List<Integer> interrupted = loaded.interrupted();
    if (!interrupted.isEmpty()) {
      LOG.warn("store {}: pushes of versions {} were cut short by a stop; discarding them", config.name(), interrupted);
      for (int v : interrupted) {
        loaded = loaded.withFailed(v, "interrupted by a server stop");
      }
    }
    this.history = loaded;
    historyFile.write(loaded);
    this.serving = StoreVersion.open(versionDir(loaded.current()), loaded.current(), loaded.partitions(), blockCache);
    removeExpired();
    this.ingestion = new RealTimeIngestion(config.name(), config.realTimeTopic(), kafka, serving, deadLetters, this::nowServing);
    this.pushes = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "store-push-" + config.name());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens (or creates) the store under {@code dataDir/<name>} and starts real-time ingestion.
   *
   * @param pushInputs where pushes may read their input from
   */
  public static Store open(StoreConfig config, Path dataDir, KafkaClientSettings kafka, Cache blockCache, DeadLetterSink deadLetters,
      PushInputs pushInputs) {
    Store store = new Store(config, dataDir.resolve(config.name()), kafka, blockCache, deadLetters, pushInputs);
    store.ingestion.start();
    LOG.info("store {}: version {} serves; {} partitions; real-time topic {}", config.name(), store.serving.number(),
        store.history.partitions(), config.realTimeTopic());
    return store;
  }

  public String name() {
    return config.name();
  }

  public StoreConfig config() {
    return config;
  }

  public RealTimeIngestion ingestion() {
    return ingestion;
  }

  public int servingVersion() {
    return serving.number();
  }

  /** Real-time records the serving version has consumed over its life (persisted with its data). */
  public long recordsConsumed() {
    return read(StoreVersion::recordsConsumed).value();
  }

  /** Runs {@code read} against the serving version, holding it open for the duration. */
  public <T> Versioned<T> read(Function<StoreVersion, T> read) {
    while (true) {
      StoreVersion v = serving;
      if (v.tryAcquire()) {
        try {
          return new Versioned<>(v.number(), read.apply(v));
        } finally {
          v.release();
        }
      }
      // That version is being retired: the swap already published its successor.
      Thread.onSpinWait();
    }
  }

  public List<VersionInfo> versions() {
    VersionHistory h = history;
    return h.versions().stream()
        .sorted(Comparator.comparingInt(VersionHistory.VersionRecord::number).reversed())
        .map(v -> new VersionInfo(v.number(), v.state().name(), v.number() == h.current(), v.createdAtMs(), v.source(),
            v.cutoffMs(), v.rows()))
        .toList();
  }

  /**
   * Starts a push in the background and returns its first status. One push at a time per store.
   *
   * @throws IllegalArgumentException the request is invalid, or its input is not among the allowed
   *     {@link PushInputs} (one-line reason)
   * @throws IllegalStateException another push is running
   */
  public synchronized PushStatus startPush(PushRequest request) {
    if (request.input() == null || request.input().isBlank()) {
      throw new IllegalArgumentException("push needs an input directory or file");
    }
    if (request.cutoffMs() <= 0) {
      throw new IllegalArgumentException("push needs cutoffMs, the time the dataset is complete up to (epoch ms)");
    }
    List<Path> files = pushInputs.files(request.input());
    if (runningPush != null && runningPush.running()) {
      throw new IllegalStateException("version " + runningPush.version() + " is still being pushed");
    }
    int number = history.nextNumber();
    updateHistory(history.withBuilding(number, System.currentTimeMillis(), request.input(), request.cutoffMs()));
    PushProgress progress = new PushProgress(config.name(), number);
    pushProgress.put(number, progress);
    runningPush = progress;
    pushes.submit(() -> push(files, request.cutoffMs(), progress));
    return progress.toApi();
  }

  public Optional<PushStatus> pushStatus(int version) {
    return Optional.ofNullable(pushProgress.get(version)).map(PushProgress::toApi);
  }

  private void push(List<Path> files, long cutoffMs, PushProgress progress) {
    int number = progress.version();
    StoreVersion version = null;
    try {
      deleteRecursively(versionDir(number));
      version = StoreVersion.open(versionDir(number), number, history.partitions(), blockCache);
      long started = System.nanoTime();
      long rows = BatchPush.build(files, cutoffMs, version, dir.resolve("staging").resolve("v-" + number),
          Runtime.getRuntime().availableProcessors(), progress);
      LOG.info("store {}: v{} built from {} files: {} members in {} ms", config.name(), number, files.size(), rows,
          (System.nanoTime() - started) / 1_000_000);
      progress.phase(PushProgress.Phase.REWINDING);
      BatchPush.rewind(kafka, config.realTimeTopic(), cutoffMs - config.rewind().toMillis(), version, progress);
      progress.phase(PushProgress.Phase.SWAPPING);
      ingestion.switchTo(version).get();
      progress.phase(PushProgress.Phase.ONLINE);
    } catch (Exception e) {
      String why = reason(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
      LOG.error("store {}: push of v{} failed: {}", config.name(), number, why);
      synchronized (this) {
        updateHistory(history.withFailed(number, why));
      }
      if (version != null && version != serving) {
        version.close();
      }
      removeExpired();
      // Last, so whoever sees FAILED also sees the version cleaned up.
      progress.fail(why);
    } finally {
      deleteRecursively(dir.resolve("staging").resolve("v-" + number));
    }
  }

  /**
   * Makes the newest online version older than the serving one serve again, after it has caught up with
   * the real-time writes it missed.
   */
  public VersionInfo rollback() {
    int target;
    synchronized (this) {
      if (runningPush != null && runningPush.running()) {
        throw new IllegalStateException("version " + runningPush.version() + " is being pushed; roll back after it finishes");
      }
      target = history.rollbackTarget().orElseThrow(() -> new IllegalStateException(
          "no online version older than " + history.current() + " to roll back to"));
    }
    StoreVersion version = StoreVersion.open(versionDir(target), target, history.partitions(), blockCache);
    try {
      ingestion.switchTo(version).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      version.close();
      throw new IllegalStateException("interrupted while rolling back");
    } catch (ExecutionException e) {
      version.close();
      throw new IllegalStateException("rollback to " + target + " failed: " + reason(e.getCause()));
    }
    return versions().stream().filter(VersionInfo::serving).findFirst().orElseThrow();
  }

  /**
   * A failure as one line for a status: our own exceptions' messages say what happened already (a bad row:
   * file, line and what is wrong); anything else keeps its type, which is half of what it means.
   */
  private static String reason(Throwable e) {
    boolean ours = e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof UncheckedIOException;
    return ours && e.getMessage() != null ? e.getMessage() : e.toString();
  }

  /** Called by the ingestion thread once {@code next} has caught up: publish it, then retire the old one. */
  private void nowServing(StoreVersion next) {
    StoreVersion previous = serving;
    synchronized (this) {
      VersionHistory h = history;
      VersionHistory.VersionRecord record = h.find(next.number()).orElseThrow();
      updateHistory(record.state() == VersionHistory.State.BUILDING
          ? h.withServing(next.number(), pushProgress.get(next.number()).rowsWritten())
          : h.withServing(next.number()));
      serving = next;
    }
    LOG.info("store {}: version {} serves (was {})", config.name(), next.number(), previous.number());
    previous.close();
    removeExpired();
  }

  private synchronized void removeExpired() {
    List<Integer> expired = history.expired(config.keepVersions());
    if (expired.isEmpty()) {
      return;
    }
    updateHistory(history.without(expired));
    for (int v : expired) {
      deleteRecursively(versionDir(v));
    }
    LOG.info("store {}: removed versions {} (keeping {})", config.name(), expired, config.keepVersions());
  }

  private void updateHistory(VersionHistory next) {
    historyFile.write(next);
    history = next;
  }

  private Path versionDir(int number) {
    return dir.resolve("v-" + number);
  }

  private static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    pushes.shutdownNow();
    ingestion.close();
    serving.close();
  }
}
