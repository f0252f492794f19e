package dev.vigil.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.extract.ActivityExtractor;
import dev.vigil.core.extract.UserAgentClassifier;
import dev.vigil.core.extract.EventTimeBounds;
import dev.vigil.core.rules.FilterRulesLoader;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.RawRecord;
import dev.vigil.testsupport.fixtures.ActivityFixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole filter step on in-memory records against a naive oracle built from the core classes. */
@ExtendWith(TestPipelineExtension.class)
class FilterActivityTest {
  private static final long WINDOW_MS = 5_000;

  @Test
  void partialsEqualOracleAggregatesAndBadRecordsAreDeadLettered(TestPipeline p) {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    List<ActivityEvent> events = ActivityFixtures.randomEvents(random, 3_000, 25, 1_700_000_000_000L, 60_000);
    List<TimestampedValue<RawRecord>> input = new ArrayList<>();
    long offset = 0;
    for (ActivityEvent e : events) {
      input.add(TimestampedValue.of(ActivityFixtures.raw(e, offset++), new Instant(e.getTimestampMs())));
    }
    int malformed = 17;
    for (int i = 0; i < malformed; i++) {
      input.add(TimestampedValue.of(ActivityFixtures.raw(ActivityFixtures.garbage(), offset++), new Instant(1_700_000_000_000L)));
    }

    Map<String, MemberActivityPartial> expected = ActivityFixtures.expectedPartials(events, WINDOW_MS, 32);

    PCollectionTuple out = p.apply(Create.timestamped(input).withCoder(ProtoCoder.of(RawRecord.class)))
        .apply(new FilterActivity(new FilterEvents(FilterRulesLoader.loadDefault(), EventTimeBounds.defaults()),
            new PreAggregateMemberActivity(Duration.millis(WINDOW_MS), Duration.ZERO, Duration.ZERO, 32)));

    PAssert.that(out.get(FilterActivity.PARTIALS)).satisfies(partials -> {
      Map<String, MemberActivityPartial> actual = new HashMap<>();
      for (MemberActivityPartial partial : partials) {
        MemberActivityPartial comparable = partial.toBuilder().clearPaneTiming().clearPaneIndex().clearEmittedAtMs().build();
        assertThat(actual.put(partial.getMemberId() + "@" + partial.getWindowStartMs(), comparable))
            .as("one partial per member-window in a batch run").isNull();
      }
      assertThat(actual).as("seed %d", seed).isEqualTo(expected);
      return null;
    });
    PAssert.that(out.get(FilterActivity.DEAD_LETTERS)).satisfies(letters -> {
      assertThat(letters).hasSize(malformed).allSatisfy(d -> assertThat(d.getOriginalValue().toByteArray()).isEqualTo(ActivityFixtures.garbage()));
      return null;
    });
    p.run().waitUntilFinish();
    assertThat(expected).hasSizeGreaterThan(100);
  }

}
