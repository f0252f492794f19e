package dev.vigil.store.push;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.vigil.schemas.JsonLines;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Why a line of push input is not a message, said without quoting the line. A push may be pointed at a
 * file its requester should not be able to read through the store, and push errors travel back over HTTP,
 * so the reason names a column, a JSON type or a schema field, never the text (the protobuf and Jackson
 * parsers' own messages quote it).
 */
final class RowProblem {
  private static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private RowProblem() {}

  /** Called once {@code line} failed to parse into {@code builder}'s message type. */
  static String of(String line, Supplier<? extends Message.Builder> builder) {
    if (line.indexOf('\uFFFD') >= 0) {
      return "not UTF-8 text";
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return "not JSON" + (at == null || at.getColumnNr() < 1 ? "" : " (syntax error at column " + at.getColumnNr() + ")");
    }
    Descriptor type = builder.get().getDescriptorForType();
    if (!tree.isObject()) {
      return "a JSON " + tree.getNodeType().name().toLowerCase(Locale.ROOT) + ", not an object";
    }
    // Parse field by field: the first one that fails alone is the culprit. Unknown fields are ignored by the
    // reader, so only schema fields can fail, and their schema names are what the message carries.
    for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      FieldDescriptor field = fieldNamed(type, name);
      if (field == null) {
        continue;
      }
      ObjectNode alone = JSON.createObjectNode().set(name, tree.get(name));
      try {
        JsonLines.parse(alone.toString(), builder.get());
      } catch (IllegalArgumentException e) {
        return "field " + field.getJsonName() + " is not " + expected(field);
      }
    }
    // Every field parses alone, yet the object does not: the reader refuses a field given twice.
    return "a field is given twice (under one name, or under both its JSON and proto names)";
  }

  private static FieldDescriptor fieldNamed(Descriptor type, String name) {
    return type.getFields().stream().filter(f -> f.getJsonName().equals(name) || f.getName().equals(name)).findFirst().orElse(null);
  }

  private static String expected(FieldDescriptor field) {
    if (field.isRepeated()) {
      return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          ? "a list of " + field.getMessageType().getName() + " objects"
          : "a list, each item " + single(field);
    }
    return single(field);
  }

  private static String single(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case INT, LONG -> "an integer";
      case FLOAT, DOUBLE -> "a number";
      case BOOLEAN -> "true or false";
      case STRING -> "a string";
      case BYTE_STRING -> "base64 text";
      case ENUM -> "one of " + field.getEnumType().getValues().stream().map(EnumValueDescriptor::getName)
          .collect(Collectors.joining(", "));
      case MESSAGE -> "a " + field.getMessageType().getName() + " object";
    };
  }
}
