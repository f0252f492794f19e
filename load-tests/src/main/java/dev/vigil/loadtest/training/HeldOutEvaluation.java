package dev.vigil.loadtest.training;

import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.Persona;
import dev.vigil.scoring.BundleScorer;
import dev.vigil.scoring.ClassificationMetrics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model judged on rows it never saw, from traffic of another seed and other settings: row-level AUC,
 * precision and recall, and member-level detection per abuse kind and per persona. A member is flagged
 * when any of its rows scores at or above the threshold, as the model job flags on the riskiest window.
 */
public final class HeldOutEvaluation {
  /** Members of one persona: how many there were and how many were flagged. */
  public record PersonaCount(Persona persona, int members, int flagged) {}

  /** What the evaluation measured. */
  public record Report(int rowCount, ClassificationMetrics rows, double memberPrecision, Map<AbuseType, Double> recallByKind,
      List<PersonaCount> personas) {

    public String describe() {
      StringBuilder b = new StringBuilder(String.format("held-out traffic: %,d rows, AUC %.4f, precision %.4f, recall %.4f at %.2f%n",
          rowCount, rows.auc(),
          rows.precision(), rows.recall(), rows.threshold()));
      b.append(String.format("members flagged: precision %.4f", memberPrecision));
      recallByKind.forEach((kind, recall) -> b.append(String.format(", recall %s %.4f", kind.label(), recall)));
      b.append(String.format("%n%-22s %8s %8s%n", "persona", "members", "flagged"));
      for (PersonaCount p : personas) {
        b.append(String.format("%-22s %,8d %,8d%n", p.persona().label(), p.members(), p.flagged()));
      }
      return b.toString();
    }
  }

  private HeldOutEvaluation() {}

  public static Report evaluate(BundleScorer scorer, List<LabelledFeatureRows.LabelledRow> rows, double threshold) {
    float[] scores = new float[rows.size()];
    boolean[] labels = new boolean[rows.size()];
    for (int from = 0; from < rows.size(); from += 4_096) {
      int to = Math.min(rows.size(), from + 4_096);
      float[][] batch = new float[to - from][];
      for (int i = from; i < to; i++) {
        batch[i - from] = rows.get(i).row().features();
        labels[i] = rows.get(i).row().abusive();
      }
      System.arraycopy(scorer.score(batch), 0, scores, from, to - from);
    }
    Map<Long, Float> maxByMember = new HashMap<>();
    Map<Long, Persona> personaOf = new HashMap<>();
    for (int i = 0; i < scores.length; i++) {
      maxByMember.merge(rows.get(i).memberId(), scores[i], Math::max);
      personaOf.put(rows.get(i).memberId(), rows.get(i).persona());
    }
    Map<Persona, int[]> counts = new EnumMap<>(Persona.class);
    long flaggedAbusive = 0;
    long flagged = 0;
    for (Map.Entry<Long, Float> e : maxByMember.entrySet()) {
      Persona persona = personaOf.get(e.getKey());
      int[] c = counts.computeIfAbsent(persona, p -> new int[2]);
      c[0]++;
      if (e.getValue() >= threshold) {
        c[1]++;
        flagged++;
        flaggedAbusive += persona.abuseType() != AbuseType.NONE ? 1 : 0;
      }
    }
    Map<AbuseType, int[]> byKind = new EnumMap<>(AbuseType.class);
    List<PersonaCount> personas = new ArrayList<>();
    counts.forEach((persona, c) -> {
      personas.add(new PersonaCount(persona, c[0], c[1]));
      if (persona.abuseType() != AbuseType.NONE) {
        int[] k = byKind.computeIfAbsent(persona.abuseType(), t -> new int[2]);
        k[0] += c[0];
        k[1] += c[1];
      }
    });
    Map<AbuseType, Double> recallByKind = new EnumMap<>(AbuseType.class);
    byKind.forEach((kind, k) -> recallByKind.put(kind, k[1] / (double) k[0]));
    return new Report(scores.length, ClassificationMetrics.of(scores, labels, threshold), flagged == 0 ? Double.NaN : flaggedAbusive / (double) flagged,
        recallByKind, personas);
  }
}
