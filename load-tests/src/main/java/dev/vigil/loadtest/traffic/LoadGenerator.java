package dev.vigil.loadtest.traffic;

import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.schemas.v1.ActivityEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthetic traffic at a shaped rate from many producer threads, for load tests. Thread {@code i} of
 * {@code n} produces the members of {@link SyntheticActivityGenerator#partition partition} {@code i} (so each
 * member's events come from one thread, in order, with its sign-up, takeover and ground truth kept in one
 * place), on its own random streams, and paces itself to its share of {@link RateShape#eventsDueBy}. Records
 * follow the producer contract (key = member id, decimal; value = serialized {@code ActivityEvent}); an
 * event's timestamp is the wall clock when it is sent.
 *
 * <p>It reports when it cannot keep up: a second in which the records sent lag the records due by more than
 * max(1 % of due, 0.2 s at the current rate) is {@link Second#behind behind}, and a run with any such second
 * is {@link Result#generatorBound generator-bound}, which makes it no measurement of the pipeline.
 */
public final class LoadGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
  /** Longest a paced thread parks before it looks again (the rate may rise, the run may end). */
  private static final long MAX_PARK_NANOS = 20_000_000;
  /** Records a thread sends before it looks at the clock again when it is behind. */
  private static final int BURST = 256;

  /**
   * @param maxEvents 0 = no limit but the duration
   * @param threads producer threads; each owns one partition of the members (at most {@code members})
   */
  public record Settings(KafkaClientSettings kafka, String topic, RateShape shape, Duration duration, long maxEvents, int threads,
      int members, TrafficMix mix, double malformedFraction, double healthCheckFraction, long seed) {
    public Settings {
      if (kafka == null || topic == null || topic.isBlank() || shape == null || mix == null) {
        throw new IllegalArgumentException("kafka, topic, shape and mix must be given");
      }
      if (duration == null || duration.toMillis() <= 0) {
        throw new IllegalArgumentException("duration must be positive, got " + duration);
      }
      if (maxEvents < 0) {
        throw new IllegalArgumentException("max events must be >= 0 (0 = no limit), got " + maxEvents);
      }
      if (threads < 1 || threads > members) {
        throw new IllegalArgumentException("threads must be in 1.." + members + " (members), got " + threads);
      }
      if (!(malformedFraction >= 0 && healthCheckFraction >= 0 && malformedFraction + healthCheckFraction <= 1)) {
        throw new IllegalArgumentException("malformed and health-check fractions must be >= 0 and sum to at most 1, got "
            + malformedFraction + " and " + healthCheckFraction);
      }
    }
  }

  /** What a run is told as it goes. */
  public interface Listener {
    /**
     * A valid event was handed to the producer at {@code sentAtMs} (malformed records and health checks are
     * not reported). Called concurrently from every producer thread: implementations must be thread-safe,
     * and fast, since they hold up sending.
     */
    void sent(ActivityEvent event, long sentAtMs);

    /** Once a second, on a reporting thread of its own. */
    default void second(Second second) {}

    /**
     * Whether to end the run now, before its duration or cap (a warm-up that lasts until the pipelines answer).
     * Asked by every producer thread between bursts: must be thread-safe and cheap.
     */
    default boolean stopNow() {
      return false;
    }
  }

  /** A snapshot a second: records due by the shape, sent (all kinds) and acknowledged so far, and whether sending lags. */
  public record Second(long elapsedMs, long due, long sent, long acknowledged, boolean behind) {}

  /**
   * What a run did. {@code elapsedMs}: from the start until the last thread stopped sending (acknowledgements
   * are awaited after that). {@code maxRatePerSecond}: the most records sent in one reported second.
   * {@code groundTruth}: every abuser that sent an abusive event, by member id.
   */
  public record Result(long valid, long healthChecks, long malformed, long acknowledged, long failed, long elapsedMs,
      double maxRatePerSecond, int behindSeconds, List<GroundTruth> groundTruth) {
    public long total() {
      return valid + healthChecks + malformed;
    }

    /** The generator could not keep up with the shape in some second: not a result about the pipeline. */
    public boolean generatorBound() {
      return behindSeconds > 0;
    }
  }

  private LoadGenerator() {}

  /** The population a run with these settings draws from (personas, ground truth kinds), without onsets. */
  public static SyntheticActivityGenerator population(Settings s) {
    return new SyntheticActivityGenerator(s.seed(), s.members(), s.mix());
  }

  /** A run in which every abuser is active from the start. */
  public static Result run(Settings s, Listener listener) {
    return run(s, listener, Duration.ZERO);
  }

  /**
   * A run; {@code abuseOnsetSpread} > 0 staggers abusers' onsets over that span from the start (see
   * {@link SyntheticActivityGenerator#staggerAbuseOnsets}).
   */
  public static Result run(Settings s, Listener listener, Duration abuseOnsetSpread) {
    return new Run(s, listener, abuseOnsetSpread).execute();
  }

  /** A run's state shared by its producer threads and its reporting thread. */
  private static final class Run {
    private final Settings s;
    private final Listener listener;
    private final Duration abuseOnsetSpread;
    private final List<SyntheticActivityGenerator> partitions = new ArrayList<>();
    private final TrafficProducers.Acknowledgements acks;
    /** Records sent per thread, and by kind per thread (valid, health check, malformed). */
    private final AtomicLongArray sent;
    private final long[][] byKind;
    private final AtomicBoolean stop = new AtomicBoolean();
    private long startNanos;
    private long lastSent;
    private long lastReportNanos;
    private double maxRate;
    private int behindSeconds;

    Run(Settings s, Listener listener, Duration abuseOnsetSpread) {
      this.s = s;
      this.listener = listener;
      this.acks = new TrafficProducers.Acknowledgements(s.kafka().bootstrapServers());
      this.sent = new AtomicLongArray(s.threads());
      this.byKind = new long[s.threads()][3];
      this.abuseOnsetSpread = abuseOnsetSpread;
    }

    /** Each thread's generator, abuse onsets counted from now. */
    private void partitionPopulation() {
      SyntheticActivityGenerator population = population(s);
      if (abuseOnsetSpread.toMillis() > 0) {
        population.staggerAbuseOnsets(System.currentTimeMillis(), abuseOnsetSpread.toMillis());
      }
      for (int i = 0; i < s.threads(); i++) {
        partitions.add(population.partition(i, s.threads()));
      }
    }

    Result execute() {
      List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
      ExecutorService senders = Executors.newFixedThreadPool(s.threads(), daemon("vigil-load-sender"));
      ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(daemon("vigil-load-reporter"));
      long elapsedMs;
      try {
        // A producer per thread: on two cores it sent 20-60 % more than one shared by the threads (its one
        // accumulator and I/O thread are where shared sends meet); see load-tests/README.md.
        for (int i = 0; i < s.threads(); i++) {
          producers.add(TrafficProducers.open(s.kafka(), TrafficProducers.LOAD_GENERATOR));
          TrafficProducers.fetchMetadata(producers.get(i), s.topic(), s.kafka().bootstrapServers());
        }
        partitionPopulation();
        startNanos = System.nanoTime();
        lastReportNanos = startNanos;
        reporter.scheduleAtFixedRate(this::report, 1, 1, TimeUnit.SECONDS);
        List<Future<?>> threads = new ArrayList<>();
        for (int i = 0; i < s.threads(); i++) {
          int index = i;
          KafkaProducer<byte[], byte[]> producer = producers.get(i);
          threads.add(senders.submit(() -> send(index, producer)));
        }
        awaitAll(threads);
        elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
        reporter.shutdownNow();
        awaitTermination(reporter);
        finalCheck(elapsedMs);
        producers.forEach(KafkaProducer::flush);
      } finally {
        // On a failure the other senders stop before their producers close under them.
        stop.set(true);
        senders.shutdownNow();
        reporter.shutdownNow();
        awaitTermination(senders);
        producers.forEach(KafkaProducer::close);
      }
      long[] totals = new long[3];
      for (long[] kinds : byKind) {
        for (int k = 0; k < 3; k++) {
          totals[k] += kinds[k];
        }
      }
      if (maxRate == 0 && elapsedMs > 0) {
        maxRate = totalSent() * 1000.0 / elapsedMs; // a run shorter than a report
      }
      List<GroundTruth> truth = new ArrayList<>();
      partitions.forEach(p -> truth.addAll(p.groundTruth()));
      truth.sort(Comparator.comparingLong(GroundTruth::memberId));
      Result result = new Result(totals[0], totals[1], totals[2], acks.acknowledged(), acks.failed(), elapsedMs, maxRate, behindSeconds, truth);
      LOG.info("load run: {} records in {} ms ({} acknowledged, {} failed), max {}/s, {} seconds behind{}", result.total(), elapsedMs,
          result.acknowledged(), result.failed(), Math.round(maxRate), behindSeconds,
          result.generatorBound() ? ": GENERATOR-BOUND, not a pipeline result" : "");
      return result;
    }

    /** Thread {@code index}'s loop: its share of the due records, as they fall due, until the duration or the cap. */
    private void send(int index, KafkaProducer<byte[], byte[]> producer) {
      TrafficRecords records = new TrafficRecords(partitions.get(index), s.seed() ^ 0x5eedL * (index + 1), s.malformedFraction(),
          s.healthCheckFraction());
      long durationMs = s.duration().toMillis();
      long[] kinds = byKind[index];
      long mine = 0;
      while (!stop.get() && !listener.stopNow()) {
        long elapsedNanos = System.nanoTime() - startNanos;
        long elapsedMs = elapsedNanos / 1_000_000;
        if (elapsedMs >= durationMs) {
          return;
        }
        long myDue = share(due(elapsedMs), index);
        if (s.maxEvents() > 0 && mine >= share(s.maxEvents(), index)) {
          return;
        }
        if (mine >= myDue) {
          LockSupport.parkNanos(parkNanos(elapsedMs));
          continue;
        }
        for (long n = Math.min(myDue - mine, BURST); n > 0; n--) {
          long now = System.currentTimeMillis();
          TrafficRecords.Kind kind = records.next(now);
          acks.send(producer, new ProducerRecord<>(s.topic(), records.key(), records.value()));
          kinds[kind.ordinal()]++;
          if (kind == TrafficRecords.Kind.VALID) {
            listener.sent(records.event(), now);
          }
        }
        mine += Math.min(myDue - mine, BURST);
        sent.set(index, mine);
      }
    }

    /** Records due by {@code elapsedMs}, within the cap. */
    private long due(long elapsedMs) {
      long due = s.shape().eventsDueBy(elapsedMs);
      return s.maxEvents() > 0 ? Math.min(due, s.maxEvents()) : due;
    }

    /** Thread {@code index}'s part of {@code total}: the parts of all threads sum to it exactly. */
    private long share(long total, int index) {
      return (total + s.threads() - 1 - index) / s.threads();
    }

    /** About the time until this thread's next record at the current rate, bounded so a change is seen soon. */
    private long parkNanos(long elapsedMs) {
      double rate = s.shape().rateAt(elapsedMs);
      return rate <= 0 ? MAX_PARK_NANOS : (long) Math.max(50_000, Math.min(MAX_PARK_NANOS, s.threads() * 1e9 / rate));
    }

    private long totalSent() {
      long total = 0;
      for (int i = 0; i < sent.length(); i++) {
        total += sent.get(i);
      }
      return total;
    }

    /** The reporting thread's second: progress, the rate achieved, whether sending lags. */
    private void report() {
      long now = System.nanoTime();
      long elapsedMs = (now - startNanos) / 1_000_000;
      long total = totalSent();
      maxRate = Math.max(maxRate, (total - lastSent) * 1e9 / (now - lastReportNanos));
      lastSent = total;
      lastReportNanos = now;
      Second second = new Second(elapsedMs, due(elapsedMs), total, acks.acknowledged(), behind(elapsedMs, total));
      if (second.behind()) {
        behindSeconds++;
        LOG.warn("load generator behind at {} ms: {} sent of {} due", elapsedMs, total, second.due());
      }
      listener.second(second);
    }

    /** After the senders stopped: a run that ended behind (or was shorter than a report) counts that too. */
    private void finalCheck(long elapsedMs) {
      long total = totalSent();
      boolean capped = s.maxEvents() > 0 && total >= s.maxEvents();
      if (!capped && behind(Math.min(elapsedMs, s.duration().toMillis()), total)) {
        behindSeconds++;
      }
    }

    private boolean behind(long elapsedMs, long sentSoFar) {
      long due = due(elapsedMs);
      double allowed = Math.max(0.01 * due, 0.2 * s.shape().rateAt(elapsedMs));
      return due - sentSoFar > allowed;
    }
  }

  private static void awaitAll(List<Future<?>> threads) {
    try {
      for (Future<?> t : threads) {
        t.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("a load generator thread failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending", e);
    }
  }

  private static void awaitTermination(ExecutorService executor) {
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      return t;
    };
  }
}
