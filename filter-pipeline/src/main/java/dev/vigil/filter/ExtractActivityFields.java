package dev.vigil.filter;

import com.google.protobuf.ByteString;
import dev.vigil.core.extract.ActivityExtractor;
import dev.vigil.core.extract.UserAgentClassifier;
import dev.vigil.platform.deadletter.DeadLetters;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.ExtractedActivity;
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

/**
 * Reduces events to the fields abuse features need (user-agent class, network prefix, hashes). An event
 * that makes extraction throw is dead-lettered with its bytes instead of failing the job.
 */
public final class ExtractActivityFields extends PTransform<PCollection<ActivityEvent>, PCollectionTuple> {
  public static final TupleTag<ExtractedActivity> EXTRACTED = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  @Override
  public PCollectionTuple expand(PCollection<ActivityEvent> input) {
    PCollectionTuple out = input.apply("Extract", ParDo.of(new ExtractFn())
        .withOutputTags(EXTRACTED, TupleTagList.of(DEAD_LETTERS)));
    out.get(EXTRACTED).setCoder(ProtoCoder.of(ExtractedActivity.class));
    out.get(DEAD_LETTERS).setCoder(ProtoCoder.of(DeadLetter.class));
    return out;
  }

  static final class ExtractFn extends DoFn<ActivityEvent, ExtractedActivity> {
    private final Counter extracted = Metrics.counter(FilterMetrics.NAMESPACE, FilterMetrics.EXTRACTED);
    private final Counter failed =
        Metrics.counter(FilterMetrics.NAMESPACE, FilterMetrics.deadLetters(DeadLetterReason.PROCESSING_ERROR));
    private transient ActivityExtractor extractor;

    @Setup
    public void setup() {
      // The Yauaa analyzer is built once per JVM and shared by every DoFn instance.
      extractor = new ActivityExtractor(UserAgentClassifier.shared());
    }

    @ProcessElement
    public void process(@Element ActivityEvent event, MultiOutputReceiver out) {
      try {
        out.get(EXTRACTED).output(extractor.extract(event));
        extracted.inc();
      } catch (RuntimeException e) {
        failed.inc();
        RawRecord source = RawRecord.newBuilder().setValue(ByteString.copyFrom(event.toByteArray())).setHasValue(true).build();
        out.get(DEAD_LETTERS).output(DeadLetters.of(source, DeadLetterReason.PROCESSING_ERROR,
            e.getClass().getSimpleName() + ": " + e.getMessage(), "filter/ExtractActivityFields"));
      }
    }
  }
}
