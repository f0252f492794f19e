package dev.vigil.model;

import dev.vigil.scoring.BundleScorer;
import dev.vigil.scoring.ModelBundle;
import dev.vigil.scoring.ModelDirectory;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model a scorer instance serves, and the hot swap: {@link #refreshIfDue} looks in the model
 * directory at most every {@code checkMillis} and, when a bundle with another version has appeared,
 * loads it and retires the old scorer. A bundle that fails validation is logged and skipped; the
 * current model keeps serving. Not thread-safe: one per DoFn instance.
 */
final class ServingModel implements AutoCloseable {
  /** What to serve: a model directory (empty: the built-in default bundle) and the check interval. */
  record Source(String modelDir, long checkMillis) implements Serializable {}

  private static final Logger LOG = LoggerFactory.getLogger(ServingModel.class);

  private final Source source;
  private BundleScorer scorer;
  private Path servingDir;
  private long lastCheckMs;
  private long swaps;

  ServingModel(Source source) {
    this.source = source;
    Path dir = source.modelDir().isEmpty() ? defaultBundleDir() : ModelDirectory.newestBundle(Path.of(source.modelDir()))
        .orElseThrow(() -> new IllegalStateException("model directory " + source.modelDir() + " holds no bundle"));
    this.scorer = ModelBundle.load(dir).newScorer();
    this.servingDir = dir;
    this.lastCheckMs = System.currentTimeMillis();
    LOG.info("serving model {}", scorer.bundle());
  }

  private static Path defaultBundleDir() {
    String cache = System.getenv().getOrDefault("DJL_CACHE_DIR", System.getProperty("java.io.tmpdir"));
    return ModelDirectory.extractDefaultBundle(Path.of(cache, "vigil-default-bundle"));
  }

  BundleScorer scorer() {
    return scorer;
  }

  /** Swaps in a newer bundle if the directory has one; returns whether it swapped. */
  boolean refreshIfDue() {
    long now = System.currentTimeMillis();
    if (source.modelDir().isEmpty() || source.checkMillis() <= 0 || now - lastCheckMs < source.checkMillis()) {
      return false;
    }
    lastCheckMs = now;
    Optional<Path> newest = ModelDirectory.newestBundle(Path.of(source.modelDir()));
    if (newest.isEmpty() || !Files.isDirectory(newest.get())) {
      return false;
    }
    try {
      ModelBundle candidate = ModelBundle.load(newest.get());
      if (newest.get().equals(servingDir) && candidate.version().equals(scorer.bundle().version())) {
        return false;
      }
      BundleScorer next = candidate.newScorer();
      BundleScorer previous = scorer;
      scorer = next;
      servingDir = newest.get();
      swaps++;
      previous.close();
      LOG.info("model hot swap: now serving {} (was {})", next.bundle(), previous.bundle());
      return true;
    } catch (RuntimeException e) {
      LOG.warn("ignoring model bundle {}: {}", newest.get(), e.getMessage());
      return false;
    }
  }

  long swaps() {
    return swaps;
  }

  @Override
  public void close() {
    scorer.close();
  }
}
