package dev.vigil.model;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.platform.aggregate.MemberActivityAggregateCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/** Merges member aggregates (decoded partials) into one: the long window's activity. */
final class MergeAggregatesFn extends CombineFn<MemberActivityAggregate, MemberActivityAggregate, MemberActivityAggregate> {
  @Override
  public MemberActivityAggregate createAccumulator() {
    return new MemberActivityAggregate();
  }

  @Override
  public MemberActivityAggregate addInput(MemberActivityAggregate acc, MemberActivityAggregate input) {
    return acc.merge(input);
  }

  @Override
  public MemberActivityAggregate mergeAccumulators(Iterable<MemberActivityAggregate> accumulators) {
    MemberActivityAggregate merged = new MemberActivityAggregate();
    for (MemberActivityAggregate a : accumulators) {
      merged.merge(a);
    }
    return merged;
  }

  @Override
  public MemberActivityAggregate extractOutput(MemberActivityAggregate acc) {
    return acc;
  }

  @Override
  public Coder<MemberActivityAggregate> getAccumulatorCoder(CoderRegistry registry, Coder<MemberActivityAggregate> inputCoder) {
    return MemberActivityAggregateCoder.of();
  }

  @Override
  public Coder<MemberActivityAggregate> getDefaultOutputCoder(CoderRegistry registry, Coder<MemberActivityAggregate> inputCoder) {
    return MemberActivityAggregateCoder.of();
  }
}
