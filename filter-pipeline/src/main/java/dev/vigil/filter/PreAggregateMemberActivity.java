package dev.vigil.filter;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.platform.aggregate.MemberActivityAggregateCoder;
import dev.vigil.platform.aggregate.MemberActivityCombineFn;
import dev.vigil.platform.window.PaneTimings;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.PaneTiming;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Folds each member's events into one {@link MemberActivityPartial} per short fixed event-time window.
 *
 * <p>The on-time pane fires when the watermark passes the window end. Events that arrive later but
 * within the allowed lateness fire a late pane after {@code lateFiringDelay} of processing time; panes
 * discard what they already emitted, so every partial is additive and consumers simply merge all the
 * partials of a member. Events behind the allowed lateness are dropped by the runner and counted in
 * Beam's {@code droppedDueToLateness} counter (read it with
 * {@code StreamingJobs.droppedDueToLateness}).
 */
public final class PreAggregateMemberActivity extends PTransform<PCollection<ExtractedActivity>, PCollection<MemberActivityPartial>> {
  private final Duration windowSize;
  private final Duration allowedLateness;
  private final Duration lateFiringDelay;
  private final int sketchK;

  public PreAggregateMemberActivity(Duration windowSize, Duration allowedLateness, Duration lateFiringDelay, int sketchK) {
    this.windowSize = windowSize;
    this.allowedLateness = allowedLateness;
    this.lateFiringDelay = lateFiringDelay;
    this.sketchK = sketchK;
  }

  public static PreAggregateMemberActivity from(FilterPipelineOptions o) {
    return new PreAggregateMemberActivity(Duration.standardSeconds(o.getWindowSeconds()),
        Duration.standardSeconds(o.getAllowedLatenessSeconds()), Duration.millis(o.getLateFiringDelayMs()), o.getSketchK());
  }

  @Override
  public PCollection<MemberActivityPartial> expand(PCollection<ExtractedActivity> events) {
    return events
        .apply("KeyByMember", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.longs(), events.getTypeDescriptor()))
            .via((ExtractedActivity e) -> KV.of(e.getMemberId(), e)))
        .setCoder(KvCoder.of(VarLongCoder.of(), ProtoCoder.of(ExtractedActivity.class)))
        .apply("ShortEventTimeWindows", Window.<KV<Long, ExtractedActivity>>into(FixedWindows.of(windowSize))
            .triggering(AfterWatermark.pastEndOfWindow()
                .withLateFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(lateFiringDelay)))
            .withAllowedLateness(allowedLateness)
            .discardingFiredPanes())
        .apply("CombinePerMember", Combine.perKey(new MemberActivityCombineFn(sketchK)))
        .setCoder(KvCoder.of(VarLongCoder.of(), MemberActivityAggregateCoder.of()))
        .apply("ToPartial", ParDo.of(new ToPartialFn()))
        .setCoder(ProtoCoder.of(MemberActivityPartial.class));
  }

  static final class ToPartialFn extends DoFn<KV<Long, MemberActivityAggregate>, MemberActivityPartial> {
    private final Counter emitted = Metrics.counter(FilterMetrics.NAMESPACE, FilterMetrics.PARTIALS_EMITTED);
    private final Counter late = Metrics.counter(FilterMetrics.NAMESPACE, FilterMetrics.LATE_PARTIALS);
    private final Distribution eventsPerPartial = Metrics.distribution(FilterMetrics.NAMESPACE, FilterMetrics.EVENTS_PER_PARTIAL);
    private final Counter empty = Metrics.counter(FilterMetrics.NAMESPACE, FilterMetrics.EMPTY_PANES_SKIPPED);

    @ProcessElement
    public void process(@Element KV<Long, MemberActivityAggregate> kv, IntervalWindow window, PaneInfo pane,
        OutputReceiver<MemberActivityPartial> out) {
      MemberActivityAggregate aggregate = kv.getValue();
      if (aggregate.eventCount() == 0) {
        // A discarding pane can fire with nothing new in it (an on-time pane always fires); it carries no
        // information, and as a partial it would have no member id.
        empty.inc();
        return;
      }
      PaneTiming timing = PaneTimings.of(pane);
      emitted.inc();
      eventsPerPartial.update(aggregate.eventCount());
      if (timing == PaneTiming.PANE_LATE) {
        late.inc();
      }
      out.output(aggregate.toPartial()
          .setWindowStartMs(window.start().getMillis())
          .setWindowEndMs(window.end().getMillis())
          .setPaneTiming(timing)
          .setPaneIndex(pane.getIndex())
          .setEmittedAtMs(System.currentTimeMillis())
          .build());
    }
  }
}
