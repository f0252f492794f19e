package dev.vigil.model;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.platform.aggregate.MemberActivityAggregateCoder;
import dev.vigil.platform.aggregate.MergeMemberAggregatesFn;
import dev.vigil.platform.window.PaneTimings;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.MemberFeatures;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Merges each member's partials into event-time sliding windows of several lengths and computes the
 * feature vector of every member-window pane.
 *
 * <p>Input elements are partials stamped with their own (short) window's start. Each sliding window
 * fires early on processing time ({@code earlyFiringDelay} after new data, so a fast abuser is scored
 * within seconds; longer windows proportionally later when scaled), on time when the watermark passes its end, and late for every late partial within
 * the allowed lateness. Panes accumulate: each one holds everything the window has seen so far, so the
 * latest pane is the window's complete answer. The output is in the global window, each element naming
 * its member-window in its fields, so that all window lengths flow on as one collection.
 */
public final class ComputeMemberWindowFeatures extends PTransform<PCollection<MemberActivityPartial>, PCollection<MemberFeatures>> {
  private final List<WindowSpec> windows;
  private final Duration earlyFiringDelay;
  private final boolean scaleEarlyFirings;
  private final Duration allowedLateness;

  /** {@code earlyFiringDelay} null disables early firings; every window length uses the same delay. */
  public ComputeMemberWindowFeatures(List<WindowSpec> windows, Duration earlyFiringDelay, Duration allowedLateness) {
    this(windows, earlyFiringDelay, false, allowedLateness);
  }

  /**
   * With {@code scaleEarlyFirings}, a window fires early after {@code earlyFiringDelay} times its length
   * over the shortest length (1m/30s, 10m/1m, 60m/5m: every 2 s, 20 s, 120 s). Every partial lands in
   * length/period overlapping windows of each length, so fixed-delay early panes grow with the sum of those
   * counts; scaling keeps the seconds-latency where it matters (the short window) at a fraction of the panes.
   */
  public ComputeMemberWindowFeatures(List<WindowSpec> windows, Duration earlyFiringDelay, boolean scaleEarlyFirings,
      Duration allowedLateness) {
    this.windows = List.copyOf(windows);
    this.earlyFiringDelay = earlyFiringDelay;
    this.scaleEarlyFirings = scaleEarlyFirings;
    this.allowedLateness = allowedLateness;
  }

  public static ComputeMemberWindowFeatures from(ModelPipelineOptions o) {
    return new ComputeMemberWindowFeatures(WindowSpec.parseList(o.getWindows()), Duration.millis(o.getEarlyFiringDelayMs()),
        o.getScaleEarlyFirings(), Duration.standardSeconds(o.getLateScoreWindowSeconds()));
  }

  /** The early-firing delay of one window length, or null for none. */
  Duration earlyFiringDelay(WindowSpec spec) {
    if (earlyFiringDelay == null || !scaleEarlyFirings) {
      return earlyFiringDelay;
    }
    long shortest = windows.stream().mapToLong(w -> w.length().getMillis()).min().orElseThrow();
    return Duration.millis(earlyFiringDelay.getMillis() * spec.length().getMillis() / shortest);
  }

  @Override
  public PCollection<MemberFeatures> expand(PCollection<MemberActivityPartial> partials) {
    PCollection<KV<Long, MemberActivityAggregate>> byMember = partials
        .apply("KeyByMember", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptor.of(MemberActivityAggregate.class)))
            .via((MemberActivityPartial p) -> KV.of(p.getMemberId(), MemberActivityAggregate.fromPartial(p))))
        .setCoder(KvCoder.of(VarLongCoder.of(), MemberActivityAggregateCoder.of()));
    PCollectionList<MemberFeatures> perWindow = PCollectionList.empty(partials.getPipeline());
    for (WindowSpec spec : windows) {
      String label = spec.label();
      perWindow = perWindow.and(byMember
          .apply("SlidingWindows " + label, Window.<KV<Long, MemberActivityAggregate>>into(
                  SlidingWindows.of(spec.length()).every(spec.period()))
              .triggering(trigger(earlyFiringDelay(spec)))
              .withAllowedLateness(allowedLateness)
              .accumulatingFiredPanes())
          .apply("MergePartials " + label, Combine.perKey(new MergeMemberAggregatesFn()))
          .setCoder(KvCoder.of(VarLongCoder.of(), MemberActivityAggregateCoder.of()))
          .apply("Features " + label, ParDo.of(new FeaturesFn()))
          .setCoder(ProtoCoder.of(MemberFeatures.class))
          // Each element names its window in its fields; the global window lets all lengths flow as one.
          .apply("IntoGlobalWindow " + label, Window.into(new GlobalWindows())));
    }
    return perWindow.apply("AllWindowLengths", Flatten.pCollections());
  }

  private static Trigger trigger(Duration earlyDelay) {
    AfterWatermark.AfterWatermarkEarlyAndLate onTimeAndLate = AfterWatermark.pastEndOfWindow()
        .withLateFirings(AfterPane.elementCountAtLeast(1));
    return earlyDelay == null ? onTimeAndLate
        : onTimeAndLate.withEarlyFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(earlyDelay));
  }

  static final class FeaturesFn extends DoFn<KV<Long, MemberActivityAggregate>, MemberFeatures> {
    private final Counter featurized = Metrics.counter(ModelMetrics.NAMESPACE, ModelMetrics.MEMBER_WINDOWS_FEATURIZED);

    @ProcessElement
    public void process(@Element KV<Long, MemberActivityAggregate> kv, IntervalWindow window, PaneInfo pane,
        OutputReceiver<MemberFeatures> out) {
      featurized.inc();
      long start = window.start().getMillis();
      long end = window.end().getMillis();
      MemberFeatures.Builder b = MemberFeatures.newBuilder()
          .setMemberId(kv.getKey())
          .setWindowStartMs(start)
          .setWindowEndMs(end)
          .setFeatureSchema(MemberFeatureVector.SCHEMA)
          .setLastEventMs(kv.getValue().lastEventMs())
          .setPaneTiming(PaneTimings.of(pane))
          .setPaneIndex(pane.getIndex());
      for (double v : MemberFeatureVector.compute(kv.getValue(), start, end)) {
        b.addValues(v);
      }
      out.output(b.build());
    }
  }
}
