package dev.vigil.platform.options;

import dev.vigil.core.extract.EventTimeBounds;
import dev.vigil.platform.kafka.KafkaConnection;
import dev.vigil.schemas.VigilTopics;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/** Options every Vigil job that reads and writes Kafka shares. */
public interface KafkaPipelineOptions extends PipelineOptions, StreamingOptions, FlinkJobOptions {

  @Description("Kafka bootstrap servers, host:port[,host:port...]")
  @Default.String("localhost:9092")
  String getBootstrapServers();

  void setBootstrapServers(String value);

  @Description("Java properties file of Kafka client settings (security.protocol, sasl.mechanism, sasl.jaas.config,"
      + " ssl.truststore.location, ...) for every reader and writer; VIGIL_KAFKA_<NAME> environment variables override"
      + " it. Only the path is part of the job: the file is read where clients are created (here and on every"
      + " TaskManager), and its values are never logged")
  String getKafkaPropertiesFile();

  void setKafkaPropertiesFile(String value);

  @Description("Java properties file of this job's options (bootstrapServers=..., windowSeconds=...); each entry is"
      + " --key=value, and a flag on the command line wins over the file")
  String getOptionsFile();

  void setOptionsFile(String value);

  @Description("Topic that receives records the job cannot process, with the reason and original bytes")
  @Default.String(VigilTopics.DEAD_LETTER)
  String getDeadLetterTopic();

  void setDeadLetterTopic(String value);

  @Description("Consumer group id; offsets are committed when Beam finalizes checkpoints (the archiving job uses"
      + " vigil-archive unless given)")
  @Default.String("vigil")
  String getConsumerGroup();

  void setConsumerGroup(String value);

  @Description("Where to start when the consumer group has no committed offset: earliest or latest")
  @Default.String("earliest")
  String getStartOffset();

  void setStartOffset(String value);

  @Description("Bounded out-of-orderness: the watermark trails the newest event time seen by this many ms")
  @Default.Long(5_000L)
  Long getMaxOutOfOrdernessMs();

  void setMaxOutOfOrdernessMs(Long value);

  @Description("A partition with no new records for this many ms (and no backlog) lets the watermark follow "
      + "wall-clock time, so idle partitions do not hold windows open")
  @Default.Long(2_000L)
  Long getIdlePartitionTimeoutMs();

  void setIdlePartitionTimeoutMs(Long value);

  @Description("Until a partition's first record, and for at most this many ms after the job starts, idleness does not"
      + " move its watermark to the clock: a job started before its backlog arrives then keeps event time")
  @Default.Long(60_000L)
  Long getIdleStartupGraceMs();

  void setIdleStartupGraceMs(Long value);

  @Description("An event may claim to be at most this many ms ahead of its record's Kafka timestamp (or of now, if that is"
      + " earlier); a later event time goes to the dead-letter topic and never moves the watermark")
  @Default.Long(EventTimeBounds.DEFAULT_MAX_FUTURE_SKEW_MS)
  Long getMaxFutureSkewMs();

  void setMaxFutureSkewMs(Long value);

  @Description("An event may be at most this many ms behind its record's Kafka timestamp (or now, if earlier); an older event"
      + " time (a clock at 1970, a device that held events for weeks) goes to the dead-letter topic with its reason")
  @Default.Long(EventTimeBounds.DEFAULT_MAX_PAST_AGE_MS)
  Long getMaxEventAgeMs();

  void setMaxEventAgeMs(Long value);

  static EventTimeBounds eventTimeBounds(KafkaPipelineOptions o) {
    return new EventTimeBounds(o.getMaxFutureSkewMs(), o.getMaxEventAgeMs());
  }

  /** Checks values Beam cannot check by type; throws with a one-line message. */
  static void validate(KafkaPipelineOptions o) {
    if (o.getBootstrapServers() == null || o.getBootstrapServers().isBlank()) {
      throw new IllegalArgumentException("--bootstrapServers must not be empty");
    }
    if (!"earliest".equals(o.getStartOffset()) && !"latest".equals(o.getStartOffset())) {
      throw new IllegalArgumentException("--startOffset must be earliest or latest, got '" + o.getStartOffset() + "'");
    }
    if (o.getMaxOutOfOrdernessMs() < 0) {
      throw new IllegalArgumentException("--maxOutOfOrdernessMs must be >= 0, got " + o.getMaxOutOfOrdernessMs());
    }
    if (o.getMaxFutureSkewMs() < 0) {
      throw new IllegalArgumentException("--maxFutureSkewMs must be >= 0, got " + o.getMaxFutureSkewMs());
    }
    if (o.getMaxEventAgeMs() < 0) {
      throw new IllegalArgumentException("--maxEventAgeMs must be >= 0, got " + o.getMaxEventAgeMs());
    }
    if (o.getIdleStartupGraceMs() < 0) {
      throw new IllegalArgumentException("--idleStartupGraceMs must be >= 0, got " + o.getIdleStartupGraceMs());
    }
    if (o.getIdlePartitionTimeoutMs() <= 0) {
      throw new IllegalArgumentException("--idlePartitionTimeoutMs must be > 0, got " + o.getIdlePartitionTimeoutMs());
    }
    KafkaConnection.of(o).checkSettings();
  }
}
