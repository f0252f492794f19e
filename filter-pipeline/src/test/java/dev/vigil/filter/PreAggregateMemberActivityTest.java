package dev.vigil.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.PaneTiming;
import dev.vigil.schemas.v1.UserAgentClass;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Event-time behaviour of the pre-aggregation, driven explicitly with TestStream on the Direct runner. */
@ExtendWith(TestPipelineExtension.class)
class PreAggregateMemberActivityTest {
  private static final Instant T0 = new Instant(1_700_000_000_000L); // aligned to 5 s windows
  private static final IntervalWindow W0 = new IntervalWindow(T0, T0.plus(Duration.standardSeconds(5)));

  private static ExtractedActivity at(long member, EventType type, Instant ts, long target) {
    return ExtractedActivity.newBuilder().setMemberId(member).setType(type).setTimestampMs(ts.getMillis())
        .setUserAgentClass(UserAgentClass.UA_ROBOT).setIpPrefix("198.51.100.0/24").setTargetId(target).build();
  }

  private static PCollection<MemberActivityPartial> aggregate(TestPipeline p, TestStream<ExtractedActivity> stream) {
    return p.apply(stream)
        .apply(new PreAggregateMemberActivity(Duration.standardSeconds(5), Duration.standardSeconds(30), Duration.standardSeconds(1), 64))
        // emitted_at is wall-clock time; clear it so panes compare by content.
        .apply(MapElements.into(TypeDescriptor.of(MemberActivityPartial.class))
            .via((MemberActivityPartial m) -> m.toBuilder().clearEmittedAtMs().build()));
  }

  private static MemberActivityPartial expected(PaneTiming timing, long index, ExtractedActivity... events) {
    MemberActivityAggregate a = new MemberActivityAggregate(64);
    for (ExtractedActivity e : events) {
      a.add(e);
    }
    return a.toPartial().setWindowStartMs(W0.start().getMillis()).setWindowEndMs(W0.end().getMillis())
        .setPaneTiming(timing).setPaneIndex(index).build();
  }

  @Test
  void onTimeLateAndDroppablyLateEvents(TestPipeline p) {
    ExtractedActivity a1 = at(1, EventType.PROFILE_VIEW, T0.plus(1_000), 11);
    ExtractedActivity a2 = at(1, EventType.PROFILE_VIEW, T0.plus(2_000), 12);
    ExtractedActivity b1 = at(2, EventType.LOGIN_FAILURE, T0.plus(4_000), 0);
    ExtractedActivity late = at(1, EventType.PROFILE_VIEW, T0.plus(3_000), 13);
    ExtractedActivity droppable = at(1, EventType.SEARCH, T0.plus(4_500), 0);

    TestStream<ExtractedActivity> stream = TestStream.create(ProtoCoder.of(ExtractedActivity.class))
        .advanceWatermarkTo(T0)
        .addElements(TimestampedValue.of(a1, T0.plus(1_000)), TimestampedValue.of(a2, T0.plus(2_000)),
            TimestampedValue.of(b1, T0.plus(4_000)))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(6)))   // W0 closes: on-time panes
        .addElements(TimestampedValue.of(late, T0.plus(3_000)))      // behind the watermark, inside lateness
        .advanceProcessingTime(Duration.standardSeconds(2))          // late firing delay passes: late pane
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(40)))  // past end + allowed lateness (35 s)
        .addElements(TimestampedValue.of(droppable, T0.plus(4_500)))  // droppably late
        .advanceWatermarkToInfinity();

    PAssert.that(aggregate(p, stream)).containsInAnyOrder(
        expected(PaneTiming.PANE_ON_TIME, 0, a1, a2),
        expected(PaneTiming.PANE_ON_TIME, 0, b1),
        expected(PaneTiming.PANE_LATE, 1, late));
    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertThat(StreamingJobs.droppedDueToLateness(result)).isEqualTo(1);
    assertThat(StreamingJobs.counter(result, FilterMetrics.LATE_PARTIALS)).isEqualTo(1);
    assertThat(StreamingJobs.counter(result, FilterMetrics.PARTIALS_EMITTED)).isEqualTo(3);
  }

  @Test
  void outOfOrderEventsWithinTheBoundLandInOneOnTimePane(TestPipeline p) {
    ExtractedActivity e1 = at(3, EventType.SEARCH, T0.plus(4_000), 0);
    ExtractedActivity e2 = at(3, EventType.SEARCH, T0.plus(500), 0);
    ExtractedActivity e3 = at(3, EventType.PROFILE_VIEW, T0.plus(2_500), 99);
    TestStream<ExtractedActivity> stream = TestStream.create(ProtoCoder.of(ExtractedActivity.class))
        .addElements(TimestampedValue.of(e1, T0.plus(4_000)))
        .advanceWatermarkTo(T0.plus(1_000))
        .addElements(TimestampedValue.of(e3, T0.plus(2_500)))
        .addElements(TimestampedValue.of(e2, T0.plus(500)))          // behind the watermark, but window still open
        .advanceWatermarkToInfinity();

    PAssert.that(aggregate(p, stream)).containsInAnyOrder(expected(PaneTiming.PANE_ON_TIME, 0, e1, e2, e3));
    p.run().waitUntilFinish();
  }

  /** A late event whose window expires before its late pane's processing-time delay has passed is still emitted. */
  @Test
  void aLateEventIsEmittedWhenItsWindowExpiresBeforeItsLatePaneIsDue(TestPipeline p) {
    ExtractedActivity onTime = at(4, EventType.SEARCH, T0.plus(1_000), 0);
    ExtractedActivity late = at(4, EventType.PROFILE_VIEW, T0.plus(2_000), 7);
    TestStream<ExtractedActivity> stream = TestStream.create(ProtoCoder.of(ExtractedActivity.class))
        .advanceWatermarkTo(T0)
        .addElements(TimestampedValue.of(onTime, T0.plus(1_000)))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(34)))  // W0 closed; expires at 35 s
        .addElements(TimestampedValue.of(late, T0.plus(2_000)))      // inside the lateness, late pane due in 1 s
        .advanceWatermarkToInfinity();                               // ...but the window expires first

    PAssert.that(aggregate(p, stream)).containsInAnyOrder(
        expected(PaneTiming.PANE_ON_TIME, 0, onTime),
        expected(PaneTiming.PANE_LATE, 1, late));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(StreamingJobs.droppedDueToLateness(result)).isZero();
  }
}
