package dev.vigil.schemas;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

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

  /**
   * Every message of a JSON-lines file, in order, blank lines skipped; a line that is not a message is an
   * IllegalArgumentException naming file and line. {@code each} may throw IllegalArgumentException too (its own
   * check of the message); it is reported with the file and line the same way.
   */
  public static <M extends Message> void forEach(Path file, Supplier<? extends Message.Builder> builder, Consumer<M> each) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long lineNumber = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        try {
          @SuppressWarnings("unchecked")
          M message = (M) parse(line, builder.get()).build();
          each.accept(message);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ":" + lineNumber + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
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
