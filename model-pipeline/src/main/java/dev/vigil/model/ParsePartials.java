package dev.vigil.model;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vigil.platform.deadletter.DeadLetters;
import dev.vigil.platform.metrics.BundleCounter;
import dev.vigil.schemas.ProgressMarkers;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.RawRecord;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/** Decodes filtered-topic records into partials; the filter's progress markers are counted and dropped; anything else becomes a dead letter. */
public final class ParsePartials extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  public static final TupleTag<MemberActivityPartial> PARTIALS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  @Override
  public PCollectionTuple expand(PCollection<RawRecord> input) {
    PCollectionTuple out = input.apply("Decode", ParDo.of(new DecodeFn()).withOutputTags(PARTIALS, TupleTagList.of(DEAD_LETTERS)));
    out.get(PARTIALS).setCoder(ProtoCoder.of(MemberActivityPartial.class));
    out.get(DEAD_LETTERS).setCoder(ProtoCoder.of(DeadLetter.class));
    return out;
  }

  /**
   * Which count of {@code p} is negative, or null. The filter only ever adds events, so a negative count is a foreign
   * or corrupt record; merged, it could bring a tile's count back to zero with its event times still set, which the
   * timeline's coder does not keep, so a checkpoint would change the member's features.
   */
  static String negativeCount(MemberActivityPartial p) {
    if (p.getEventCount() < 0) {
      return "negative event_count " + p.getEventCount();
    }
    for (var c : p.getTypeCountsList()) {
      if (c.getCount() < 0) {
        return "negative count " + c.getCount() + " of type " + c.getType();
      }
    }
    for (var c : p.getUserAgentClassCountsList()) {
      if (c.getCount() < 0) {
        return "negative count " + c.getCount() + " of user-agent class " + c.getUserAgentClass();
      }
    }
    return null;
  }

  static final class DecodeFn extends DoFn<RawRecord, MemberActivityPartial> {
    private final BundleCounter read = new BundleCounter(ModelMetrics.NAMESPACE, ModelMetrics.PARTIALS_READ);
    private final BundleCounter markers = new BundleCounter(ModelMetrics.NAMESPACE, ModelMetrics.PROGRESS_MARKERS_READ);

    @FinishBundle
    public void finishBundle() {
      read.flush();
      markers.flush();
    }

    @ProcessElement
    public void process(@Element RawRecord record, MultiOutputReceiver out) {
      if (ProgressMarkers.isMarker(record.getKey())) {
        markers.inc(); // it has moved the watermark already, in the source
        return;
      }
      try {
        MemberActivityPartial p = MemberActivityPartial.parseFrom(record.getValue());
        if (p.getMemberId() == 0 || p.getWindowEndMs() <= p.getWindowStartMs()) {
          out.get(DEAD_LETTERS).output(DeadLetters.of(record, DeadLetterReason.MISSING_REQUIRED_FIELD,
              "partial needs member_id and a window", "model/ParsePartials"));
          return;
        }
        String negative = negativeCount(p);
        if (negative != null) {
          out.get(DEAD_LETTERS).output(DeadLetters.of(record, DeadLetterReason.INVALID_FIELD, negative, "model/ParsePartials"));
          return;
        }
        read.inc();
        out.get(PARTIALS).output(p);
      } catch (InvalidProtocolBufferException e) {
        out.get(DEAD_LETTERS).output(DeadLetters.of(record, DeadLetterReason.UNPARSEABLE, e.getMessage(), "model/ParsePartials"));
      }
    }
  }
}
