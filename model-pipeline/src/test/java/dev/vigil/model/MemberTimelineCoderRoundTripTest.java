package dev.vigil.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.tiles.MemberTimeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.schemas.v1.DistinctSketch;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.PaneTiming;
import dev.vigil.schemas.v1.UserAgentClass;
import dev.vigil.testsupport.fixtures.PartialFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The runner keeps a member's timeline only as {@link MemberTimelineCoder}'s bytes: at every checkpoint, and
 * on every access with RocksDB. So a timeline decoded from its encoding must behave exactly as the one it was
 * encoded from. A stream of partials (several windows, successive and resent panes, out of order, late and
 * too late, empty, with other sketch sizes) is driven through a timeline kept on the heap and, in lockstep:
 * a copy decoded before each step, a timeline decoded before every step from the previous step's encoding
 * (RocksDB), and copies restored at some steps and then kept on the heap to the end (a checkpoint restore).
 * Each step (admit, flush, event time) must give them all the same admission, rows and state, and their
 * encodings must be the same bytes. A coder made to drop any one part of the state fails it.
 */
class MemberTimelineCoderRoundTripTest {
  private static final long T0 = 1_700_000_400_000L; // a multiple of 5 minutes
  private static final long W = PartialFixtures.FILTER_WINDOW_MS;
  private static final long MEMBER = 42;
  private static final int STEPS = 600;
  private static final EventType[] TYPES = {EventType.PAGE_VIEW, EventType.PROFILE_VIEW, EventType.SEARCH,
      EventType.LOGIN_FAILURE, EventType.LOGIN_SUCCESS, EventType.MESSAGE_SENT, EventType.CONNECTION_INVITE,
      EventType.SIGNUP};

  /** Encodes and decodes timelines: the coder, or (to check this test) a coder that loses something. */
  interface Codec {
    byte[] encode(MemberTimeline timeline);

    MemberTimeline decode(byte[] bytes);
  }

  static Codec coder(TileLayout layout, long latenessMs) {
    MemberTimelineCoder coder = new MemberTimelineCoder(layout, latenessMs);
    return new Codec() {
      @Override
      public byte[] encode(MemberTimeline timeline) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
          coder.encode(timeline, out);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return out.toByteArray();
      }

      @Override
      public MemberTimeline decode(byte[] bytes) {
        try {
          ByteArrayInputStream in = new ByteArrayInputStream(bytes);
          MemberTimeline decoded = coder.decode(in);
          assertThat(in.available()).as("bytes left after decoding").isZero();
          return decoded;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  @ParameterizedTest(name = "{0}, lateness {1} ms, seed {2}")
  @CsvSource({
      "'1m/30s,10m/1m,60m/5m', 120000, 1",
      "'1m/30s,10m/1m,60m/5m', 0, 2",
      "'1m/30s,10m/1m,60m/5m', 600000, 3",
      "'30s/10s,5m/30s', 60000, 4",
      "'2m/1m', 30000, 5",
  })
  void aDecodedTimelineBehavesAsTheOriginalAtEveryStep(String windows, long latenessMs, long seed) {
    TileLayout layout = TileLayout.parse(windows);
    Map<String, Integer> seen = drive(layout, latenessMs, seed, coder(layout, latenessMs), true);
    // The stream reached every path the timeline has.
    assertThat(seen).containsKeys("ON_TIME", "LATE", "DUPLICATE", "PANE_EARLY", "PANE_ON_TIME", "evicted", "expired",
        "on-time row not repeated after its early twin",
        "estimated", "empty partial", "small sketch", "mixed sketch sizes");
    if (latenessMs > 0) {
      assertThat(seen).containsKeys("TOO_LATE", "PANE_LATE");
    }
  }

  /**
   * What a coder may fail to carry, each as a timeline rebuilt without it: the test above must notice a coder
   * that encodes that instead of the timeline (its re-encodings then agree: only the state and behaviour differ).
   */
  enum Loss {
    PANE_INDEXES(b -> new MemberTimeline.Bookkeeping(b.horizonMs(), b.lastEmittedAsOfMs(), b.changedSinceEmit(),
        b.pendingBoundaries(), b.finalBoundaries(), b.lateChangedBoundaries(), Map.of()), a -> a),
    LATE_CHANGED(b -> new MemberTimeline.Bookkeeping(b.horizonMs(), b.lastEmittedAsOfMs(), b.changedSinceEmit(),
        b.pendingBoundaries(), b.finalBoundaries(), new long[0], b.lastPaneByWindow()), a -> a),
    FINAL_BOUNDARIES(b -> new MemberTimeline.Bookkeeping(b.horizonMs(), b.lastEmittedAsOfMs(), b.changedSinceEmit(),
        b.pendingBoundaries(), new long[0], b.lateChangedBoundaries(), b.lastPaneByWindow()), a -> a),
    LAST_EMITTED(b -> new MemberTimeline.Bookkeeping(b.horizonMs(), Long.MIN_VALUE, b.changedSinceEmit(),
        b.pendingBoundaries(), b.finalBoundaries(), b.lateChangedBoundaries(), b.lastPaneByWindow()), a -> a),
    CHANGED_SINCE_EMIT(b -> new MemberTimeline.Bookkeeping(b.horizonMs(), b.lastEmittedAsOfMs(), false,
        b.pendingBoundaries(), b.finalBoundaries(), b.lateChangedBoundaries(), b.lastPaneByWindow()), a -> a),
    /** Sketches stored without their size (read back at the default). */
    SKETCH_SIZE(b -> b, a -> {
      MemberActivityPartial.Builder p = a.toPartial();
      p.getDistinctTargetsBuilder().clearK();
      p.getDistinctIpPrefixesBuilder().clearK();
      p.getDistinctUserAgentsBuilder().clearK();
      p.getDistinctSessionsBuilder().clearK();
      return MemberActivityAggregate.fromPartial(p.build());
    }),
    /** A tile's first event time not stored (read back as its last). */
    FIRST_EVENT(b -> b, a -> a.eventCount() == 0 ? a
        : MemberActivityAggregate.fromPartial(a.toPartial().setFirstEventMs(a.lastEventMs()).build()));

    private final UnaryOperator<MemberTimeline.Bookkeeping> bookkeeping;
    private final UnaryOperator<MemberActivityAggregate> tile;

    Loss(UnaryOperator<MemberTimeline.Bookkeeping> bookkeeping, UnaryOperator<MemberActivityAggregate> tile) {
      this.bookkeeping = bookkeeping;
      this.tile = tile;
    }

    /** The timeline without what this loses. */
    MemberTimeline damage(MemberTimeline t) {
      MemberTimeline out = MemberTimeline.restore(t.layout(), t.allowedLatenessMs(), bookkeeping.apply(t.bookkeeping()));
      t.tiles().forEachTile((level, start, a) -> out.tiles().restoreTile(level, start, tile.apply(a)));
      return out;
    }
  }

  @ParameterizedTest
  @EnumSource(Loss.class)
  void aCoderThatLosesSomethingIsNoticed(Loss loss) {
    TileLayout layout = TileLayout.parse("1m/30s,10m/1m,60m/5m");
    Codec exact = coder(layout, 120_000);
    Codec lossy = new Codec() {
      @Override
      public byte[] encode(MemberTimeline timeline) {
        return exact.encode(loss.damage(timeline));
      }

      @Override
      public MemberTimeline decode(byte[] bytes) {
        return exact.decode(bytes);
      }
    };
    // By what the timelines do, not only by what they hold (with encodings compared too, it fails sooner).
    assertThatThrownBy(() -> drive(layout, 120_000, 1, lossy, false)).isInstanceOf(AssertionError.class)
        .hasMessageContaining(" on a timeline ").hasMessageContaining("but was");
  }

  /**
   * Drives one seeded stream through the timelines; returns how often each path was taken (admissions, row
   * timings, evictions, expiries and kinds of partial). Without {@code compareEncodings}, only what the
   * timelines do is compared, not their state and bytes.
   */
  static Map<String, Integer> drive(TileLayout layout, long latenessMs, long seed, Codec codec, boolean compareEncodings) {
    Random random = new Random(seed);
    Map<String, Integer> seen = new TreeMap<>();
    PartialFixtures.Panes panes = new PartialFixtures.Panes();
    List<MemberActivityPartial> sent = new ArrayList<>();
    MemberTimeline original = new MemberTimeline(layout, latenessMs);
    MemberTimeline everyAccess = new MemberTimeline(layout, latenessMs);
    List<MemberTimeline> restored = new ArrayList<>();
    long watermark = T0;
    for (int step = 0; step < STEPS; step++) {
      // Phases of partials spread over one finest tile only, and over a few minutes ahead of event time.
      int spread = step / 100 % 2 == 0 ? (int) (layout.finestMs() / W) : 36;
      Step op = nextStep(random, layout, latenessMs, original, watermark, spread, panes, sent, seen);
      if (op instanceof OnEventTime e) {
        watermark = Math.max(watermark, e.timeMs());
      }
      String at = "step " + step + " (" + op + ")";

      byte[] bytes = codec.encode(original);
      MemberTimeline copy = codec.decode(bytes);
      if (compareEncodings) {
        assertThat(codec.encode(copy)).as("%s: re-encoding the decoded timeline", at).isEqualTo(bytes);
        assertThat(state(copy)).as("%s: state of the decoded timeline", at).isEqualTo(state(original));
      }
      everyAccess = codec.decode(codec.encode(everyAccess));
      if (step % 100 == 30) {
        restored.add(codec.decode(bytes));
      }

      int tilesBefore = original.tiles().tileCount();
      long horizonBefore = original.horizonMs();
      List<Object> expected = op.apply(original);
      if (op instanceof OnEventTime && original.tiles().tileCount() < tilesBefore) {
        count(seen, "evicted");
      }
      long horizon = original.horizonMs();
      if (op instanceof OnEventTime && horizon != horizonBefore
          && expected.stream().noneMatch(o -> o instanceof RowView r && r.asOfMs() == horizon)) {
        count(seen, "on-time row not repeated after its early twin");
      }
      assertThat(op.apply(copy)).as("%s on a timeline decoded before it", at).isEqualTo(expected);
      assertThat(op.apply(everyAccess)).as("%s on a timeline decoded before every step", at).isEqualTo(expected);
      for (int i = 0; i < restored.size(); i++) {
        assertThat(op.apply(restored.get(i))).as("%s on the timeline restored at checkpoint %d", at, i).isEqualTo(expected);
      }
      if (compareEncodings) {
        byte[] after = codec.encode(original);
        assertThat(codec.encode(copy)).as("%s: encoding after the step, decoded before it", at).isEqualTo(after);
        assertThat(codec.encode(everyAccess)).as("%s: encoding after the step, decoded before every step", at).isEqualTo(after);
        for (int i = 0; i < restored.size() && step % 10 == 0; i++) {
          assertThat(codec.encode(restored.get(i))).as("%s: encoding after the step, restored at checkpoint %d", at, i)
              .isEqualTo(after);
        }
      }
      for (Object o : expected) {
        if (o instanceof RowView r) {
          count(seen, r.timing().name());
          if (r.windows().stream().anyMatch(w -> w.values().get(3) != Math.rint(w.values().get(3)))) {
            count(seen, "estimated"); // a distinct count beyond the sketch size
          }
        } else if (o instanceof MemberTimeline.Admission a) {
          count(seen, a.name());
        }
      }
      if (op instanceof OnEventTime e && original.isExpiredAt(e.timeMs())) {
        // The job clears the member's state: every copy starts again from nothing.
        count(seen, "expired");
        original = new MemberTimeline(layout, latenessMs);
        everyAccess = new MemberTimeline(layout, latenessMs);
        restored.replaceAll(t -> new MemberTimeline(layout, latenessMs));
      }
    }
    return seen;
  }

  /** One call on a timeline; {@link #apply} returns all it observably did. */
  sealed interface Step {
    List<Object> apply(MemberTimeline t);
  }

  /** A partial as the job admits it (each timeline gets its own aggregate, as each decode would). */
  record Admit(MemberActivityPartial partial, String kind) implements Step {
    @Override
    public List<Object> apply(MemberTimeline t) {
      MemberTimeline.Admission a =
          t.admit(partial.getWindowStartMs(), partial.getPaneIndex(), MemberActivityAggregate.fromPartial(partial));
      return List.of(a, t.horizonMs(), t.nextEventTimeMs(), t.expiryMs(), t.tiles().tileCount());
    }

    @Override
    public String toString() {
      return "admit " + kind + " pane " + partial.getPaneIndex() + " of window " + partial.getWindowStartMs() + " with "
          + partial.getEventCount() + " events";
    }
  }

  record Flush() implements Step {
    @Override
    public List<Object> apply(MemberTimeline t) {
      List<Object> out = new ArrayList<>(rows(t.flush()));
      out.add(t.nextEventTimeMs());
      return out;
    }

    @Override
    public String toString() {
      return "flush";
    }
  }

  record OnEventTime(long timeMs) implements Step {
    @Override
    public List<Object> apply(MemberTimeline t) {
      List<Object> out = new ArrayList<>(rows(t.onEventTime(timeMs)));
      out.addAll(List.of(t.horizonMs(), t.nextEventTimeMs(), t.expiryMs(), t.isExpiredAt(timeMs), t.tiles().tileCount()));
      return out;
    }

    @Override
    public String toString() {
      return "event time " + timeMs;
    }
  }

  private static Step nextStep(Random random, TileLayout layout, long latenessMs, MemberTimeline original, long watermark,
      int spread, PartialFixtures.Panes panes, List<MemberActivityPartial> sent, Map<String, Integer> seen) {
    int r = random.nextInt(100);
    if (r < 12) {
      return new Flush();
    }
    if (r < 24) {
      // As the job's timer does: at the next boundary (or expiry), else the watermark moves on by itself.
      long next = original.nextEventTimeMs();
      if (next != Long.MIN_VALUE && next >= watermark && random.nextBoolean()) {
        return new OnEventTime(next);
      }
      if (r == 23 && original.expiryMs() != Long.MIN_VALUE) {
        // The member goes quiet until its timeline expires.
        return new OnEventTime(Math.max(watermark, original.expiryMs()));
      }
      return new OnEventTime(watermark + random.nextInt(90) * 1_000L);
    }
    if (r < 32 && !sent.isEmpty()) {
      // A record sent again after a recovery.
      return new Admit(sent.get(sent.size() - 1 - random.nextInt(Math.min(sent.size(), 40))), "resent");
    }
    long start;
    String when;
    if (r < 40 && !sent.isEmpty()) {
      // The next pane of a window seen before (late, if event time has passed it).
      start = sent.get(sent.size() - 1 - random.nextInt(Math.min(sent.size(), 60))).getWindowStartMs();
      when = "next pane";
    } else if (r < 46) {
      // Behind the watermark: late within the lateness, or beyond it.
      start = watermark - (1 + random.nextInt((int) ((latenessMs + 2 * layout.finestMs()) / W) + 1)) * W;
      when = "behind";
    } else {
      // Around the watermark, out of order.
      start = watermark + (random.nextInt(spread + 4) - 4) * W;
      when = "ahead";
    }
    start -= Math.floorMod(start, W);
    MemberActivityAggregate activity;
    String kind;
    int k = random.nextInt(20);
    if (k == 0) {
      activity = new MemberActivityAggregate();
      kind = "empty partial";
    } else if (k == 1) {
      activity = activity(random, start, 1 + random.nextInt(20), 8);
      kind = "small sketch";
    } else {
      activity = PartialFixtures.activity(random, MEMBER, start, 1 + random.nextInt(15));
      kind = "default sketch";
    }
    MemberActivityPartial partial = panes.partial(activity, MEMBER, start).toBuilder().setMemberId(MEMBER).build();
    if (k == 2) {
      // From a producer with another sketch size for one field (read at the smaller of the two).
      DistinctSketch sessions = partial.getDistinctSessions();
      partial = partial.toBuilder().setDistinctSessions(DistinctSketch.newBuilder().setK(3)
          .addAllHashes(sessions.getHashesList().subList(0, Math.min(3, sessions.getHashesCount())))).build();
      kind = "mixed sketch sizes";
    }
    count(seen, kind);
    sent.add(partial);
    return new Admit(partial, kind + ", " + when);
  }

  /** Activity with sketches of size {@code k}, drawn from more distinct values than {@link PartialFixtures} has. */
  private static MemberActivityAggregate activity(Random random, long startMs, int events, int k) {
    MemberActivityAggregate a = new MemberActivityAggregate(k);
    for (int i = 0; i < events; i++) {
      a.add(ExtractedActivity.newBuilder().setMemberId(MEMBER).setType(TYPES[random.nextInt(TYPES.length)])
          .setTimestampMs(startMs + random.nextInt((int) W))
          .setUserAgentClass(UserAgentClass.forNumber(random.nextInt(4)))
          .setUserAgentHash(random.nextInt(50)).setIpPrefix("10." + random.nextInt(30) + ".0.0/24")
          .setTargetId(1 + random.nextInt(5_000)).setSessionId("s" + random.nextInt(40)).build());
    }
    return a;
  }

  private static void count(Map<String, Integer> seen, String what) {
    seen.merge(what, 1, Integer::sum);
  }

  /** A row with its doubles boxed, so that equality compares values (bit for bit) rather than arrays. */
  record RowView(long asOfMs, long lastEventMs, PaneTiming timing, List<WindowView> windows) {}

  record WindowView(long startMs, long endMs, long lastEventMs, List<Double> values) {}

  private static List<RowView> rows(List<MemberTimeline.Row> rows) {
    return rows.stream().map(r -> new RowView(r.asOfMs(), r.lastEventMs(), r.timing(), r.windows().stream()
        .map(w -> new WindowView(w.startMs(), w.endMs(), w.lastEventMs(), Arrays.stream(w.values()).boxed().toList()))
        .toList())).toList();
  }

  /** What a timeline holds, read through its accessors rather than the coder. */
  private static List<Object> state(MemberTimeline t) {
    MemberTimeline.Bookkeeping b = t.bookkeeping();
    List<Object> s = new ArrayList<>(List.of(b.horizonMs(), b.lastEmittedAsOfMs(), b.changedSinceEmit(),
        Arrays.toString(b.pendingBoundaries()), Arrays.toString(b.finalBoundaries()), Arrays.toString(b.lateChangedBoundaries()),
        new TreeMap<>(b.lastPaneByWindow()), t.horizonMs(), t.nextEventTimeMs(), t.expiryMs(), t.tiles().tileCount()));
    t.tiles().forEachTile((level, start, a) -> s.add(List.of(level, start, aggregate(a))));
    return s;
  }

  private static List<Object> aggregate(MemberActivityAggregate a) {
    Map<EventType, Long> types = new EnumMap<>(EventType.class);
    for (EventType type : EventType.values()) {
      if (type != EventType.UNRECOGNIZED) {
        types.put(type, a.count(type));
      }
    }
    Map<UserAgentClass, Long> classes = new EnumMap<>(UserAgentClass.class);
    for (UserAgentClass c : UserAgentClass.values()) {
      if (c != UserAgentClass.UNRECOGNIZED) {
        classes.put(c, a.count(c));
      }
    }
    return List.of(a.memberId(), a.eventCount(), a.firstEventMs(), a.lastEventMs(), a.sketchK(), types, classes,
        a.distinctTargets(), a.distinctIpPrefixes(), a.distinctUserAgents(), a.distinctSessions());
  }
}
