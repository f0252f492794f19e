package dev.vigil.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vigil.schemas.Verdicts;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.Reason;
import dev.vigil.store.client.StoredScore;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a store keeps per member: when it was written (8 bytes) followed by the {@code AbuseScore} bytes
 * exactly as the model pipeline produced them, so nothing is re-encoded on the write path.
 */
public final class StoredValues {
  private StoredValues() {}

  public static byte[] encode(long updatedAtMs, byte[] abuseScore) {
    return ByteBuffer.allocate(8 + abuseScore.length).putLong(updatedAtMs).put(abuseScore).array();
  }

  public static long updatedAtMs(byte[] stored) {
    return ByteBuffer.wrap(stored, 0, 8).getLong();
  }

  public static AbuseScore score(byte[] stored) {
    try {
      return AbuseScore.parseFrom(ByteBuffer.wrap(stored, 8, stored.length - 8));
    } catch (InvalidProtocolBufferException e) {
      // Values are validated before they are written, so this is corruption, not bad input.
      throw new IllegalStateException("stored value is not an AbuseScore: " + e.getMessage(), e);
    }
  }

  /** Whether a verdict with these times replaces the stored one (see {@link Verdicts}). */
  public static boolean isSupersededBy(byte[] stored, long eventTimeMs, long processingTimeMs) {
    AbuseScore current = score(stored);
    return Verdicts.supersedes(eventTimeMs, processingTimeMs, current.getEventTimeMs(), current.getProcessingTimeMs());
  }

  /** Whether stored value {@code candidate} replaces stored value {@code current}. */
  public static boolean supersedes(byte[] candidate, byte[] current) {
    return Verdicts.supersedes(score(candidate), score(current));
  }

  /** The API's view of a stored value. */
  public static StoredScore toApi(byte[] stored) {
    AbuseScore s = score(stored);
    long updatedAt = updatedAtMs(stored);
    List<StoredScore.Reason> reasons = new ArrayList<>(s.getReasonsCount());
    for (Reason r : s.getReasonsList()) {
      reasons.add(new StoredScore.Reason(r.getCode(), r.getFeature(), r.getValue(), r.getContribution()));
    }
    return new StoredScore(s.getMemberId(), s.getScore(), s.getAction().name(), reasons, s.getModelName(),
        s.getModelVersion(), s.getWindowStartMs(), s.getWindowEndMs(), s.getEventTimeMs(), updatedAt,
        Instant.ofEpochMilli(updatedAt).toString());
  }
}
