package dev.vigil.loadtest.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.ActivityEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the end-to-end tests of the jobs share: writing raw events, reading verdicts, building flag lists. */
public final class JobTraffic {
  private JobTraffic() {}

  /** Every event to {@code topic}, keyed by member, stamped with its event time; fails unless all were acknowledged. */
  public static void produce(String bootstrap, String topic, List<ActivityEvent> events) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"); // see FilterPipelineKafkaTest: no pipelined idempotent batches
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ActivityEvent e : events) {
        producer.send(new ProducerRecord<>(topic, null, e.getTimestampMs(), Long.toString(e.getMemberId()).getBytes(StandardCharsets.UTF_8),
            e.toByteArray()), (meta, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
    }
    assertThat(failure.get()).as("every raw record written").isNull();
  }

  public static List<AbuseScore> scores(List<ConsumerRecord<byte[], byte[]>> records) {
    List<AbuseScore> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        out.add(AbuseScore.parseFrom(r.value()));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  public static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
