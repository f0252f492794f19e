package dev.vigil.core.extract;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.EventType;

/** Decodes raw record values into {@link ActivityEvent}s and enforces the required fields. */
public final class ActivityParser {
  private ActivityParser() {}

  public static ParsedActivity parse(byte[] value) {
    if (value == null) {
      return new ParsedActivity.Rejected(DeadLetterReason.UNPARSEABLE, "record has no value (tombstone)");
    }
    ActivityEvent event;
    try {
      event = ActivityEvent.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      return new ParsedActivity.Rejected(DeadLetterReason.UNPARSEABLE,
          "not a vigil.v1.ActivityEvent: " + e.getMessage());
    }
    return validate(event);
  }

  public static ParsedActivity validate(ActivityEvent event) {
    if (event.getMemberId() == 0) {
      return missing("member_id");
    }
    if (event.getMemberId() < 0) {
      return invalid("member_id must be positive, got " + event.getMemberId());
    }
    if (event.getType() == EventType.UNRECOGNIZED) {
      return invalid("type " + event.getTypeValue() + " is not a known EventType");
    }
    if (event.getType() == EventType.EVENT_TYPE_UNSPECIFIED) {
      return missing("type");
    }
    if (event.getTimestampMs() == 0) {
      return missing("timestamp_ms");
    }
    if (event.getTimestampMs() < 0) {
      return invalid("timestamp_ms must be positive, got " + event.getTimestampMs());
    }
    return new ParsedActivity.Valid(event);
  }

  private static ParsedActivity missing(String field) {
    return new ParsedActivity.Rejected(DeadLetterReason.MISSING_REQUIRED_FIELD, "required field " + field + " is missing");
  }

  private static ParsedActivity invalid(String detail) {
    return new ParsedActivity.Rejected(DeadLetterReason.INVALID_FIELD, detail);
  }
}
