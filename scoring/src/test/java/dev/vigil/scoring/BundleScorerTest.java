package dev.vigil.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.features.MemberFeatureVector;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleScorerTest {

  static float[][] randomRows(Random random, int n) {
    float[][] rows = new float[n][MemberFeatureVector.COUNT];
    for (float[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) (random.nextDouble() * (random.nextBoolean() ? 10 : 2_000));
      }
    }
    return rows;
  }

  @Test
  void batchScoresEqualOneRowAtATime(@TempDir Path dir) {
    float[][] rows = randomRows(new Random(3), 200);
    try (BundleScorer scorer = ModelBundle.load(DefaultBundleFixture.copy(dir)).newScorer()) {
      float[] batch = scorer.score(rows);
      assertThat(batch).hasSize(rows.length);
      for (int i = 0; i < rows.length; i++) {
        assertThat(scorer.score(new float[][] {rows[i]})[0]).isEqualTo(batch[i]);
        assertThat(batch[i]).isBetween(0f, 1f);
      }
      assertThat(scorer.score(new float[0][])).isEmpty();
    }
  }

  @Test
  void scoringManyBatchesLeavesNoArraysOnTheModelManager(@TempDir Path dir) {
    Random random = new Random(9);
    try (BundleScorer scorer = ModelBundle.load(DefaultBundleFixture.copy(dir)).newScorer()) {
      scorer.score(randomRows(random, 8)); // first call may create lasting engine state
      int before = scorer.modelManager().getManagedArrays().size();
      for (int i = 0; i < 2_000; i++) {
        scorer.score(randomRows(random, 1 + random.nextInt(64)));
      }
      assertThat(scorer.modelManager().getManagedArrays().size()).as("arrays held by the model manager").isEqualTo(before);
    }
  }

  @Test
  void wrongRowWidthIsRejected(@TempDir Path dir) {
    try (BundleScorer scorer = ModelBundle.load(DefaultBundleFixture.copy(dir)).newScorer()) {
      assertThatThrownBy(() -> scorer.score(new float[][] {new float[3]}))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("expected 16 features per row, got 3");
    }
  }
}
