package dev.vigil.schemas;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * The JSON-lines form of every Vigil message written to files (offline scores, replay verdicts, dead
 * letters, labels): proto3 JSON, one message per line, field names in lowerCamelCase, bytes as base64.
 * Readers ignore fields they do not know, so files stay readable across schema versions.
 */
public final class JsonLines {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private JsonLines() {}

  public static String print(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType().getName() + " as JSON", e);
    }
  }

  /** Merges one line into {@code builder}; throws IllegalArgumentException with the parser's reason. */
  public static <B extends Message.Builder> B parse(String line, B builder) {
    try {
      PARSER.merge(line, builder);
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid " + builder.getDescriptorForType().getName() + " JSON line: " + e.getMessage(), e);
    }
  }
}
