package dev.vigil.filter;

import dev.vigil.core.extract.ActivityParser;
import dev.vigil.core.extract.ParsedActivity;
import dev.vigil.platform.deadletter.DeadLetters;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.RawRecord;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/** Decodes raw records into valid {@link ActivityEvent}s; everything else becomes a dead letter. */
public final class ParseActivity extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  public static final TupleTag<ActivityEvent> EVENTS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  @Override
  public PCollectionTuple expand(PCollection<RawRecord> input) {
    PCollectionTuple out = input.apply("Decode", ParDo.of(new ParseFn())
        .withOutputTags(EVENTS, TupleTagList.of(DEAD_LETTERS)));
    out.get(EVENTS).setCoder(ProtoCoder.of(ActivityEvent.class));
    out.get(DEAD_LETTERS).setCoder(ProtoCoder.of(DeadLetter.class));
    return out;
  }

  static final class ParseFn extends DoFn<RawRecord, ActivityEvent> {
    private final Counter valid = Metrics.counter(FilterMetrics.NAMESPACE, FilterMetrics.PARSED_VALID);

    @ProcessElement
    public void process(@Element RawRecord record, MultiOutputReceiver out) {
      ParsedActivity parsed = ActivityParser.parse(record.getHasValue() ? record.getValue().toByteArray() : null);
      if (parsed instanceof ParsedActivity.Valid v) {
        valid.inc();
        out.get(EVENTS).output(v.event());
      } else if (parsed instanceof ParsedActivity.Rejected r) {
        Metrics.counter(FilterMetrics.NAMESPACE, FilterMetrics.deadLetters(r.reason())).inc();
        out.get(DEAD_LETTERS).output(DeadLetters.of(record, r.reason(), r.detail(), "filter/ParseActivity"));
      }
    }
  }
}
