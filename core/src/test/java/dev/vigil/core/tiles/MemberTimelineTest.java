package dev.vigil.core.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.PaneTiming;
import dev.vigil.schemas.v1.UserAgentClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The timeline against a brute-force oracle: every window of every row merged from the raw partials. */
class MemberTimelineTest {
  private static final long T0 = 1_700_000_400_000L; // a multiple of 5 minutes
  private static final long FILTER_WINDOW = 5_000L;
  private static final TileLayout LAYOUT = TileLayout.parse("1m/30s,10m/1m,60m/5m");
  private static final EventType[] TYPES = {EventType.PAGE_VIEW, EventType.PROFILE_VIEW, EventType.SEARCH,
      EventType.LOGIN_FAILURE, EventType.MESSAGE_SENT, EventType.CONNECTION_INVITE};

  /** A partial: a short window's start and its activity. */
  record Partial(long startMs, MemberActivityAggregate activity) {}

  static MemberActivityAggregate activity(Random random, long startMs, int events) {
    MemberActivityAggregate a = new MemberActivityAggregate(16);
    for (int i = 0; i < events; i++) {
      a.add(ExtractedActivity.newBuilder().setMemberId(42).setType(TYPES[random.nextInt(TYPES.length)])
          .setTimestampMs(startMs + random.nextInt((int) FILTER_WINDOW))
          .setUserAgentClass(random.nextBoolean() ? UserAgentClass.UA_ROBOT : UserAgentClass.UA_BROWSER)
          .setUserAgentHash(random.nextInt(5)).setIpPrefix("10.0." + random.nextInt(40) + ".0/24")
          .setTargetId(1 + random.nextInt(500)).setSessionId("s" + random.nextInt(30)).build());
    }
    return a;
  }

  static List<Partial> randomPartials(Random random, int n, int spanMinutes) {
    List<Partial> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long start = T0 + random.nextInt(spanMinutes * 12) * FILTER_WINDOW;
      out.add(new Partial(start, activity(random, start, 1 + random.nextInt(15))));
    }
    return out;
  }

  /** Brute force: the features of every window as of {@code asOf}, from every partial inside it. */
  static List<List<Double>> oracleRow(List<Partial> partials, long asOf) {
    List<List<Double>> row = new ArrayList<>();
    for (WindowSpec w : LAYOUT.windows()) {
      MemberActivityAggregate merged = MemberActivityAggregate.mergeTarget();
      for (Partial p : partials) {
        if (p.startMs() >= asOf - w.lengthMs() && p.startMs() < asOf) {
          merged.merge(p.activity());
        }
      }
      row.add(boxed(MemberFeatureVector.compute(merged, asOf - w.lengthMs(), asOf)));
    }
    return row;
  }

  static List<List<Double>> values(MemberTimeline.Row row) {
    return row.windows().stream().map(w -> boxed(w.values())).toList();
  }

  static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>();
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  @RepeatedTest(5)
  void batchRowsAsOfEveryBoundaryEqualBruteForceWhateverTheArrivalOrder() {
    Random random = new Random(System.nanoTime());
    List<Partial> partials = randomPartials(random, 300, 90);
    List<Partial> shuffled = new ArrayList<>(partials);
    Collections.shuffle(shuffled, random);
    MemberTimeline timeline = new MemberTimeline(LAYOUT, 0);
    for (Partial p : shuffled) {
      assertThat(timeline.admit(p.startMs(), p.activity())).isEqualTo(MemberTimeline.Admission.ON_TIME);
    }
    List<MemberTimeline.Row> rows = timeline.onEventTime(Long.MAX_VALUE);
    List<Long> boundaries = partials.stream().map(p -> LAYOUT.boundaryAfter(p.startMs())).distinct().sorted().toList();
    assertThat(rows).extracting(MemberTimeline.Row::asOfMs).containsExactlyElementsOf(boundaries);
    for (MemberTimeline.Row row : rows) {
      assertThat(row.timing()).isEqualTo(PaneTiming.PANE_ON_TIME);
      assertThat(values(row)).as("as of %d", row.asOfMs()).isEqualTo(oracleRow(partials, row.asOfMs()));
    }
    assertThat(timeline.isExpiredAt(timeline.expiryMs())).isTrue();
  }

  @Test
  void splittingPartialsDoesNotChangeAnyRow() {
    Random random = new Random(11);
    List<Partial> whole = new ArrayList<>();
    List<Partial> split = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long start = T0 + random.nextInt(40 * 12) * FILTER_WINDOW;
      MemberActivityAggregate a = activity(random, start, 3);
      MemberActivityAggregate b = activity(random, start, 4);
      whole.add(new Partial(start, MemberActivityAggregate.mergeTarget().merge(a).merge(b)));
      split.add(new Partial(start, b));
      split.add(new Partial(start, a));
    }
    assertThat(allRows(split)).isEqualTo(allRows(whole));
  }

  private static Map<Long, List<List<Double>>> allRows(List<Partial> partials) {
    MemberTimeline timeline = new MemberTimeline(LAYOUT, 0);
    partials.forEach(p -> timeline.admit(p.startMs(), p.activity()));
    Map<Long, List<List<Double>>> out = new LinkedHashMap<>();
    timeline.onEventTime(Long.MAX_VALUE).forEach(r -> out.put(r.asOfMs(), values(r)));
    return out;
  }

  /**
   * A stream: partials in random order with event time advancing between waves, early flushes, late
   * partials within and beyond the allowed lateness. Every on-time row equals brute force over the
   * partials admitted before it; the last row of each boundary equals brute force over every partial not
   * refused; refused partials are exactly those whose boundary is more than the lateness behind the horizon.
   */
  @RepeatedTest(5)
  void streamingRowsEqualBruteForceAndLatenessIsJudgedOnTheHorizon() {
    Random random = new Random(System.nanoTime());
    long lateness = 120_000;
    MemberTimeline timeline = new MemberTimeline(LAYOUT, lateness);
    List<Partial> admitted = new ArrayList<>();
    Map<Long, MemberTimeline.Row> lastRowAsOf = new HashMap<>();
    long eventTime = T0;
    int refused = 0;
    int late = 0;
    for (int wave = 0; wave < 30; wave++) {
      for (int i = 0; i < 10; i++) {
        // Mostly ahead of event time, some behind it (late), a few far behind (too late).
        long start = eventTime + (random.nextInt(24) - 6 - (random.nextInt(10) == 0 ? 60 : 0)) * FILTER_WINDOW;
        Partial p = new Partial(start, activity(random, start, 1 + random.nextInt(5)));
        long horizon = timeline.horizonMs();
        MemberTimeline.Admission admission = timeline.admit(p.startMs(), p.activity());
        long boundary = LAYOUT.boundaryAfter(start);
        if (boundary > horizon) {
          assertThat(admission).isEqualTo(MemberTimeline.Admission.ON_TIME);
        } else if (boundary < horizon - lateness) {
          assertThat(admission).isEqualTo(MemberTimeline.Admission.TOO_LATE);
        } else {
          assertThat(admission).isEqualTo(MemberTimeline.Admission.LATE);
        }
        if (admission == MemberTimeline.Admission.TOO_LATE) {
          refused++;
          continue;
        }
        late += admission == MemberTimeline.Admission.LATE ? 1 : 0;
        admitted.add(p);
        if (random.nextInt(4) == 0) {
          for (MemberTimeline.Row row : timeline.flush()) {
            assertThat(values(row)).isEqualTo(oracleRow(admitted, row.asOfMs()));
            lastRowAsOf.put(row.asOfMs(), row);
          }
        }
      }
      eventTime += 30_000;
      for (MemberTimeline.Row row : timeline.onEventTime(eventTime)) {
        assertThat(values(row)).isEqualTo(oracleRow(admitted, row.asOfMs()));
        lastRowAsOf.put(row.asOfMs(), row);
      }
      for (MemberTimeline.Row row : timeline.flush()) {
        assertThat(values(row)).isEqualTo(oracleRow(admitted, row.asOfMs()));
        lastRowAsOf.put(row.asOfMs(), row);
      }
    }
    timeline.onEventTime(Long.MAX_VALUE).forEach(r -> lastRowAsOf.put(r.asOfMs(), r));
    // What a batch run over the admitted partials gives: a row as of each of their boundaries, from all of them.
    // The last row emitted for each boundary must be that row, whenever its partials came.
    Set<Long> boundaries = new TreeSet<>();
    admitted.forEach(p -> boundaries.add(LAYOUT.boundaryAfter(p.startMs())));
    assertThat(lastRowAsOf.keySet()).containsAll(boundaries);
    for (long boundary : boundaries) {
      assertThat(values(lastRowAsOf.get(boundary))).as("last row as of %d", boundary).isEqualTo(oracleRow(admitted, boundary));
    }
    assertThat(late).as("late partials").isPositive();
    assertThat(refused).as("refused partials").isPositive();
  }

  @Test
  void tilesNoWindowCanReachAreEvictedAndTheTimelineExpires() {
    Random random = new Random(3);
    MemberTimeline timeline = new MemberTimeline(LAYOUT, 60_000);
    for (int minute = 0; minute < 180; minute++) {
      timeline.admit(T0 + minute * 60_000L, activity(random, T0 + minute * 60_000L, 2));
      timeline.onEventTime(T0 + minute * 60_000L + 30_000);
    }
    // Only tiles that reach into the last hour are kept: one 30 s and one 1 min tile per minute of activity,
    // and the 5 min tiles overlapping that hour. Without eviction there would be 180 + 180 + 36.
    assertThat(timeline.tiles().tileCount()).isBetween(60 + 60 + 12, 61 + 61 + 14);
    long expiry = timeline.expiryMs();
    assertThat(expiry).isEqualTo(timeline.horizonMs() + 3_600_000L + 60_000L);
    assertThat(timeline.isExpiredAt(expiry - 1)).isFalse();
    assertThat(timeline.isExpiredAt(expiry)).isTrue();
  }

  @Test
  void anUnchangedRowIsNotRepeatedOnTimeAfterItsEarlyTwin() {
    Random random = new Random(5);
    MemberTimeline timeline = new MemberTimeline(LAYOUT, 0);
    timeline.admit(T0, activity(random, T0, 3));
    MemberTimeline.Row early = timeline.flush().get(0);
    assertThat(early.timing()).isEqualTo(PaneTiming.PANE_EARLY);
    assertThat(early.asOfMs()).isEqualTo(T0 + 30_000);
    assertThat(timeline.flush()).as("nothing changed").isEmpty();
    assertThat(timeline.onEventTime(T0 + 30_000)).isEmpty();
    assertThat(timeline.horizonMs()).isEqualTo(T0 + 30_000);
  }

  @Test
  void aNewerRowStillGetsItsEarlyRowWhenAnOlderBoundaryFiresOnTimeFirst() {
    Random random = new Random(7);
    MemberTimeline timeline = new MemberTimeline(LAYOUT, 60_000);
    timeline.admit(T0, activity(random, T0, 3));
    assertThat(timeline.flush()).singleElement().satisfies(r -> assertThat(r.asOfMs()).isEqualTo(T0 + 30_000));
    // The member's last partial lands a boundary later; before the early delay is up, the watermark passes the first.
    timeline.admit(T0 + 45_000, activity(random, T0 + 45_000, 2));
    assertThat(timeline.onEventTime(T0 + 30_000)).singleElement().satisfies(r -> assertThat(r.asOfMs()).isEqualTo(T0 + 30_000));
    List<MemberTimeline.Row> early = timeline.flush();
    assertThat(early).as("the newer row, with the last partial, without waiting for its own boundary").singleElement()
        .satisfies(r -> {
          assertThat(r.timing()).isEqualTo(PaneTiming.PANE_EARLY);
          assertThat(r.asOfMs()).isEqualTo(T0 + 60_000);
          assertThat(r.lastEventMs()).isGreaterThanOrEqualTo(T0 + 45_000);
        });
    assertThat(timeline.onEventTime(T0 + 60_000)).as("and not repeated on time, unchanged").isEmpty();
  }

  @Test
  void aPaneSentAgainAfterARecoveryIsRefusedAndNotCounted() {
    Random random = new Random(6);
    MemberTimeline timeline = new MemberTimeline(LAYOUT, 60_000);
    MemberActivityAggregate onTime = activity(random, T0, 3);
    MemberActivityAggregate late = activity(random, T0, 2);
    assertThat(timeline.admit(T0, 0, onTime)).isEqualTo(MemberTimeline.Admission.ON_TIME);
    assertThat(timeline.admit(T0, 0, onTime)).isEqualTo(MemberTimeline.Admission.DUPLICATE);
    assertThat(timeline.onEventTime(T0 + 30_000)).hasSize(1);
    assertThat(timeline.admit(T0, 1, late)).isEqualTo(MemberTimeline.Admission.LATE);
    assertThat(timeline.admit(T0, 1, late)).isEqualTo(MemberTimeline.Admission.DUPLICATE);
    assertThat(timeline.admit(T0, 0, onTime)).isEqualTo(MemberTimeline.Admission.DUPLICATE);
    // Another window's pane 0 is new.
    assertThat(timeline.admit(T0 + 5_000, 0, late)).isEqualTo(MemberTimeline.Admission.LATE);
    assertThat(timeline.flush().get(0).windows().get(0).values()[0]).as("events in the 1 min window: 3 + 2 + 2, once each")
        .isEqualTo(MemberFeatureVector.compute(merged(onTime, late, late), T0 + 30_000 - 60_000, T0 + 30_000)[0]);
    // Once no pane of a window can be admitted any more, its entry goes.
    timeline.admit(T0 + 600_000, 0, activity(random, T0 + 600_000, 1));
    timeline.onEventTime(T0 + 630_000);
    assertThat(timeline.bookkeeping().lastPaneByWindow()).containsOnlyKeys(T0 + 600_000);
  }

  private static MemberActivityAggregate merged(MemberActivityAggregate... parts) {
    MemberActivityAggregate m = MemberActivityAggregate.mergeTarget();
    for (MemberActivityAggregate p : parts) {
      m.merge(p);
    }
    return m;
  }
}
