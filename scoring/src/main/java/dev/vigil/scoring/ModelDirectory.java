package dev.vigil.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where bundles live. A model directory is either one bundle (it holds {@code manifest.json}) or a
 * folder of bundles, one per sub-directory; the serving bundle is the one with the highest version.
 * Versions compare by their numeric runs ("10" after "9", "1.10" after "1.9"), then as text.
 *
 * <p>To publish a new version, write its artifact first and its manifest last (the trainer does), or
 * build it elsewhere and move the directory in: a sub-directory without a manifest is ignored.
 */
public final class ModelDirectory {
  /** Classpath location of the bundle shipped with Vigil (reproduce it with {@code ./vigil train}). */
  static final String DEFAULT_BUNDLE_RESOURCE = "/dev/vigil/scoring/default-bundle/";
  private static final List<String> DEFAULT_BUNDLE_FILES = List.of("model.json", ModelBundle.MANIFEST);

  private ModelDirectory() {}

  /** The newest valid-looking bundle directory under {@code modelDir}, if any. */
  public static Optional<Path> newestBundle(Path modelDir) {
    if (Files.isRegularFile(modelDir.resolve(ModelBundle.MANIFEST))) {
      return Optional.of(modelDir);
    }
    if (!Files.isDirectory(modelDir)) {
      return Optional.empty();
    }
    try (Stream<Path> children = Files.list(modelDir)) {
      return children.filter(p -> Files.isRegularFile(p.resolve(ModelBundle.MANIFEST)))
          .max(Comparator.comparing((Path p) -> versionOf(p), ModelDirectory::compareVersions));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list model directory " + modelDir, e);
    }
  }

  /** Loads the newest bundle under {@code modelDir}; fails clearly when there is none. */
  public static ModelBundle loadNewest(Path modelDir) {
    Path dir = newestBundle(modelDir)
        .orElseThrow(() -> new ModelBundleException("model directory " + modelDir + " holds no bundle (no " + ModelBundle.MANIFEST + ")"));
    return ModelBundle.load(dir);
  }

  private static String versionOf(Path bundleDir) {
    try {
      return ModelBundle.JSON.readValue(bundleDir.resolve(ModelBundle.MANIFEST).toFile(), ModelManifest.class).version();
    } catch (IOException e) {
      return ""; // unreadable manifests sort first; loading will say what is wrong
    }
  }

  /** Compares version strings by numeric runs, then text: "2" < "10", "1.9" < "1.10". */
  public static int compareVersions(String a, String b) {
    String[] pa = a == null ? new String[0] : a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
    String[] pb = b == null ? new String[0] : b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
    for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
      boolean na = !pa[i].isEmpty() && Character.isDigit(pa[i].charAt(0));
      boolean nb = !pb[i].isEmpty() && Character.isDigit(pb[i].charAt(0));
      int c = na && nb ? new java.math.BigInteger(pa[i]).compareTo(new java.math.BigInteger(pb[i])) : pa[i].compareTo(pb[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(pa.length, pb.length);
  }

  /**
   * Copies the bundle shipped inside the jar to {@code target} and returns that directory. DJL loads
   * models from files, not from the classpath. A copy already there is reused only if it is byte for byte
   * the shipped one: a copy left by an older build is replaced, never served.
   */
  public static Path extractDefaultBundle(Path target) {
    try {
      Files.createDirectories(target);
      for (String file : DEFAULT_BUNDLE_FILES) {
        Path out = target.resolve(file);
        byte[] shipped;
        try (InputStream in = ModelDirectory.class.getResourceAsStream(DEFAULT_BUNDLE_RESOURCE + file)) {
          if (in == null) {
            throw new ModelBundleException("the default model bundle is missing from the classpath: " + DEFAULT_BUNDLE_RESOURCE + file);
          }
          shipped = in.readAllBytes();
        }
        if (Files.exists(out) && java.util.Arrays.equals(Files.readAllBytes(out), shipped)) {
          continue;
        }
        Path tmp = Files.createTempFile(target, file, ".tmp");
        Files.write(tmp, shipped);
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the default model bundle to " + target, e);
    }
  }
}
