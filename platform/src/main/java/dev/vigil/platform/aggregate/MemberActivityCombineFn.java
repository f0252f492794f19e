package dev.vigil.platform.aggregate;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.schemas.v1.ExtractedActivity;

/** Folds one member's extracted events into a {@link MemberActivityAggregate}. */
public final class MemberActivityCombineFn extends MemberAggregateCombineFn<ExtractedActivity> {
  private static final long serialVersionUID = 1L;

  public MemberActivityCombineFn(int sketchK) {
    super(sketchK);
  }

  @Override
  public MemberActivityAggregate addInput(MemberActivityAggregate acc, ExtractedActivity input) {
    return acc.add(input);
  }
}
