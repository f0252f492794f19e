package dev.vigil.model;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.core.tiles.MemberTimeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.platform.deadletter.DeadLetters;
import dev.vigil.platform.metrics.BundleCounter;
import dev.vigil.platform.runner.InPlaceStateUpdates;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.MemberFeatureRow;
import dev.vigil.schemas.v1.MemberFeatures;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Keeps each member's activity as event-time tiles ({@link MemberTimeline}) and emits one feature row per
 * member update, carrying every window length: early rows on a processing-time delay after new data, the
 * final row of each boundary when the watermark passes it, re-emitted rows for late partials within the
 * allowed lateness. Partials beyond it come out as dead letters. Runs unchanged on a bounded input (no
 * early delay): every row then comes out on time, in boundary order per member.
 */
public final class TileMemberActivity extends PTransform<PCollection<MemberActivityPartial>, PCollectionTuple> {
  public static final TupleTag<MemberFeatureRow> ROWS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final TileLayout layout;
  private final Duration earlyFiringDelay;
  private final Duration allowedLateness;

  /** {@code earlyFiringDelay} null turns early rows off (batch, or on-time rows only). */
  public TileMemberActivity(TileLayout layout, Duration earlyFiringDelay, Duration allowedLateness) {
    this.layout = layout;
    this.earlyFiringDelay = earlyFiringDelay;
    this.allowedLateness = allowedLateness;
  }

  public static TileMemberActivity from(ModelPipelineOptions o) {
    return new TileMemberActivity(TileLayout.parse(o.getWindows()),
        o.getEarlyFiringDelayMs() > 0 ? Duration.millis(o.getEarlyFiringDelayMs()) : null,
        Duration.standardSeconds(o.getLateScoreWindowSeconds()));
  }

  @Override
  public PCollectionTuple expand(PCollection<MemberActivityPartial> partials) {
    PCollectionTuple out = partials
        .apply("KeyByMember", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.longs(), partials.getTypeDescriptor()))
            .via((MemberActivityPartial p) -> KV.of(p.getMemberId(), p)))
        .setCoder(KvCoder.of(VarLongCoder.of(), ProtoCoder.of(MemberActivityPartial.class)))
        .apply("MemberTimelines", ParDo.of(new TimelineFn(layout, earlyFiringDelay, allowedLateness.getMillis()))
            .withOutputTags(ROWS, TupleTagList.of(DEAD_LETTERS)));
    out.get(ROWS).setCoder(ProtoCoder.of(MemberFeatureRow.class));
    out.get(DEAD_LETTERS).setCoder(ProtoCoder.of(DeadLetter.class));
    return out;
  }

  /** The proto form of a timeline row. */
  static MemberFeatureRow toProto(long memberId, MemberTimeline.Row row) {
    MemberFeatureRow.Builder b = MemberFeatureRow.newBuilder()
        .setMemberId(memberId)
        .setAsOfMs(row.asOfMs())
        .setLastEventMs(row.lastEventMs())
        .setPaneTiming(row.timing())
        .setFeatureSchema(MemberFeatureVector.SCHEMA);
    for (MemberTimeline.WindowFeatures w : row.windows()) {
      MemberFeatures.Builder f = MemberFeatures.newBuilder()
          .setMemberId(memberId)
          .setWindowStartMs(w.startMs())
          .setWindowEndMs(w.endMs())
          .setFeatureSchema(MemberFeatureVector.SCHEMA)
          .setLastEventMs(w.lastEventMs() == Long.MIN_VALUE ? 0 : w.lastEventMs())
          .setPaneTiming(row.timing());
      for (double v : w.values()) {
        f.addValues(v);
      }
      b.addWindows(f);
    }
    return b.build();
  }

  static final class TimelineFn extends DoFn<KV<Long, MemberActivityPartial>, MemberFeatureRow> {
    private static final String REJECTED_BY = "model/TileMemberActivity";

    private final TileLayout layout;
    private final Duration earlyFiringDelay;
    private final long allowedLatenessMs;

    @StateId("timeline")
    private final StateSpec<ValueState<MemberTimeline>> timelineSpec;
    private final MemberTimelineCoder timelineCoder;
    /** Timelines are updated in place: safe across checkpoints only through this (see {@link InPlaceStateUpdates}). */
    private transient InPlaceStateUpdates<MemberTimeline> updates;

    @StateId("eventTimerAt")
    private final StateSpec<ValueState<Long>> eventTimerAtSpec = StateSpecs.value(VarLongCoder.of());

    @StateId("flushScheduled")
    private final StateSpec<ValueState<Boolean>> flushScheduledSpec = StateSpecs.value(BooleanCoder.of());

    @TimerId("eventTime")
    private final TimerSpec eventTimeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    private final BundleCounter onTime = new BundleCounter(ModelMetrics.NAMESPACE, ModelMetrics.PARTIALS_ON_TIME);
    private final BundleCounter late = new BundleCounter(ModelMetrics.NAMESPACE, ModelMetrics.PARTIALS_LATE);
    private final BundleCounter tooLate = new BundleCounter(ModelMetrics.NAMESPACE, ModelMetrics.PARTIALS_TOO_LATE);
    private final BundleCounter duplicate = new BundleCounter(ModelMetrics.NAMESPACE, ModelMetrics.PARTIALS_DUPLICATE);
    private final BundleCounter rows = new BundleCounter(ModelMetrics.NAMESPACE, ModelMetrics.FEATURE_ROWS);
    private final BundleCounter expired = new BundleCounter(ModelMetrics.NAMESPACE, ModelMetrics.TIMELINES_EXPIRED);

    TimelineFn(TileLayout layout, Duration earlyFiringDelay, long allowedLatenessMs) {
      this.layout = layout;
      this.earlyFiringDelay = earlyFiringDelay;
      this.allowedLatenessMs = allowedLatenessMs;
      this.timelineCoder = new MemberTimelineCoder(layout, allowedLatenessMs);
      this.timelineSpec = StateSpecs.value(timelineCoder);
    }

    @ProcessElement
    public void process(@Element KV<Long, MemberActivityPartial> element, @Timestamp Instant timestamp,
        @StateId("timeline") ValueState<MemberTimeline> timelineState,
        @StateId("eventTimerAt") ValueState<Long> eventTimerAt,
        @StateId("flushScheduled") ValueState<Boolean> flushScheduled,
        @TimerId("eventTime") Timer eventTimer, @TimerId("flush") Timer flushTimer, MultiOutputReceiver out) {
      MemberActivityPartial partial = element.getValue();
      MemberTimeline timeline = updates.forUpdate(timelineState.read());
      if (timeline == null) {
        timeline = updates.created(new MemberTimeline(layout, allowedLatenessMs));
      }
      MemberTimeline.Admission admission = timeline.admit(partial.getWindowStartMs(), partial.getPaneIndex(),
          MemberActivityAggregate.fromPartial(partial));
      switch (admission) {
        case TOO_LATE -> {
          tooLate.inc();
          out.get(DEAD_LETTERS).output(DeadLetters.ofMessage(partial.toByteArray(), DeadLetterReason.LATE_BEYOND_ALLOWED_LATENESS,
              "partial of window starting " + Instant.ofEpochMilli(partial.getWindowStartMs()) + " arrived after member "
                  + element.getKey() + "'s results had reached " + Instant.ofEpochMilli(timeline.horizonMs())
                  + ", more than the allowed lateness of " + allowedLatenessMs + " ms", REJECTED_BY));
          return;
        }
        case DUPLICATE -> {
          duplicate.inc();
          return;
        }
        case ON_TIME -> onTime.inc();
        case LATE -> late.inc();
      }
      long next = timeline.nextEventTimeMs();
      Long timerAt = eventTimerAt.read();
      if (timerAt == null || next < timerAt) {
        // Only ever moved earlier here, to a boundary after this partial's own time; the timer callback
        // moves it on.
        setEventTimer(eventTimer, next);
        eventTimerAt.write(next);
      }
      if (earlyFiringDelay != null) {
        if (!Boolean.TRUE.equals(flushScheduled.read())) {
          flushTimer.withOutputTimestamp(timestamp).offset(earlyFiringDelay).setRelative();
          flushScheduled.write(true);
        }
      } else if (admission == MemberTimeline.Admission.LATE) {
        timeline.flush().forEach(row -> emit(element.getKey(), row, out));
      }
      timelineState.write(timeline);
    }

    @OnTimer("eventTime")
    public void onEventTime(OnTimerContext context, @Key Long member,
        @StateId("timeline") ValueState<MemberTimeline> timelineState,
        @StateId("eventTimerAt") ValueState<Long> eventTimerAt,
        @StateId("flushScheduled") ValueState<Boolean> flushScheduled,
        @TimerId("eventTime") Timer eventTimer, MultiOutputReceiver out) {
      MemberTimeline timeline = updates.forUpdate(timelineState.read());
      if (timeline == null) {
        return;
      }
      // Set one millisecond before its boundary: Beam fires a timer once the watermark is past it, and a
      // watermark at the boundary already means nothing earlier is to come (as a window's max timestamp).
      long now = context.timestamp().getMillis() + 1;
      for (MemberTimeline.Row row : timeline.onEventTime(now)) {
        emit(member, row, out);
      }
      if (timeline.isExpiredAt(now)) {
        expired.inc();
        timelineState.clear();
        eventTimerAt.clear();
        flushScheduled.clear();
        return;
      }
      long next = timeline.nextEventTimeMs();
      setEventTimer(eventTimer, next);
      eventTimerAt.write(next);
      timelineState.write(timeline);
    }

    @OnTimer("flush")
    public void onFlush(@Key Long member, @StateId("timeline") ValueState<MemberTimeline> timelineState,
        @StateId("flushScheduled") ValueState<Boolean> flushScheduled, MultiOutputReceiver out) {
      flushScheduled.clear();
      MemberTimeline timeline = updates.forUpdate(timelineState.read());
      if (timeline == null) {
        return;
      }
      List<MemberTimeline.Row> rows = timeline.flush();
      if (!rows.isEmpty()) {
        rows.forEach(row -> emit(member, row, out));
        timelineState.write(timeline);
      }
    }

    /** Fires once the watermark reaches {@code boundaryMs}. */
    private static void setEventTimer(Timer timer, long boundaryMs) {
      timer.set(new Instant(boundaryMs - 1));
    }

    private void emit(long member, MemberTimeline.Row row, MultiOutputReceiver out) {
      rows.inc();
      out.get(ROWS).output(toProto(member, row));
    }

    @Setup
    public void setup() {
      updates = InPlaceStateUpdates.copyingThrough(timelineCoder);
    }

    @StartBundle
    public void startBundle() {
      updates.bundleEnded();
    }

    @FinishBundle
    public void finishBundle() {
      updates.bundleEnded();
      onTime.flush();
      late.flush();
      tooLate.flush();
      duplicate.flush();
      rows.flush();
      expired.flush();
    }
  }
}
