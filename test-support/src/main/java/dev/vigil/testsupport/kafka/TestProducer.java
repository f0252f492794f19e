package dev.vigil.testsupport.kafka;

import dev.vigil.schemas.MemberRecordKeys;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.ActivityEvent;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer tests write their input with (raw events, real-time verdicts, hostile bytes): every record is written
 * once or the test fails, for a reason that is then not the code under test's.
 *
 * <ul>
 *   <li>Idempotent with {@code acks=all}: a batch retried while the machine is starved (a TaskManager recovering, a
 *       CI neighbour) cannot write a record twice; tests count every record exactly once.</li>
 *   <li>One request in flight: the embedded broker once rejected pipelined idempotent batches
 *       ({@code OutOfOrderSequenceException}) produced before its partitions had leaders, and asynchronous sends lost
 *       records silently. {@code KafkaTopics.create} now waits for the leaders; one batch in flight keeps retries in
 *       order regardless.</li>
 *   <li>A rejected send is remembered and {@link #flush()} fails with it, instead of surfacing as a mismatch much later.</li>
 * </ul>
 */
public final class TestProducer implements AutoCloseable {
  /** Idempotent with one request in flight: a retried batch is never written twice, nor out of order. */
  private static final Map<String, Object> DEFAULTS = Map.of(ProducerConfig.LINGER_MS_CONFIG, "5",
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.ACKS_CONFIG, "all",
      ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");

  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final AtomicLong sent = new AtomicLong();

  private TestProducer(Properties properties) {
    this.producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static TestProducer connect(String bootstrapServers) {
    return connect(bootstrapServers, Map.of());
  }

  /** With producer settings of the test's own on top (a larger {@code max.request.size} for oversized values). */
  public static TestProducer connect(String bootstrapServers, Map<String, Object> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.putAll(DEFAULTS);
    p.putAll(overrides);
    return new TestProducer(p);
  }

  /** Through the operator's Kafka settings {@code kafka} (brokers and security, a SASL broker's credentials). */
  public static TestProducer connect(KafkaClientSettings kafka) {
    Properties p = new Properties();
    p.putAll(kafka.clientConfig(DEFAULTS));
    return new TestProducer(p);
  }

  /** Every event to {@code topic} (keyed by member, stamped with its event time); returns once all were acknowledged. */
  public static void produceEvents(String bootstrapServers, String topic, List<ActivityEvent> events) {
    try (TestProducer producer = connect(bootstrapServers)) {
      events.forEach(e -> producer.sendEvent(topic, e));
      producer.flush();
    }
  }

  /** The key the jobs and the store expect: the member id as a decimal string. */
  public static byte[] memberKey(long memberId) {
    return MemberRecordKeys.encode(memberId);
  }

  /** Sends without waiting; a failure is reported by {@link #flush()}. */
  public void send(ProducerRecord<byte[], byte[]> record) {
    producer.send(record, (meta, error) -> {
      if (error != null) {
        failure.compareAndSet(null, error);
      }
    });
    sent.incrementAndGet();
  }

  /** {@code timestampMs} null: the producer's clock (create time). {@code value} null: a tombstone. */
  public void send(String topic, Long timestampMs, byte[] key, byte[] value) {
    send(new ProducerRecord<>(topic, null, timestampMs, key, value));
  }

  /** An event keyed by its member, with its event time as the record's timestamp. */
  public void sendEvent(String topic, ActivityEvent event) {
    send(topic, event.getTimestampMs(), memberKey(event.getMemberId()), event.toByteArray());
  }

  /** Sends and returns once the broker acknowledged the record: one record at a time, in this order. */
  public RecordMetadata sendAndWait(ProducerRecord<byte[], byte[]> record) {
    try {
      Future<RecordMetadata> ack = producer.send(record);
      producer.flush(); // no linger: it is the only record in flight
      RecordMetadata meta = ack.get(60, TimeUnit.SECONDS);
      sent.incrementAndGet();
      return meta;
    } catch (ExecutionException e) {
      throw new AssertionError("a record to " + record.topic() + " was not written: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("a record to " + record.topic() + " was not acknowledged within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while writing to " + record.topic(), e);
    }
  }

  /** Waits for every send; fails if the broker rejected any of them. */
  public void flush() {
    producer.flush();
    Exception e = failure.get();
    if (e != null) {
      throw new AssertionError("a record was not written: " + e, e);
    }
  }

  /** Records sent so far (acknowledged or not: see {@link #flush()}). */
  public long sent() {
    return sent.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
