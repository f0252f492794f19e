package dev.vigil.loadtest.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Action;
import dev.vigil.schemas.v1.Reason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DetectionTrackerTest {
  // members 1-3 abusive, everyone else normal
  private final DetectionTracker tracker = new DetectionTracker(m -> m == 1 ? AbuseType.SCRAPER
      : m == 2 ? AbuseType.SPAMMER : m == 3 ? AbuseType.FAKE_ACCOUNT : AbuseType.NONE);

  private static AbuseScore score(long member, Action action, double score, long processedAt, String... reasons) {
    AbuseScore.Builder b = AbuseScore.newBuilder().setMemberId(member).setAction(action).setScore(score)
        .setProcessingTimeMs(processedAt);
    for (String r : reasons) {
      b.addReasons(Reason.newBuilder().setCode(r));
    }
    return b.build();
  }

  @Test
  void detectionTimeRunsFromFirstAbusiveEventToEarliestFlag() {
    tracker.eventSent(1, 10_000);
    tracker.eventSent(1, 11_000);
    tracker.eventSent(2, 20_000);
    tracker.eventSent(3, 30_000);
    tracker.eventSent(50, 5_000); // normal: not tracked as an abuser
    tracker.scored(score(1, Action.NONE, 0.1, 12_000));
    tracker.scored(score(1, Action.BLOCK, 0.99, 16_000, "PROFILE_VIEWS_HIGH"));
    tracker.scored(score(1, Action.CHALLENGE, 0.6, 14_000)); // earlier processing time, consumed later
    tracker.scored(score(2, Action.RESTRICT, 0.85, 29_000, "MESSAGES_HIGH"));
    tracker.scored(score(50, Action.CHALLENGE, 0.55, 9_000, "LOGIN_FAILURES_HIGH"));

    DetectionReport report = tracker.report();
    assertThat(report.scores()).isEqualTo(5);
    assertThat(report.abusers()).isEqualTo(3);
    assertThat(report.detected()).isEqualTo(2);
    assertThat(report.falsePositives()).isEqualTo(1);
    assertThat(report.recall()).isEqualTo(2 / 3.0);
    assertThat(report.precision()).isEqualTo(2 / 3.0);
    assertThat(report.rows()).extracting(DetectionReport.Row::memberId).containsExactly(1L, 2L, 3L, 50L);
    DetectionReport.Row scraper = report.rows().get(0);
    assertThat(scraper.detectionMs()).isEqualTo(4_000);
    assertThat(scraper.firstAction()).isEqualTo(Action.CHALLENGE);
    assertThat(scraper.highestAction()).isEqualTo(Action.BLOCK);
    assertThat(scraper.reasons()).containsExactly("PROFILE_VIEWS_HIGH");
    assertThat(scraper.events()).isEqualTo(2);
    assertThat(report.rows().get(1).detectionMs()).isEqualTo(9_000);
    assertThat(report.rows().get(2).flagged()).isFalse();
    assertThat(report.detectionQuantileMs(0.5)).isEqualTo(4_000);
    assertThat(report.detectionQuantileMs(1.0)).isEqualTo(9_000);
    assertThat(tracker.allAbusersFlagged()).isFalse();
    assertThat(tracker.statusLine()).isEqualTo("scores 5 | abusers flagged 2/3 | normal members flagged 1");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    report.print(new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("scraper", "4.0 s", "missed", "(normal)", "PROFILE_VIEWS_HIGH")
        .contains("Abusers flagged: 2 of 3 (recall 0.67); normal members flagged: 1 (precision 0.67)")
        .contains("median 4.0 s, p90 9.0 s, max 9.0 s");
  }

  @Test
  void allAbusersFlaggedOnceEachHasAFlag() {
    tracker.eventSent(1, 1_000);
    assertThat(tracker.allAbusersFlagged()).isFalse();
    tracker.scored(score(1, Action.CHALLENGE, 0.5, 2_000));
    assertThat(tracker.allAbusersFlagged()).isTrue();
  }
}
