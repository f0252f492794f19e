package dev.vigil.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorePolicyTest {
  private static final List<String> FEATURES = List.of("views", "failures", "robots", "signups");
  private static final List<ScorePolicy.Threshold> THRESHOLDS = List.of(new ScorePolicy.Threshold(0.5, Action.CHALLENGE),
      new ScorePolicy.Threshold(0.95, Action.BLOCK), new ScorePolicy.Threshold(0.8, Action.RESTRICT));
  private static final Map<String, ScorePolicy.Baseline> BASELINES = Map.of(
      "views", new ScorePolicy.Baseline(10, 5, "HIGH_VIEWS"),
      "failures", new ScorePolicy.Baseline(1, 1, "HIGH_FAILURES"),
      "robots", new ScorePolicy.Baseline(0.01, 0.05, "ROBOT_AGENT"));

  private final ScorePolicy policy = new ScorePolicy(THRESHOLDS, FEATURES, BASELINES, 3.0, 2);

  @Test
  void actionIsTheHighestThresholdReached() {
    assertThat(policy.actionFor(0.49)).isEqualTo(Action.NONE);
    assertThat(policy.actionFor(0.5)).isEqualTo(Action.CHALLENGE);
    assertThat(policy.actionFor(0.8)).isEqualTo(Action.RESTRICT);
    assertThat(policy.actionFor(0.97)).isEqualTo(Action.BLOCK);
  }

  @Test
  void reasonsAreTheFeaturesFurthestAboveTheirBaseline() {
    ScorePolicy.Verdict v = policy.decide(0.99, new double[] {100, 5, 1.0, 50});
    assertThat(v.action()).isEqualTo(Action.BLOCK);
    // robots: (1 - 0.01) / 0.05 = 19.8 sd; views: 18 sd; failures: 4 sd (cut by maxReasons 2); signups: no baseline.
    assertThat(v.reasons()).extracting(Reason::getCode).containsExactly("ROBOT_AGENT", "HIGH_VIEWS");
    assertThat(v.reasons().get(0).getContribution()).isEqualTo((1.0 - 0.01) / 0.05);
    assertThat(v.reasons().get(1).getValue()).isEqualTo(100.0);
  }

  @Test
  void flaggedWithoutStandOutFeatureSaysModelScore() {
    ScorePolicy.Verdict v = policy.decide(0.6, new double[] {11, 1, 0.0, 0});
    assertThat(v.action()).isEqualTo(Action.CHALLENGE);
    assertThat(v.reasons()).extracting(Reason::getCode).containsExactly("MODEL_SCORE");
    assertThat(policy.decide(0.1, new double[] {1000, 1000, 1, 1}).reasons()).isEmpty();
  }

  @Test
  void invalidPoliciesAreRejected() {
    assertThatThrownBy(() -> new ScorePolicy(List.of(new ScorePolicy.Threshold(0.9, Action.CHALLENGE),
        new ScorePolicy.Threshold(0.5, Action.BLOCK)), FEATURES, BASELINES, 3, 2))
        .hasMessageContaining("thresholds must rise with severity");
    assertThatThrownBy(() -> new ScorePolicy.Threshold(1.5, Action.BLOCK)).hasMessageContaining("must be in [0, 1]");
    assertThatThrownBy(() -> policy.decide(0.9, new double[] {1})).hasMessage("expected 4 features, got 1");
  }
}
