package dev.vigil.loadtest.jmh;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Member activity aggregates ({@link MemberActivityAggregate}): the filter job adds each kept event to its
 * member's 5 s aggregate; the model job decodes each partial and merges it into its member's tiles. Inputs are
 * grouped by member (a new aggregate at each change of member), {@link HotPathData#BATCH} per invocation;
 * one operation = one event added or one partial merged.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark) // inputs are read only; every invocation builds its own aggregates
public class AggregateBenchmarks {
  private ExtractedActivity[] kept;
  private MemberActivityPartial[] partials;
  private MemberActivityAggregate[] decoded;

  @Setup
  public void setUp() {
    List<ExtractedActivity> events = new ArrayList<>(HotPathData.kept(HotPathData.events(20 * HotPathData.BATCH)));
    events.sort(Comparator.comparingLong(ExtractedActivity::getMemberId).thenComparingLong(ExtractedActivity::getTimestampMs));
    kept = HotPathData.cycle(events, HotPathData.BATCH).toArray(new ExtractedActivity[0]);

    List<MemberActivityPartial> all = new ArrayList<>(HotPathData.partials(30 * HotPathData.BATCH));
    all.sort(Comparator.comparingLong(MemberActivityPartial::getMemberId).thenComparingLong(MemberActivityPartial::getWindowStartMs));
    partials = HotPathData.cycle(all, HotPathData.BATCH).toArray(new MemberActivityPartial[0]);
    decoded = new MemberActivityAggregate[partials.length];
    for (int i = 0; i < partials.length; i++) {
      decoded[i] = MemberActivityAggregate.fromPartial(partials[i]);
    }
  }

  /** One kept event into its member's aggregate (the filter job's pre-aggregation). */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void add(Blackhole bh) {
    MemberActivityAggregate current = null;
    for (ExtractedActivity e : kept) {
      if (current == null || current.memberId() != e.getMemberId()) {
        bh.consume(current);
        current = new MemberActivityAggregate(MemberActivityAggregate.DEFAULT_SKETCH_K);
      }
      current.add(e);
    }
    bh.consume(current);
  }

  /** One decoded partial merged into its member's aggregate (counts and four distinct-count sketches). */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void merge(Blackhole bh) {
    MemberActivityAggregate target = null;
    for (MemberActivityAggregate a : decoded) {
      if (target == null || target.memberId() != a.memberId()) {
        bh.consume(target);
        target = MemberActivityAggregate.mergeTarget();
      }
      target.merge(a);
    }
    bh.consume(target);
  }

  /** The model job's path for one partial: decode it ({@code fromPartial}) and merge it. */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void decodeAndMerge(Blackhole bh) {
    MemberActivityAggregate target = null;
    for (MemberActivityPartial p : partials) {
      if (target == null || target.memberId() != p.getMemberId()) {
        bh.consume(target);
        target = MemberActivityAggregate.mergeTarget();
      }
      target.merge(MemberActivityAggregate.fromPartial(p));
    }
    bh.consume(target);
  }
}
