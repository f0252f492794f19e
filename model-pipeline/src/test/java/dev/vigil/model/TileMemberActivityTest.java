package dev.vigil.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.core.tiles.WindowSpec;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.MemberFeatureRow;
import dev.vigil.schemas.v1.MemberFeatures;
import dev.vigil.schemas.v1.PaneTiming;
import dev.vigil.testsupport.fixtures.PartialFixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tiled transform on the Direct runner against a brute-force oracle: each row's windows merged
 * directly from the partials that had arrived, for a stream with early rows and late partials and for
 * a bounded input.
 */
@ExtendWith(TestPipelineExtension.class)
class TileMemberActivityTest {
  private static final long T0 = 1_700_000_400_000L; // a multiple of 5 minutes
  private static final TileLayout LAYOUT = TileLayout.parse("1m/30s,5m/1m");
  private static final long LATENESS_MS = 60_000;

  /** Brute force: the features of every window as of {@code asOf}, from the given partials of one member. */
  static List<List<Double>> oracle(List<MemberActivityPartial> partials, long member, long asOf) {
    List<List<Double>> row = new ArrayList<>();
    for (WindowSpec w : LAYOUT.windows()) {
      MemberActivityAggregate merged = MemberActivityAggregate.mergeTarget();
      for (MemberActivityPartial p : partials) {
        if (p.getMemberId() == member && p.getWindowStartMs() >= asOf - w.lengthMs() && p.getWindowStartMs() < asOf) {
          merged.merge(MemberActivityAggregate.fromPartial(p));
        }
      }
      List<Double> values = new ArrayList<>();
      for (double v : MemberFeatureVector.compute(merged, asOf - w.lengthMs(), asOf)) {
        values.add(v);
      }
      row.add(values);
    }
    return row;
  }

  static List<List<Double>> values(MemberFeatureRow row) {
    return row.getWindowsList().stream().map(MemberFeatures::getValuesList).toList();
  }

  private static long boundary(MemberActivityPartial p) {
    return LAYOUT.boundaryAfter(p.getWindowStartMs());
  }

  /**
   * Twelve waves of shuffled partials for eight members; after each wave the watermark moves a minute on,
   * and processing time moves on after some (early rows). Most partials are ahead of the watermark; some
   * are behind their member's horizon (its newest boundary the watermark has passed): a little (late,
   * admitted) or more than the allowed lateness (dead letters). The oracle tracks horizons itself.
   */
  @Test
  void streamRowsEqualBruteForceOverWhatHadArrived(TestPipeline p) {
    Random random = new Random(2026);
    long[] watermarkAfter = new long[12];
    Map<Long, Long> horizon = new HashMap<>();
    List<MemberActivityPartial> admitted = new ArrayList<>();
    Map<Integer, List<MemberActivityPartial>> admittedByWave = new TreeMap<>();
    Set<MemberActivityPartial> refused = new HashSet<>();
    PartialFixtures.Panes panes = new PartialFixtures.Panes();
    TestStream.Builder<MemberActivityPartial> stream = TestStream.create(ProtoCoder.of(MemberActivityPartial.class))
        .advanceWatermarkTo(new Instant(T0));
    long watermark = T0;
    for (int wave = 0; wave < watermarkAfter.length; wave++) {
      List<MemberActivityPartial> batch = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        long member = 1 + random.nextInt(8);
        Long h = horizon.get(member);
        long start;
        if (h != null && random.nextInt(5) == 0) {
          start = h - (1 + random.nextInt(30)) * PartialFixtures.FILTER_WINDOW_MS; // behind the horizon: late or too late
        } else {
          start = watermark + random.nextInt(18) * PartialFixtures.FILTER_WINDOW_MS;
        }
        batch.add(PartialFixtures.activity(random, member, start, 1 + random.nextInt(8)).toPartial()
            .setWindowStartMs(start).build());
      }
      Collections.shuffle(batch, random);
      for (MemberActivityPartial unnumbered : batch) {
        // Numbered in arrival order: the filter's panes of a window come in order.
        long start = unnumbered.getWindowStartMs();
        MemberActivityPartial partial = panes.partial(MemberActivityAggregate.fromPartial(unnumbered), unnumbered.getMemberId(), start);
        Long h = horizon.get(partial.getMemberId());
        if (h != null && LAYOUT.boundaryAfter(start) < h - LATENESS_MS) {
          refused.add(partial);
        } else {
          admitted.add(partial);
        }
        stream = stream.addElements(TimestampedValue.of(partial, new Instant(start)));
      }
      if (wave % 3 != 2) {
        stream = stream.advanceProcessingTime(Duration.standardSeconds(3));
      }
      admittedByWave.put(wave, List.copyOf(admitted));
      watermark += 60_000;
      watermarkAfter[wave] = watermark;
      stream = stream.advanceWatermarkTo(new Instant(watermark));
      for (MemberActivityPartial a : admitted) {
        if (boundary(a) <= watermark) {
          horizon.merge(a.getMemberId(), boundary(a), Math::max);
        }
      }
    }
    // Finally only late partials, within the lateness: the rows they change come out late, as of the horizon.
    for (Map.Entry<Long, Long> h : horizon.entrySet()) {
      long start = h.getValue() - (1 + random.nextInt(10)) * PartialFixtures.FILTER_WINDOW_MS;
      MemberActivityPartial partial = panes.partial(PartialFixtures.activity(random, h.getKey(), start, 3), h.getKey(), start);
      admitted.add(partial);
      stream = stream.addElements(TimestampedValue.of(partial, new Instant(start)));
    }
    stream = stream.advanceProcessingTime(Duration.standardSeconds(3));
    admittedByWave.put(watermarkAfter.length, List.copyOf(admitted));
    assertThat(refused).as("partials refused as too late").isNotEmpty();

    PCollectionTuple out = p.apply(stream.advanceWatermarkToInfinity())
        .apply(new TileMemberActivity(LAYOUT, Duration.standardSeconds(2), Duration.millis(LATENESS_MS)));
    PAssert.that(out.get(TileMemberActivity.ROWS)).satisfies(rows -> {
      Map<PaneTiming, Integer> byTiming = new HashMap<>();
      Map<Long, MemberFeatureRow> newest = new HashMap<>();
      for (MemberFeatureRow row : rows) {
        byTiming.merge(row.getPaneTiming(), 1, Integer::sum);
        if (row.getPaneTiming() == PaneTiming.PANE_ON_TIME) {
          // Final for its boundary: everything that had arrived by the wave after which the watermark passed it.
          int wave = 0;
          while (wave < watermarkAfter.length - 1 && watermarkAfter[wave] < row.getAsOfMs()) {
            wave++;
          }
          List<MemberActivityPartial> known = watermarkAfter[wave] >= row.getAsOfMs() ? admittedByWave.get(wave) : admitted;
          assertThat(values(row)).as("on-time row of %d as of %d", row.getMemberId(), row.getAsOfMs())
              .isEqualTo(oracle(known, row.getMemberId(), row.getAsOfMs()));
        } else {
          // Early and late rows: what had arrived by the end of some wave.
          assertThat(admittedByWave.values()).as("%s row of %d as of %d", row.getPaneTiming(), row.getMemberId(), row.getAsOfMs())
              .anySatisfy(known -> assertThat(values(row)).isEqualTo(oracle(known, row.getMemberId(), row.getAsOfMs())));
        }
        newest.merge(row.getMemberId(), row, (a, b) -> a.getAsOfMs() >= b.getAsOfMs() ? a : b);
      }
      // Every member's newest verdict covers every admitted partial up to it.
      for (MemberFeatureRow row : newest.values()) {
        List<List<Double>> complete = oracle(admitted, row.getMemberId(), row.getAsOfMs());
        assertThat(rows).as("complete row of %d as of %d", row.getMemberId(), row.getAsOfMs())
            .anySatisfy(r -> {
              assertThat(r.getMemberId()).isEqualTo(row.getMemberId());
              assertThat(r.getAsOfMs()).isEqualTo(row.getAsOfMs());
              assertThat(values(r)).isEqualTo(complete);
            });
      }
      assertThat(byTiming).containsKeys(PaneTiming.PANE_EARLY, PaneTiming.PANE_ON_TIME, PaneTiming.PANE_LATE);
      return null;
    });
    PAssert.that(out.get(TileMemberActivity.DEAD_LETTERS)).satisfies(deadLetters -> {
      List<MemberActivityPartial> rejected = new ArrayList<>();
      for (DeadLetter d : deadLetters) {
        assertThat(d.getReason()).isEqualTo(DeadLetterReason.LATE_BEYOND_ALLOWED_LATENESS);
        try {
          rejected.add(MemberActivityPartial.parseFrom(d.getOriginalValue()));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
      assertThat(rejected).containsExactlyInAnyOrderElementsOf(refused);
      return null;
    });
    p.run().waitUntilFinish();
  }

  /** A bounded input (the batch replay): one on-time row per member and boundary, each equal to brute force. */
  @Test
  void boundedInputGivesOneOnTimeRowPerMemberAndBoundary(TestPipeline p) {
    Random random = new Random(7);
    List<MemberActivityPartial> partials = new ArrayList<>();
    List<TimestampedValue<MemberActivityPartial>> timestamped = new ArrayList<>();
    PartialFixtures.Panes panes = new PartialFixtures.Panes();
    Set<List<Long>> windowsUsed = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      long member = 1 + random.nextInt(6);
      long start = T0 + random.nextInt(15 * 12) * PartialFixtures.FILTER_WINDOW_MS;
      if (!windowsUsed.add(List.of(member, start))) {
        continue; // a batch has one pane per window: every event is on time
      }
      MemberActivityPartial partial = panes.partial(PartialFixtures.activity(random, member, start, 1 + random.nextInt(8)), member, start);
      partials.add(partial);
      timestamped.add(TimestampedValue.of(partial, new Instant(start)));
    }
    Map<Long, Set<Long>> expectedBoundaries = new HashMap<>();
    partials.forEach(q -> expectedBoundaries.computeIfAbsent(q.getMemberId(), m -> new HashSet<>()).add(boundary(q)));

    PCollectionTuple out = p.apply(Create.timestamped(timestamped).withCoder(ProtoCoder.of(MemberActivityPartial.class)))
        .apply(new TileMemberActivity(LAYOUT, null, Duration.millis(LATENESS_MS)));
    PAssert.that(out.get(TileMemberActivity.ROWS)).satisfies(rows -> {
      Map<Long, Set<Long>> seen = new HashMap<>();
      for (MemberFeatureRow row : rows) {
        assertThat(row.getPaneTiming()).isEqualTo(PaneTiming.PANE_ON_TIME);
        assertThat(seen.computeIfAbsent(row.getMemberId(), m -> new HashSet<>()).add(row.getAsOfMs())).as("one row per boundary").isTrue();
        assertThat(values(row)).isEqualTo(oracle(partials, row.getMemberId(), row.getAsOfMs()));
        assertThat(row.getWindowsList()).extracting(MemberFeatures::getWindowEndMs).containsOnly(row.getAsOfMs());
      }
      assertThat(seen).isEqualTo(expectedBoundaries);
      return null;
    });
    PAssert.that(out.get(TileMemberActivity.DEAD_LETTERS)).empty();
    p.run().waitUntilFinish();
  }
}
