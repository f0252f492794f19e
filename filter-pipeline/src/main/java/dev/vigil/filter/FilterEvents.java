package dev.vigil.filter;

import dev.vigil.core.extract.ActivityExtractor;
import dev.vigil.core.extract.EventTimeBounds;
import dev.vigil.core.extract.UserAgentClassifier;
import dev.vigil.core.nearline.ActivityFilter;
import dev.vigil.core.rules.FilterDecision;
import dev.vigil.core.rules.FilterRules;
import dev.vigil.platform.deadletter.DeadLetters;
import dev.vigil.platform.metrics.BundleCounter;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.RawRecord;
import java.util.EnumMap;
import java.util.Map;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Raw records to the extracted events the rules keep: parse, event-time bounds, rules and extraction in
 * one step ({@link ActivityFilter}), so a record is decoded once and never copied between steps. Anything
 * the job cannot use becomes a dead letter carrying the original bytes and Kafka coordinates; events the
 * rules drop are counted per rule. Counters are updated once per bundle.
 */
public final class FilterEvents extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  public static final TupleTag<ExtractedActivity> EXTRACTED = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final FilterRules rules;
  private final EventTimeBounds bounds;

  public FilterEvents(FilterRules rules, EventTimeBounds bounds) {
    this.rules = rules;
    this.bounds = bounds;
  }

  @Override
  public PCollectionTuple expand(PCollection<RawRecord> input) {
    PCollectionTuple out = input.apply("ParseFilterExtract", ParDo.of(new FilterFn(rules, bounds))
        .withOutputTags(EXTRACTED, TupleTagList.of(DEAD_LETTERS)));
    out.get(EXTRACTED).setCoder(ProtoCoder.of(ExtractedActivity.class));
    out.get(DEAD_LETTERS).setCoder(ProtoCoder.of(DeadLetter.class));
    return out;
  }

  static final class FilterFn extends DoFn<RawRecord, ExtractedActivity> {
    private static final String REJECTED_BY = "filter/FilterEvents";

    private final FilterRules rules;
    private final EventTimeBounds bounds;
    private transient ActivityFilter filter;
    private transient Map<FilterDecision, BundleCounter> decisions;
    private transient Map<DeadLetterReason, BundleCounter> deadLetters;
    private transient BundleCounter valid;
    private transient BundleCounter extracted;

    FilterFn(FilterRules rules, EventTimeBounds bounds) {
      this.rules = rules;
      this.bounds = bounds;
    }

    @Setup
    public void setup() {
      // The Yauaa analyzer is built once per JVM and shared by every DoFn instance.
      filter = new ActivityFilter(rules, new ActivityExtractor(UserAgentClassifier.shared()), bounds);
      decisions = new EnumMap<>(FilterDecision.class);
      for (FilterDecision d : FilterDecision.values()) {
        decisions.put(d, new BundleCounter(FilterMetrics.NAMESPACE, d.metricName()));
      }
      deadLetters = new EnumMap<>(DeadLetterReason.class);
      for (DeadLetterReason r : DeadLetterReason.values()) {
        if (r != DeadLetterReason.UNRECOGNIZED) {
          deadLetters.put(r, new BundleCounter(FilterMetrics.NAMESPACE, FilterMetrics.deadLetters(r)));
        }
      }
      valid = new BundleCounter(FilterMetrics.NAMESPACE, FilterMetrics.PARSED_VALID);
      extracted = new BundleCounter(FilterMetrics.NAMESPACE, FilterMetrics.EXTRACTED);
    }

    @ProcessElement
    public void process(@Element RawRecord record, MultiOutputReceiver out) {
      ActivityFilter.Outcome outcome = filter.process(record.getHasValue() ? record.getValue().toByteArray() : null,
          record.getKafkaTimestampMs(), System.currentTimeMillis());
      if (outcome instanceof ActivityFilter.Kept k) {
        decisions.get(FilterDecision.KEEP).inc();
        valid.inc();
        extracted.inc();
        out.get(EXTRACTED).output(k.event());
      } else if (outcome instanceof ActivityFilter.Dropped d) {
        decisions.get(d.decision()).inc();
        valid.inc();
      } else if (outcome instanceof ActivityFilter.Rejected r) {
        deadLetters.get(r.reason()).inc();
        out.get(DEAD_LETTERS).output(DeadLetters.of(record, r.reason(), r.detail(), REJECTED_BY));
      }
    }

    @FinishBundle
    public void finishBundle() {
      decisions.values().forEach(BundleCounter::flush);
      deadLetters.values().forEach(BundleCounter::flush);
      valid.flush();
      extracted.flush();
    }
  }
}
