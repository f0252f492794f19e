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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-line status a job run in the foreground prints every {@code interval}: its state on the embedded Flink
 * cluster, a few Beam counters with their rates, the last checkpoint, and its consumer group's lag, e.g.
 * <pre>vigil-filter RUNNING 2m10s | read 120,400 (1,010/s) | partials 9,800 (80/s) | dead letters 12 (0/s) | checkpoint #13 4s ago | lag 1,200</pre>
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

    /** Whether this figure sums the counter Flink names {@code flinkName}. */
    boolean counts(String flinkName) {
      return flinkNames.stream().anyMatch(c -> c.endsWith("*") ? flinkName.startsWith(c.substring(0, c.length() - 1)) : flinkName.equals(c));
    }

    long valueIn(Map<String, Long> counters) {
      return counters.entrySet().stream().filter(e -> counts(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }
  }

  /** Where the job's input lag is read: the operator's Kafka settings (brokers, security), group and topic. */
  public record LagSource(KafkaClientSettings kafka, String group, String topic) {}

  /** A figure's value when it was last read, for its rate. */
  public record Sample(long value, long nanos) {}

  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();

  private JobStatusLine(String jobName, FlinkRest rest, Duration interval, List<Figure> figures, LagSource lag) {
    this.thread = new Thread(() -> loop(jobName, rest, interval, figures, lag), jobName + "-status");
    thread.setDaemon(true);
  }

  /** Starts printing the status of {@code jobName} on the Flink REST endpoint {@code restAddress} (host:port). */
  public static JobStatusLine start(String jobName, String restAddress, Duration interval, List<Figure> figures, LagSource lag) {
    JobStatusLine status = new JobStatusLine(jobName, new FlinkRest(restAddress), interval, figures, lag);
    status.thread.start();
    return status;
  }

  private void loop(String jobName, FlinkRest rest, Duration interval, List<Figure> figures, LagSource lag) {
    Map<String, Sample> previous = new HashMap<>();
    while (!closed.get()) {
      try {
        Thread.sleep(interval.toMillis()); // the status line's period
      } catch (InterruptedException e) {
        return;
      }
      String line;
      try {
        line = line(jobName, rest, figures, lag, previous);
      } catch (RuntimeException e) {
        LOG.debug("status line: {}", e.toString());
        line = jobName + ": starting (Flink's REST API at " + rest.master() + " does not answer yet)";
      }
      if (closed.get()) {
        return; // the job ended while this line was being read: print nothing after it
      }
      ProgressLine.show(line);
    }
  }

  /**
   * One status line now. {@code previous} holds each figure's last sample, for its rate, and is updated here; a rate
   * that would be negative (the job restarted and its counters began again) is not shown.
   */
  public static String line(String jobName, FlinkRest rest, List<Figure> figures, LagSource lag, Map<String, Sample> previous) {
    Optional<FlinkRest.Job> job = rest.activeJob(jobName);
    if (job.isEmpty()) {
      return jobName + ": not running on the embedded Flink cluster (yet)";
    }
    List<String> parts = new ArrayList<>();
    parts.add(jobName + " " + job.get().state() + " " + elapsed(System.currentTimeMillis() - job.get().startTimeMs()));
    Map<String, Long> counters = rest.beamCounters(job.get().id(), name -> figures.stream().anyMatch(f -> f.counts(name)));
    long now = System.nanoTime();
    for (Figure f : figures) {
      long value = f.valueIn(counters);
      Sample before = previous.put(f.label(), new Sample(value, now));
      String rate = "";
      if (before != null && now > before.nanos() && value >= before.value()) {
        rate = String.format(" (%,d/s)", Math.round((value - before.value()) / ((now - before.nanos()) / 1e9)));
      }
      parts.add(String.format("%s %,d%s", f.label(), value, rate));
    }
    FlinkRest.Checkpoints c = rest.checkpoints(job.get().id());
    parts.add(c.latestId().map(id -> "checkpoint #" + id + " " + elapsed(System.currentTimeMillis() - c.latestAtMs().orElse(0L)) + " ago")
        .orElse("no checkpoint yet"));
    if (lag != null) {
      try {
        parts.add(String.format("lag %,d", ConsumerGroupLag.read(lag.kafka(), lag.group(), lag.topic()).total()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        parts.add("lag unknown");
      } catch (Exception e) {
        parts.add("lag unknown: Kafka at " + lag.kafka().bootstrapServers() + " did not answer (" + e.getClass().getSimpleName() + ")");
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

  /** Stops the line; nothing is printed after this returns (it waits briefly for a line being read). */
  @Override
  public void close() {
    closed.set(true);
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ProgressLine.done();
  }
}
