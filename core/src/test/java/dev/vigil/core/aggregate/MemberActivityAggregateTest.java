package dev.vigil.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.UserAgentClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class MemberActivityAggregateTest {
  private static final EventType[] TYPES = {EventType.PAGE_VIEW, EventType.PROFILE_VIEW, EventType.SEARCH,
      EventType.LOGIN_SUCCESS, EventType.LOGIN_FAILURE, EventType.SIGNUP, EventType.CONNECTION_INVITE, EventType.MESSAGE_SENT};
  private static final UserAgentClass[] UA = {UserAgentClass.UA_UNKNOWN, UserAgentClass.UA_BROWSER,
      UserAgentClass.UA_ROBOT, UserAgentClass.UA_HACKER};

  static List<ExtractedActivity> randomEvents(Random random, long member, int n) {
    List<ExtractedActivity> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(ExtractedActivity.newBuilder()
          .setMemberId(member)
          .setType(TYPES[random.nextInt(TYPES.length)])
          .setTimestampMs(1_000_000 + random.nextInt(60_000))
          .setUserAgentClass(UA[random.nextInt(UA.length)])
          .setIpPrefix(random.nextInt(5) == 0 ? "" : "10.0." + random.nextInt(30) + ".0/24")
          .setUserAgentHash(random.nextInt(20))
          .setTargetId(random.nextInt(4) == 0 ? 0 : random.nextInt(80))
          .setSessionId("s" + random.nextInt(10))
          .build());
    }
    return events;
  }

  /** Pre-aggregating any split of the events and merging in any order equals aggregating them all. */
  @RepeatedTest(20)
  void mergeOfPartsEqualsAggregateOfAll() {
    Random random = new Random();
    long seed = random.nextLong();
    random = new Random(seed);
    List<ExtractedActivity> events = randomEvents(random, 5, 1 + random.nextInt(400));

    MemberActivityAggregate all = new MemberActivityAggregate();
    events.forEach(all::add);

    int parts = 1 + random.nextInt(6);
    List<MemberActivityAggregate> partials = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      partials.add(new MemberActivityAggregate());
    }
    for (ExtractedActivity e : events) {
      partials.get(random.nextInt(parts)).add(e);
    }
    Collections.shuffle(partials, random);
    MemberActivityAggregate merged = new MemberActivityAggregate();
    for (MemberActivityAggregate p : partials) {
      // Round-trip through the wire form, as the pipelines do.
      merged.merge(MemberActivityAggregate.fromPartial(p.toPartial().build()));
    }
    assertThat(merged.toPartial().build()).as("seed %d", seed).isEqualTo(all.toPartial().build());
  }

  /** Against a naive oracle: plain counts and exact sets. */
  @RepeatedTest(10)
  void matchesNaiveOracle() {
    Random random = new Random();
    List<ExtractedActivity> events = randomEvents(random, 9, 1 + random.nextInt(300));
    MemberActivityAggregate agg = new MemberActivityAggregate();
    events.forEach(agg::add);

    assertThat(agg.eventCount()).isEqualTo(events.size());
    for (EventType t : TYPES) {
      assertThat(agg.count(t)).isEqualTo(events.stream().filter(e -> e.getType() == t).count());
    }
    for (UserAgentClass c : UA) {
      assertThat(agg.count(c)).isEqualTo(events.stream().filter(e -> e.getUserAgentClass() == c).count());
    }
    Set<Long> targets = new HashSet<>();
    Set<String> prefixes = new HashSet<>();
    Set<Long> agents = new HashSet<>();
    Set<String> sessions = new HashSet<>();
    for (ExtractedActivity e : events) {
      if (e.getTargetId() != 0) targets.add(e.getTargetId());
      if (!e.getIpPrefix().isEmpty()) prefixes.add(e.getIpPrefix());
      if (e.getUserAgentHash() != 0) agents.add(e.getUserAgentHash());
      sessions.add(e.getSessionId());
    }
    // All cardinalities here are below k, so the sketches must be exact.
    assertThat(agg.distinctTargets()).isEqualTo(targets.size());
    assertThat(agg.distinctIpPrefixes()).isEqualTo(prefixes.size());
    assertThat(agg.distinctUserAgents()).isEqualTo(agents.size());
    assertThat(agg.distinctSessions()).isEqualTo(sessions.size());
    MemberActivityPartial p = agg.toPartial().build();
    assertThat(p.getFirstEventMs()).isEqualTo(events.stream().mapToLong(ExtractedActivity::getTimestampMs).min().orElseThrow());
    assertThat(p.getLastEventMs()).isEqualTo(events.stream().mapToLong(ExtractedActivity::getTimestampMs).max().orElseThrow());
  }

  @Test
  void refusesToMixMembers() {
    MemberActivityAggregate a = new MemberActivityAggregate().add(randomEvents(new Random(1), 1, 1).get(0));
    MemberActivityAggregate b = new MemberActivityAggregate().add(randomEvents(new Random(1), 2, 1).get(0));
    assertThatThrownBy(() -> a.merge(b)).hasMessageContaining("member 2 into member 1");
  }

  @Test
  void emptyMergeIsIdentity() {
    MemberActivityAggregate a = new MemberActivityAggregate();
    randomEvents(new Random(3), 4, 10).forEach(a::add);
    MemberActivityPartial before = a.toPartial().build();
    a.merge(new MemberActivityAggregate());
    assertThat(a.toPartial().build()).isEqualTo(before);
  }
}
