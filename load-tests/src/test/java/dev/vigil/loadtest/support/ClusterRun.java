package dev.vigil.loadtest.support;

import static dev.vigil.testsupport.JobArgs.concat;
import static dev.vigil.testsupport.kafka.TopicRecords.scores;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.flink.cluster.FlinkSessionCluster;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.replay.ArchiveSelection;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.replay.ReplayPeriod;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.RawRecord;
import dev.vigil.testsupport.Pacer;
import dev.vigil.testsupport.archive.ArchiveFixtures;
import dev.vigil.testsupport.flink.TestFlinkCluster;
import dev.vigil.testsupport.kafka.TestProducer;
import dev.vigil.testsupport.kafka.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filter and model jobs on a real session cluster (a JobManager and two TaskManagers, separate JVMs)
 * beside an embedded broker, submitted through the deployable job jar as an operator would, fed live traffic
 * (event time = now), and judged against an uninterrupted run: the batch replay over exactly what the raw
 * topic holds (which {@code StreamBatchParityTest} holds equal to an uninterrupted streaming run).
 */
public final class ClusterRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRun.class);
  public static final String WINDOWS = "1m/30s,10m/1m";

  private final Path dir;
  private final EmbeddedKafkaBroker kafka;
  private final TestFlinkCluster cluster;
  // Idempotent: a batch retried while the machine is starved (a TaskManager recovering) cannot write an event twice;
  // the tests count every raw record exactly once.
  private final TestProducer producer;

  private ClusterRun(Path dir, EmbeddedKafkaBroker kafka, TestFlinkCluster cluster) {
    this.dir = dir;
    this.kafka = kafka;
    this.cluster = cluster;
    this.producer = TestProducer.connect(kafka.bootstrapServers());
  }

  public static ClusterRun start(Path dir) throws Exception {
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start();
    try {
      kafka.topics().create(List.of("raw", "filtered", "scores", "store-rt", "dl"), 2);
      return new ClusterRun(dir, kafka, TestFlinkCluster.start(dir.resolve("flink"), 2, 2, "1536m", "hashmap"));
    } catch (Exception | AssertionError e) {
      kafka.close();
      throw e;
    }
  }

  public FlinkSessionCluster cluster() {
    return cluster.cluster();
  }

  public FlinkRest rest() {
    return cluster.rest();
  }

  public TestFlinkCluster flink() {
    return cluster;
  }

  public EmbeddedKafkaBroker kafka() {
    return kafka;
  }

  /** Submits the filter job (its flags after the common ones) and returns its id once it runs. */
  public String submitFilter(String... flags) throws Exception {
    return submit("filter", "vigil-filter", concat(new String[] {"--inputTopic=raw", "--outputTopic=filtered",
        "--consumerGroup=cluster-filter"}, flags));
  }

  public String submitModel(String... flags) throws Exception {
    return submit("model", "vigil-model", concat(new String[] {"--filteredTopic=filtered", "--scoresTopic=scores",
        "--storeTopic=store-rt", "--consumerGroup=cluster-model", "--windows=" + WINDOWS}, flags));
  }

  private String submit(String job, String name, String[] flags) throws Exception {
    String[] common = {"--bootstrapServers=" + kafka.bootstrapServers(), "--runner=FlinkRunner", "--flinkMaster=" + cluster.master(),
        "--parallelism=1", "--deadLetterTopic=dl", "--checkpointingInterval=2000",
        "--stateBackendStoragePath=" + dir.resolve("checkpoints").toUri()};
    return cluster.submit(job, name, List.of(concat(common, flags)));
  }

  /**
   * Sends {@code count} events at {@code rate} per second of wall-clock time, each stamped with the moment it is
   * sent; {@code during} runs after every event (to act mid-stream) and says whether to go on pacing.
   */
  public void sendLive(SyntheticActivityGenerator generator, int count, int rate, Runnable during) throws InterruptedException {
    Pacer.pace(count, rate, now -> {
      producer.sendEvent("raw", generator.next(now));
      during.run();
      return true;
    });
    producer.flush();
  }

  public int sent() {
    return (int) producer.sent();
  }

  /**
   * Waits until the partials hold every event sent, each (member, window, pane) counted once, and checks that
   * copies of one (records sent again after a recovery) are identical. Returns how many copies there were.
   */
  public long awaitEveryEventCountedOnce() throws InterruptedException {
    int sent = sent();
    List<ConsumerRecord<byte[], byte[]>> raw = kafka.topics().readAll("raw");
    assertThat(raw).as("raw records, each event sent once").hasSize(sent);
    List<ConsumerRecord<byte[], byte[]>> partials = kafka.topics().awaitRecords("filtered",
        rs -> eventsIn(distinctPartials(rs)) >= sent, Duration.ofSeconds(180));
    Map<String, MemberActivityPartial> distinct = distinctPartials(partials);
    // Per member first, so a failure names who was counted twice and in which panes.
    Map<Long, Long> rawPerMember = new HashMap<>();
    raw.forEach(r -> rawPerMember.merge(Long.parseLong(new String(r.key(), StandardCharsets.UTF_8)), 1L, Long::sum));
    Map<Long, Long> partialPerMember = new HashMap<>();
    distinct.values().forEach(p -> partialPerMember.merge(p.getMemberId(), p.getEventCount(), Long::sum));
    List<String> miscounted = new ArrayList<>();
    rawPerMember.forEach((member, n) -> {
      if (!n.equals(partialPerMember.getOrDefault(member, 0L))) {
        miscounted.add("member " + member + ": " + n + " raw, " + partialPerMember.get(member) + " in panes "
            + distinct.values().stream().filter(p -> p.getMemberId() == member).sorted(
                java.util.Comparator.comparingLong(MemberActivityPartial::getWindowStartMs).thenComparingLong(MemberActivityPartial::getPaneIndex))
                .map(p -> p.getWindowStartMs() + "#" + p.getPaneIndex() + "=" + p.getEventCount()).toList());
      }
    });
    assertThat(miscounted).as("members whose events the partials count other than once").isEmpty();
    assertThat(eventsIn(distinct)).as("events in the partials, each (member, window, pane) once").isEqualTo(sent);
    long copies = TopicRecords.partialRecords(partials).size() - distinct.size();
    LOG.info("{} partial records, {} of them sent again", partials.size(), copies);
    return copies;
  }

  /** The final verdicts must equal those of the batch replay over the raw topic; returns them. */
  public Map<String, AbuseScore> assertVerdictsEqualAnUninterruptedRun() throws InterruptedException {
    List<TimestampedValue<RawRecord>> raw = ArchiveFixtures.fromTopic(kafka.topics().readAll("raw"));
    assertThat(raw).hasSize(sent());
    Path archive = dir.resolve("archive");
    ArchiveFixtures.write(raw, archive, 2);
    long first = raw.stream().mapToLong(r -> r.getTimestamp().getMillis()).min().orElseThrow();
    long last = raw.stream().mapToLong(r -> r.getTimestamp().getMillis()).max().orElseThrow();
    Path out = dir.resolve("replay");
    try {
      ReplayLabel.run(ReplayLabel.options(List.of("--windows=" + WINDOWS, "--runner=DirectRunner"), null, out),
          ArchiveSelection.of(archive, new ReplayPeriod(first, last + 1)), out, null);
    } catch (Exception e) {
      throw new AssertionError("batch replay failed", e);
    }
    Map<String, AbuseScore> batch = FinalVerdicts.ofReplay(out);
    Map<String, AbuseScore> expected = FinalVerdicts.normalized(batch);
    List<AbuseScore> streamed = scores(kafka.topics().awaitRecords("scores",
        rs -> FinalVerdicts.normalized(FinalVerdicts.of(scores(rs))).equals(expected), Duration.ofSeconds(180)));
    FinalVerdicts.assertSame("streaming on the cluster vs an uninterrupted (batch) run", FinalVerdicts.of(streamed), batch);
    assertThat(kafka.topics().readAll("dl")).as("dead letters").isEmpty();
    LOG.info("{} final verdicts identical to the uninterrupted run", batch.size());
    return batch;
  }

  private static long eventsIn(Map<String, MemberActivityPartial> partials) {
    return partials.values().stream().mapToLong(MemberActivityPartial::getEventCount).sum();
  }

  private static Map<String, MemberActivityPartial> distinctPartials(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, MemberActivityPartial> out = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicRecords.partialRecords(records)) {
      MemberActivityPartial p = TopicRecords.partial(r);
      MemberActivityPartial earlier = out.putIfAbsent(p.getMemberId() + "/" + p.getWindowStartMs() + "/" + p.getPaneIndex(), p);
      assertThat(earlier == null || earlier.equals(p)).as("a partial sent again is the same record: %s vs %s", earlier, p).isTrue();
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    try {
      producer.close();
      cluster.close();
    } finally {
      kafka.close();
    }
  }
}
