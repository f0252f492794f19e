package dev.vigil.filter;

import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.RawRecord;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The whole filter step, source- and sink-free: raw records in; member partials and dead letters out.
 * {@link FilterPipeline} wires it to Kafka, tests to in-memory data, the replay tools to archives.
 */
public final class FilterActivity extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  public static final TupleTag<MemberActivityPartial> PARTIALS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final FilterEvents filterEvents;
  private final PreAggregateMemberActivity preAggregate;

  public FilterActivity(FilterEvents filterEvents, PreAggregateMemberActivity preAggregate) {
    this.filterEvents = filterEvents;
    this.preAggregate = preAggregate;
  }

  @Override
  public PCollectionTuple expand(PCollection<RawRecord> raw) {
    PCollectionTuple events = raw.apply("FilterEvents", filterEvents);
    PCollection<MemberActivityPartial> partials = events.get(FilterEvents.EXTRACTED)
        .apply("PreAggregatePerMember", preAggregate);
    return PCollectionTuple.of(PARTIALS, partials).and(DEAD_LETTERS, events.get(FilterEvents.DEAD_LETTERS));
  }
}
