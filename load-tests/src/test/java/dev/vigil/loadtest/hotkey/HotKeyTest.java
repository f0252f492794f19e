package dev.vigil.loadtest.hotkey;

import static dev.vigil.testsupport.JobArgs.concat;
import static dev.vigil.testsupport.kafka.TopicRecords.scores;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.filter.FilterPipeline;
import dev.vigil.kafka.embedded.EmbeddedKafkaBroker;
import dev.vigil.loadtest.support.FinalVerdicts;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.model.ModelPipeline;
import dev.vigil.platform.runner.StreamingJobs;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.PaneTiming;
import dev.vigil.testsupport.Pacer;
import dev.vigil.testsupport.kafka.TestProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member sends four of every five events. The other members' final verdicts must come as quickly as when
 * the same load is spread over many members: the same live traffic of the others, once beside 1,000 filler
 * members and once beside one hot member sending as much as all of them, through the filter and model jobs
 * on Flink (comparing with the others alone would measure the machine's load, not the key's skew); the latency of a row is the time from its end (its
 * boundary, in event time, which is wall-clock time for live traffic) to when its final verdict was computed
 * (negative when an early verdict already held all of it), for rows after a warm-up.
 */
@Tag("slow")
class HotKeyTest {
  private static final Logger LOG = LoggerFactory.getLogger(HotKeyTest.class);
  private static final long HOT_MEMBER = 1;
  private static final long FILLERS = 1_000_000;
  private static final int OTHERS_RATE = 250; // events per second from the other members
  private static final int HOT_RATE = 1_000; // events per second from the hot member
  private static final int SECONDS = 75; // rows end every 30 s: at least one boundary after the warm-up
  /** Verdicts about the first seconds are left out: the jobs are still starting (JIT, first checkpoints). */
  private static final long WARM_UP_MS = 20_000;

  @Test
  void aHotMemberDoesNotDelayOtherMembersVerdicts(@TempDir Path dir) throws Exception {
    long spread = p95LatencyOfOthers(dir.resolve("spread"), false);
    long hot = p95LatencyOfOthers(dir.resolve("hot"), true);
    LOG.info("other members' final verdicts, p95 latency: {} ms with the extra load spread over 1,000 members, {} ms with it"
        + " all from one member", spread, hot);
    assertThat(hot).as("p95 latency of other members' verdicts beside a hot member (same load spread: %d ms)", spread)
        .isLessThanOrEqualTo(spread + 3_000);
  }

  /** The others' p95 row latency, with the extra load from the hot member or spread over 1,000 filler members. */
  private static long p95LatencyOfOthers(Path dir, boolean withHotMember) throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
      kafka.topics().create(List.of("raw", "filtered", "scores", "store-rt", "dl"), 4);
      String[] common = {"--bootstrapServers=" + kafka.bootstrapServers(), "--runner=FlinkRunner", "--flinkMaster=[local]",
          "--parallelism=2", "--deadLetterTopic=dl", "--checkpointingInterval=2000", "--stateBackendStoragePath=" + dir.toUri()};
      List<PipelineResult> jobs = new ArrayList<>();
      try {
        jobs.add(StreamingJobs.start(FilterPipeline.create(FilterPipeline.parseOptions(concat(common,
            "--inputTopic=raw", "--outputTopic=filtered", "--consumerGroup=hot-filter")))));
        jobs.add(StreamingJobs.start(ModelPipeline.create(ModelPipeline.parseOptions(concat(common,
            "--filteredTopic=filtered", "--scoresTopic=scores", "--storeTopic=store-rt", "--consumerGroup=hot-model",
            "--windows=1m/30s")))));
        long start = System.currentTimeMillis();
        long end = sendLive(kafka.bootstrapServers(), withHotMember);
        // Rows end on multiples of 30 s. Once an on-time verdict for the last boundary before the traffic's end is
        // out, event time has passed every earlier boundary: their final verdicts are all in.
        List<AbuseScore> verdicts = scores(kafka.topics().awaitRecords("scores",
            rs -> scores(rs).stream().anyMatch(s -> s.getAsOfMs() > end - 30_000 && s.getAsOfMs() <= end
                && s.getPaneTiming() == PaneTiming.PANE_ON_TIME),
            Duration.ofSeconds(120)));
        // A row's final verdict is the last one for its boundary: on time, or early when nothing changed after it.
        List<Long> latencies = FinalVerdicts.of(verdicts).values().stream()
            .filter(s -> s.getMemberId() != HOT_MEMBER && s.getMemberId() < FILLERS)
            .filter(s -> s.getAsOfMs() >= start + WARM_UP_MS && s.getAsOfMs() < end)
            .map(s -> s.getProcessingTimeMs() - s.getAsOfMs()).sorted().toList();
        LOG.info("{} verdicts; boundaries from {} to {} ms after the traffic started ({} ms long); {} rows measured",
            verdicts.size(), verdicts.stream().mapToLong(AbuseScore::getAsOfMs).min().orElse(0) - start,
            verdicts.stream().mapToLong(AbuseScore::getAsOfMs).max().orElse(0) - start, end - start, latencies.size());
        assertThat(latencies).as("final verdicts of the other members' rows").hasSizeGreaterThan(100);
        if (withHotMember) {
          assertThat(verdicts).as("the hot member is scored too").anyMatch(s -> s.getMemberId() == HOT_MEMBER);
        }
        return latencies.get(latencies.size() * 95 / 100);
      } finally {
        jobs.forEach(StreamingJobs::cancel);
      }
    }
  }

  /** {@link #SECONDS} of live traffic: the others, and the extra load from the hot member or from fillers; returns when it ended. */
  private static long sendLive(String bootstrap, boolean withHotMember) throws InterruptedException {
    SyntheticActivityGenerator others = new SyntheticActivityGenerator(41, 300, 0.0);
    Random random = new Random(43);
    int rate = OTHERS_RATE + HOT_RATE;
    try (TestProducer producer = TestProducer.connect(bootstrap)) {
      Pacer.pace((long) rate * SECONDS, rate, now -> {
        boolean extra = random.nextInt(rate) < HOT_RATE;
        ActivityEvent e = extra ? extraEvent(random, now, withHotMember ? HOT_MEMBER : FILLERS + random.nextInt(1_000))
            : others.next(now);
        if (!extra && e.getMemberId() == HOT_MEMBER) {
          return false; // the generator's member 1 stays out of the others' traffic
        }
        producer.send("raw", now, TestProducer.memberKey(e.getMemberId()), e.toByteArray());
        return true;
      });
      producer.flush();
      return System.currentTimeMillis();
    }
  }

  private static ActivityEvent extraEvent(Random random, long now, long member) {
    return ActivityEvent.newBuilder().setEventId("extra-" + now + "-" + random.nextInt()).setMemberId(member)
        .setType(dev.vigil.schemas.v1.EventType.PROFILE_VIEW).setTimestampMs(now).setIp("203.0.113." + random.nextInt(200))
        .setUserAgent("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0").setTargetId(1 + random.nextInt(100_000))
        .setSessionId("s" + member).build();
  }
}
