package dev.vigil.platform.deadletter;

import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.RawRecord;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Building dead letters from the records that caused them, and keying them for the dead-letter topic. */
public final class DeadLetters {
  private DeadLetters() {}

  /** A dead letter that carries the original record's bytes and coordinates. */
  public static DeadLetter of(RawRecord source, DeadLetterReason reason, String detail, String rejectedBy) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail(detail)
        .setOriginalValue(source.getValue())
        .setOriginalKey(source.getKey())
        .setSourceTopic(source.getTopic())
        .setSourcePartition(source.getPartition())
        .setSourceOffset(source.getOffset())
        .setSourceTimestampMs(source.getKafkaTimestampMs())
        .setRejectedBy(rejectedBy)
        .setRejectedAtMs(System.currentTimeMillis())
        .build();
  }

  /** A dead letter for a record the job built or decoded itself, whose source coordinates it no longer has. */
  public static DeadLetter ofMessage(byte[] value, DeadLetterReason reason, String detail, String rejectedBy) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail(detail)
        .setOriginalValue(com.google.protobuf.ByteString.copyFrom(value))
        .setRejectedBy(rejectedBy)
        .setRejectedAtMs(System.currentTimeMillis())
        .build();
  }

  /** Keyed by source coordinates ({@code topic-partition@offset}) so a replay can find the original. */
  public static PTransform<PCollection<DeadLetter>, PCollection<KV<byte[], byte[]>>> toKeyedBytes() {
    return new PTransform<>("KeyDeadLetters") {
      @Override
      public PCollection<KV<byte[], byte[]>> expand(PCollection<DeadLetter> input) {
        return input
            .apply("ToKeyedBytes", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptor.of(byte[].class), TypeDescriptor.of(byte[].class)))
                .via((DeadLetter d) -> KV.of(
                    (d.getSourceTopic() + "-" + d.getSourcePartition() + "@" + d.getSourceOffset()).getBytes(StandardCharsets.UTF_8),
                    d.toByteArray())))
            .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()));
      }
    };
  }
}
