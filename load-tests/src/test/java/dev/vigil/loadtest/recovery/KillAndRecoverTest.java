package dev.vigil.loadtest.recovery;

import static dev.vigil.loadtest.support.JobTraffic.concat;
import static dev.vigil.loadtest.support.JobTraffic.scores;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vigil.core.process.ChildJvm;
import dev.vigil.flink.cluster.FlinkSessionCluster;
import dev.vigil.flink.cluster.JobJar;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.loadtest.support.FinalVerdicts;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.replay.ArchiveAndReplayTest;
import dev.vigil.replay.ArchiveSelection;
import dev.vigil.replay.ReplayLabel;
import dev.vigil.replay.ReplayPeriod;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.RawRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.joda.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filter and model jobs on a real session cluster (a JobManager and two TaskManagers, separate JVMs),
 * submitted through the deployable job jar, with live traffic. Mid-stream the TaskManager running the filter
 * job is killed with SIGKILL. The filter job must recover from its last checkpoint, and then:
 * <ul>
 *   <li>every event is counted exactly once in the partials the model job takes in (records sent again after
 *       the recovery are byte-identical copies of records already sent, which the model job refuses by identity);</li>
 *   <li>the final verdicts equal those of an uninterrupted run over the same input (the batch replay, which
 *       {@code StreamBatchParityTest} holds equal to an uninterrupted streaming run).</li>
 * </ul>
 */
@Tag("slow")
class KillAndRecoverTest {
  private static final Logger LOG = LoggerFactory.getLogger(KillAndRecoverTest.class);
  private static final int MEMBERS = 200;
  private static final int EVENTS = 16_000;
  private static final int RATE = 400; // events per second of wall-clock time: 40 s of traffic
  private static final String WINDOWS = "1m/30s,10m/1m";
  private static final Pattern VERTEX_ID = Pattern.compile("\"vertices\"\\s*:\\s*\\[\\s*\\{\\s*\"id\"\\s*:\\s*\"([0-9a-f]+)\"");
  private static final Pattern TASK_MANAGER = Pattern.compile("\"taskmanager-id\"\\s*:\\s*\"(taskmanager-\\d+)\"");
  private static final Pattern COMPLETED = Pattern.compile("\"completed\"\\s*:\\s*(\\d+)");
  private static final Pattern RESTORED = Pattern.compile("\"restored\"\\s*:\\s*\\{[^}]*\"id\"\\s*:\\s*(\\d+)");

  @Test
  void aKilledTaskManagerLosesNoEventAndCountsNoneTwice(@TempDir Path dir) throws Exception {
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(31, MEMBERS, 0.06);
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
      kafka.topics().create(List.of("raw", "filtered", "scores", "store-rt", "dl"), 2);
      FlinkSessionCluster cluster = FlinkSessionCluster.start(
          new FlinkSessionCluster.Settings(dir.resolve("flink"), 2, 2, 0, "1536m", "hashmap"), step -> LOG.info("flink: {}", step));
      try {
        String[] common = {"--bootstrapServers=" + kafka.bootstrapServers(), "--runner=FlinkRunner", "--flinkMaster=" + cluster.master(),
            "--parallelism=1", "--deadLetterTopic=dl", "--checkpointingInterval=2000",
            "--stateBackendStoragePath=" + dir.resolve("checkpoints").toUri()};
        submit("filter", concat(common, "--inputTopic=raw", "--outputTopic=filtered", "--consumerGroup=recovery-filter"));
        submit("model", concat(common, "--filteredTopic=filtered", "--scoresTopic=scores", "--storeTopic=store-rt",
            "--consumerGroup=recovery-model", "--windows=" + WINDOWS));
        String filterJob = awaitRunning(cluster, "vigil-filter");
        awaitRunning(cluster, "vigil-model");

        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
          long started = System.currentTimeMillis();
          int sent = 0;
          boolean killed = false;
          while (sent < EVENTS) {
            long due = started + sent * 1000L / RATE;
            long now = System.currentTimeMillis();
            if (now < due) {
              Thread.sleep(due - now); // pacing live traffic, not synchronisation
              continue;
            }
            send(producer, generator.next(now), sendFailure);
            sent++;
            if (!killed && sent >= EVENTS * 2 / 5 && completedCheckpoints(cluster, filterJob) >= 2) {
              String taskManager = taskManagerOf(cluster, filterJob);
              LOG.info("killing {} (runs vigil-filter) with SIGKILL after {} events", taskManager, sent);
              cluster.taskManagers().get(taskManager).destroyForcibly();
              killed = true;
            }
          }
          producer.flush();
          assertThat(killed).as("a TaskManager was killed mid-stream").isTrue();
        }
        assertThat(sendFailure.get()).as("every raw record written").isNull();

        awaitRestored(cluster, filterJob, Duration.ofSeconds(120));
        List<ConsumerRecord<byte[], byte[]>> partials = kafka.topics().awaitRecords("filtered",
            rs -> distinctPartials(rs).values().stream().mapToLong(MemberActivityPartial::getEventCount).sum() >= EVENTS,
            Duration.ofSeconds(180));
        Map<String, MemberActivityPartial> distinct = distinctPartials(partials);
        long duplicates = partials.size() - distinct.size();
        LOG.info("{} partial records, {} of them sent again after the recovery", partials.size(), duplicates);
        assertThat(distinct.values().stream().mapToLong(MemberActivityPartial::getEventCount).sum())
            .as("events in the partials, each (member, window, pane) once").isEqualTo(EVENTS);

        // The uninterrupted run: the batch replay over exactly what the raw topic holds.
        Path archive = dir.resolve("archive");
        List<TimestampedValue<RawRecord>> raw = rawRecords(kafka.topics().readAll("raw"));
        assertThat(raw).hasSize(EVENTS);
        ArchiveAndReplayTest.archive(raw, archive);
        long firstEventMs = raw.stream().mapToLong(r -> r.getTimestamp().getMillis()).min().orElseThrow();
        long lastEventMs = raw.stream().mapToLong(r -> r.getTimestamp().getMillis()).max().orElseThrow();
        Path out = dir.resolve("replay");
        ReplayLabel.run(ReplayLabel.options(List.of("--windows=" + WINDOWS, "--runner=DirectRunner"), null, out),
            ArchiveSelection.of(archive, new ReplayPeriod(firstEventMs, lastEventMs + 1)), out, null);
        Map<String, AbuseScore> batch = FinalVerdicts.ofReplay(out);
        Map<String, AbuseScore> expected = FinalVerdicts.normalized(batch);
        List<AbuseScore> streamed = scores(kafka.topics().awaitRecords("scores",
            rs -> FinalVerdicts.normalized(FinalVerdicts.of(scores(rs))).equals(expected), Duration.ofSeconds(180)));
        FinalVerdicts.assertSame("streaming with a killed TaskManager vs the batch replay", FinalVerdicts.of(streamed), batch);
        assertThat(kafka.topics().readAll("dl")).as("dead letters").isEmpty();
        LOG.info("{} final verdicts identical to the uninterrupted run", batch.size());
      } finally {
        cluster.stop(Duration.ofSeconds(10));
      }
    }
  }

  /** Submits a job through the job jar, as `vigil filter --flinkMaster=...` does; returns once it is submitted. */
  private static void submit(String job, String[] args) throws Exception {
    List<String> command = ChildJvm.java();
    command.addAll(List.of("-cp", JobJar.locate().toString(), "dev.vigil.jobs.VigilJob", job));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("submitting %s: %s", job, output).isZero();
  }

  /** Waits until the job named {@code name} runs; returns its id. */
  private static String awaitRunning(FlinkSessionCluster cluster, String name) throws Exception {
    Pattern job = Pattern.compile("\\{\"jid\":\"([0-9a-f]+)\",\"name\":\"" + Pattern.quote(name) + "\",\"start-time\":\\d+,\"end-time\":-?\\d+,"
        + "\"duration\":\\d+,\"state\":\"RUNNING\"");
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = job.matcher(cluster.getJson("/jobs/overview").orElse(""));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(250); // polling the REST API
    }
    throw new AssertionError(name + " not RUNNING on the cluster: " + cluster.getJson("/jobs/overview").orElse("(no answer)"));
  }

  private static int completedCheckpoints(FlinkSessionCluster cluster, String jobId) throws InterruptedException {
    Matcher m = COMPLETED.matcher(cluster.getJson("/jobs/" + jobId + "/checkpoints").orElse(""));
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** The TaskManager running the job's first vertex (its source and the chained steps). */
  private static String taskManagerOf(FlinkSessionCluster cluster, String jobId) throws InterruptedException {
    Matcher vertex = VERTEX_ID.matcher(cluster.getJson("/jobs/" + jobId).orElseThrow());
    assertThat(vertex.find()).isTrue();
    Matcher tm = TASK_MANAGER.matcher(cluster.getJson("/jobs/" + jobId + "/vertices/" + vertex.group(1) + "/taskmanagers").orElseThrow());
    assertThat(tm.find()).as("the job's TaskManager").isTrue();
    return tm.group(1);
  }

  private static void awaitRestored(FlinkSessionCluster cluster, String jobId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String checkpoints = "";
    while (System.nanoTime() < deadline) {
      checkpoints = cluster.getJson("/jobs/" + jobId + "/checkpoints").orElse("");
      if (RESTORED.matcher(checkpoints).find()) {
        LOG.info("vigil-filter restored from its checkpoint: {}", checkpoints.replaceAll(".*(\"restored\"[^}]*}).*", "$1"));
        return;
      }
      Thread.sleep(500); // polling the REST API
    }
    throw new AssertionError("vigil-filter did not restore from a checkpoint within " + timeout + ": " + checkpoints);
  }

  /** Partials by identity (member, window, pane); copies of one identity must be identical records. */
  private static Map<String, MemberActivityPartial> distinctPartials(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, MemberActivityPartial> out = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      MemberActivityPartial p = FinalVerdicts.partial(r);
      MemberActivityPartial earlier = out.putIfAbsent(p.getMemberId() + "/" + p.getWindowStartMs() + "/" + p.getPaneIndex(), p);
      assertThat(earlier == null || earlier.equals(p)).as("a partial sent again is the same record: %s vs %s", earlier, p).isTrue();
    }
    return out;
  }

  private static List<TimestampedValue<RawRecord>> rawRecords(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
    List<TimestampedValue<RawRecord>> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      long eventTime = ActivityEvent.parseFrom(r.value()).getTimestampMs();
      out.add(TimestampedValue.of(RawRecord.newBuilder().setTopic(r.topic()).setPartition(r.partition()).setOffset(r.offset())
          .setKafkaTimestampMs(r.timestamp()).setKey(ByteString.copyFrom(r.key())).setValue(ByteString.copyFrom(r.value()))
          .setHasValue(true).build(), new Instant(eventTime)));
    }
    return out;
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, ActivityEvent e, AtomicReference<Exception> failure) {
    producer.send(new ProducerRecord<>("raw", null, e.getTimestampMs(), Long.toString(e.getMemberId()).getBytes(StandardCharsets.UTF_8),
        e.toByteArray()), (meta, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
  }
}
