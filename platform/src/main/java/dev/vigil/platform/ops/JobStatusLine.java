package dev.vigil.platform.ops;

import dev.vigil.core.console.ProgressLine;
import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-line status a job run in the foreground prints every {@code interval}: its state on the embedded Flink
 * cluster, a few Beam counters with their rates, the last checkpoint, and its consumer group's lag, e.g.
 * <pre>vigil-filter RUNNING 2m10s | read 120,400 (1,010/s) | partials 9,800 (80/s) | dead letters 12 | checkpoint #13 4 s ago | lag 1,200</pre>
 * Read from Flink's REST API and Kafka, as an operator's tools would, not from inside the job.
 */
public final class JobStatusLine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobStatusLine.class);

  /**
   * A figure of the line: its label and the Beam counters it sums, each {@code namespace} and {@code name}, a name
   * ending in {@code *} taking every counter of the namespace that starts with it.
   */
  public record Figure(String label, List<String> flinkNames) {
    public static Figure of(String label, String namespace, String... names) {
      return new Figure(label, java.util.Arrays.stream(names).map(n -> FlinkRest.flinkMetricName(namespace, n)).toList());
    }

    long valueIn(Map<String, Long> counters) {
      long sum = 0;
      for (String c : flinkNames) {
        if (c.endsWith("*")) {
          String prefix = c.substring(0, c.length() - 1);
          sum += counters.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
        } else {
          sum += counters.getOrDefault(c, 0L);
        }
      }
      return sum;
    }
  }

  /** Where the job's input lag is read: the operator's Kafka settings (brokers, security), group and topic. */
  public record LagSource(KafkaClientSettings kafka, String group, String topic) {}

  private final Thread thread;

  private JobStatusLine(Thread thread) {
    this.thread = thread;
  }

  /** Starts printing the status of {@code jobName} on the Flink REST endpoint {@code restAddress} (host:port). */
  public static JobStatusLine start(String jobName, String restAddress, Duration interval, List<Figure> figures, LagSource lag) {
    Thread t = new Thread(() -> loop(jobName, new FlinkRest(restAddress), interval, figures, lag), jobName + "-status");
    t.setDaemon(true);
    t.start();
    return new JobStatusLine(t);
  }

  private static void loop(String jobName, FlinkRest rest, Duration interval, List<Figure> figures, LagSource lag) {
    Map<String, Long> previous = new HashMap<>();
    long previousNanos = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval.toMillis()); // the status line's period
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      try {
        ProgressLine.show(line(jobName, rest, figures, lag, previous, (now - previousNanos) / 1e9));
      } catch (RuntimeException e) {
        LOG.debug("status line: {}", e.toString());
        ProgressLine.show(jobName + ": starting (Flink's REST API at " + rest.master() + " does not answer yet)");
      }
      previousNanos = now;
    }
  }

  /** One status line now; {@code previous} holds the figures of the last line (for rates), updated here. */
  public static String line(String jobName, FlinkRest rest, List<Figure> figures, LagSource lag, Map<String, Long> previous, double seconds) {
    Optional<FlinkRest.Job> job = rest.activeJob(jobName);
    if (job.isEmpty()) {
      return jobName + ": not running on the embedded Flink cluster (yet)";
    }
    List<String> parts = new ArrayList<>();
    parts.add(jobName + " " + job.get().state() + " " + elapsed(System.currentTimeMillis() - job.get().startTimeMs()));
    Map<String, Long> counters = rest.beamCounters(job.get().id(), "vigil_");
    for (Figure f : figures) {
      long value = f.valueIn(counters);
      Long before = previous.put(f.label(), value);
      String rate = before == null || seconds <= 0 ? "" : String.format(" (%,d/s)", Math.round((value - before) / seconds));
      parts.add(String.format("%s %,d%s", f.label(), value, rate));
    }
    FlinkRest.Checkpoints c = rest.checkpoints(job.get().id());
    parts.add(c.latestId().map(id -> "checkpoint #" + id + " " + elapsed(System.currentTimeMillis() - c.latestAtMs().orElse(0L)) + " ago")
        .orElse("no checkpoint yet"));
    if (lag != null) {
      try {
        parts.add(String.format("lag %,d", ConsumerGroupLag.read(lag.kafka(), lag.group(), lag.topic()).total()));
      } catch (Exception e) {
        parts.add("lag unknown: Kafka at " + lag.kafka().bootstrapServers() + " did not answer");
      }
    }
    return String.join(" | ", parts);
  }

  /** A duration as an operator reads it: 45s, 3m12s, 2h5m. */
  public static String elapsed(long ms) {
    Duration d = Duration.ofMillis(Math.max(0, ms));
    return d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "m" : d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s"
        : d.toSeconds() + "s";
  }

  @Override
  public void close() {
    thread.interrupt();
    ProgressLine.done();
  }
}
