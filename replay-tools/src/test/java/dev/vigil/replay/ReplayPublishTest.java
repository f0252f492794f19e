package dev.vigil.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.archive.ArchiveLayout;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.v1.RawRecord;
import dev.vigil.testsupport.archive.ArchiveFixtures;
import dev.vigil.testsupport.fixtures.RawRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archived records back into a real broker: all of them, original bytes and timestamps, event-time order, paced. */
class ReplayPublishTest {
  private static final long START = Instant.parse("2026-11-30T10:00:00Z").getMillis();

  @Test
  void publishesThePeriodsRecordsInEventTimeOrderAtTheAskedPace(@TempDir Path dir) throws Exception {
    List<TimestampedValue<RawRecord>> records = new ArrayList<>();
    long span = 20 * 60_000L; // twenty minutes across an hour boundary
    long first = START + 50 * 60_000L;
    for (int i = 0; i < 400; i++) {
      long ts = first + (i * 7919L % 400) * span / 400; // archived out of order
      byte[] value = i % 50 == 0 ? null : ("v" + i).getBytes(StandardCharsets.UTF_8); // a tombstone stays a tombstone
      records.add(ArchiveFixtures.atEventTime(RawRecords.of(0, i, ts, ("m" + (i % 9)).getBytes(StandardCharsets.UTF_8), value), ts));
    }
    Path archive = dir.resolve("archive");
    ArchiveFixtures.write(records, archive, 1);

    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
      kafka.topics().create(List.of("replayed"), 1);
      ArchiveSelection selection = ArchiveSelection.of(archive, new ReplayPeriod(first, first + span));
      long t0 = System.nanoTime();
      ReplayPublish.Result result = ReplayPublish.run(selection, kafka.clientSettings(), "replayed", ReplayPublish.Speed.parse("600x"));
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(result.published()).isEqualTo(400);
      assertThat(result.failed()).isZero();
      assertThat(elapsedMs).as("twenty minutes at 600x take about two seconds").isGreaterThanOrEqualTo(1_800);

      List<ConsumerRecord<byte[], byte[]>> out = kafka.topics().awaitRecords("replayed", rs -> rs.size() >= 400, java.time.Duration.ofSeconds(30));
      assertThat(out).hasSize(400);
      long[] times = out.stream().mapToLong(ConsumerRecord::timestamp).toArray();
      long[] sorted = times.clone();
      Arrays.sort(sorted);
      assertThat(times).as("event-time order").isEqualTo(sorted);
      assertThat(out.stream().filter(r -> r.value() == null).count()).as("tombstones").isEqualTo(8);
      List<String> values = out.stream().filter(r -> r.value() != null).map(r -> new String(r.value())).sorted().toList();
      List<String> expected = records.stream().map(TimestampedValue::getValue).filter(RawRecord::getHasValue)
          .map(r -> r.getValue().toStringUtf8()).sorted().toList();
      assertThat(values).isEqualTo(expected);
      assertThat(ArchiveLayout.hoursOverlapping(first, first + span)).hasSize(2);
    }
  }

  @Test
  void speedIsAMultipleOrMax() {
    assertThat(ReplayPublish.Speed.parse("10x").factor()).isEqualTo(10.0);
    assertThat(ReplayPublish.Speed.parse("max")).isEqualTo(ReplayPublish.Speed.MAX);
    assertThatThrownBy(() -> ReplayPublish.Speed.parse("fast")).hasMessage("--speed must be a positive multiple like 10x, or max; got 'fast'");
    assertThatThrownBy(() -> ReplayPublish.Speed.parse("0x")).isInstanceOf(IllegalArgumentException.class);
  }
}
