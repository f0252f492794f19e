package dev.vigil.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.MemberFeatures;
import dev.vigil.schemas.v1.PaneTiming;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sliding-window features against a brute-force oracle, and pane behaviour, on the Direct runner. */
@ExtendWith(TestPipelineExtension.class)
class ComputeMemberWindowFeaturesTest {
  private static final long T0 = 1_700_000_400_000L; // aligned to 10 minutes
  private static final List<WindowSpec> WINDOWS = WindowSpec.parseList("1m/30s,5m/1m");

  private record Key(long member, long start, long end) implements java.io.Serializable {}

  /** Every window a partial falls in, merged by brute force, as the pipeline's key. */
  private static Map<Key, List<Double>> oracle(List<MemberActivityPartial> partials) {
    Map<Key, MemberActivityAggregate> merged = new HashMap<>();
    for (MemberActivityPartial p : partials) {
      for (WindowSpec w : WINDOWS) {
        long length = w.length().getMillis();
        long period = w.period().getMillis();
        long ts = p.getWindowStartMs();
        for (long start = ts - Math.floorMod(ts, period); start > ts - length; start -= period) {
          merged.computeIfAbsent(new Key(p.getMemberId(), start, start + length), k -> new MemberActivityAggregate())
              .merge(MemberActivityAggregate.fromPartial(p));
        }
      }
    }
    Map<Key, List<Double>> out = new HashMap<>();
    merged.forEach((k, a) -> out.put(k, boxed(MemberFeatureVector.compute(a, k.start(), k.end()))));
    return out;
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>();
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  @Test
  void longerWindowsFireEarlyProportionallyLaterWhenScaled() {
    List<WindowSpec> specs = WindowSpec.parseList("1m/30s,10m/1m,60m/5m");
    ComputeMemberWindowFeatures scaled = new ComputeMemberWindowFeatures(specs, Duration.standardSeconds(2), true, Duration.ZERO);
    assertThat(specs.stream().map(scaled::earlyFiringDelay).map(Duration::getStandardSeconds)).containsExactly(2L, 20L, 120L);
    ComputeMemberWindowFeatures fixed = new ComputeMemberWindowFeatures(specs, Duration.standardSeconds(2), false, Duration.ZERO);
    assertThat(specs.stream().map(fixed::earlyFiringDelay).map(Duration::getStandardSeconds)).containsExactly(2L, 2L, 2L);
    assertThat(new ComputeMemberWindowFeatures(specs, null, true, Duration.ZERO).earlyFiringDelay(specs.get(2))).isNull();
  }

  @Test
  void latestPaneOfEveryMemberWindowEqualsBruteForce(TestPipeline p) {
    Random random = new Random(2026);
    List<MemberActivityPartial> partials = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      long member = 1 + random.nextInt(12);
      long start = T0 + random.nextInt(120) * PartialFixtures.FILTER_WINDOW_MS; // 10 minutes of 5 s windows
      partials.add(PartialFixtures.partial(PartialFixtures.activity(random, member, start, 1 + random.nextInt(20)), start));
    }
    // Out of order: shuffled, and delivered in three waves with the watermark moving between them, so
    // that many partials arrive behind the watermark (late, inside the allowed lateness) and fire late panes.
    List<MemberActivityPartial> shuffled = new ArrayList<>(partials);
    Collections.shuffle(shuffled, random);
    TestStream.Builder<MemberActivityPartial> stream = TestStream.create(ProtoCoder.of(MemberActivityPartial.class))
        .advanceWatermarkTo(new Instant(T0));
    int third = shuffled.size() / 3;
    for (int wave = 0; wave < 3; wave++) {
      for (MemberActivityPartial partial : shuffled.subList(wave * third, wave == 2 ? shuffled.size() : (wave + 1) * third)) {
        stream = stream.addElements(TimestampedValue.of(partial, new Instant(partial.getWindowStartMs())));
      }
      stream = stream.advanceWatermarkTo(new Instant(T0 + (wave + 1) * 4 * 60_000L));
    }
    Map<Key, List<Double>> expected = oracle(partials);

    var features = p.apply(stream.advanceWatermarkToInfinity())
        .apply(new ComputeMemberWindowFeatures(WINDOWS, null, Duration.standardHours(1)));
    PAssert.that(features).satisfies(panes -> {
      Map<Key, MemberFeatures> latest = new HashMap<>();
      int late = 0;
      for (MemberFeatures f : panes) {
        late += f.getPaneTiming() == PaneTiming.PANE_LATE ? 1 : 0;
        latest.merge(new Key(f.getMemberId(), f.getWindowStartMs(), f.getWindowEndMs()), f,
            (a, b) -> a.getPaneIndex() >= b.getPaneIndex() ? a : b);
      }
      Map<Key, List<Double>> actual = new HashMap<>();
      latest.forEach((k, f) -> actual.put(k, f.getValuesList()));
      assertThat(actual).isEqualTo(expected);
      assertThat(late).as("late panes").isPositive();
      return null;
    });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(expected).hasSizeGreaterThan(200);
  }

  @Test
  void earlyOnTimeLateAndDroppablyLatePanes(TestPipeline p) {
    Random random = new Random(1);
    long member = 42;
    MemberActivityAggregate first = PartialFixtures.activity(random, member, T0, 5);
    MemberActivityAggregate second = PartialFixtures.activity(random, member, T0 + 20_000, 3);
    MemberActivityAggregate late = PartialFixtures.activity(random, member, T0 + 40_000, 2);
    MemberActivityAggregate droppable = PartialFixtures.activity(random, member, T0 + 50_000, 7);
    WindowSpec oneMinute = WindowSpec.parseList("1m/1m").get(0);

    TestStream<MemberActivityPartial> stream = TestStream.create(ProtoCoder.of(MemberActivityPartial.class))
        .advanceWatermarkTo(new Instant(T0))
        .addElements(TimestampedValue.of(PartialFixtures.partial(first, T0), new Instant(T0)))
        .advanceProcessingTime(Duration.standardSeconds(3))                  // early pane: first only
        .addElements(TimestampedValue.of(PartialFixtures.partial(second, T0 + 20_000), new Instant(T0 + 20_000)))
        .advanceWatermarkTo(new Instant(T0 + 61_000))                        // on-time pane: first + second
        .addElements(TimestampedValue.of(PartialFixtures.partial(late, T0 + 40_000), new Instant(T0 + 40_000))) // late pane
        .advanceWatermarkTo(new Instant(T0 + 60_000 + 31_000))               // past end + 30 s lateness
        .addElements(TimestampedValue.of(PartialFixtures.partial(droppable, T0 + 50_000), new Instant(T0 + 50_000)))
        .advanceWatermarkToInfinity();

    var features = p.apply(stream).apply(new ComputeMemberWindowFeatures(List.of(oneMinute), Duration.standardSeconds(2),
        Duration.standardSeconds(30)));
    MemberActivityAggregate firstTwo = new MemberActivityAggregate().merge(first).merge(second);
    MemberActivityAggregate all = new MemberActivityAggregate().merge(first).merge(second).merge(late);
    PAssert.that(features).containsInAnyOrder(
        expected(member, first, PaneTiming.PANE_EARLY, 0),
        expected(member, firstTwo, PaneTiming.PANE_ON_TIME, 1),
        expected(member, all, PaneTiming.PANE_LATE, 2));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(StreamingJobs.droppedDueToLateness(result)).isEqualTo(1);
  }

  private static MemberFeatures expected(long member, MemberActivityAggregate a, PaneTiming timing, long index) {
    return MemberFeatures.newBuilder().setMemberId(member).setWindowStartMs(T0).setWindowEndMs(T0 + 60_000)
        .setFeatureSchema(MemberFeatureVector.SCHEMA).setLastEventMs(a.lastEventMs()).setPaneTiming(timing).setPaneIndex(index)
        .addAllValues(boxed(MemberFeatureVector.compute(a, T0, T0 + 60_000))).build();
  }
}
