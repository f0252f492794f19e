package dev.vigil.core.extract;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.vigil.schemas.v1.ActivityEvent;
import java.io.IOException;

/**
 * Reads only {@code timestamp_ms} from serialized {@link ActivityEvent} bytes, skipping every other field.
 * The Kafka source needs event time for every record before the full parse runs, so this keeps the
 * second decode cheap.
 */
public final class ActivityEventTime {
  private static final int TIMESTAMP_TAG =
      (ActivityEvent.TIMESTAMP_MS_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_VARINT;

  private ActivityEventTime() {}

  /** The event time in epoch millis, or -1 when the bytes are not a valid event or carry no positive time. */
  public static long millisOrMinusOne(byte[] value) {
    if (value == null) {
      return -1;
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(value);
      long found = -1;
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (tag == TIMESTAMP_TAG) {
          found = in.readInt64();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      return found > 0 ? found : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
