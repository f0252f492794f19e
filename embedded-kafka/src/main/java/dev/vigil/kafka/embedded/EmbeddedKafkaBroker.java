package dev.vigil.kafka.embedded;

import dev.vigil.schemas.config.KafkaClientSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller), running in this JVM.
 * Tests, {@code ./vigil kafka} and the demo all start it through this class:
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
 *   kafka.topics().create(List.of("vigil.activity.raw"), 4);
 *   String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * With {@link Builder#saslPlainUser} the client listener is {@code SASL_PLAINTEXT} and takes only those users
 * (mechanism PLAIN); the broker's own connections on it authenticate as a user of its own, whose credentials
 * {@link #clientSettings()} and {@link #topics()} use. The controller listener stays PLAINTEXT.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String BROKER_USER = "broker";
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_]+");
  private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

  private final int port;
  private final Path dataDir;
  private final boolean deleteDataOnClose;
  private final int defaultPartitions;
  /** SASL/PLAIN users by name; empty: a PLAINTEXT listener. */
  private final Map<String, String> saslUsers;
  private final String brokerPassword = UUID.randomUUID().toString();
  private KafkaRaftServer server;
  private int boundPort;
  private Path actualDataDir;

  private EmbeddedKafkaBroker(Builder b) {
    this.port = b.port;
    this.dataDir = b.dataDir;
    this.deleteDataOnClose = b.dataDir == null;
    this.defaultPartitions = b.defaultPartitions;
    this.saslUsers = Map.copyOf(b.saslUsers);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private int port;
    private Path dataDir;
    private int defaultPartitions = 1;
    private final Map<String, String> saslUsers = new LinkedHashMap<>();

    /** Client port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** Where logs live; kept across restarts. Default: a temporary directory deleted on close. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Partitions of auto-created topics. */
    public Builder defaultPartitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
      }
      this.defaultPartitions = partitions;
      return this;
    }

    /** A user the SASL_PLAINTEXT listener accepts (mechanism PLAIN); the first one turns SASL on. */
    public Builder saslPlainUser(String name, String password) {
      if (!USER_NAME.matcher(name).matches() || BROKER_USER.equals(name)) {
        throw new IllegalArgumentException("SASL user name must be letters, digits and _ (and not '" + BROKER_USER + "'), got '"
            + name + "'");
      }
      saslUsers.put(name, password);
      return this;
    }

    public EmbeddedKafkaBroker build() {
      return new EmbeddedKafkaBroker(this);
    }
  }

  /** Formats storage (first start only) and starts the broker; returns once it accepts clients. */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      return this;
    }
    try {
      Path dir = dataDir != null ? dataDir : Files.createTempDirectory("vigil-kafka-");
      Files.createDirectories(dir);
      Path logDir = dir.resolve("kraft-logs").toAbsolutePath();
      boundPort = port != 0 ? port : freePort();
      int controllerPort = freePort();
      Properties props = new Properties();
      props.put("process.roles", "broker,controller");
      props.put("node.id", "1");
      props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
      String listener = sasl() ? "SASL_PLAINTEXT" : "PLAINTEXT";
      props.put("listeners", listener + "://localhost:" + boundPort + ",CONTROLLER://localhost:" + controllerPort);
      props.put("advertised.listeners", listener + "://localhost:" + boundPort);
      props.put("controller.listener.names", "CONTROLLER");
      props.put("inter.broker.listener.name", listener);
      props.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
      if (sasl()) {
        props.put("sasl.enabled.mechanisms", "PLAIN");
        props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", serverJaasConfig());
      }
      props.put("log.dirs", logDir.toString());
      props.put("num.partitions", Integer.toString(defaultPartitions));
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "4");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("auto.create.topics.enable", "true");
      KafkaConfig config = new KafkaConfig(props, false);

      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(logDir);
      }

      KafkaRaftServer raft = new KafkaRaftServer(config, Time.SYSTEM);
      raft.startup();
      server = raft;
      actualDataDir = dir;
      topics().awaitReady();
      LOG.info("Kafka broker ready at {} ({}; data in {})", bootstrapServers(), listener, dir);
      return this;
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka broker failed to start on port " + boundPort + ": " + e.getMessage(), e);
    }
  }

  /** What {@code kafka-storage.sh format} does: a fresh cluster id and the bootstrap metadata. */
  private static void format(Path logDir) throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(logDir.toString()))
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setSupportedFeatures(Features.PRODUCTION_FEATURES)
        .run();
  }

  public String bootstrapServers() {
    if (server == null) {
      throw new IllegalStateException("broker is not started");
    }
    return "localhost:" + boundPort;
  }

  public int defaultPartitions() {
    return defaultPartitions;
  }

  /** How a client reaches this broker: its bootstrap servers and, with SASL, the broker's own user's credentials. */
  public KafkaClientSettings clientSettings() {
    return KafkaClientSettings.of(bootstrapServers(), sasl() ? saslClientProperties(BROKER_USER, brokerPassword) : Map.of());
  }

  /**
   * The client settings that authenticate as {@code user} with {@code password} (a wrong one, to test a refusal):
   * what an operator's Kafka properties file would hold for this broker.
   */
  public static Map<String, String> saslClientProperties(String user, String password) {
    return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";");
  }

  /** {@link #saslClientProperties} as an operator's Kafka properties file at {@code file} (escaped as Java properties). */
  public static Path writeSaslClientProperties(Path file, String user, String password) throws IOException {
    Properties properties = new Properties();
    properties.putAll(saslClientProperties(user, password));
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, null);
    }
    return file;
  }

  /** Admin and read helpers bound to this broker. */
  public KafkaTopics topics() {
    return new KafkaTopics(clientSettings());
  }

  private boolean sasl() {
    return !saslUsers.isEmpty();
  }

  /** The SASL_PLAINTEXT listener's JAAS entry: the broker's own login, then every user it accepts. */
  private String serverJaasConfig() {
    StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE).append(" required username=\"").append(BROKER_USER)
        .append("\" password=\"").append(brokerPassword).append("\" user_").append(BROKER_USER).append("=\"").append(brokerPassword)
        .append('"');
    saslUsers.forEach((name, password) -> jaas.append(" user_").append(name).append("=\"").append(password).append('"'));
    return jaas.append(';').toString();
  }

  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
    if (deleteDataOnClose && actualDataDir != null) {
      deleteRecursively(actualDataDir);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }
}
