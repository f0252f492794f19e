package dev.vigil.core.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.UserAgentClass;
import org.junit.jupiter.api.Test;

class MemberFeatureVectorTest {
  private static final long T0 = 1_700_000_040_000L;

  private static ExtractedActivity event(EventType type, long ts, long target, UserAgentClass ua) {
    return ExtractedActivity.newBuilder().setMemberId(7).setType(type).setTimestampMs(ts).setTargetId(target)
        .setUserAgentClass(ua).setIpPrefix("198.51.100.0/24").setUserAgentHash(ua.getNumber()).setSessionId("s").build();
  }

  private static double feature(double[] f, String name) {
    return f[MemberFeatureVector.indexOf(name)];
  }

  @Test
  void scraperBurstInTheFirstMinuteOfATenMinuteWindow() {
    MemberActivityAggregate a = new MemberActivityAggregate();
    for (int i = 0; i < 120; i++) {
      a.add(event(EventType.PROFILE_VIEW, T0 + i * 250L, 1_000 + i, i % 4 == 0 ? UserAgentClass.UA_BROWSER : UserAgentClass.UA_ROBOT));
    }
    a.add(event(EventType.LOGIN_FAILURE, T0 + 1_000, 0, UserAgentClass.UA_ROBOT));
    a.add(event(EventType.LOGIN_SUCCESS, T0 + 2_000, 0, UserAgentClass.UA_ROBOT));
    double[] f = MemberFeatureVector.compute(a, T0, T0 + 600_000);

    assertThat(f).hasSize(MemberFeatureVector.COUNT);
    assertThat(feature(f, "window_minutes")).isEqualTo(10.0);
    // Events span 30 s from the window start: observed time is clamped up to one minute, not ten.
    assertThat(feature(f, "events_per_minute")).isEqualTo(122.0);
    assertThat(feature(f, "profile_views_per_minute")).isEqualTo(120.0);
    assertThat(feature(f, "distinct_targets")).isCloseTo(120.0, within(120 * 0.1));
    assertThat(feature(f, "login_failures")).isEqualTo(1.0);
    assertThat(feature(f, "login_failure_rate")).isEqualTo(0.5);
    assertThat(feature(f, "robot_user_agent_share")).isCloseTo(92.0 / 122, within(1e-12));
    assertThat(feature(f, "distinct_ip_prefixes")).isEqualTo(1.0);
    assertThat(feature(f, "distinct_user_agents")).isEqualTo(2.0);
    // 60 s observed over a 29.75 s span of events.
    assertThat(feature(f, "burstiness")).isCloseTo(60_000.0 / 29_750, within(1e-9));
  }

  @Test
  void ratesUseTheObservedPartOfTheWindowUpToItsLength() {
    MemberActivityAggregate a = new MemberActivityAggregate();
    a.add(event(EventType.SEARCH, T0 + 5 * 60_000 - 1, 0, UserAgentClass.UA_BROWSER));
    a.add(event(EventType.SEARCH, T0, 0, UserAgentClass.UA_BROWSER));
    assertThat(feature(MemberFeatureVector.compute(a, T0, T0 + 600_000), "searches_per_minute")).isEqualTo(2 / 5.0);
    a.add(event(EventType.SEARCH, T0 + 599_999, 0, UserAgentClass.UA_BROWSER));
    assertThat(feature(MemberFeatureVector.compute(a, T0, T0 + 600_000), "searches_per_minute")).isEqualTo(3 / 10.0);
  }

  @Test
  void activityThatStartedLateInTheWindowIsNotDilutedOverTheWholeWindow() {
    MemberActivityAggregate a = new MemberActivityAggregate();
    long hourStart = T0;
    long startedAt = T0 + 55 * 60_000; // active for the last 5 minutes of the hour
    for (int i = 0; i < 50; i++) {
      a.add(event(EventType.CONNECTION_INVITE, startedAt + i * 6_000L, 5_000 + i, UserAgentClass.UA_BROWSER));
    }
    double[] f = MemberFeatureVector.compute(a, hourStart, hourStart + 3_600_000);
    // 50 invites over 294 s of activity, not over 60 minutes.
    assertThat(feature(f, "invites_per_minute")).isCloseTo(50 / (294_001 / 60_000.0), within(1e-9));
  }

  @Test
  void emptyAndInvertedWindows() {
    double[] f = MemberFeatureVector.compute(new MemberActivityAggregate(), T0, T0 + 60_000);
    assertThat(feature(f, "events_per_minute")).isZero();
    assertThat(feature(f, "login_failure_rate")).isZero();
    assertThat(feature(f, "burstiness")).isEqualTo(1.0);
    assertThatThrownBy(() -> MemberFeatureVector.compute(new MemberActivityAggregate(), T0, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
