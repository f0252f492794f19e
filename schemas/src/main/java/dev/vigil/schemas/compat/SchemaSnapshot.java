package dev.vigil.schemas.compat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wire-relevant shape of a set of proto files: messages, fields by number, enums, enum values by
 * number. Serialises to a sorted, line-per-element text form that is committed as the baseline, so a
 * reviewer sees every contract change as a readable diff.
 */
public final class SchemaSnapshot {
  /** Keyed by element ("message vigil.v1.X", "field vigil.v1.X 3"); value is what must not change. */
  private final TreeMap<String, String> elements;

  private SchemaSnapshot(TreeMap<String, String> elements) {
    this.elements = elements;
  }

  public static SchemaSnapshot of(Collection<FileDescriptor> files) {
    TreeMap<String, String> elements = new TreeMap<>();
    for (FileDescriptor file : files) {
      for (Descriptor message : file.getMessageTypes()) {
        addMessage(elements, message);
      }
      for (EnumDescriptor e : file.getEnumTypes()) {
        addEnum(elements, e);
      }
    }
    return new SchemaSnapshot(elements);
  }

  private static void addMessage(Map<String, String> out, Descriptor message) {
    out.put("message " + message.getFullName(), "");
    for (FieldDescriptor field : message.getFields()) {
      String type = field.getType().name();
      if (field.getType() == FieldDescriptor.Type.MESSAGE) {
        type += ":" + field.getMessageType().getFullName();
      } else if (field.getType() == FieldDescriptor.Type.ENUM) {
        type += ":" + field.getEnumType().getFullName();
      }
      String label = field.isRepeated() ? "repeated" : "singular";
      out.put("field " + message.getFullName() + " " + field.getNumber(), field.getName() + " " + type + " " + label);
    }
    for (Descriptor nested : message.getNestedTypes()) {
      addMessage(out, nested);
    }
    for (EnumDescriptor nested : message.getEnumTypes()) {
      addEnum(out, nested);
    }
  }

  private static void addEnum(Map<String, String> out, EnumDescriptor e) {
    out.put("enum " + e.getFullName(), "");
    for (EnumValueDescriptor value : e.getValues()) {
      out.put("value " + e.getFullName() + " " + value.getNumber(), value.getName());
    }
  }

  /** Parses the committed text form. */
  public static SchemaSnapshot parse(List<String> lines) {
    TreeMap<String, String> elements = new TreeMap<>();
    int lineNumber = 0;
    for (String raw : lines) {
      lineNumber++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(" ", 4);
      int keyParts = parts[0].equals("field") || parts[0].equals("value") ? 3 : 2;
      if (parts.length < keyParts) {
        throw new IllegalArgumentException("baseline line " + lineNumber + " is malformed: " + line);
      }
      String key = String.join(" ", List.of(parts).subList(0, keyParts));
      String value = parts.length > keyParts ? parts[keyParts] : "";
      elements.put(key, value);
    }
    return new SchemaSnapshot(elements);
  }

  public List<String> toLines() {
    List<String> lines = new ArrayList<>();
    lines.add("# vigil.v1 compatibility baseline. Generated; update deliberately with");
    lines.add("#   mvn -pl schemas process-classes -Dvigil.updateSchemaBaseline=true");
    elements.forEach((k, v) -> lines.add(v.isEmpty() ? k : k + " " + v));
    return lines;
  }

  /** Breaking differences from {@code baseline} to this snapshot: removals and changes. */
  public List<String> breakingChangesSince(SchemaSnapshot baseline) {
    List<String> problems = new ArrayList<>();
    baseline.elements.forEach((key, was) -> {
      String now = elements.get(key);
      if (now == null) {
        problems.add(key + (was.isEmpty() ? "" : " (" + was + ")") + " was removed");
      } else if (!now.equals(was)) {
        problems.add(key + " changed from '" + was + "' to '" + now + "'");
      }
    });
    return problems;
  }

  /** Elements present here but not in {@code baseline}: compatible, but not yet protected. */
  public List<String> additionsSince(SchemaSnapshot baseline) {
    List<String> added = new ArrayList<>();
    elements.keySet().stream().filter(k -> !baseline.elements.containsKey(k)).forEach(added::add);
    return added;
  }
}
