package dev.vigil.schemas;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vigil.schemas.v1.ProgressMarker;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The progress markers of {@code vigil.activity.filtered} ({@link ProgressMarker}): records under one reserved key
 * that no member takes (member keys are decimal ids), so every reader of the topic tells them from partials by
 * the key alone.
 */
public final class ProgressMarkers {
  private static final byte[] KEY_BYTES = "~progress".getBytes(StandardCharsets.UTF_8);
  /** The key of every progress marker. */
  public static final ByteString KEY = ByteString.copyFrom(KEY_BYTES);

  private ProgressMarkers() {}

  /** A fresh copy of {@link #KEY}'s bytes, for a producer record. */
  public static byte[] key() {
    return KEY_BYTES.clone();
  }

  public static boolean isMarker(byte[] key) {
    return key != null && Arrays.equals(key, KEY_BYTES);
  }

  public static boolean isMarker(ByteString key) {
    return KEY.equals(key);
  }

  public static byte[] value(long watermarkMs) {
    return ProgressMarker.newBuilder().setWatermarkMs(watermarkMs).build().toByteArray();
  }

  /** The marker's watermark, or -1 when {@code value} is not a marker's value. */
  public static long watermarkMs(byte[] value) {
    try {
      return value == null ? -1 : ProgressMarker.parseFrom(value).getWatermarkMs();
    } catch (InvalidProtocolBufferException e) {
      return -1;
    }
  }
}
