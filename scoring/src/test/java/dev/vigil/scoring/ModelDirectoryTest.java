package dev.vigil.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {

  @Test
  void versionsCompareByNumbers() {
    assertThat(ModelDirectory.compareVersions("2", "10")).isNegative();
    assertThat(ModelDirectory.compareVersions("1.9", "1.10")).isNegative();
    assertThat(ModelDirectory.compareVersions("v3", "v3")).isZero();
    assertThat(ModelDirectory.compareVersions("2026-11-22", "2026-11-3")).isPositive();
  }

  @Test
  void newestBundleWinsAndDirectoriesWithoutManifestAreIgnored(@TempDir Path dir) throws Exception {
    DefaultBundleFixture.copyWithManifest(dir.resolve("a"), m -> DefaultBundleFixture.withVersion(m, "9"));
    DefaultBundleFixture.copyWithManifest(dir.resolve("b"), m -> DefaultBundleFixture.withVersion(m, "10"));
    Files.createDirectories(dir.resolve("c-in-progress"));
    Files.writeString(dir.resolve("c-in-progress/model.json"), "{}");
    assertThat(ModelDirectory.newestBundle(dir)).contains(dir.resolve("b"));
    assertThat(ModelDirectory.loadNewest(dir).version()).isEqualTo("10");
    assertThat(ModelDirectory.newestBundle(dir.resolve("a"))).contains(dir.resolve("a"));
  }

  @Test
  void emptyDirectoryHasNoBundle(@TempDir Path dir) {
    assertThat(ModelDirectory.newestBundle(dir)).isEmpty();
    assertThatThrownBy(() -> ModelDirectory.loadNewest(dir)).isInstanceOf(ModelBundleException.class)
        .hasMessage("model directory " + dir + " holds no bundle (no manifest.json)");
  }

  @Test
  void aStaleExtractedCopyIsReplacedByTheShippedBundle(@TempDir Path dir) throws Exception {
    Path target = ModelDirectory.extractDefaultBundle(dir.resolve("cache"));
    byte[] shipped = Files.readAllBytes(target.resolve("manifest.json"));
    Files.writeString(target.resolve("manifest.json"), "{\"left\": \"by an older build\"}");
    ModelDirectory.extractDefaultBundle(dir.resolve("cache"));
    assertThat(Files.readAllBytes(target.resolve("manifest.json"))).isEqualTo(shipped);
  }
}
