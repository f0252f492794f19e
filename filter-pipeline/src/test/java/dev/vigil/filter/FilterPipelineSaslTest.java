package dev.vigil.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.testsupport.fixtures.ActivityFixtures;
import dev.vigil.testsupport.kafka.TestProducer;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.util.construction.PipelineTranslation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The filter job against a broker that takes only SASL/PLAIN clients, on the Direct runner: its credentials come only
 * from {@code --kafkaPropertiesFile}. With them it reads raw events and writes partials and dead letters; with a wrong
 * password it fails with Kafka's authentication error instead of waiting silently. The password is in no option, in
 * no part of the job graph, and in no log line, Kafka's own configuration dumps included. The job that runs through is
 * slow (a minute on a busy machine); the refusal takes seconds.
 */
class FilterPipelineSaslTest {
  private static final String USER = "vigil_jobs";
  private static final String PASSWORD = "sasl-pw-7f3a9c1e";
  private static final long WINDOW_MS = 5_000;
  private static EmbeddedKafkaBroker kafka;

  @TempDir
  Path dir;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafkaBroker.builder().saslPlainUser(USER, PASSWORD).build().start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  @Tag("slow")
  void runsThroughTheSaslBrokerWithCredentialsOnlyFromThePropertiesFileAndNeverShowsThePassword() throws Exception {
    kafka.topics().create(List.of("raw-ok", "filtered-ok", "dl-ok"), 1);
    long base = System.currentTimeMillis() - 10_000;
    List<ActivityEvent> events = ActivityFixtures.randomEvents(new Random(7), 60, 4, base, 2_000);
    byte[] garbage = ActivityFixtures.garbage();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    events.forEach(e -> records.add(new ProducerRecord<>("raw-ok", TestProducer.memberKey(e.getMemberId()), e.toByteArray())));
    records.add(new ProducerRecord<>("raw-ok", TestProducer.memberKey(1), garbage));
    produce(records);
    Path properties = propertiesFile(PASSWORD);

    try (CapturedLogs logs = CapturedLogs.start()) {
      FilterPipelineOptions options = FilterPipeline.parseOptions(flags("ok", properties));
      Pipeline pipeline = FilterPipeline.create(options);

      assertThat(options.getKafkaPropertiesFile()).isEqualTo(properties.toString());
      assertThat(options.toString()).doesNotContain(PASSWORD);
      assertThat(new ObjectMapper().writeValueAsString(options)).contains(properties.toString()).doesNotContain(PASSWORD);
      assertThat(new String(PipelineTranslation.toProto(pipeline).toByteArray(), StandardCharsets.ISO_8859_1))
          .as("the job graph: serialized source, writers, display data").doesNotContain(PASSWORD);

      PipelineResult job = StreamingJobs.start(pipeline);
      try {
        List<ConsumerRecord<byte[], byte[]>> partials = kafka.topics().awaitRecords("filtered-ok",
            TopicRecords.eventsAtLeast(events.size()), Duration.ofSeconds(120));
        List<ConsumerRecord<byte[], byte[]>> letters = kafka.topics().awaitRecords("dl-ok", r -> !r.isEmpty(), Duration.ofSeconds(30));

        assertThat(ActivityFixtures.mergedByMemberWindow(partials)).isEqualTo(ActivityFixtures.expectedPartials(events, WINDOW_MS, 32));
        assertThat(letters).singleElement().satisfies(r -> {
          DeadLetter letter = DeadLetter.parseFrom(r.value());
          assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNPARSEABLE);
          assertThat(letter.getOriginalValue().toByteArray()).isEqualTo(garbage);
        });
      } finally {
        StreamingJobs.cancel(job);
      }

      List<String> lines = logs.lines();
      assertThat(lines).as("Kafka's configuration dump of the job's clients was captured, secret masked")
          .anySatisfy(l -> assertThat(l).contains("sasl.jaas.config = [hidden]", "security.protocol = SASL_PLAINTEXT"));
      assertThat(lines).as("the operator's keys are logged without values")
          .anySatisfy(l -> assertThat(l).contains("sasl.jaas.config=[hidden] (file " + properties + ")"));
      assertThat(lines).noneSatisfy(l -> assertThat(l).contains(PASSWORD));
    }
  }

  @Test
  void aWrongPasswordFailsTheJobWithKafkasAuthenticationError() throws Exception {
    kafka.topics().create(List.of("raw-bad", "filtered-bad", "dl-bad"), 1);
    ActivityEvent event = ActivityFixtures.event(1, dev.vigil.schemas.v1.EventType.SEARCH, System.currentTimeMillis() - 10_000);
    produce(List.of(new ProducerRecord<>("raw-bad", TestProducer.memberKey(1), event.toByteArray())));
    String wrong = "not-" + PASSWORD;

    try (CapturedLogs logs = CapturedLogs.start()) {
      long started = System.nanoTime();
      Throwable failure = catchThrowable(() -> {
        PipelineResult job = StreamingJobs.start(FilterPipeline.create(FilterPipeline.parseOptions(flags("bad", propertiesFile(wrong)))));
        try {
          job.waitUntilFinish(org.joda.time.Duration.standardSeconds(90));
        } finally {
          StreamingJobs.cancel(job);
        }
      });

      assertThat(failure).as("the job fails within 90 s rather than running without reading").isNotNull();
      assertThat(causes(failure)).anySatisfy(c -> assertThat(c).isInstanceOf(SaslAuthenticationException.class)
          .hasMessageContaining("Invalid username or password"));
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(90);
      assertThat(kafka.topics().readAll("filtered-bad")).isEmpty();
      assertThat(logs.lines()).noneSatisfy(l -> assertThat(l).contains(wrong));
    }
  }

  private String[] flags(String suffix, Path properties) {
    return new String[] {"--runner=DirectRunner", "--bootstrapServers=" + kafka.bootstrapServers(),
        "--kafkaPropertiesFile=" + properties, "--inputTopic=raw-" + suffix, "--outputTopic=filtered-" + suffix,
        "--deadLetterTopic=dl-" + suffix, "--consumerGroup=sasl-" + suffix, "--windowSeconds=5", "--maxOutOfOrdernessMs=1000",
        "--idlePartitionTimeoutMs=1000", "--idleStartupGraceMs=1000", "--sketchK=32",
        "--rulesFile=" + Path.of("..", "config", "filter-rules.yaml")};
  }

  /** What an operator's file holds for this broker: security protocol, mechanism and the JAAS login. */
  private Path propertiesFile(String password) throws IOException {
    return EmbeddedKafkaBroker.writeSaslClientProperties(dir.resolve("kafka-" + password.hashCode() + ".properties"), USER, password);
  }

  /** Through the broker's own SASL user, each record acknowledged. */
  private static void produce(List<ProducerRecord<byte[], byte[]>> records) {
    try (TestProducer producer = TestProducer.connect(kafka.clientSettings())) {
      records.forEach(producer::sendAndWait);
    }
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
      chain.add(c);
    }
    return chain;
  }

  /**
   * Every log event of the test at INFO and above (Kafka's client configuration dumps included), messages and
   * exception texts, while the console keeps its usual WARN threshold.
   */
  private static final class CapturedLogs implements AutoCloseable {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Map<String, Level> levels = new java.util.HashMap<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ch.qos.logback.classic.filter.ThresholdFilter consoleThreshold = new ch.qos.logback.classic.filter.ThresholdFilter();

    static CapturedLogs start() {
      CapturedLogs logs = new CapturedLogs();
      for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "org.apache.kafka", "kafka", "org.apache.beam", "dev.vigil")) {
        Logger logger = logs.context.getLogger(name);
        logs.levels.put(name, logger.getLevel());
        logger.setLevel(Level.INFO);
      }
      logs.consoleThreshold.setLevel("WARN");
      logs.consoleThreshold.start();
      logs.root.iteratorForAppenders().forEachRemaining(a -> a.addFilter(logs.consoleThreshold));
      logs.appender.start();
      logs.root.addAppender(logs.appender);
      return logs;
    }

    List<String> lines() {
      synchronized (appender) {
        return appender.list.stream().map(e -> e.getFormattedMessage() + throwableText(e.getThrowableProxy())).collect(Collectors.toList());
      }
    }

    private static String throwableText(IThrowableProxy t) {
      return t == null ? "" : " " + t.getClassName() + ": " + t.getMessage() + throwableText(t.getCause());
    }

    @Override
    public void close() {
      root.detachAppender(appender);
      root.iteratorForAppenders().forEachRemaining(a -> a.clearAllFilters());
      levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }
  }
}
