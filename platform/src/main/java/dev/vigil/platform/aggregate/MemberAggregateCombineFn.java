package dev.vigil.platform.aggregate;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * Combines inputs of one member into a {@link MemberActivityAggregate}: what subclasses differ in is
 * only how one input is added. Liftable before the shuffle (merge is associative and commutative).
 */
public abstract class MemberAggregateCombineFn<InputT> extends CombineFn<InputT, MemberActivityAggregate, MemberActivityAggregate> {
  private static final long serialVersionUID = 1L;
  private final int sketchK;

  protected MemberAggregateCombineFn(int sketchK) {
    this.sketchK = sketchK;
  }

  @Override
  public MemberActivityAggregate createAccumulator() {
    return new MemberActivityAggregate(sketchK);
  }

  @Override
  public MemberActivityAggregate mergeAccumulators(Iterable<MemberActivityAggregate> accumulators) {
    MemberActivityAggregate merged = new MemberActivityAggregate(sketchK);
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
  public Coder<MemberActivityAggregate> getAccumulatorCoder(CoderRegistry registry, Coder<InputT> inputCoder) {
    return MemberActivityAggregateCoder.of();
  }

  @Override
  public Coder<MemberActivityAggregate> getDefaultOutputCoder(CoderRegistry registry, Coder<InputT> inputCoder) {
    return MemberActivityAggregateCoder.of();
  }
}
