package dev.vigil.loadtest.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.core.extract.ActivityParser;
import dev.vigil.core.extract.ParsedActivity;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.Persona;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load-test traffic a {@link TrafficMix} opts into: kinds by weight, account takeover, hot members, daily rhythm, partitions. */
class TrafficMixTest {
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void abusersOfEachKindFollowTheWeights() {
    int members = 100_000;
    TrafficMix mix = TrafficMix.loadTest(0.05);
    SyntheticActivityGenerator g = new SyntheticActivityGenerator(5, members, mix);
    Map<AbuseType, Integer> byKind = new EnumMap<>(AbuseType.class);
    for (long m = 1; m <= members; m++) {
      byKind.merge(g.abuseType(m), 1, Integer::sum);
    }
    int abusers = members - byKind.get(AbuseType.NONE);
    assertThat(abusers).isCloseTo((int) (0.05 * members), within(300));
    double weightSum = mix.abuseKindWeights().values().stream().mapToDouble(Double::doubleValue).sum();
    mix.abuseKindWeights().forEach((kind, weight) -> assertThat(byKind.get(kind) / (double) abusers)
        .as("share of %s", kind).isCloseTo(weight / weightSum, within(0.02)));
    // Both takeover outcomes occur, about a third taken over.
    long takenOver = IntStream.rangeClosed(1, members).filter(m -> g.persona(m) == Persona.TAKEN_OVER_ACCOUNT).count();
    assertThat(takenOver / (double) byKind.get(AbuseType.ACCOUNT_TAKEOVER)).isCloseTo(1 / 3.0, within(0.05));
  }

  @Test
  void aKindWeightedZeroDoesNotOccur() {
    SyntheticActivityGenerator g = new SyntheticActivityGenerator(5, 20_000,
        new TrafficMix(0.1, Map.of(AbuseType.ACCOUNT_TAKEOVER, 1.0, AbuseType.SPAMMER, 0.0), 0, 0, false));
    assertThat(IntStream.rangeClosed(1, 20_000).mapToObj(g::abuseType).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(AbuseType.NONE, AbuseType.ACCOUNT_TAKEOVER);
  }

  @Test
  void hotMembersTakeTheirShareAndAreLegitimate() {
    SyntheticActivityGenerator g = new SyntheticActivityGenerator(9, 10_000, TrafficMix.loadTest(0.02).withHotMembers(3, 0.3));
    int hot = 0;
    int events = 60_000;
    for (int i = 0; i < events; i++) {
      if (g.next(T0 + i * 10L).getMemberId() <= 3) {
        hot++;
      }
    }
    assertThat(hot / (double) events).isCloseTo(0.3, within(0.01));
    assertThat(IntStream.rangeClosed(1, 3).mapToObj(g::persona)).containsOnly(Persona.RECRUITER);
    assertThat(g.groundTruth()).noneMatch(t -> t.memberId() <= 3);
  }

  @Test
  void credentialStuffingFailsFromAFewSharedAddressesThenTakesSomeAccountsOver() {
    SyntheticActivityGenerator g = new SyntheticActivityGenerator(21, 5_000,
        new TrafficMix(0.04, Map.of(AbuseType.ACCOUNT_TAKEOVER, 1.0), 0, 0, false));
    Map<Long, List<ActivityEvent>> byVictim = new HashMap<>();
    for (int i = 0; i < 60_000; i++) {
      ActivityEvent e = g.next(T0 + i);
      if (g.abuseType(e.getMemberId()) == AbuseType.ACCOUNT_TAKEOVER) {
        byVictim.computeIfAbsent(e.getMemberId(), m -> new ArrayList<>()).add(e);
      }
      assertThat(ActivityParser.validate(e)).isInstanceOf(ParsedActivity.Valid.class);
    }
    assertThat(byVictim).hasSizeGreaterThan(50);
    // The attack comes first (every victim is attacked from the start here): failures from the campaign's pool.
    Set<String> campaignIps = new HashSet<>();
    byVictim.values().forEach(events -> campaignIps.add(events.get(0).getIp()));
    assertThat(campaignIps).hasSizeLessThanOrEqualTo(6);
    int takenOver = 0;
    for (Map.Entry<Long, List<ActivityEvent>> victim : byVictim.entrySet()) {
      List<ActivityEvent> events = victim.getValue();
      List<ActivityEvent> attack = events.stream().takeWhile(e -> campaignIps.contains(e.getIp())).toList();
      int failures = (int) attack.stream().takeWhile(e -> e.getType() == EventType.LOGIN_FAILURE).count();
      if (events.size() <= failures) {
        continue; // the attack on this account is still going on
      }
      assertThat(failures).as("failed logins on %d", victim.getKey()).isBetween(2, 7);
      if (g.persona(victim.getKey()) == Persona.TAKEN_OVER_ACCOUNT) {
        takenOver++;
        assertThat(attack).as("events on taken-over %d", victim.getKey()).hasSize(events.size());
        assertThat(attack.get(failures).getType()).isEqualTo(EventType.LOGIN_SUCCESS);
        assertThat(attack.subList(failures + 1, attack.size())).extracting(ActivityEvent::getType)
            .doesNotContain(EventType.LOGIN_FAILURE, EventType.LOGIN_SUCCESS, EventType.SIGNUP);
      } else {
        // A stuffed account's owner carries on from home.
        assertThat(attack).hasSize(failures);
        assertThat(events.subList(failures, events.size())).noneMatch(e -> campaignIps.contains(e.getIp()));
      }
    }
    assertThat(takenOver).isGreaterThan(10);
    // Taken-over accounts message and invite strangers.
    assertThat(byVictim.entrySet().stream().filter(v -> g.persona(v.getKey()) == Persona.TAKEN_OVER_ACCOUNT)
        .flatMap(v -> v.getValue().stream()).map(ActivityEvent::getType)).contains(EventType.MESSAGE_SENT, EventType.CONNECTION_INVITE);
    // Ground truth starts at each victim's first attacker event.
    assertThat(g.groundTruth()).filteredOn(t -> t.kind() == AbuseType.ACCOUNT_TAKEOVER).hasSize(byVictim.size())
        .allSatisfy(t -> assertThat(t.startMs()).isEqualTo(byVictim.get(t.memberId()).get(0).getTimestampMs()));
  }

  @Test
  void oneCampaignReachesItsVictimsInTheSamePeriodAndOwnersActBeforeIt() {
    long spread = 120_000;
    SyntheticActivityGenerator g = new SyntheticActivityGenerator(4, 5_000, TrafficMix.loadTest(0.05)).staggerAbuseOnsets(T0, spread);
    Map<Long, Long> firstEvent = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      ActivityEvent e = g.next(T0 + i * 2L);
      firstEvent.putIfAbsent(e.getMemberId(), e.getTimestampMs());
    }
    List<GroundTruth> victims = g.groundTruth().stream().filter(t -> t.kind() == AbuseType.ACCOUNT_TAKEOVER).toList();
    assertThat(victims).hasSizeGreaterThan(20);
    // Every victim's onset falls in one quarter of the spread (other abusers' spread over all of it).
    long firstOnset = victims.stream().mapToLong(t -> g.abuseOnsetMs(t.memberId())).min().orElseThrow();
    long lastOnset = victims.stream().mapToLong(t -> g.abuseOnsetMs(t.memberId())).max().orElseThrow();
    assertThat(lastOnset - firstOnset).isLessThan(spread / 4);
    assertThat(g.groundTruth().stream().filter(t -> t.kind() == AbuseType.SCRAPER).mapToLong(t -> g.abuseOnsetMs(t.memberId()))
        .summaryStatistics()).satisfies(onsets -> assertThat(onsets.getMax() - onsets.getMin()).isGreaterThan(spread / 2));
    assertThat(victims).allSatisfy(t -> assertThat(t.startMs()).isGreaterThanOrEqualTo(g.abuseOnsetMs(t.memberId())));
    // Victims have a history of their own before the attack; other abusers are silent before their onset.
    assertThat(victims).anyMatch(t -> firstEvent.get(t.memberId()) < t.startMs());
    assertThat(g.groundTruth()).filteredOn(t -> t.kind() != AbuseType.ACCOUNT_TAKEOVER)
        .allSatisfy(t -> assertThat(firstEvent.get(t.memberId())).isEqualTo(t.startMs()));
  }

  @Test
  void normalMembersFollowTheDayInTheirOwnTimeZone() {
    SyntheticActivityGenerator rhythm = new SyntheticActivityGenerator(8, 5_000, TrafficMix.loadTest(0));
    SyntheticActivityGenerator flat = new SyntheticActivityGenerator(8, 5_000, new TrafficMix(0, Map.of(), 0, 0, false));
    // Two days of event times, spread evenly.
    long step = 2 * 86_400_000L / 80_000;
    assertThat(dayNightRatio(rhythm, step)).isGreaterThan(8);
    assertThat(dayNightRatio(flat, step)).isBetween(0.8, 1.25);
  }

  /** Events in members' local hours 11-16 over those in local hours 1-6. */
  private static double dayNightRatio(SyntheticActivityGenerator g, long stepMs) {
    int[] byLocalHour = new int[24];
    for (int i = 0; i < 80_000; i++) {
      ActivityEvent e = g.next(T0 + i * stepMs);
      byLocalHour[g.localHour(e.getMemberId(), e.getTimestampMs())]++;
    }
    return IntStream.rangeClosed(11, 16).map(h -> byLocalHour[h]).sum() / (double) IntStream.rangeClosed(1, 6).map(h -> byLocalHour[h]).sum();
  }

  @Test
  void partitionsSplitMembersAndGiveTheSameEventsPerMemberEveryRun() throws Exception {
    SyntheticActivityGenerator population = new SyntheticActivityGenerator(17, 3_000, TrafficMix.loadTest(0.05).withHotMembers(2, 0.1));
    Map<Long, List<ActivityEvent>> first = runPartitions(population, 3);
    Map<Long, List<ActivityEvent>> second = runPartitions(population, 3);
    assertThat(second).isEqualTo(first); // each member's events, in order
    // Each member but the hot ones comes from one partition only.
    assertThat(first.keySet()).allSatisfy(m -> assertThat(first.get(m).stream().map(e -> e.getEventId().split("-")[1]).distinct().count())
        .as("partitions producing member %d", m).isEqualTo(m <= 2 ? 3 : 1));
    assertThat(first.keySet()).filteredOn(m -> m > 2)
        .allSatisfy(m -> assertThat(first.get(m).get(0).getEventId()).startsWith("17-p" + (m - 1) % 3 + "-"));
    // Sign-ups happen once per member, across partitions.
    assertThat(first.values().stream().flatMap(List::stream).filter(e -> e.getType() == EventType.SIGNUP).map(ActivityEvent::getMemberId))
        .doesNotHaveDuplicates().isNotEmpty();
  }

  /** Every partition on a thread of its own, each making 20,000 events at fixed times; the events by member. */
  private static Map<Long, List<ActivityEvent>> runPartitions(SyntheticActivityGenerator population, int count) throws Exception {
    List<CompletableFuture<List<ActivityEvent>>> runs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SyntheticActivityGenerator partition = population.partition(i, count);
      runs.add(CompletableFuture.supplyAsync(() -> IntStream.range(0, 20_000).mapToObj(n -> partition.next(T0 + n * 5L)).toList()));
    }
    Map<Long, List<ActivityEvent>> byMember = new HashMap<>();
    for (CompletableFuture<List<ActivityEvent>> run : runs) {
      run.get().forEach(e -> byMember.computeIfAbsent(e.getMemberId(), m -> new ArrayList<>()).add(e));
    }
    return byMember;
  }

  @Test
  void groundTruthFilesAreAbuseLabels(@TempDir Path dir) {
    SyntheticActivityGenerator g = new SyntheticActivityGenerator(3, 2_000, TrafficMix.loadTest(0.05));
    for (int i = 0; i < 20_000; i++) {
      g.next(T0 + i);
    }
    List<GroundTruth> truth = g.groundTruth();
    assertThat(truth).extracting(GroundTruth::kind).contains(AbuseType.SCRAPER, AbuseType.FAKE_ACCOUNT, AbuseType.SPAMMER,
        AbuseType.ACCOUNT_TAKEOVER);
    Path file = dir.resolve(GroundTruth.FILE_NAME);
    GroundTruth.write(file, truth);
    assertThat(GroundTruth.read(file)).isEqualTo(truth);
    // The trainer's label reader takes the same file: abusive from the start on.
    dev.vigil.replay.AbuseLabels labels = dev.vigil.replay.AbuseLabels.read(List.of(file));
    assertThat(truth).allSatisfy(t -> {
      assertThat(labels.at(t.memberId(), t.startMs())).isEqualTo(dev.vigil.schemas.v1.LabelKind.ABUSIVE);
      assertThat(labels.at(t.memberId(), t.startMs() - 1)).isNull();
    });
  }

  @Test
  void badMixesAreOneLineErrors() {
    assertThatThrownBy(() -> new TrafficMix(1.5, Map.of(), 0, 0, false)).hasMessage("abusive fraction must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> new TrafficMix(0.1, Map.of(), 0, 0, false))
        .hasMessage("abusive fraction 0.1 needs a positive weight for at least one abuse kind");
    assertThatThrownBy(() -> new TrafficMix(0.1, Map.of(AbuseType.NONE, 1.0), 0, 0, false))
        .hasMessage("abuse kind weights name a kind of abuse, not NONE");
    assertThatThrownBy(() -> new TrafficMix(0.1, Map.of(AbuseType.SPAMMER, -1.0), 0, 0, false))
        .hasMessage("weight of spammer must be a finite number >= 0, got -1.0");
    assertThatThrownBy(() -> new TrafficMix(0, Map.of(), 2, 1.0, false)).hasMessage("hot member share must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> new TrafficMix(0, Map.of(), 0, 0.2, false)).hasMessage("hot member share 0.2 needs at least one hot member");
    assertThatThrownBy(() -> new TrafficMix(0, Map.of(), 2, 0, false)).hasMessage("2 hot members need a hot member share > 0");
    assertThatThrownBy(() -> new SyntheticActivityGenerator(1, 5, TrafficMix.legacy(0).withHotMembers(6, 0.5)))
        .hasMessage("hot members (6) must not exceed members (5)");
    assertThatThrownBy(() -> new SyntheticActivityGenerator(1, 5, 0.1).partition(5, 5))
        .hasMessage("partition 5 of 5 is not one of 1..5 members' partitions");
  }
}
