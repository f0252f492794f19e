package dev.vigil.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.schemas.v1.Action;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {

  @Test
  void shippedBundleLoadsAndMatchesTheFeatureSchema(@TempDir Path dir) {
    ModelBundle bundle = ModelBundle.load(DefaultBundleFixture.copy(dir));
    assertThat(bundle.name()).isEqualTo("vigil-abuse");
    assertThat(bundle.manifest().features()).isEqualTo(MemberFeatureVector.NAMES);
    assertThat(bundle.policy().actionFor(0.99)).isEqualTo(Action.BLOCK);
    assertThat(bundle.policy().actionFor(0.01)).isEqualTo(Action.NONE);
    assertThat(bundle.manifest().training().command()).startsWith("vigil train --out scoring/src/main/resources/");
  }

  @Test
  void reorderedFeaturesAreRejectedWithTheFirstMismatch(@TempDir Path dir) throws Exception {
    List<String> swapped = new ArrayList<>(MemberFeatureVector.NAMES);
    Collections.swap(swapped, 1, 2);
    Path bundle = DefaultBundleFixture.copyWithManifest(dir, m -> new ModelManifest(m.name(), m.version(), m.engine(),
        m.artifact(), m.featureSchema(), swapped, m.thresholds(), m.reasons(), m.training(), m.createdAt()));
    assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelBundleException.class)
        .hasMessage("model bundle " + bundle + ": feature 1 is profile_views_per_minute but " + MemberFeatureVector.SCHEMA
            + " has events_per_minute there");
  }

  @Test
  void otherFeatureSchemaIsRejected(@TempDir Path dir) throws Exception {
    Path bundle = DefaultBundleFixture.copyWithManifest(dir, m -> new ModelManifest(m.name(), m.version(), m.engine(),
        m.artifact(), "other-features-v9", m.features(), m.thresholds(), m.reasons(), m.training(), m.createdAt()));
    assertThatThrownBy(() -> ModelBundle.load(bundle)).hasMessageContaining("feature schema other-features-v9 does not match");
  }

  @Test
  void missingArtifactAndBadThresholdsAreRejected(@TempDir Path dir) throws Exception {
    Path bundle = DefaultBundleFixture.copyWithManifest(dir.resolve("a"), m -> new ModelManifest(m.name(), m.version(),
        m.engine(), m.artifact(), m.featureSchema(), m.features(),
        List.of(new ModelManifest.ThresholdSpec("BAN", 0.9)), m.reasons(), m.training(), m.createdAt()));
    assertThatThrownBy(() -> ModelBundle.load(bundle)).hasMessageEndingWith("unknown action BAN in thresholds");

    Path noArtifact = DefaultBundleFixture.copy(dir.resolve("b"));
    DefaultBundleFixture.delete(noArtifact.resolve("model.json"));
    assertThatThrownBy(() -> ModelBundle.load(noArtifact)).hasMessageEndingWith("artifact model.json is missing");

    assertThatThrownBy(() -> ModelBundle.load(dir.resolve("empty"))).hasMessageEndingWith("no manifest.json");
    Files.createDirectories(dir.resolve("garbled"));
    Files.writeString(dir.resolve("garbled/manifest.json"), "{not json");
    assertThatThrownBy(() -> ModelBundle.load(dir.resolve("garbled"))).hasMessageContaining("unreadable manifest.json");
  }
}
