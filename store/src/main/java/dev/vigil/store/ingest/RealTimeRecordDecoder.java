package dev.vigil.store.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vigil.schemas.MemberRecordKeys;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.DeadLetterReason;

/**
 * What one real-time record means for the store: an upsert (key = member id as a decimal string, value =
 * {@code AbuseScore} bytes for the same member), a delete (tombstone), or a rejection with a reason.
 */
public final class RealTimeRecordDecoder {
  private RealTimeRecordDecoder() {}

  /** The outcome for one record. Exactly one of the three shapes. */
  public sealed interface Decoded permits Upsert, Delete, Rejected {}

  /** {@code abuseScore} as produced, with the times that order it against the stored verdict. */
  public record Upsert(long memberId, byte[] abuseScore, long eventTimeMs, long processingTimeMs) implements Decoded {}

  public record Delete(long memberId) implements Decoded {}

  public record Rejected(DeadLetterReason reason, String detail) implements Decoded {}

  public static Decoded decode(byte[] key, byte[] value) {
    if (key == null) {
      return new Rejected(DeadLetterReason.MISSING_REQUIRED_FIELD, "record has no key (expected the member id)");
    }
    long memberId;
    try {
      memberId = MemberRecordKeys.decode(key);
    } catch (IllegalArgumentException e) {
      return new Rejected(DeadLetterReason.INVALID_FIELD, "key: " + e.getMessage());
    }
    if (value == null) {
      return new Delete(memberId);
    }
    AbuseScore score;
    try {
      score = AbuseScore.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      return new Rejected(DeadLetterReason.UNPARSEABLE, "value is not an AbuseScore: " + e.getMessage());
    }
    if (score.getMemberId() != memberId) {
      return new Rejected(DeadLetterReason.INVALID_FIELD,
          "key member id " + memberId + " differs from the value's member_id " + score.getMemberId());
    }
    return new Upsert(memberId, value, score.getEventTimeMs(), score.getProcessingTimeMs());
  }
}
