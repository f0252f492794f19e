package dev.vigil.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.platform.ops.JobStatusLine;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.testsupport.fixtures.ActivityFixtures;
import dev.vigil.testsupport.kafka.TestProducer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The filter job on the embedded Flink cluster, seen from outside as an operator sees it: its Beam counters
 * (records read, partials, dead letters by reason) in Flink's REST API under stable names, and the one-line
 * status the foreground job prints, built from them and the consumer group's lag.
 */
@Tag("slow")
class FilterJobStatusTest {
  private static final int VALID = 400;
  private static final int GARBAGE = 7;

  @Test
  void theJobsCountersAreInFlinksRestApiAndItsStatusLine() throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
      kafka.topics().create(List.of("raw", "filtered", "dl"), 2);
      FilterPipelineOptions options = FilterPipeline.parseOptions(new String[] {"--bootstrapServers=" + kafka.bootstrapServers(),
          "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1", "--inputTopic=raw", "--outputTopic=filtered",
          "--deadLetterTopic=dl", "--consumerGroup=status-test", "--checkpointingInterval=1000", "--idlePartitionTimeoutMs=500"});
      assertThat(options.getFlinkRestPort()).as("the embedded cluster's REST port, picked before the start").isPositive();
      PipelineResult job = StreamingJobs.start(FilterPipeline.create(options));
      try {
        produce(kafka.bootstrapServers(), ActivityFixtures.randomEvents(new Random(3), VALID, 20, System.currentTimeMillis() - 60_000, 30_000));
        FlinkRest rest = new FlinkRest("127.0.0.1:" + options.getFlinkRestPort());
        JobStatusLine.LagSource lag = new JobStatusLine.LagSource(KafkaClientSettings.of(kafka.bootstrapServers()), "status-test", "raw");
        Map<String, JobStatusLine.Sample> previous = new HashMap<>();
        String line = "";
        long deadline = System.nanoTime() + 120_000_000_000L;
        // Counters reach Flink's metrics as bundles finish, and lag falls to 0 once a checkpoint commits the offsets.
        while (!line.contains(String.format("read %,d ", VALID + GARBAGE)) || !line.contains(String.format("dead letters %,d ", GARBAGE))
            || !line.endsWith("lag 0")) {
          assertThat(System.nanoTime()).as("status line reaching every record; last: %s", line).isLessThan(deadline);
          Thread.sleep(500); // polling Flink's REST API, as the status line does
          try {
            line = JobStatusLine.line("vigil-filter", rest, FilterPipeline.STATUS, lag, previous);
          } catch (RuntimeException e) {
            line = e.toString(); // the REST API of a job still starting may refuse a query
          }
        }
        assertThat(line).startsWith("vigil-filter RUNNING ").contains("checkpoint #");
        Map<String, Long> counters = rest.beamCounters(rest.activeJob("vigil-filter").orElseThrow().id(), name -> name.startsWith("vigil_"));
        assertThat(counters).containsEntry("vigil_source_records_read", (long) VALID + GARBAGE)
            .containsEntry("vigil_filter_dead_letters_unparseable", (long) GARBAGE);
      } finally {
        StreamingJobs.cancel(job);
      }
    }
  }

  private static void produce(String bootstrap, List<ActivityEvent> events) {
    try (TestProducer producer = TestProducer.connect(bootstrap)) {
      events.forEach(e -> producer.sendEvent("raw", e));
      for (int i = 0; i < GARBAGE; i++) {
        producer.send("raw", null, TestProducer.memberKey(1), ActivityFixtures.garbage());
      }
      producer.flush();
    }
  }
}
