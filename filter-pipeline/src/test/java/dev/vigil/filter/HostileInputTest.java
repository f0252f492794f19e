package dev.vigil.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of hostile records through the filter job on Flink, among valid ones: random bytes, bit flips
 * and truncations of real events, oversized values, unknown enum values, missing fields, event times in
 * 2100 and in 1970, tombstones. The job must keep running (no restart is allowed: a task failure fails the
 * job), every record must be either dead-lettered with its reason and bytes or taken as an event, and the
 * valid members' partials must be exactly what a naive fold of their events gives, although hostile records
 * with far-future times came first on every partition (a future time must not drag the watermark ahead).
 */
@Tag("slow")
class HostileInputTest {
  private static final int VALID = 3_000;
  private static final int HOSTILE = 4_000;
  /** Valid members are below this; hostile records that still decode as events carry other members. */
  private static final long VALID_MEMBERS = 50;

  @Test
  void hostileRecordsAreDeadLetteredOrCountedAndValidOnesAreUnaffected(@TempDir Path dir) throws Exception {
    Random random = new Random(2026);
    long base = System.currentTimeMillis() - 20_000;
    List<ActivityEvent> valid = ActivityFixtures.randomEvents(random, VALID, (int) VALID_MEMBERS - 1, base, 10_000);
    List<byte[]> hostile = hostileValues(random, base);
    // Far-future and far-past records first on every partition, then valid and hostile records mixed.
    List<byte[]> mixed = new ArrayList<>();
    valid.forEach(e -> mixed.add(e.toByteArray()));
    mixed.addAll(hostile.subList(200, hostile.size()));
    Collections.shuffle(mixed, random);
    mixed.addAll(0, hostile.subList(0, 200));

    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
      kafka.topics().create(List.of("raw", "filtered", "dl"), 3);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000);
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < 200; i++) {
          producer.send(new ProducerRecord<>("raw", i % 3, null, mixed.get(i))).get(); // the future ones on each partition first
        }
        for (int i = 200; i < mixed.size(); i++) {
          producer.send(new ProducerRecord<>("raw", i % 3, ("k" + i).getBytes(), mixed.get(i))).get();
        }
      }
      PipelineResult job = StreamingJobs.start(FilterPipeline.create(FilterPipeline.parseOptions(new String[] {
          "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2", "--bootstrapServers=" + kafka.bootstrapServers(),
          "--inputTopic=raw", "--outputTopic=filtered", "--deadLetterTopic=dl", "--windowSeconds=5", "--sketchK=32",
          "--maxOutOfOrdernessMs=1000", "--idlePartitionTimeoutMs=1000", "--numberOfExecutionRetries=0",
          "--checkpointingInterval=1000", "--stateBackendStoragePath=" + dir.toUri(),
          "--rulesFile=" + Path.of("..", "config", "filter-rules.yaml")})));
      try {
        List<ConsumerRecord<byte[], byte[]>> raw = kafka.topics().readAll("raw");
        assertThat(raw).hasSize(mixed.size());
        Map<String, byte[]> rawByOffset = new HashMap<>();
        raw.forEach(r -> rawByOffset.put(r.partition() + "@" + r.offset(), r.value() == null ? new byte[0] : r.value()));

        // Every record is either a dead letter or an event in a partial (the example rules drop none of these
        // events): wait for both to account for all of them.
        AtomicReference<List<ConsumerRecord<byte[], byte[]>>> partials = new AtomicReference<>(List.of());
        List<ConsumerRecord<byte[], byte[]>> letters = kafka.topics().awaitRecords("dl", rs -> {
          try {
            partials.set(kafka.topics().readAll("filtered"));
          } catch (RuntimeException e) {
            return false;
          }
          return rs.size() + events(partials.get()) >= mixed.size();
        }, Duration.ofSeconds(180));
        assertThat(job.getState()).as("the job still runs (no restart allowed)").isEqualTo(PipelineResult.State.RUNNING);

        List<DeadLetter> parsed = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : letters) {
          DeadLetter d = DeadLetter.parseFrom(r.value());
          parsed.add(d);
          assertThat(d.getReason()).isNotEqualTo(DeadLetterReason.DEAD_LETTER_REASON_UNSPECIFIED);
          assertThat(d.getDetail()).isNotBlank();
          assertThat(d.getOriginalValue().toByteArray()).as("dead letter of %s@%s holds the original bytes", d.getSourcePartition(),
              d.getSourceOffset()).isEqualTo(rawByOffset.get(d.getSourcePartition() + "@" + d.getSourceOffset()));
        }
        assertThat(parsed).extracting(d -> d.getSourcePartition() + "@" + d.getSourceOffset()).doesNotHaveDuplicates();
        assertThat(parsed.size() + events(partials.get())).as("dead letters + events taken in = records sent")
            .isEqualTo(mixed.size());
        assertThat(parsed).extracting(DeadLetter::getReason).contains(DeadLetterReason.UNPARSEABLE,
            DeadLetterReason.MISSING_REQUIRED_FIELD, DeadLetterReason.EVENT_TIME_OUT_OF_RANGE);

        Map<String, MemberActivityPartial> validPartials = new HashMap<>();
        ActivityFixtures.mergedByMemberWindow(partials.get()).forEach((k, v) -> {
          if (v.getMemberId() < VALID_MEMBERS) {
            validPartials.put(k, v);
          }
        });
        assertThat(validPartials).as("valid members' partials, against a naive fold of their events")
            .isEqualTo(ActivityFixtures.expectedPartials(valid, 5_000, 32));
      } finally {
        StreamingJobs.cancel(job);
      }
    }
  }

  private static long events(List<ConsumerRecord<byte[], byte[]>> partials) {
    return partials.stream().mapToLong(r -> {
      try {
        return MemberActivityPartial.parseFrom(r.value()).getEventCount();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).sum();
  }

  /**
   * The hostile values: the first 200 carry event times far in the future or past; then the rest. None decodes
   * (as plain protobuf) into an event of a valid member, so those members' partials can be checked exactly.
   */
  private static List<byte[]> hostileValues(Random random, long base) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      long ts = switch (i % 4) {
        case 0 -> 4_102_444_800_000L; // 2100
        case 1 -> Long.MAX_VALUE;
        case 2 -> base + Duration.ofHours(2).toMillis();
        default -> 1L; // 1970
      };
      out.add(ActivityFixtures.event(1_000 + i, dev.vigil.schemas.v1.EventType.PAGE_VIEW, base).toBuilder().setTimestampMs(ts).build().toByteArray());
    }
    while (out.size() < HOSTILE) {
      ActivityEvent e = ActivityFixtures.event(1_000 + random.nextInt(1_000), dev.vigil.schemas.v1.EventType.SEARCH, base + random.nextInt(10_000));
      byte[] value = switch (random.nextInt(8)) {
        case 0 -> randomBytes(random, random.nextInt(300));
        case 1 -> flip(random, e.toByteArray());
        case 2 -> java.util.Arrays.copyOf(e.toByteArray(), random.nextInt(e.toByteArray().length));
        case 3 -> e.toBuilder().setTypeValue(900 + random.nextInt(50)).build().toByteArray(); // unknown enum value
        case 4 -> (random.nextBoolean() ? e.toBuilder().clearMemberId() : e.toBuilder().clearTimestampMs()).build().toByteArray();
        case 5 -> random.nextInt(20) == 0 ? randomBytes(random, 600_000 + random.nextInt(300_000)) // oversized garbage
            : e.toBuilder().setUserAgent("A".repeat(100_000)).build().toByteArray(); // oversized but valid
        case 6 -> e.toBuilder().setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
            .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("x")).build())
            .build()).build().toByteArray(); // a field from a newer producer
        default -> new byte[0];
      };
      if (!decodesAsValidMember(value)) {
        out.add(value);
      }
    }
    return out;
  }

  private static boolean decodesAsValidMember(byte[] value) {
    try {
      long member = ActivityEvent.parseFrom(value).getMemberId();
      return member > 0 && member < VALID_MEMBERS;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] flip(Random random, byte[] value) {
    byte[] b = value.clone();
    for (int i = 0, flips = 1 + random.nextInt(3); i < flips && b.length > 0; i++) {
      int at = random.nextInt(b.length);
      b[at] ^= (byte) (1 << random.nextInt(8));
    }
    return b;
  }
}
