package dev.vigil.loadtest.detection;

import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.schemas.v1.Action;
import java.io.PrintStream;
import java.util.List;

/**
 * Who was flagged, why, and how long after their abuse started; member-level precision and recall.
 * Abusers come first (fastest detection first), then normal members flagged by mistake.
 */
public record DetectionReport(List<Row> rows, long scores) {

  /**
   * One member. {@code abuseStartMs} is the wall time of its first abusive event (0 for normal members);
   * {@code firstFlagMs} the processing time of its first score at CHALLENGE or above (0 if never flagged).
   */
  public record Row(long memberId, AbuseType truth, long events, long abuseStartMs, long firstFlagMs, Action firstAction,
      Action highestAction, double highestScore, List<String> reasons) {

    public boolean flagged() {
      return firstFlagMs > 0;
    }

    /** Milliseconds from the first abusive event to the first flag; -1 if not an abuser or not flagged. */
    public long detectionMs() {
      return flagged() && truth != AbuseType.NONE ? firstFlagMs - abuseStartMs : -1;
    }
  }

  public long abusers() {
    return rows.stream().filter(r -> r.truth() != AbuseType.NONE).count();
  }

  public long detected() {
    return rows.stream().filter(r -> r.truth() != AbuseType.NONE && r.flagged()).count();
  }

  public long falsePositives() {
    return rows.stream().filter(r -> r.truth() == AbuseType.NONE && r.flagged()).count();
  }

  /** Share of flagged members that are abusers; 1 when nobody was flagged. */
  public double precision() {
    long flagged = detected() + falsePositives();
    return flagged == 0 ? 1 : detected() / (double) flagged;
  }

  /** Share of abusers that were flagged; 1 when there were none. */
  public double recall() {
    return abusers() == 0 ? 1 : detected() / (double) abusers();
  }

  /** The {@code q}-quantile (nearest rank) of detection times in ms, or -1 if nothing was detected. */
  public long detectionQuantileMs(double q) {
    long[] sorted = rows.stream().mapToLong(Row::detectionMs).filter(ms -> ms >= 0).sorted().toArray();
    return sorted.length == 0 ? -1 : nearestRank(sorted, q);
  }

  /** The {@code q}-quantile (nearest rank) of {@code sorted}, which holds at least one value. */
  public static long nearestRank(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  /** The table a person reads at the end of a run. */
  public void print(PrintStream out) {
    out.printf("%-10s %-13s %8s %11s %-10s %-10s %6s  %s%n", "member", "truth", "events", "flagged", "first",
        "highest", "score", "reasons (highest score)");
    for (Row r : rows) {
      String flaggedAfter = !r.flagged() ? "missed" : r.truth() == AbuseType.NONE ? "(normal)"
          : String.format("%.1f s", r.detectionMs() / 1000.0);
      out.printf("%-10d %-13s %8s %11s %-10s %-10s %6s  %s%n", r.memberId(), r.truth().label(),
          r.truth() == AbuseType.NONE ? "-" : String.format("%,d", r.events()), flaggedAfter,
          r.flagged() ? r.firstAction().name() : "-", r.flagged() ? r.highestAction().name() : "-",
          r.flagged() ? String.format("%.3f", r.highestScore()) : "-", String.join(", ", r.reasons()));
    }
    out.printf("%nAbusers flagged: %d of %d (recall %.2f); normal members flagged: %d (precision %.2f)%n",
        detected(), abusers(), recall(), falsePositives(), precision());
    if (detected() > 0) {
      out.printf("Time from first abusive event to first flag: median %.1f s, p90 %.1f s, max %.1f s%n",
          detectionQuantileMs(0.5) / 1000.0, detectionQuantileMs(0.9) / 1000.0, detectionQuantileMs(1.0) / 1000.0);
    }
  }
}
