package dev.vigil.scoring;

import java.util.Arrays;
import java.util.Comparator;

/** Quality of scores against labels: ROC AUC and precision/recall at a threshold. */
public record ClassificationMetrics(double auc, double precision, double recall, long truePositives,
    long falsePositives, long falseNegatives, double threshold) {

  public static ClassificationMetrics of(float[] scores, boolean[] labels, double threshold) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
    }
    long tp = 0;
    long fp = 0;
    long fn = 0;
    for (int i = 0; i < scores.length; i++) {
      boolean flagged = scores[i] >= threshold;
      if (flagged && labels[i]) {
        tp++;
      } else if (flagged) {
        fp++;
      } else if (labels[i]) {
        fn++;
      }
    }
    double precision = tp + fp == 0 ? 0.0 : tp / (double) (tp + fp);
    double recall = tp + fn == 0 ? 0.0 : tp / (double) (tp + fn);
    return new ClassificationMetrics(auc(scores, labels), precision, recall, tp, fp, fn, threshold);
  }

  /**
   * ROC AUC as the Mann-Whitney statistic: the chance that a random positive outscores a random
   * negative, ties counting half. NaN when either class is absent.
   */
  public static double auc(float[] scores, boolean[] labels) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1; // ranks are 1-based; tied scores share their average rank
      for (int k = i; k <= j; k++) {
        if (labels[order[k]]) {
          positiveRankSum += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
  }
}
