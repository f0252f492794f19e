package dev.vigil.filter;

import dev.vigil.core.rules.FilterRules;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.RawRecord;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The whole filter step, source- and sink-free: raw records in; member partials and dead letters out.
 * {@link FilterPipeline} wires it to Kafka, tests to in-memory data, the replay tools to archives.
 */
public final class FilterActivity extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  public static final TupleTag<MemberActivityPartial> PARTIALS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final FilterRules rules;
  private final PreAggregateMemberActivity preAggregate;

  public FilterActivity(FilterRules rules, PreAggregateMemberActivity preAggregate) {
    this.rules = rules;
    this.preAggregate = preAggregate;
  }

  @Override
  public PCollectionTuple expand(PCollection<RawRecord> raw) {
    PCollectionTuple parsed = raw.apply("ParseActivity", new ParseActivity());
    PCollectionTuple extracted = parsed.get(ParseActivity.EVENTS)
        .apply("ApplyFilterRules", new ApplyFilterRules(rules))
        .apply("ExtractFields", new ExtractActivityFields());
    PCollection<MemberActivityPartial> partials = extracted.get(ExtractActivityFields.EXTRACTED)
        .apply("PreAggregatePerMember", preAggregate);
    PCollection<DeadLetter> deadLetters = PCollectionList
        .of(parsed.get(ParseActivity.DEAD_LETTERS))
        .and(extracted.get(ExtractActivityFields.DEAD_LETTERS))
        .apply("CollectDeadLetters", Flatten.pCollections())
        .setCoder(ProtoCoder.of(DeadLetter.class));
    return PCollectionTuple.of(PARTIALS, partials).and(DEAD_LETTERS, deadLetters);
  }
}
