package dev.vigil.loadtest.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.extract.ActivityParser;
import dev.vigil.core.extract.ParsedActivity;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.schemas.v1.EventType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticActivityGeneratorTest {

  @Test
  void sameSeedSameEvents() {
    SyntheticActivityGenerator a = new SyntheticActivityGenerator(7, 500, 0.02);
    SyntheticActivityGenerator b = new SyntheticActivityGenerator(7, 500, 0.02);
    for (int i = 0; i < 1_000; i++) {
      assertThat(a.next(1_000 + i)).isEqualTo(b.next(1_000 + i));
    }
  }

  @Test
  void abusersAreAMinorityAndBehaveByType() {
    SyntheticActivityGenerator g = new SyntheticActivityGenerator(11, 2_000, 0.02);
    List<ActivityEvent> events = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      events.add(g.next(1_700_000_000_000L + i));
    }
    long abusiveMembers = events.stream().map(ActivityEvent::getMemberId).distinct().filter(g::isAbusive).count();
    long allMembers = events.stream().map(ActivityEvent::getMemberId).distinct().count();
    assertThat(abusiveMembers).isPositive().isLessThan(allMembers / 10);
    // Abusers are a few per cent of members but act many times as often.
    long abusiveEvents = events.stream().filter(e -> g.isAbusive(e.getMemberId())).count();
    assertThat(abusiveEvents).isBetween(events.size() / 20L, events.size() / 2L);
    assertThat(events.stream().filter(e -> g.abuseType(e.getMemberId()) == AbuseType.SCRAPER).map(ActivityEvent::getType))
        .isNotEmpty().containsOnly(EventType.PROFILE_VIEW, EventType.SEARCH, EventType.PAGE_VIEW)
        .filteredOn(t -> t == EventType.PROFILE_VIEW).hasSizeGreaterThan((int) (0.8 * events.stream()
            .filter(e -> g.abuseType(e.getMemberId()) == AbuseType.SCRAPER).count()));
    assertThat(events.stream().filter(e -> g.abuseType(e.getMemberId()) == AbuseType.SPAMMER).map(ActivityEvent::getType))
        .isNotEmpty().contains(EventType.MESSAGE_SENT).doesNotContain(EventType.PROFILE_VIEW, EventType.SIGNUP);
    assertThat(events.stream().filter(e -> g.abuseType(e.getMemberId()) == AbuseType.FAKE_ACCOUNT).map(ActivityEvent::getType))
        .isNotEmpty().contains(EventType.SIGNUP, EventType.CONNECTION_INVITE).doesNotContain(EventType.MESSAGE_SENT);
    // Among normal members only newcomers sign up, once each.
    assertThat(events.stream().filter(e -> !g.isAbusive(e.getMemberId()) && e.getType() == EventType.SIGNUP))
        .allSatisfy(e -> assertThat(g.persona(e.getMemberId())).isEqualTo(SyntheticActivityGenerator.Persona.NEWCOMER))
        .extracting(ActivityEvent::getMemberId).doesNotHaveDuplicates();
    // Every persona the legacy mix has (no account takeover) occurred, abusive ones included: the world is
    // wide, not one pattern per kind.
    assertThat(events.stream().map(e -> g.persona(e.getMemberId())).distinct())
        .contains(Arrays.stream(SyntheticActivityGenerator.Persona.values()).filter(p -> p.abuseType() != AbuseType.ACCOUNT_TAKEOVER)
            .toArray(SyntheticActivityGenerator.Persona[]::new))
        .noneMatch(p -> p.abuseType() == AbuseType.ACCOUNT_TAKEOVER);
    // Abusers on real browser agents exist: disguised scrapers, rings and spammers.
    assertThat(events.stream().filter(e -> g.isAbusive(e.getMemberId()) && e.getUserAgent().startsWith("Mozilla/"))).isNotEmpty();
    assertThat(events).allSatisfy(e -> assertThat(ActivityParser.validate(e)).isInstanceOf(ParsedActivity.Valid.class));
  }

  @Test
  void staggeredAbusersStaySilentUntilTheirOnset() {
    long t0 = 1_700_000_000_000L;
    SyntheticActivityGenerator g = new SyntheticActivityGenerator(11, 2_000, 0.02).staggerAbuseOnsets(t0, 60_000);
    java.util.Map<Long, Long> firstAbuse = new java.util.HashMap<>();
    for (int i = 0; i < 60_000; i++) {
      long ts = t0 + i * 2L; // two minutes of traffic
      ActivityEvent e = g.next(ts);
      if (g.isAbusive(e.getMemberId())) {
        assertThat(ts).as("event of abuser %d", e.getMemberId()).isGreaterThanOrEqualTo(g.abuseOnsetMs(e.getMemberId()));
        firstAbuse.putIfAbsent(e.getMemberId(), ts);
      }
    }
    assertThat(firstAbuse).hasSizeGreaterThan(5);
    // onsets really are spread: some abusers start in the first half of the spread, some in the second
    assertThat(firstAbuse.keySet()).anyMatch(m -> g.abuseOnsetMs(m) < t0 + 30_000).anyMatch(m -> g.abuseOnsetMs(m) >= t0 + 30_000);
    assertThat(firstAbuse.keySet()).allSatisfy(m -> assertThat(g.abuseOnsetMs(m)).isBetween(t0, t0 + 59_999));
  }

  @Test
  void malformedRecordsAreRejectedByTheParser() {
    SyntheticActivityGenerator g = new SyntheticActivityGenerator(3, 100, 0.1);
    for (int i = 0; i < 200; i++) {
      assertThat(ActivityParser.parse(g.malformed(i))).isInstanceOf(ParsedActivity.Rejected.class);
    }
  }
}
