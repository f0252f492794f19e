package dev.vigil.platform.deadletter;

import dev.vigil.schemas.DeadLetterRecords;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.RawRecord;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Dead letters from the records that caused them ({@link DeadLetterRecords}), keyed for the dead-letter topic. */
public final class DeadLetters {
  private DeadLetters() {}

  /** A dead letter that carries the original record's bytes (cut to size) and coordinates. */
  public static DeadLetter of(RawRecord source, DeadLetterReason reason, String detail, String rejectedBy) {
    return DeadLetterRecords.build(source.getKey(), source.getValue(),
        new DeadLetterRecords.Source(source.getTopic(), source.getPartition(), source.getOffset(), source.getKafkaTimestampMs()),
        reason, detail, rejectedBy);
  }

  /** A dead letter for a record the job built or decoded itself, whose source coordinates it no longer has. */
  public static DeadLetter ofMessage(byte[] value, DeadLetterReason reason, String detail, String rejectedBy) {
    return DeadLetterRecords.build(com.google.protobuf.ByteString.EMPTY, com.google.protobuf.ByteString.copyFrom(value),
        DeadLetterRecords.Source.UNKNOWN, reason, detail, rejectedBy);
  }

  /** Keyed by source coordinates ({@code topic-partition@offset}) so a replay can find the original. */
  public static PTransform<PCollection<DeadLetter>, PCollection<KV<byte[], byte[]>>> toKeyedBytes() {
    return new PTransform<>("KeyDeadLetters") {
      @Override
      public PCollection<KV<byte[], byte[]>> expand(PCollection<DeadLetter> input) {
        return input
            .apply("ToKeyedBytes", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptor.of(byte[].class), TypeDescriptor.of(byte[].class)))
                .via((DeadLetter d) -> KV.of(DeadLetterRecords.key(d), d.toByteArray())))
            .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()));
      }
    };
  }
}
