package dev.vigil.platform.aggregate;

import dev.vigil.core.aggregate.MemberActivityAggregate;

/** Merges one member's aggregates (decoded partials of short windows) into the aggregate of a long window. */
public final class MergeMemberAggregatesFn extends MemberAggregateCombineFn<MemberActivityAggregate> {
  private static final long serialVersionUID = 1L;

  public MergeMemberAggregatesFn() {
    super(MemberActivityAggregate.DEFAULT_SKETCH_K);
  }

  @Override
  public MemberActivityAggregate addInput(MemberActivityAggregate acc, MemberActivityAggregate input) {
    return acc.merge(input);
  }
}
