package dev.vigil.loadtest.jmh;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.nearline.ActivityFilter;
import dev.vigil.core.nearline.OnTimeRows;
import dev.vigil.core.nearline.ShortWindowAggregator;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The microbenchmarks' inputs, from the synthetic generator with fixed seeds (the same traffic in every fork and
 * run): raw events, what the filter keeps of them, and the 5 s partials the filter job would emit.
 */
final class HotPathData {
  /** Elements per benchmark invocation where a benchmark processes a batch (its {@code @OperationsPerInvocation}). */
  static final int BATCH = 1024;
  static final long SEED = 7;
  static final int MEMBERS = 2_000;
  static final double ABUSIVE_FRACTION = 0.01;
  /** The start of event time: a whole hour, so windows and tiles line up as in the jobs. */
  static final long START_MS = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 3_600_000L);
  /** The model job's default windows. */
  static final String WINDOWS = "1m/30s,10m/1m,60m/5m";

  private HotPathData() {}

  /** {@code count} raw events, 1 ms of event time apart (1,000 events/s). */
  static List<ActivityEvent> events(int count) {
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(SEED, MEMBERS, ABUSIVE_FRACTION);
    List<ActivityEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(generator.next(START_MS + i));
    }
    return events;
  }

  /** What the filter step keeps of {@code events}, in order. */
  static List<ExtractedActivity> kept(List<ActivityEvent> events) {
    ActivityFilter filter = ActivityFilter.withDefaults();
    List<ExtractedActivity> kept = new ArrayList<>(events.size());
    for (ActivityEvent e : events) {
      ExtractedActivity x = filter.apply(e);
      if (x != null) {
        kept.add(x);
      }
    }
    return kept;
  }

  /** The filter job's 5 s partials of {@code count} events, oldest window first. */
  static List<MemberActivityPartial> partials(int count) {
    ShortWindowAggregator windows = new ShortWindowAggregator(OnTimeRows.FILTER_WINDOW_MS, MemberActivityAggregate.DEFAULT_SKETCH_K);
    kept(events(count)).forEach(windows::add);
    List<MemberActivityPartial> partials = new ArrayList<>(windows.closeAll());
    partials.sort(Comparator.comparingLong(MemberActivityPartial::getWindowStartMs));
    return partials;
  }

  /** The first {@code n} of {@code list}, cycling through it when it is shorter. */
  static <T> List<T> cycle(List<T> list, int n) {
    if (list.isEmpty()) {
      throw new IllegalStateException("no input generated");
    }
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(list.get(i % list.size()));
    }
    return out;
  }
}
