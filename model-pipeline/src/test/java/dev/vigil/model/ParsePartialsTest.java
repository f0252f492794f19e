package dev.vigil.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.ProgressMarkers;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.EventTypeCount;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.RawRecord;
import dev.vigil.testsupport.fixtures.RawRecords;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the model job refuses from the filtered topic, and why: every refused record is a dead letter with its reason. */
@ExtendWith(TestPipelineExtension.class)
class ParsePartialsTest {
  private static final MemberActivityPartial GOOD = MemberActivityPartial.newBuilder().setMemberId(7).setWindowStartMs(0)
      .setWindowEndMs(5_000).setEventCount(3).addTypeCounts(EventTypeCount.newBuilder().setType(EventType.SEARCH).setCount(3))
      .build();

  @Test
  void negativeCountsAreDeadLettersNotPartials(TestPipeline p) {
    MemberActivityPartial negativeEvents = GOOD.toBuilder().setEventCount(-3).build();
    MemberActivityPartial negativeType = GOOD.toBuilder().setTypeCounts(0, EventTypeCount.newBuilder()
        .setType(EventType.SEARCH).setCount(-1)).build();
    List<RawRecord> records = List.of(record(0, GOOD), record(1, negativeEvents), record(2, negativeType),
        RawRecords.of(0, 3, 0, null, new byte[] {(byte) 0xff, (byte) 0xff}));

    PCollectionTuple out = p.apply(Create.of(records)).apply(new ParsePartials());

    PAssert.that(out.get(ParsePartials.PARTIALS)).containsInAnyOrder(GOOD);
    PAssert.that(out.get(ParsePartials.DEAD_LETTERS)).satisfies(dead -> {
      assertThat(dead).extracting(DeadLetter::getSourceOffset, DeadLetter::getReason).containsExactlyInAnyOrder(
          org.assertj.core.groups.Tuple.tuple(1L, DeadLetterReason.INVALID_FIELD),
          org.assertj.core.groups.Tuple.tuple(2L, DeadLetterReason.INVALID_FIELD),
          org.assertj.core.groups.Tuple.tuple(3L, DeadLetterReason.UNPARSEABLE));
      assertThat(dead).filteredOn(d -> d.getSourceOffset() == 1).singleElement()
          .satisfies(d -> assertThat(d.getDetail()).contains("negative event_count -3"));
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void progressMarkersAreCountedAndDroppedNeitherPartialsNorDeadLetters(TestPipeline p) {
    List<RawRecord> records = List.of(record(0, GOOD), RawRecords.of(0, 1, 0, ProgressMarkers.key(), ProgressMarkers.value(5_000)),
        RawRecords.of(1, 0, 0, ProgressMarkers.key(), ProgressMarkers.value(10_000)));

    PCollectionTuple out = p.apply(Create.of(records)).apply(new ParsePartials());

    PAssert.that(out.get(ParsePartials.PARTIALS)).containsInAnyOrder(GOOD);
    PAssert.that(out.get(ParsePartials.DEAD_LETTERS)).empty();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(StreamingJobs.counter(result, ModelMetrics.PROGRESS_MARKERS_READ)).isEqualTo(2);
    assertThat(StreamingJobs.counter(result, ModelMetrics.PARTIALS_READ)).isEqualTo(1);
  }

  private static RawRecord record(long offset, MemberActivityPartial partial) {
    return RawRecords.of(0, offset, 0, null, partial.toByteArray());
  }
}
