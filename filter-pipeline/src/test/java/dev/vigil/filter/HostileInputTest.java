package dev.vigil.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.DeadLetterRecords;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.testsupport.fixtures.ActivityFixtures;
import dev.vigil.testsupport.kafka.TestProducer;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Thousands of hostile records among valid ones through the filter job, Kafka in and out: random bytes, bit
 * flips and truncations of real events, oversized values, unknown enum values, missing fields, event times in
 * 2100, at {@code Long.MAX_VALUE} and in 1970, tombstones. The job must keep running; every record must be
 * dead-lettered with its reason and bytes, or counted (dropped by a rule, or as late), or in a partial; and the
 * valid members' partials must be exactly what a naive fold of their events gives, although hostile records
 * with far-future times came first on every partition (a future time must not drag the watermark ahead).
 *
 * <p>On the Direct runner: it encodes every element through its coder as a cluster would, fails the job on any
 * exception instead of restarting it, and its metrics can be read while the job runs (the embedded Flink
 * cluster's cannot, through Beam's {@code PipelineResult}).
 */
@Tag("slow")
class HostileInputTest {
  private static final int VALID = 3_000;
  private static final int HOSTILE = 4_000;
  /** Valid members are below this; hostile records that still decode as events carry other members. */
  private static final long VALID_MEMBERS = 50;

  @Test
  void hostileRecordsAreDeadLetteredOrCountedAndValidOnesAreUnaffected() throws Exception {
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
      try (TestProducer producer = TestProducer.connect(kafka.bootstrapServers(), Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000))) {
        for (int i = 0; i < 200; i++) {
          producer.sendAndWait(new ProducerRecord<>("raw", i % 3, null, mixed.get(i))); // the future ones on each partition first
        }
        for (int i = 200; i < mixed.size(); i++) {
          producer.sendAndWait(new ProducerRecord<>("raw", i % 3, ("k" + i).getBytes(), mixed.get(i)));
        }
      }
      PipelineResult job = StreamingJobs.start(FilterPipeline.create(FilterPipeline.parseOptions(new String[] {
          "--runner=DirectRunner", "--bootstrapServers=" + kafka.bootstrapServers(),
          "--inputTopic=raw", "--outputTopic=filtered", "--deadLetterTopic=dl", "--windowSeconds=5", "--sketchK=32",
          // A bit flip can move an event a few minutes ahead, inside the default future skew of 5 min: its partial then
          // comes when event time gets there. 10 s keeps the test short; later ones are dead-lettered.
          "--maxOutOfOrdernessMs=1000", "--idlePartitionTimeoutMs=1000", "--maxFutureSkewMs=10000",
          "--rulesFile=" + Path.of("..", "config", "filter-rules.yaml")})));
      try {
        List<ConsumerRecord<byte[], byte[]>> raw = kafka.topics().readAll("raw");
        assertThat(raw).hasSize(mixed.size());
        Map<String, byte[]> rawByOffset = new HashMap<>();
        raw.forEach(r -> rawByOffset.put(r.partition() + "@" + r.offset(), r.value() == null ? new byte[0] : r.value()));

        // Every record is accounted for: a dead letter, or parsed; every parsed event is dropped by a rule
        // (counted), late beyond the lateness (counted) or in a partial. Wait until the counts say so.
        AtomicReference<List<ConsumerRecord<byte[], byte[]>>> partials = new AtomicReference<>(List.of());
        List<ConsumerRecord<byte[], byte[]>> letters = kafka.topics().awaitRecords("dl", rs -> {
          partials.set(kafka.topics().readAll("filtered"));
          return rs.size() + StreamingJobs.counter(job, FilterMetrics.PARSED_VALID) == mixed.size()
              && TopicRecords.eventsIn(partials.get()) + StreamingJobs.droppedDueToLateness(job) == StreamingJobs.counter(job, FilterMetrics.EXTRACTED);
        }, Duration.ofSeconds(180));
        assertThat(job.getState()).as("the job still runs").isEqualTo(PipelineResult.State.RUNNING);
        long parsedValid = StreamingJobs.counter(job, FilterMetrics.PARSED_VALID);
        long extracted = StreamingJobs.counter(job, FilterMetrics.EXTRACTED);
        long late = StreamingJobs.droppedDueToLateness(job);
        assertThat(letters.size() + parsedValid).as("dead letters (%d) + parsed records (%d) = records sent", letters.size(), parsedValid)
            .isEqualTo(mixed.size());
        assertThat(TopicRecords.eventsIn(partials.get()) + late).as("events in partials + dropped as late (%d) = events kept by the rules (%d)",
            late, extracted).isEqualTo(extracted);

        List<DeadLetter> parsed = TopicRecords.deadLetters(letters);
        for (DeadLetter d : parsed) {
          assertThat(d.getReason()).isNotEqualTo(DeadLetterReason.DEAD_LETTER_REASON_UNSPECIFIED);
          assertThat(d.getDetail()).isNotBlank();
          byte[] original = rawByOffset.get(d.getSourcePartition() + "@" + d.getSourceOffset());
          if (original.length > DeadLetterRecords.MAX_ORIGINAL_VALUE_BYTES) {
            // Cut to fit a Kafka record, with the full size said.
            assertThat(d.getOriginalValueSize()).isEqualTo(original.length);
            original = java.util.Arrays.copyOf(original, DeadLetterRecords.MAX_ORIGINAL_VALUE_BYTES);
          }
          assertThat(d.getOriginalValue().toByteArray()).as("dead letter of %s@%s holds the original bytes", d.getSourcePartition(),
              d.getSourceOffset()).isEqualTo(original);
        }
        assertThat(parsed).extracting(d -> d.getSourcePartition() + "@" + d.getSourceOffset()).doesNotHaveDuplicates();
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
