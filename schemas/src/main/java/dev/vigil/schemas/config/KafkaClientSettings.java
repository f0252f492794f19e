package dev.vigil.schemas.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Kafka client settings an operator gives Vigil (security.protocol, sasl.*, ssl.*, timeouts, ...), applied to
 * every Kafka client Vigil creates: the jobs' readers and writers, the store's consumers and dead-letter producer,
 * {@code vigil status}, {@code vigil produce}, {@code vigil replay publish}.
 *
 * <p>Where a setting comes from, lowest precedence first:
 * <ol>
 *   <li>what Vigil sets for that client (its tuning, e.g. batch sizes and timeouts);</li>
 *   <li>a Java properties file ({@code --kafkaPropertiesFile} / {@code --kafka-properties-file});</li>
 *   <li>the environment: {@code VIGIL_KAFKA_<NAME>} sets {@code <name>} lower-cased with {@code _} as {@code .}
 *       ({@code VIGIL_KAFKA_SASL_JAAS_CONFIG} sets {@code sasl.jaas.config}).</li>
 * </ol>
 * Keys Vigil needs for correctness ({@link #OWNED_BY_VIGIL}: serializers, group and offset handling, acks, ...)
 * are refused from either source with a one-line error naming the key.
 *
 * <p>Values may be secrets, so {@link #toString()} and every error name keys and where they came from, never
 * values. Not {@code Serializable} on purpose: a Beam job graph carries the file's path and resolves the settings
 * where its clients are created, so they are never part of the job's options or graph.
 */
public final class KafkaClientSettings {
  public static final String ENV_PREFIX = "VIGIL_KAFKA_";
  /** What the CLIs say about their {@code --kafka-properties-file} flag. */
  public static final String FILE_FLAG_DESCRIPTION = "Java properties file of Kafka client settings (security.protocol, sasl.*, ssl.*);"
      + " " + ENV_PREFIX + "<NAME> environment variables override it. Values are never printed";

  /** Settings Vigil sets itself, and why an operator may not. */
  public static final Map<String, String> OWNED_BY_VIGIL = Map.ofEntries(
      Map.entry("bootstrap.servers", "the --bootstrapServers flag sets it"),
      Map.entry("group.id", "the --consumerGroup flag sets it"),
      Map.entry("auto.offset.reset", "the --startOffset flag sets it"),
      Map.entry("enable.auto.commit", "Vigil commits offsets with checkpoints (jobs) or stores them with the data (store)"),
      Map.entry("isolation.level", "the store must read committed records only"),
      Map.entry("key.deserializer", "Vigil reads keys and values as bytes"),
      Map.entry("value.deserializer", "Vigil reads keys and values as bytes"),
      Map.entry("key.serializer", "Vigil writes keys and values as bytes"),
      Map.entry("value.serializer", "Vigil writes keys and values as bytes"),
      Map.entry("acks", "at-least-once delivery needs acks=all"),
      Map.entry("enable.idempotence", "records of a partition must stay in order (the filter's progress markers follow its partials)"),
      Map.entry("max.in.flight.requests.per.connection", "more than 5 turns idempotence off, and with it the order of a partition's records"),
      Map.entry("transactional.id", "Vigil's producers are not transactional"));

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z0-9_]+");

  private final String bootstrapServers;
  /** Operator settings by key, sorted. */
  private final Map<String, String> values;
  /** Where each operator setting came from: "file PATH" or "$VIGIL_KAFKA_...". */
  private final Map<String, String> sources;

  private KafkaClientSettings(String bootstrapServers, Map<String, String> values, Map<String, String> sources) {
    this.bootstrapServers = bootstrapServers;
    this.values = Collections.unmodifiableMap(values);
    this.sources = Collections.unmodifiableMap(sources);
  }

  /** Only the bootstrap servers: a broker without security (tests, the embedded broker). */
  public static KafkaClientSettings of(String bootstrapServers) {
    return new KafkaClientSettings(bootstrapServers, new TreeMap<>(), new TreeMap<>());
  }

  /** {@code settings} given by code (a test's credentials for its broker), checked as an operator's would be. */
  public static KafkaClientSettings of(String bootstrapServers, Map<String, String> settings) {
    Map<String, String> values = new TreeMap<>();
    Map<String, String> sources = new TreeMap<>();
    new TreeMap<>(settings).forEach((key, value) -> put(values, sources, key, value, "code"));
    return new KafkaClientSettings(bootstrapServers, values, sources);
  }

  /** {@link #resolve} with this process's environment. */
  public static KafkaClientSettings fromEnvironment(Path propertiesFile) {
    return resolve(propertiesFile, System.getenv());
  }

  /**
   * The operator's settings: {@code propertiesFile}'s entries (none when null), overridden by the
   * {@code VIGIL_KAFKA_*} entries of {@code environment}. No bootstrap servers yet ({@link #withBootstrapServers}).
   *
   * @throws IllegalArgumentException (one line, no values) when the file cannot be read or a key is Vigil's
   */
  public static KafkaClientSettings resolve(Path propertiesFile, Map<String, String> environment) {
    Map<String, String> values = new TreeMap<>();
    Map<String, String> sources = new TreeMap<>();
    if (propertiesFile != null) {
      String source = "file " + propertiesFile.toAbsolutePath();
      PropertiesFiles.read(propertiesFile, "Kafka properties file").forEach((key, value) -> {
        if (key.isBlank()) {
          throw new IllegalArgumentException("Kafka properties " + source + " has an entry without a key");
        }
        put(values, sources, key, value, source);
      });
    }
    new TreeMap<>(environment).forEach((name, value) -> {
      if (name.startsWith(ENV_PREFIX)) {
        String suffix = name.substring(ENV_PREFIX.length());
        if (!ENV_NAME.matcher(suffix).matches()) {
          throw new IllegalArgumentException("environment variable " + name + " names no Kafka setting (" + ENV_PREFIX
              + "<NAME>, NAME of letters, digits and _)");
        }
        put(values, sources, suffix.toLowerCase(Locale.ROOT).replace('_', '.'), value, "$" + name);
      }
    });
    return new KafkaClientSettings(null, values, sources);
  }

  private static void put(Map<String, String> values, Map<String, String> sources, String key, String value, String source) {
    String why = OWNED_BY_VIGIL.get(key);
    if (why != null) {
      throw new IllegalArgumentException("Kafka setting '" + key + "' (from " + source + ") is not allowed: " + why);
    }
    values.put(key, value);
    sources.put(key, source);
  }

  public KafkaClientSettings withBootstrapServers(String servers) {
    return new KafkaClientSettings(servers, values, sources);
  }

  /** The brokers, or null when the client configuration brings its own. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The keys the operator set, sorted. */
  public Set<String> keys() {
    return values.keySet();
  }

  /**
   * A client's configuration: the bootstrap servers, then {@code vigilConfig} (what Vigil sets for this client),
   * then the operator's settings on top. Hand it to the Kafka client's constructor and nowhere else.
   */
  public Map<String, Object> clientConfig(Map<String, ?> vigilConfig) {
    Map<String, Object> config = new HashMap<>();
    if (bootstrapServers != null) {
      config.put("bootstrap.servers", bootstrapServers);
    }
    config.putAll(vigilConfig);
    config.putAll(values);
    return config;
  }

  /** The bootstrap servers and each operator key with where it came from; values hidden. */
  @Override
  public String toString() {
    StringJoiner s = new StringJoiner(", ", "KafkaClientSettings[", "]");
    if (bootstrapServers != null) {
      s.add("bootstrap.servers=" + bootstrapServers);
    }
    sources.forEach((key, source) -> s.add(key + "=[hidden] (" + source + ")"));
    return s.toString();
  }
}
