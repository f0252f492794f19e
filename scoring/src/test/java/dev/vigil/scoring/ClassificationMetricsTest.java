package dev.vigil.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

  @Test
  void aucMatchesBruteForcePairCounting() {
    Random random = new Random(1);
    for (int trial = 0; trial < 20; trial++) {
      int n = 2 + random.nextInt(60);
      float[] scores = new float[n];
      boolean[] labels = new boolean[n];
      for (int i = 0; i < n; i++) {
        scores[i] = random.nextInt(10) / 10f; // many ties
        labels[i] = random.nextBoolean();
      }
      double wins = 0;
      long pairs = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (labels[i] && !labels[j]) {
            pairs++;
            wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
          }
        }
      }
      double expected = pairs == 0 ? Double.NaN : wins / pairs;
      assertThat(ClassificationMetrics.auc(scores, labels)).isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void precisionAndRecallAtThreshold() {
    float[] scores = {0.9f, 0.8f, 0.4f, 0.7f, 0.1f};
    boolean[] labels = {true, false, true, true, false};
    ClassificationMetrics m = ClassificationMetrics.of(scores, labels, 0.5);
    assertThat(m.truePositives()).isEqualTo(2);
    assertThat(m.falsePositives()).isEqualTo(1);
    assertThat(m.falseNegatives()).isEqualTo(1);
    assertThat(m.precision()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.recall()).isCloseTo(2 / 3.0, within(1e-12));
  }
}
