package dev.vigil.filter;

import static dev.vigil.testsupport.kafka.TestProducer.memberKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.testsupport.fixtures.ActivityFixtures;
import dev.vigil.testsupport.kafka.TestProducer;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The filter job at {@code --parallelism=1} on Flink (one subtask reads both partitions) under a steady 700
 * records/s: partials must keep coming while the input flows, not only once it pauses. With Beam's default bundle
 * size every bundle of the DoFns chained behind the source ended by time and the next record re-opened it before
 * the watermark could pass, so no window fired until the producer stopped.
 */
@Tag("slow")
class FilterWatermarkUnderSteadyInputTest {
  private static final int RATE_PER_SECOND = 700;
  private static final Duration MAX_TRAFFIC = Duration.ofSeconds(40);
  /** Watched for this long after the first partial, while the input keeps coming. */
  private static final Duration WATCHED = Duration.ofSeconds(16);
  /**
   * Newest window end among the partials received, behind the clock: a 5 s window, 1 s out-of-orderness and a
   * second of polling make about 7 s when windows fire on time. On a busy 2-core machine (load 10) it peaked at
   * 14.6 s with the fix and at 27.2 s without it (windows released in bursts).
   */
  private static final long MAX_STALENESS_MS = 20_000;

  @Test
  void partialsFireWhileInputKeepsFlowingAtParallelismOne() throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
      kafka.topics().create(List.of("raw", "filtered", "dl"), 2);
      FilterPipelineOptions options = FilterPipeline.parseOptions(new String[] {
          "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1", "--bootstrapServers=" + kafka.bootstrapServers(),
          "--inputTopic=raw", "--outputTopic=filtered", "--deadLetterTopic=dl", "--consumerGroup=steady",
          "--windowSeconds=5", "--maxOutOfOrdernessMs=1000", "--idlePartitionTimeoutMs=1000",
          // No checkpoints: nothing held for one, and no bundle finished by a checkpoint lets a watermark slip through.
          "--checkpointingInterval=-1",
          "--rulesFile=" + Path.of("..", "config", "filter-rules.yaml")});
      PipelineResult job = StreamingJobs.start(FilterPipeline.create(options));
      AtomicBoolean producing = new AtomicBoolean(true);
      long firstPartialAt = -1;
      long worstStalenessMs = -1;
      Set<Long> windows = new TreeSet<>();
      Thread producer = new Thread(() -> produceSteadily(kafka.bootstrapServers(), producing), "steady-producer");
      try {
        producer.start();
        long deadline = System.currentTimeMillis() + MAX_TRAFFIC.toMillis();
        while (System.currentTimeMillis() < deadline
            && (firstPartialAt < 0 || System.currentTimeMillis() < firstPartialAt + WATCHED.toMillis())) {
          Thread.sleep(1_000);
          TopicRecords.partials(kafka.topics().readAll("filtered")).forEach(p -> windows.add(p.getWindowStartMs()));
          long now = System.currentTimeMillis();
          if (!windows.isEmpty()) {
            firstPartialAt = firstPartialAt < 0 ? now : firstPartialAt;
            long staleness = now - (((TreeSet<Long>) windows).last() + 5_000);
            worstStalenessMs = Math.max(worstStalenessMs, staleness);
          }
        }
      } finally {
        producing.set(false);
        producer.join();
        StreamingJobs.cancel(job);
      }
      assertThat(firstPartialAt).as("a partial arrived while %d records/s kept coming", RATE_PER_SECOND).isPositive();
      assertThat(worstStalenessMs)
          .as("newest window of the partials behind the clock, over %s of steady input (windows %s)", WATCHED, windows)
          .isLessThanOrEqualTo(MAX_STALENESS_MS);
    }
  }

  /** Events stamped now, 200 members over both partitions, at {@link #RATE_PER_SECOND} until told to stop. */
  private static void produceSteadily(String bootstrapServers, AtomicBoolean producing) {
    try (TestProducer out = TestProducer.connect(bootstrapServers)) {
      long start = System.nanoTime();
      long sent = 0;
      while (producing.get()) {
        long due = (System.nanoTime() - start) * RATE_PER_SECOND / 1_000_000_000L;
        for (; sent < due; sent++) {
          ActivityEvent e = ActivityFixtures.event(1 + sent % 200, EventType.SEARCH, System.currentTimeMillis());
          out.send(new ProducerRecord<>("raw", memberKey(e.getMemberId()), e.toByteArray()));
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      out.flush();
    }
  }
}
