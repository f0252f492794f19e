package dev.vigil.filter;

import static dev.vigil.testsupport.fixtures.ActivityFixtures.event;
import static dev.vigil.testsupport.fixtures.ActivityFixtures.garbage;
import static dev.vigil.testsupport.fixtures.ActivityFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.core.extract.EventTimeBounds;
import dev.vigil.core.rules.FilterRules;
import dev.vigil.core.rules.FilterRulesLoader;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.DeadLetterRecords;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.RawRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Parse, event-time bounds, rules and extraction in one step: what is kept, counted, or dead-lettered, and why. */
@ExtendWith(TestPipelineExtension.class)
class FilterEventsTest {
  private static final long NOW_ISH = System.currentTimeMillis();
  private static final long YEAR_2100 = 4_102_444_800_000L;

  @Test
  void keepsOnlyWhatTheRulesKeepAndCountsWhy(TestPipeline p) {
    FilterRules rules = FilterRulesLoader.parse("""
        relevantEventTypes: [PROFILE_VIEW, LOGIN_FAILURE]
        internalTraffic:
          ipRanges: [203.0.113.0/26]
        allowlistedMembers: [100]
        """, "test");
    ActivityEvent kept = event(77, EventType.PROFILE_VIEW, NOW_ISH);          // 203.0.113.77: outside /26
    ActivityEvent irrelevant = event(77, EventType.SEARCH, NOW_ISH);
    ActivityEvent allowlisted = event(100, EventType.LOGIN_FAILURE, NOW_ISH);
    ActivityEvent internal = event(5, EventType.LOGIN_FAILURE, NOW_ISH);       // 203.0.113.5: inside /26
    List<RawRecord> input = List.of(raw(kept, 0), raw(irrelevant, 1), raw(allowlisted, 2), raw(internal, 3));

    PCollectionTuple out = p.apply(Create.of(input).withCoder(ProtoCoder.of(RawRecord.class)))
        .apply(new FilterEvents(rules, EventTimeBounds.defaults()));
    PAssert.that(out.get(FilterEvents.EXTRACTED).apply(MapElements.into(TypeDescriptors.longs()).via(ExtractedActivity::getMemberId)))
        .containsInAnyOrder(77L);
    PAssert.that(out.get(FilterEvents.DEAD_LETTERS)).empty();
    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertThat(StreamingJobs.counter(result, "kept")).isEqualTo(1);
    assertThat(StreamingJobs.counter(result, "dropped_irrelevant_type")).isEqualTo(1);
    assertThat(StreamingJobs.counter(result, "dropped_allowlisted_member")).isEqualTo(1);
    assertThat(StreamingJobs.counter(result, "dropped_internal_ip")).isEqualTo(1);
    assertThat(StreamingJobs.counter(result, "parsed_valid")).isEqualTo(4);
  }

  @Test
  void badRecordsBecomeDeadLettersWithReasonBytesAndCoordinates(TestPipeline p) {
    ActivityEvent valid = event(7, EventType.PROFILE_VIEW, NOW_ISH);
    ActivityEvent noMember = valid.toBuilder().clearMemberId().build();
    List<RawRecord> input = List.of(raw(valid, 0), raw(garbage(), 1), raw(noMember, 2), raw((byte[]) null, 3));

    PCollectionTuple out = p.apply(Create.of(input).withCoder(ProtoCoder.of(RawRecord.class)))
        .apply(new FilterEvents(FilterRulesLoader.loadDefault(), EventTimeBounds.defaults()));

    PAssert.that(out.get(FilterEvents.EXTRACTED).apply(MapElements.into(TypeDescriptors.longs()).via(ExtractedActivity::getMemberId)))
        .containsInAnyOrder(7L);
    PAssert.that(out.get(FilterEvents.DEAD_LETTERS)).satisfies(letters -> {
      List<DeadLetter> list = StreamSupport.stream(letters.spliterator(), false).toList();
      assertThat(list).extracting(DeadLetter::getSourceOffset, DeadLetter::getReason).containsExactlyInAnyOrder(
          tuple(1L, DeadLetterReason.UNPARSEABLE),
          tuple(2L, DeadLetterReason.MISSING_REQUIRED_FIELD),
          tuple(3L, DeadLetterReason.UNPARSEABLE));
      DeadLetter garbageLetter = list.stream().filter(d -> d.getSourceOffset() == 1).findFirst().orElseThrow();
      assertThat(garbageLetter.getOriginalValue().toByteArray()).isEqualTo(garbage());
      assertThat(garbageLetter.getSourceTopic()).isEqualTo("raw");
      assertThat(garbageLetter.getRejectedBy()).isEqualTo("filter/FilterEvents");
      return null;
    });
    p.run().waitUntilFinish();
  }

  /**
   * Hostile input from the field: event times at Long.MAX_VALUE and in the year 2100, a 1 MB unparseable
   * value, 900 KB user agents. The step keeps the real events, dead-letters the rest with their reason,
   * and every dead letter fits in one producer request.
   */
  @Test
  void hostileRecordsAreDeadLetteredAndRealEventsStillFlow(TestPipeline p) {
    Random random = new Random(3);
    List<RawRecord> input = new ArrayList<>();
    long offset = 0;
    input.add(raw(event(1, EventType.PROFILE_VIEW, NOW_ISH).toBuilder().setTimestampMs(Long.MAX_VALUE).build().toByteArray(), offset++, NOW_ISH));
    for (int i = 0; i < 12; i++) {
      input.add(raw(event(2, EventType.SEARCH, NOW_ISH).toBuilder().setTimestampMs(YEAR_2100 + i).build().toByteArray(), offset++, NOW_ISH));
    }
    byte[] huge = new byte[1_000_000];
    random.nextBytes(huge);
    huge[0] = (byte) 0xff; // an invalid tag: never a valid ActivityEvent
    input.add(raw(huge, offset++, NOW_ISH));
    String hugeAgent = "Mozilla/5.0 " + "x".repeat(900_000);
    input.add(raw(event(3, EventType.PAGE_VIEW, NOW_ISH).toBuilder().setUserAgent(hugeAgent).build(), offset++));
    for (int i = 0; i < 20; i++) {
      input.add(raw(event(10 + i, EventType.PROFILE_VIEW, NOW_ISH - i * 1_000L), offset++));
    }

    PCollectionTuple out = p.apply(Create.of(input).withCoder(ProtoCoder.of(RawRecord.class)))
        .apply(new FilterEvents(FilterRulesLoader.loadDefault(), EventTimeBounds.defaults()));
    PAssert.that(out.get(FilterEvents.EXTRACTED).apply(MapElements.into(TypeDescriptors.longs()).via(ExtractedActivity::getMemberId)))
        .satisfies(members -> {
          assertThat(members).hasSize(21).contains(3L, 10L, 29L).doesNotContain(1L, 2L);
          return null;
        });
    PAssert.that(out.get(FilterEvents.DEAD_LETTERS)).satisfies(letters -> {
      List<DeadLetter> list = StreamSupport.stream(letters.spliterator(), false).toList();
      assertThat(list).filteredOn(d -> d.getReason() == DeadLetterReason.EVENT_TIME_OUT_OF_RANGE).hasSize(13)
          .allSatisfy(d -> assertThat(d.getDetail()).contains("ahead of the record's time"));
      DeadLetter cut = list.stream().filter(d -> d.getReason() == DeadLetterReason.UNPARSEABLE).findFirst().orElseThrow();
      assertThat(cut.getOriginalValueSize()).isEqualTo(1_000_000);
      assertThat(cut.getOriginalValue().size()).isEqualTo(DeadLetterRecords.MAX_ORIGINAL_VALUE_BYTES);
      assertThat(cut.getDetail()).endsWith("[original value cut to 524288 of 1000000 bytes]");
      assertThat(list).hasSize(14).allSatisfy(d -> assertThat(d.getSerializedSize()).isLessThan(1024 * 1024 - 1024));
      return null;
    });
    p.run().waitUntilFinish();
  }
}
