package dev.vigil.core.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.schemas.v1.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and validates filter rules from YAML. Every problem is reported with the file and the key, so a
 * job refuses to start on a typo instead of silently filtering the wrong traffic.
 *
 * <pre>
 * relevantEventTypes: [PROFILE_VIEW, LOGIN_FAILURE, ...]   # required, at least one
 * internalTraffic:
 *   ipRanges: [10.0.0.0/8, fd00::/8]                      # CIDR; dropped as internal
 *   userAgentContains: [VigilHealthCheck/]                # substring; dropped as internal
 * allowlistedMembers: [42]                                # never scored
 * </pre>
 */
public final class FilterRulesLoader {
  /** The rules used when a job is given none. */
  public static final String DEFAULT_RULES_RESOURCE = "/dev/vigil/core/rules/default-filter-rules.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private FilterRulesLoader() {}

  /** Schema of the file; kept private so the YAML shape can change without touching callers. */
  private record RulesFile(
      @JsonProperty("relevantEventTypes") List<String> relevantEventTypes,
      @JsonProperty("internalTraffic") InternalTraffic internalTraffic,
      @JsonProperty("allowlistedMembers") List<Long> allowlistedMembers) {}

  private record InternalTraffic(
      @JsonProperty("ipRanges") List<String> ipRanges,
      @JsonProperty("userAgentContains") List<String> userAgentContains) {}

  public static FilterRules load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new FilterRulesException("rules file " + file + " does not exist");
    } catch (IOException e) {
      throw new FilterRulesException("rules file " + file + " cannot be read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  public static FilterRules loadDefault() {
    try (InputStream in = FilterRulesLoader.class.getResourceAsStream(DEFAULT_RULES_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("default rules resource missing: " + DEFAULT_RULES_RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default rules");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses YAML text; {@code source} names it in error messages. */
  public static FilterRules parse(String yaml, String source) {
    if (yaml.isBlank()) {
      throw new FilterRulesException(source + ": is empty; 'relevantEventTypes' is required");
    }
    RulesFile file;
    try {
      file = YAML.readValue(yaml, RulesFile.class);
    } catch (UnrecognizedPropertyException e) {
      throw new FilterRulesException(source + ": unknown key '" + e.getPropertyName() + "'" + keyLine(yaml, e.getPropertyName())
          + " (known keys: " + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
    } catch (JsonMappingException e) {
      throw new FilterRulesException(source + ": wrong value at " + path(e) + " (" + location(e) + "): "
          + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (JsonProcessingException e) {
      throw new FilterRulesException(source + ": not valid YAML at " + location(e) + ": "
          + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (file == null) {
      throw new FilterRulesException(source + ": is empty; 'relevantEventTypes' is required");
    }
    return build(file, source);
  }

  private static FilterRules build(RulesFile file, String source) {
    if (file.relevantEventTypes() == null || file.relevantEventTypes().isEmpty()) {
      throw new FilterRulesException(source + ": 'relevantEventTypes' is required and must list at least one type");
    }
    Set<EventType> types = EnumSet.noneOf(EventType.class);
    for (String name : file.relevantEventTypes()) {
      types.add(eventType(name, source));
    }
    List<CidrBlock> networks = new ArrayList<>();
    List<String> uaMarkers = new ArrayList<>();
    if (file.internalTraffic() != null) {
      for (String range : nullToEmpty(file.internalTraffic().ipRanges())) {
        try {
          networks.add(CidrBlock.parse(range == null ? "" : range));
        } catch (IllegalArgumentException e) {
          throw new FilterRulesException(source + ": internalTraffic.ipRanges: " + e.getMessage());
        }
      }
      for (String marker : nullToEmpty(file.internalTraffic().userAgentContains())) {
        if (marker == null || marker.isBlank()) {
          throw new FilterRulesException(source + ": internalTraffic.userAgentContains: empty entry would match every user agent");
        }
        uaMarkers.add(marker);
      }
    }
    Set<Long> allowlisted = new HashSet<>();
    for (Long member : nullToEmpty(file.allowlistedMembers())) {
      if (member == null || member <= 0) {
        throw new FilterRulesException(source + ": allowlistedMembers: member ids are positive integers, got " + member);
      }
      allowlisted.add(member);
    }
    return new FilterRules(types, networks, uaMarkers, allowlisted);
  }

  private static EventType eventType(String name, String source) {
    try {
      EventType type = EventType.valueOf(name == null ? "" : name.strip());
      if (type != EventType.EVENT_TYPE_UNSPECIFIED && type != EventType.UNRECOGNIZED) {
        return type;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below with the list of valid names
    }
    String valid = EnumSet.complementOf(EnumSet.of(EventType.EVENT_TYPE_UNSPECIFIED, EventType.UNRECOGNIZED))
        .stream().map(Enum::name).collect(Collectors.joining(", "));
    throw new FilterRulesException(source + ": relevantEventTypes: unknown event type '" + name + "' (valid: " + valid + ")");
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** Jackson's YAML locations point past the offending key, so find the key's own line. */
  private static String keyLine(String yaml, String key) {
    List<String> lines = yaml.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith(key + ":") || line.startsWith("\"" + key + "\":")) {
        return " at line " + (i + 1);
      }
    }
    return "";
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "unknown position"
        : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }
}
