package dev.vigil.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.AbuseLabel;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.LabelKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replay concluded, per member: the <em>decisive verdict</em> over the period (the highest action;
 * ties: the higher score, then the later {@code as_of}). Counts flagged members (action above NONE) per
 * action and per leading reason and, against an earlier run, lists each member whose decisive action
 * changed, with both verdicts' reasons and models.
 */
public record ReplaySummary(
    String period,
    long verdicts,
    long members,
    long flaggedMembers,
    Map<String, Long> flaggedByAction,
    Map<String, Long> flaggedByReason,
    Map<String, Long> models,
    List<Change> changes,
    Map<Long, AbuseScore> decisive,
    Map<Long, long[]> flaggedSpans) {

  /** A member whose decisive action differs from the earlier run's. */
  public record Change(long memberId, String before, String after, double scoreBefore, double scoreAfter,
      String reasonBefore, String reasonAfter, String modelBefore, String modelAfter) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Summarises the verdicts of the replay written to {@code replayOut}. */
  public static ReplaySummary of(Path replayOut, ReplayPeriod period) {
    Map<Long, AbuseScore> decisive = new HashMap<>();
    Map<Long, long[]> flaggedSpans = new HashMap<>();
    long[] verdicts = {0};
    Map<String, Long> models = new TreeMap<>();
    ReplayLabel.forEachVerdict(replayOut, score -> {
      verdicts[0]++;
      models.merge(score.getModelName() + ":" + score.getModelVersion(), 1L, Long::sum);
      decisive.merge(score.getMemberId(), score, (a, b) -> moreDecisive(b, a) ? b : a);
      if (score.getAction() != Action.NONE) {
        flaggedSpans.merge(score.getMemberId(), new long[] {score.getWindowStartMs(), score.getAsOfMs()},
            (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
      }
    });
    Map<String, Long> byAction = new TreeMap<>();
    Map<String, Long> byReason = new TreeMap<>();
    long flagged = 0;
    for (AbuseScore s : decisive.values()) {
      if (s.getAction() != Action.NONE) {
        flagged++;
        byAction.merge(s.getAction().name(), 1L, Long::sum);
        byReason.merge(leadingReason(s), 1L, Long::sum);
      }
    }
    return new ReplaySummary(period.toString(), verdicts[0], decisive.size(), flagged, byAction, byReason, models, List.of(), decisive,
        flaggedSpans);
  }

  /** This summary with the members whose decisive action differs from {@code earlier}'s. */
  public ReplaySummary comparedWith(ReplaySummary earlier) {
    List<Change> changes = new ArrayList<>();
    java.util.TreeSet<Long> everyone = new java.util.TreeSet<>(decisive.keySet());
    everyone.addAll(earlier.decisive().keySet());
    for (long member : everyone) {
      AbuseScore before = earlier.decisive().get(member);
      AbuseScore after = decisive.get(member);
      Action a = before == null ? Action.NONE : before.getAction();
      Action b = after == null ? Action.NONE : after.getAction();
      if (a != b) {
        changes.add(new Change(member, a.name(), b.name(), before == null ? 0 : before.getScore(), after == null ? 0 : after.getScore(),
            before == null ? "-" : leadingReason(before), after == null ? "-" : leadingReason(after),
            before == null ? "-" : model(before), after == null ? "-" : model(after)));
      }
    }
    return new ReplaySummary(period, verdicts, members, flaggedMembers, flaggedByAction, flaggedByReason, models, changes, decisive,
        flaggedSpans);
  }

  /**
   * The replay's conclusions as labels: ABUSIVE over the span of each flagged member's flagged windows
   * (abuse type: the decisive verdict's leading reason), BENIGN over the period for the others. Source
   * {@code replay:MODEL:VERSION}, for analysts to confirm or correct before they train on them.
   */
  public List<AbuseLabel> labels(ReplayPeriod period, long labelledAtMs) {
    List<AbuseLabel> labels = new ArrayList<>();
    new java.util.TreeMap<>(decisive).forEach((member, verdict) -> {
      long[] span = flaggedSpans.get(member);
      AbuseLabel.Builder l = AbuseLabel.newBuilder().setMemberId(member).setSource("replay:" + model(verdict)).setLabelledAtMs(labelledAtMs);
      if (span == null) {
        l.setKind(LabelKind.BENIGN).setFromMs(period.fromMs()).setToMs(period.toMs());
      } else {
        l.setKind(LabelKind.ABUSIVE).setAbuseType(leadingReason(verdict)).setFromMs(span[0]).setToMs(span[1]);
      }
      labels.add(l.build());
    });
    return labels;
  }

  static boolean moreDecisive(AbuseScore candidate, AbuseScore current) {
    if (candidate.getActionValue() != current.getActionValue()) {
      return candidate.getActionValue() > current.getActionValue();
    }
    if (candidate.getScore() != current.getScore()) {
      return candidate.getScore() > current.getScore();
    }
    return candidate.getAsOfMs() > current.getAsOfMs();
  }

  static String leadingReason(AbuseScore s) {
    if (s.getReasonsCount() == 0) {
      return "NONE";
    }
    var r = s.getReasons(0);
    return r.getFeature().isEmpty() ? r.getCode() : r.getCode() + ":" + r.getFeature();
  }

  private static String model(AbuseScore s) {
    return s.getModelName() + ":" + s.getModelVersion();
  }

  /** summary.json: everything but the per-member verdicts. */
  public void write(Path file) {
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("period", period);
    json.put("writtenAt", Instant.now().toString());
    json.put("verdicts", verdicts);
    json.put("members", members);
    json.put("flaggedMembers", flaggedMembers);
    json.put("flaggedByAction", flaggedByAction);
    json.put("flaggedByReason", flaggedByReason);
    json.put("models", models);
    json.put("changes", changes);
    try {
      JSON.writeValue(file.toFile(), json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** A few lines for the terminal. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%s: %,d verdicts for %,d members; %,d flagged%n", period, verdicts, members, flaggedMembers));
    flaggedByAction.forEach((action, n) -> out.append(String.format("  %-10s %,d%n", action, n)));
    flaggedByReason.forEach((reason, n) -> out.append(String.format("  reason %-40s %,d%n", reason, n)));
    out.append("  models: ").append(models).append('\n');
    if (!changes.isEmpty()) {
      out.append(String.format("%,d members changed verdict:%n", changes.size()));
      changes.stream().limit(20).forEach(c -> out.append(String.format("  member %d: %s (%.3f, %s, %s) -> %s (%.3f, %s, %s)%n",
          c.memberId(), c.before(), c.scoreBefore(), c.reasonBefore(), c.modelBefore(), c.after(), c.scoreAfter(), c.reasonAfter(), c.modelAfter())));
      if (changes.size() > 20) {
        out.append(String.format("  ... %,d more in summary.json%n", changes.size() - 20));
      }
    }
    return out.toString();
  }

}
