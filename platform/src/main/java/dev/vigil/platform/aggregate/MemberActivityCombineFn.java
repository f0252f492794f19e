package dev.vigil.platform.aggregate;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.schemas.v1.ExtractedActivity;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * Folds one member's extracted events into a {@link MemberActivityAggregate} with sketches of size
 * {@code sketchK}. Liftable before the shuffle (merge is associative and commutative).
 */
public final class MemberActivityCombineFn extends CombineFn<ExtractedActivity, MemberActivityAggregate, MemberActivityAggregate> {
  private static final long serialVersionUID = 1L;
  private final int sketchK;

  public MemberActivityCombineFn(int sketchK) {
    this.sketchK = sketchK;
  }

  @Override
  public MemberActivityAggregate createAccumulator() {
    return new MemberActivityAggregate(sketchK);
  }

  @Override
  public MemberActivityAggregate addInput(MemberActivityAggregate acc, ExtractedActivity input) {
    return acc.add(input);
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
  public Coder<MemberActivityAggregate> getAccumulatorCoder(CoderRegistry registry, Coder<ExtractedActivity> inputCoder) {
    return MemberActivityAggregateCoder.of();
  }

  @Override
  public Coder<MemberActivityAggregate> getDefaultOutputCoder(CoderRegistry registry, Coder<ExtractedActivity> inputCoder) {
    return MemberActivityAggregateCoder.of();
  }
}
