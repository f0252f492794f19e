package dev.vigil.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.loadtest.traffic.GroundTruth;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.Persona;
import dev.vigil.schemas.v1.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Detection per abuse kind, worked by hand on a small run. */
class DetectionQualityTest {

  @Test
  void aFlagCountsOnlyFromTheAbusersOnsetAndFromTheMainTraffic() {
    DetectionQuality q = new DetectionQuality();
    q.verdict(1, Action.BLOCK, "HIGH_RATE", 100); // warm-up verdict: before counting starts
    q.countFrom(200);
    for (long m = 1; m <= 6; m++) {
      q.memberActed(m);
    }
    // Scraper 1 starts at 1,000: flagged at 500 (its earlier behaviour), then challenged at 3,000 and blocked at 4,000.
    q.verdict(1, Action.CHALLENGE, "HIGH_DISTINCT_TARGETS", 500);
    q.verdict(1, Action.CHALLENGE, "HIGH_DISTINCT_TARGETS", 3_000);
    q.verdict(1, Action.BLOCK, "HIGH_DISTINCT_TARGETS", 4_000);
    // Scraper 2 starts at 2,000 and is only ever scored NONE.
    q.verdict(2, Action.NONE, "-", 2_500);
    // Spammer 3 starts at 1,000, blocked at 1,500.
    q.verdict(3, Action.BLOCK, "HIGH_MESSAGES_PER_MINUTE", 1_500);
    // Normal member 4 restricted: a false positive for every kind; normal member 5 scored NONE.
    q.verdict(4, Action.RESTRICT, "HIGH_DISTINCT_IP_PREFIXES", 2_000);
    q.verdict(5, Action.NONE, "-", 2_000);

    List<GroundTruth> truth = List.of(new GroundTruth(1, AbuseType.SCRAPER, Persona.FAST_SCRAPER, 1_000),
        new GroundTruth(2, AbuseType.SCRAPER, Persona.DISGUISED_SCRAPER, 2_000),
        new GroundTruth(3, AbuseType.SPAMMER, Persona.SPAMMER, 1_000));
    LoadTestReport.Detection d = q.report(truth, List.of(AbuseType.SCRAPER, AbuseType.SPAMMER, AbuseType.ACCOUNT_TAKEOVER), 9,
        m -> m == 4 ? "regular" : "other");

    LoadTestReport.KindQuality scraper = d.kinds().get(0);
    assertThat(scraper.abusers()).isEqualTo(2);
    assertThat(scraper.flagged()).isEqualTo(1);
    assertThat(scraper.flaggedBeforeOnset()).isEqualTo(1);
    assertThat(scraper.blocked()).isEqualTo(1);
    assertThat(scraper.recall()).isEqualTo(0.5);
    assertThat(scraper.precision()).isEqualTo(0.5); // 1 scraper flagged, 1 normal member flagged
    assertThat(scraper.medianSecondsToFlag()).isEqualTo(2.0);
    assertThat(scraper.medianSecondsToBlock()).isEqualTo(3.0);

    LoadTestReport.KindQuality spammer = d.kinds().get(1);
    assertThat(spammer.recall()).isEqualTo(1.0);
    assertThat(spammer.flaggedBeforeOnset()).isZero();
    assertThat(spammer.medianSecondsToFlag()).isEqualTo(0.5);

    LoadTestReport.KindQuality takeover = d.kinds().get(2);
    assertThat(takeover.abusers()).isZero();
    assertThat(takeover.recall()).isNull();
    assertThat(takeover.medianSecondsToFlag()).isNull();

    assertThat(d.normalMembersSeen()).isEqualTo(3); // 4, 5, 6
    assertThat(d.normalMembersFlagged()).isEqualTo(1);
    assertThat(d.flaggedNormalMembers()).containsExactly(java.util.Map.entry("regular / HIGH_DISTINCT_IP_PREFIXES", 1L));
  }
}
