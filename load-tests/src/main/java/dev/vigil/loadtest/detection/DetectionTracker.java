package dev.vigil.loadtest.detection;

import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Joins ground truth with the scores a run produced: when each abuser started, when (processing time) it
 * was first flagged, and which normal members were flagged by mistake. A member counts as flagged by its
 * first score with an action of {@link Action#CHALLENGE} or stronger. Thread-safe: the traffic thread
 * reports events while a consumer thread reports scores.
 */
public final class DetectionTracker {
  private final LongFunction<AbuseType> truth;
  private final Map<Long, Abuser> abusers = new HashMap<>();
  private final Map<Long, Verdicts> verdicts = new HashMap<>();
  private long scores;

  public DetectionTracker(LongFunction<AbuseType> truth) {
    this.truth = truth;
  }

  /** An event was sent at {@code sentAtMs}; only abusers' events matter (their first one starts the clock). */
  public synchronized void eventSent(long memberId, long sentAtMs) {
    AbuseType type = truth.apply(memberId);
    if (type != AbuseType.NONE) {
      Abuser a = abusers.computeIfAbsent(memberId, m -> new Abuser(type, sentAtMs));
      a.events++;
    }
  }

  /** Whether a verdict with this action flags its member: CHALLENGE or stronger. */
  public static boolean flags(Action action) {
    return action != Action.NONE && action != Action.UNRECOGNIZED;
  }

  public synchronized void scored(AbuseScore score) {
    scores++;
    if (!flags(score.getAction())) {
      return;
    }
    Verdicts v = verdicts.computeIfAbsent(score.getMemberId(), m -> new Verdicts(score));
    if (score.getProcessingTimeMs() < v.first.getProcessingTimeMs()) {
      v.first = score; // partitions are consumed in no global order
    }
    if (score.getAction().getNumber() > v.highest.getAction().getNumber()
        || score.getAction() == v.highest.getAction() && score.getScore() > v.highest.getScore()) {
      v.highest = score;
    }
  }

  /** A one-line summary for live status output. */
  public synchronized String statusLine() {
    long detected = abusers.keySet().stream().filter(verdicts::containsKey).count();
    long falsePositives = verdicts.keySet().stream().filter(m -> truth.apply(m) == AbuseType.NONE).count();
    return String.format("scores %,d | abusers flagged %d/%d | normal members flagged %d", scores, detected,
        abusers.size(), falsePositives);
  }

  /** Whether every abuser seen so far has been flagged. */
  public synchronized boolean allAbusersFlagged() {
    return !abusers.isEmpty() && verdicts.keySet().containsAll(abusers.keySet());
  }

  public synchronized DetectionReport report() {
    List<DetectionReport.Row> rows = new ArrayList<>();
    abusers.forEach((member, a) -> rows.add(row(member, a.type, a.events, a.firstEventMs, verdicts.get(member))));
    verdicts.forEach((member, v) -> {
      if (!abusers.containsKey(member)) {
        rows.add(row(member, truth.apply(member), 0, 0, v));
      }
    });
    rows.sort(Comparator.comparing((DetectionReport.Row r) -> r.truth() == AbuseType.NONE)
        .thenComparing(r -> r.firstFlagMs() == 0 ? Long.MAX_VALUE : r.firstFlagMs() - r.abuseStartMs())
        .thenComparingLong(DetectionReport.Row::memberId));
    return new DetectionReport(rows, scores);
  }

  private static DetectionReport.Row row(long member, AbuseType type, long events, long startMs, Verdicts v) {
    if (v == null) {
      return new DetectionReport.Row(member, type, events, startMs, 0, Action.NONE, Action.NONE, 0, List.of());
    }
    List<String> reasons = v.highest.getReasonsList().stream().map(Reason::getCode).toList();
    return new DetectionReport.Row(member, type, events, startMs, v.first.getProcessingTimeMs(), v.first.getAction(),
        v.highest.getAction(), v.highest.getScore(), reasons);
  }

  private static final class Abuser {
    final AbuseType type;
    final long firstEventMs;
    long events;

    Abuser(AbuseType type, long firstEventMs) {
      this.type = type;
      this.firstEventMs = firstEventMs;
    }
  }

  private static final class Verdicts {
    AbuseScore first;
    AbuseScore highest;

    Verdicts(AbuseScore first) {
      this.first = first;
      this.highest = first;
    }
  }
}
