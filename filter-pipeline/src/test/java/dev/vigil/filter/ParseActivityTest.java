package dev.vigil.filter;

import static dev.vigil.filter.ActivityFixtures.event;
import static dev.vigil.filter.ActivityFixtures.garbage;
import static dev.vigil.filter.ActivityFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.RawRecord;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class ParseActivityTest {

  @Test
  void splitsValidEventsFromDeadLetters(TestPipeline p) {
    ActivityEvent valid = event(7, EventType.PROFILE_VIEW, 10_000);
    ActivityEvent noMember = valid.toBuilder().clearMemberId().build();
    List<RawRecord> input = List.of(raw(valid, 0), raw(garbage(), 1), raw(noMember, 2), raw((byte[]) null, 3));

    PCollectionTuple out = p.apply(Create.of(input).withCoder(ProtoCoder.of(RawRecord.class)))
        .apply(new ParseActivity());

    PAssert.that(out.get(ParseActivity.EVENTS)).containsInAnyOrder(valid);
    PAssert.that(out.get(ParseActivity.DEAD_LETTERS)).satisfies(letters -> {
      List<DeadLetter> list = StreamSupport.stream(letters.spliterator(), false).toList();
      assertThat(list).extracting(DeadLetter::getSourceOffset, DeadLetter::getReason).containsExactlyInAnyOrder(
          org.assertj.core.groups.Tuple.tuple(1L, DeadLetterReason.UNPARSEABLE),
          org.assertj.core.groups.Tuple.tuple(2L, DeadLetterReason.MISSING_REQUIRED_FIELD),
          org.assertj.core.groups.Tuple.tuple(3L, DeadLetterReason.UNPARSEABLE));
      DeadLetter garbageLetter = list.stream().filter(d -> d.getSourceOffset() == 1).findFirst().orElseThrow();
      assertThat(garbageLetter.getOriginalValue().toByteArray()).isEqualTo(garbage());
      assertThat(garbageLetter.getSourceTopic()).isEqualTo("raw");
      assertThat(garbageLetter.getRejectedBy()).isEqualTo("filter/ParseActivity");
      return null;
    });
    p.run().waitUntilFinish();
  }
}
