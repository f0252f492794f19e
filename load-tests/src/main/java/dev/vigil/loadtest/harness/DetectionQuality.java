package dev.vigil.loadtest.harness;

import dev.vigil.loadtest.detection.DetectionReport;
import dev.vigil.loadtest.detection.DetectionTracker;
import dev.vigil.loadtest.traffic.GroundTruth;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.schemas.v1.Action;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Joins the verdicts a run read with the generator's ground truth. A member is flagged by its first verdict of
 * CHALLENGE or stronger and blocked by its first BLOCK, at the moment the harness read that verdict. Thread-safe:
 * the verdict tail records, the harness reports at the end.
 */
final class DetectionQuality {
  /** Per member, the read times of its flagging verdicts, and of its BLOCK verdicts, in the order read. */
  private final Map<Long, Times> flags = new ConcurrentHashMap<>();
  private final Map<Long, Times> blocks = new ConcurrentHashMap<>();
  /** The leading reason code of each member's first flagging verdict. */
  private final Map<Long, String> firstFlagReason = new ConcurrentHashMap<>();
  private final Set<Long> membersSeen = ConcurrentHashMap.newKeySet();
  private volatile long countFromMs = Long.MIN_VALUE;

  /** Verdicts read before {@code ms} (the warm-up's) are not counted. */
  void countFrom(long ms) {
    countFromMs = ms;
  }

  /** A member produced an event (any member, normal or not): the population precision is measured against. */
  void memberActed(long memberId) {
    membersSeen.add(memberId);
  }

  void verdict(long memberId, Action action, String leadingReason, long seenAtMs) {
    if (seenAtMs < countFromMs) {
      return;
    }
    if (DetectionTracker.flags(action)) {
      flags.computeIfAbsent(memberId, m -> new Times()).add(seenAtMs);
      firstFlagReason.putIfAbsent(memberId, leadingReason);
    }
    if (action == Action.BLOCK) {
      blocks.computeIfAbsent(memberId, m -> new Times()).add(seenAtMs);
    }
  }

  /** Read times of one member's verdicts of one kind; verdicts of a member come from one tail thread. */
  private static final class Times {
    private long[] times = new long[4];
    private int size;

    synchronized void add(long ms) {
      if (size == times.length) {
        times = Arrays.copyOf(times, size * 2);
      }
      times[size++] = ms;
    }

    /** The earliest time at or after {@code fromMs}, or null. */
    synchronized Long firstFrom(long fromMs) {
      Long first = null;
      for (int i = 0; i < size; i++) {
        if (times[i] >= fromMs && (first == null || times[i] < first)) {
          first = times[i];
        }
      }
      return first;
    }
  }

  /**
   * Quality per abuse kind ({@code kinds}, in that order) given who abused and since when. Members not in
   * {@code truth} are normal; a flagged normal member counts against every kind's precision. {@code persona} names a
   * member's behaviour, for the breakdown of flagged normal members.
   */
  LoadTestReport.Detection report(Collection<GroundTruth> truth, List<AbuseType> kinds, long verdicts,
      java.util.function.LongFunction<String> persona) {
    Map<Long, GroundTruth> abusers = new HashMap<>();
    truth.forEach(t -> abusers.put(t.memberId(), t));
    long normalSeen = membersSeen.stream().filter(m -> !abusers.containsKey(m)).count();
    long normalFlagged = flags.keySet().stream().filter(m -> !abusers.containsKey(m)).count();
    List<LoadTestReport.KindQuality> rows = new ArrayList<>();
    for (AbuseType kind : kinds) {
      List<GroundTruth> ofKind = truth.stream().filter(t -> t.kind() == kind).toList();
      List<Long> toFlag = new ArrayList<>();
      List<Long> toBlock = new ArrayList<>();
      long flaggedEarly = 0;
      for (GroundTruth t : ofKind) {
        // A flag before the abuse began is about the member's earlier behaviour, not a detection of this abuse.
        Long flag = firstFrom(flags, t.memberId(), t.startMs());
        if (flag != null) {
          toFlag.add(flag - t.startMs());
        }
        Long anyFlag = firstFrom(flags, t.memberId(), Long.MIN_VALUE);
        if (anyFlag != null && anyFlag < t.startMs()) {
          flaggedEarly++;
        }
        Long block = firstFrom(blocks, t.memberId(), t.startMs());
        if (block != null) {
          toBlock.add(block - t.startMs());
        }
      }
      long flagged = toFlag.size();
      double precision = flagged + normalFlagged == 0 ? Double.NaN : flagged / (double) (flagged + normalFlagged);
      double recall = ofKind.isEmpty() ? Double.NaN : flagged / (double) ofKind.size();
      rows.add(new LoadTestReport.KindQuality(kind.label(), ofKind.size(), flagged, toBlock.size(), flaggedEarly,
          finite(precision), finite(recall), quantileSeconds(toFlag, 0.5), quantileSeconds(toFlag, 0.9),
          quantileSeconds(toBlock, 0.5)));
    }
    Map<String, Long> falsePositives = new java.util.TreeMap<>();
    flags.keySet().stream().filter(m -> !abusers.containsKey(m)).forEach(m ->
        falsePositives.merge(persona.apply(m) + " / " + firstFlagReason.getOrDefault(m, "-"), 1L, Long::sum));
    return new LoadTestReport.Detection(rows, normalSeen, normalFlagged, falsePositives, verdicts);
  }

  private static Long firstFrom(Map<Long, Times> byMember, long member, long fromMs) {
    Times t = byMember.get(member);
    return t == null ? null : t.firstFrom(fromMs);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** The nearest-rank quantile of times in ms, in seconds; null for no values. */
  private static Double quantileSeconds(List<Long> ms, double q) {
    if (ms.isEmpty()) {
      return null;
    }
    return DetectionReport.nearestRank(ms.stream().mapToLong(Long::longValue).sorted().toArray(), q) / 1000.0;
  }
}
