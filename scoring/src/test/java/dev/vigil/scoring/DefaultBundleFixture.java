package dev.vigil.scoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Copies of the shipped bundle, optionally with an edited manifest, for tests. */
final class DefaultBundleFixture {
  private DefaultBundleFixture() {}

  static Path copy(Path dir) {
    return ModelDirectory.extractDefaultBundle(dir);
  }

  static Path copyWithManifest(Path dir, UnaryOperator<ModelManifest> edit) throws IOException {
    Path bundle = copy(dir);
    ModelManifest m = ModelBundle.JSON.readValue(bundle.resolve(ModelBundle.MANIFEST).toFile(), ModelManifest.class);
    ModelBundle.writeManifest(bundle, edit.apply(m));
    return bundle;
  }

  static ModelManifest withVersion(ModelManifest m, String version) {
    return new ModelManifest(m.name(), version, m.engine(), m.artifact(), m.featureSchema(), m.features(), m.thresholds(),
        m.reasons(), m.training(), m.createdAt());
  }

  static void delete(Path file) throws IOException {
    Files.delete(file);
  }
}
