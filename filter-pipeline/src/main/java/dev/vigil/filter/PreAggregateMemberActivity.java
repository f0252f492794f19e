package dev.vigil.filter;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.aggregate.ShortWindowPanes;
import dev.vigil.platform.aggregate.ShortWindowPanesCoder;
import dev.vigil.platform.metrics.BundleCounter;
import dev.vigil.platform.runner.InPlaceStateUpdates;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.PaneTiming;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Folds each member's events into one {@link MemberActivityPartial} per short fixed event-time window.
 *
 * <p>The on-time pane fires when the watermark passes the window end. Events that arrive later but
 * within the allowed lateness fire a late pane after {@code lateFiringDelay} of processing time, or when the
 * window expires, whichever comes first; panes
 * discard what they already emitted, so every partial is additive and consumers simply merge all the
 * partials of a member. Events behind the allowed lateness are dropped by the runner and counted
 * ({@code StreamingJobs.droppedDueToLateness}).
 *
 * <p>A stateful DoFn per member and window ({@link ShortWindowPanes} in one value state, one event-time
 * timer at the window's end, one processing-time timer while a late pane is due) rather than a windowed
 * {@code Combine.perKey}: Flink's streaming translation does no combiner lifting, so each event was a full
 * trigger, pane, hold and accumulator pass with several keyed-state accesses; here it is one state read
 * and one write (docs/performance.md).
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
        // Only the window assignment and its lifetime matter here (the panes are the DoFn's): Beam asks for an
        // accumulation mode once an allowed lateness is set, which no grouping step ever reads.
        .apply("ShortEventTimeWindows", Window.<KV<Long, ExtractedActivity>>into(FixedWindows.of(windowSize))
            .withAllowedLateness(allowedLateness)
            .discardingFiredPanes())
        .apply("PanesPerMember", ParDo.of(new PanesFn(sketchK, lateFiringDelay, allowedLateness)))
        .setCoder(ProtoCoder.of(MemberActivityPartial.class));
  }

  static final class PanesFn extends DoFn<KV<Long, ExtractedActivity>, MemberActivityPartial> {
    private final int sketchK;
    private final Duration lateFiringDelay;

    @StateId("panes")
    private final StateSpec<ValueState<ShortWindowPanes>> panesSpec = StateSpecs.value(ShortWindowPanesCoder.of());

    @TimerId("endOfWindow")
    private final TimerSpec endOfWindowSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("latePane")
    private final TimerSpec latePaneSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    private final BundleCounter emitted = new BundleCounter(FilterMetrics.NAMESPACE, FilterMetrics.PARTIALS_EMITTED);
    private final BundleCounter late = new BundleCounter(FilterMetrics.NAMESPACE, FilterMetrics.LATE_PARTIALS);
    private final Distribution eventsPerPartial = Metrics.distribution(FilterMetrics.NAMESPACE, FilterMetrics.EVENTS_PER_PARTIAL);

    /**
     * The runner clears a window's state once the watermark passes its end plus the allowed lateness. Events that
     * came late shortly before that may still wait for their late pane (a processing-time delay away): this timer,
     * the last moment before the state goes, emits them (they were lost with the state before, uncounted:
     * PreAggregateMemberActivityTest). An event-time timer rather than {@code @OnWindowExpiration}, which the Spark
     * runner does not support.
     */
    @TimerId("beforeExpiry")
    private final TimerSpec beforeExpirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    private final Duration allowedLateness;
    /** Panes are updated in place: safe across checkpoints only through this (see {@link InPlaceStateUpdates}). */
    private transient InPlaceStateUpdates<ShortWindowPanes> updates;

    PanesFn(int sketchK, Duration lateFiringDelay, Duration allowedLateness) {
      this.allowedLateness = allowedLateness;
      this.sketchK = sketchK;
      this.lateFiringDelay = lateFiringDelay;
    }

    @Setup
    public void setup() {
      updates = new InPlaceStateUpdates<>(ShortWindowPanes::copy);
    }

    @StartBundle
    public void startBundle() {
      updates.bundleEnded();
    }

    @ProcessElement
    public void process(@Element KV<Long, ExtractedActivity> element, BoundedWindow window,
        @StateId("panes") ValueState<ShortWindowPanes> state, @TimerId("endOfWindow") Timer endOfWindow,
        @TimerId("latePane") Timer latePane, @TimerId("beforeExpiry") Timer beforeExpiry) {
      ShortWindowPanes panes = updates.forUpdate(state.read());
      if (panes == null) {
        panes = updates.created(new ShortWindowPanes(sketchK));
        endOfWindow.set(window.maxTimestamp());
      }
      if (panes.add(element.getValue())) {
        latePane.withOutputTimestamp(window.maxTimestamp()).offset(lateFiringDelay).setRelative();
        beforeExpiry.withOutputTimestamp(window.maxTimestamp()).set(window.maxTimestamp().plus(allowedLateness).minus(Duration.millis(1)));
      }
      state.write(panes);
    }

    @OnTimer("endOfWindow")
    public void onEndOfWindow(OnTimerContext context, @StateId("panes") ValueState<ShortWindowPanes> state,
        OutputReceiver<MemberActivityPartial> out) {
      ShortWindowPanes panes = updates.forUpdate(state.read());
      if (panes != null) {
        emit(panes.fireOnTime(), panes, (IntervalWindow) context.window(), PaneTiming.PANE_ON_TIME, out);
        state.write(panes);
      }
    }

    @OnTimer("latePane")
    public void onLatePane(OnTimerContext context, @StateId("panes") ValueState<ShortWindowPanes> state,
        OutputReceiver<MemberActivityPartial> out) {
      ShortWindowPanes panes = updates.forUpdate(state.read());
      if (panes != null) {
        emit(panes.fireLate(), panes, (IntervalWindow) context.window(), PaneTiming.PANE_LATE, out);
        state.write(panes);
      }
    }

    @OnTimer("beforeExpiry")
    public void onBeforeExpiry(OnTimerContext context, @StateId("panes") ValueState<ShortWindowPanes> state,
        OutputReceiver<MemberActivityPartial> out) {
      onLatePane(context, state, out);
    }

    private void emit(MemberActivityAggregate pane, ShortWindowPanes panes, IntervalWindow window, PaneTiming timing,
        OutputReceiver<MemberActivityPartial> out) {
      if (pane == null) {
        return;
      }
      emitted.inc();
      if (timing == PaneTiming.PANE_LATE) {
        late.inc();
      }
      eventsPerPartial.update(pane.eventCount());
      out.output(pane.toPartial()
          .setWindowStartMs(window.start().getMillis())
          .setWindowEndMs(window.end().getMillis())
          .setPaneTiming(timing)
          .setPaneIndex(panes.lastPaneIndex())
          .setEmittedAtMs(System.currentTimeMillis())
          .build());
    }

    @FinishBundle
    public void finishBundle() {
      updates.bundleEnded();
      emitted.flush();
      late.flush();
    }
  }
}
