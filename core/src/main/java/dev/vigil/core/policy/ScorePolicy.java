package dev.vigil.core.policy;

import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a model score into an action with reason codes an analyst can read.
 *
 * <p>The action is the one with the highest threshold the score reaches. The reasons are the features
 * that stand furthest above their benign baseline (mean and standard deviation over benign training
 * rows), at least {@code minDeviation} standard deviations, at most {@code maxReasons} of them; each
 * carries the feature's value and its deviation as the contribution. A flagged score with no standing-out
 * feature gets the single reason {@code MODEL_SCORE}.
 */
public final class ScorePolicy {
  /** One threshold: scores at or above {@code minScore} get {@code action}. */
  public record Threshold(double minScore, Action action) {
    public Threshold {
      if (!(minScore >= 0 && minScore <= 1)) {
        throw new IllegalArgumentException("threshold for " + action + " must be in [0, 1], got " + minScore);
      }
      if (action == Action.NONE || action == Action.UNRECOGNIZED) {
        throw new IllegalArgumentException("a threshold needs an action other than NONE, got " + action);
      }
    }
  }

  /** Benign mean and standard deviation of one feature, and the reason code it raises. */
  public record Baseline(double mean, double stddev, String reasonCode) {}

  /** What the policy decided. */
  public record Verdict(Action action, List<Reason> reasons) {}

  private final List<Threshold> thresholds; // highest first
  private final List<String> featureNames;
  private final Baseline[] baselines;
  private final double minDeviation;
  private final int maxReasons;

  public ScorePolicy(List<Threshold> thresholds, List<String> featureNames, Map<String, Baseline> baselines,
      double minDeviation, int maxReasons) {
    List<Threshold> sorted = new ArrayList<>(thresholds);
    sorted.sort(Comparator.comparingDouble(Threshold::minScore).reversed());
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i - 1).action().getNumber() < sorted.get(i).action().getNumber()) {
        throw new IllegalArgumentException("thresholds must rise with severity: " + sorted.get(i).action() + " at "
            + sorted.get(i).minScore() + " is below " + sorted.get(i - 1).action() + " at " + sorted.get(i - 1).minScore());
      }
    }
    this.thresholds = List.copyOf(sorted);
    this.featureNames = List.copyOf(featureNames);
    this.baselines = new Baseline[featureNames.size()];
    for (int i = 0; i < featureNames.size(); i++) {
      this.baselines[i] = baselines.get(featureNames.get(i));
    }
    this.minDeviation = minDeviation;
    this.maxReasons = maxReasons;
  }

  public List<Threshold> thresholds() {
    return thresholds;
  }

  public Action actionFor(double score) {
    for (Threshold t : thresholds) {
      if (score >= t.minScore()) {
        return t.action();
      }
    }
    return Action.NONE;
  }

  public Verdict decide(double score, double[] features) {
    if (features.length != featureNames.size()) {
      throw new IllegalArgumentException("expected " + featureNames.size() + " features, got " + features.length);
    }
    Action action = actionFor(score);
    if (action == Action.NONE) {
      return new Verdict(action, List.of());
    }
    List<Reason> reasons = new ArrayList<>();
    for (int i = 0; i < features.length; i++) {
      Baseline b = baselines[i];
      if (b == null) {
        continue;
      }
      double deviation = (features[i] - b.mean()) / Math.max(b.stddev(), 1e-9);
      if (deviation >= minDeviation) {
        reasons.add(Reason.newBuilder().setCode(b.reasonCode()).setFeature(featureNames.get(i))
            .setValue(features[i]).setContribution(deviation).build());
      }
    }
    reasons.sort(Comparator.comparingDouble(Reason::getContribution).reversed());
    if (reasons.size() > maxReasons) {
      reasons = reasons.subList(0, maxReasons);
    }
    if (reasons.isEmpty()) {
      reasons = List.of(Reason.newBuilder().setCode("MODEL_SCORE").setValue(score).build());
    }
    return new Verdict(action, List.copyOf(reasons));
  }

  /** The default reason code for a feature: {@code HIGH_} and its name in upper case. */
  public static String defaultReasonCode(String feature) {
    return "HIGH_" + feature.toUpperCase(Locale.ROOT);
  }
}
