package dev.vigil.schemas;

import com.google.protobuf.ByteString;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import java.nio.charset.StandardCharsets;

/**
 * Building {@code vigil.deadletter} records, for every job and the store alike: the reason, the original
 * key and value, and where the original came from. A dead letter always fits in one producer request:
 * an original value beyond {@link #MAX_ORIGINAL_VALUE_BYTES} is cut to that size, its full size recorded
 * in {@code original_value_size} and the cut said in the detail (a 1 MB garbage record must not make the
 * dead-letter write fail and stop the job).
 */
public final class DeadLetterRecords {
  /** Kafka's default {@code max.request.size} is 1 MiB; half of it leaves room for the key and envelope. */
  public static final int MAX_ORIGINAL_VALUE_BYTES = 512 * 1024;
  public static final int MAX_ORIGINAL_KEY_BYTES = 16 * 1024;
  public static final int MAX_DETAIL_CHARS = 4 * 1024;

  /** Where the original record was read; {@link #UNKNOWN} for records a job built itself. */
  public record Source(String topic, int partition, long offset, long timestampMs) {
    public static final Source UNKNOWN = new Source("", 0, 0, 0);
  }

  private DeadLetterRecords() {}

  public static DeadLetter build(ByteString originalKey, ByteString originalValue, Source source, DeadLetterReason reason,
      String detail, String rejectedBy) {
    StringBuilder fullDetail = new StringBuilder(detail.length() > MAX_DETAIL_CHARS
        ? detail.substring(0, MAX_DETAIL_CHARS) + "..." : detail);
    DeadLetter.Builder b = DeadLetter.newBuilder()
        .setReason(reason)
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setSourceTimestampMs(source.timestampMs())
        .setRejectedBy(rejectedBy)
        .setRejectedAtMs(System.currentTimeMillis());
    if (originalValue.size() > MAX_ORIGINAL_VALUE_BYTES) {
      b.setOriginalValue(originalValue.substring(0, MAX_ORIGINAL_VALUE_BYTES)).setOriginalValueSize(originalValue.size());
      fullDetail.append(" [original value cut to ").append(MAX_ORIGINAL_VALUE_BYTES).append(" of ").append(originalValue.size())
          .append(" bytes]");
    } else {
      b.setOriginalValue(originalValue);
    }
    if (originalKey.size() > MAX_ORIGINAL_KEY_BYTES) {
      b.setOriginalKey(originalKey.substring(0, MAX_ORIGINAL_KEY_BYTES));
      fullDetail.append(" [original key cut to ").append(MAX_ORIGINAL_KEY_BYTES).append(" of ").append(originalKey.size())
          .append(" bytes]");
    } else {
      b.setOriginalKey(originalKey);
    }
    return b.setDetail(fullDetail.toString()).build();
  }

  public static DeadLetter build(byte[] originalKey, byte[] originalValue, Source source, DeadLetterReason reason,
      String detail, String rejectedBy) {
    return build(originalKey == null ? ByteString.EMPTY : ByteString.copyFrom(originalKey),
        originalValue == null ? ByteString.EMPTY : ByteString.copyFrom(originalValue), source, reason, detail, rejectedBy);
  }

  /** The dead-letter topic's key: the original's coordinates, {@code topic-partition@offset}, so a replay can find it. */
  public static byte[] key(DeadLetter letter) {
    return (letter.getSourceTopic() + "-" + letter.getSourcePartition() + "@" + letter.getSourceOffset()).getBytes(StandardCharsets.UTF_8);
  }
}
