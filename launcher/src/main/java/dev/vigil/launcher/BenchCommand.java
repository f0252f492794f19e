package dev.vigil.launcher;

import dev.vigil.loadtest.bench.FilterThroughputBenchmark;
import dev.vigil.loadtest.bench.ModelThroughputBenchmark;
import dev.vigil.loadtest.bench.ScoringThroughputBenchmark;
import dev.vigil.loadtest.bench.SketchBenchmark;
import dev.vigil.loadtest.bench.StoreBenchmark;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks that compare the pipelines with plain-loop baselines (numbers go to docs/performance.md).",
    subcommands = {BenchCommand.Filter.class, BenchCommand.Scoring.class, BenchCommand.Model.class, BenchCommand.StoreReads.class,
        BenchCommand.Sketches.class, BenchCommand.Replay.class, BenchCommand.Jmh.class})
final class BenchCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "filter", mixinStandardHelpOptions = true, description = {
      "Filter work on one pre-filled topic, side by side, the broker in its own process: plain (a KafkaConsumer/",
      "KafkaProducer loop on the same core classes), beam (the filter job on embedded Flink), beam-b (the job",
      "with --beam-b-flags). A warm-up round, then the sides alternate; prints events per CPU-second of the",
      "engine's process and checks that every output equals the first side's, member-window by member-window."})
  static final class Filter implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "1000000", description = "Events to pre-fill (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--members", defaultValue = "100000", description = "Distinct members (default: ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds after the warm-up round (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--sides", defaultValue = "plain,beam", split = ",", description = "Sides, in alternation order (default: ${DEFAULT-VALUE})")
    List<String> sides;

    @Option(names = "--beam-b-flags", split = " ", description = "Extra job flags of the beam-b side, e.g. --beam-b-flags=--fasterCopy=false")
    List<String> beamBFlags = List.of();

    @Option(names = "--job-jar", description = "Run each beam side through the job jar in a JVM of its own (needed for"
        + " --stateBackend=rocksdb); its CPU is that JVM's, start-up included")
    boolean jobJar;

    @Override
    public Integer call() throws Exception {
      if (events < 1 || members < 1) {
        throw new IllegalArgumentException("--events and --members must be >= 1");
      }
      if (rounds < 0) {
        throw new IllegalArgumentException("--rounds must be >= 0, got " + rounds);
      }
      if (sides.contains("beam-b") && beamBFlags.isEmpty()) {
        throw new IllegalArgumentException("--sides beam-b needs --beam-b-flags");
      }
      FilterThroughputBenchmark.run(events, members, rounds, sides, beamBFlags, jobJar);
      return 0;
    }
  }

  @Command(name = "scoring", mixinStandardHelpOptions = true,
      description = "Rows scored per second on one thread through the project's scorer at several batch sizes.")
  static final class Scoring implements Callable<Integer> {
    @Option(names = "--batch-sizes", defaultValue = "1,64,1024", split = ",", description = "Batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batchSizes;

    @Option(names = "--rows", defaultValue = "300000", description = "Rows timed per batch size (default: ${DEFAULT-VALUE})")
    int rows;

    @Override
    public Integer call() throws Exception {
      if (batchSizes.stream().anyMatch(b -> b < 1) || rows < 1) {
        throw new IllegalArgumentException("--batch-sizes and --rows must be >= 1");
      }
      ScoringThroughputBenchmark.run(batchSizes, rows);
      return 0;
    }
  }

  @Command(name = "model", mixinStandardHelpOptions = true, description = {
      "The model pipeline on embedded Flink from a pre-filled filtered topic: partials and represented events",
      "per second and per CPU-second, until every member-window has a score."})
  static final class Model implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "10", description = "Event-time span of the traffic (default: ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--rate", defaultValue = "2000", description = "Raw events per second of event time (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--members", defaultValue = "2000", description = "Distinct members (default: ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--windows", defaultValue = "1m/30s,10m/1m,60m/5m", description = "Model windows (default: ${DEFAULT-VALUE})")
    String windows;

    @Option(names = "--runs", defaultValue = "2", description = "Identical runs; later runs are JIT-warm (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--beam-b-flags", split = " ", description = "Extra job flags of a B side: each run becomes A then B, e.g."
        + " --beam-b-flags=--checkpointingInterval=-1")
    List<String> bFlags = List.of();

    @Override
    public Integer call() throws Exception {
      if (minutes < 1 || rate < 1 || members < 1 || runs < 1) {
        throw new IllegalArgumentException("--minutes, --rate, --members and --runs must be >= 1");
      }
      ModelThroughputBenchmark.run(minutes, rate, members, windows, runs, bFlags);
      return 0;
    }
  }

  @Command(name = "store", mixinStandardHelpOptions = true, description = {
      "The score store: real-time ingestion updates/s, push rows/s, and HTTP single/batch get throughput and",
      "p50/p99 next to the in-process RocksDB get rate on the same data."})
  static final class StoreReads implements Callable<Integer> {
    @Option(names = "--records", defaultValue = "500000", description = "Real-time upserts to ingest (default: ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the pushed dataset = members read (default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds per read measurement (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--client-threads", defaultValue = "8", description = "HTTP client threads (default: ${DEFAULT-VALUE})")
    int clientThreads;

    @Option(names = "--batch-keys", defaultValue = "100", description = "Keys per batch get (default: ${DEFAULT-VALUE})")
    int batchKeys;

    @Override
    public Integer call() throws Exception {
      if (records < 1 || rows < 1 || seconds < 1 || clientThreads < 1 || batchKeys < 1) {
        throw new IllegalArgumentException("--records, --rows, --seconds, --client-threads and --batch-keys must be >= 1");
      }
      StoreBenchmark.run(records, rows, seconds, clientThreads, batchKeys);
      return 0;
    }
  }

  @Command(name = "sketches", mixinStandardHelpOptions = true, description = {
      "Core's KMV distinct-count sketch against Apache DataSketches' Theta sketch on the model job's tile merges:",
      "windows merged per second from serialized tile sketches, accuracy against exact counts, bytes per sketch."})
  static final class Sketches implements Callable<Integer> {
    @Option(names = "--tiles", defaultValue = "2000", description = "Tile sketches (default: ${DEFAULT-VALUE})")
    int tiles;

    @Option(names = "--window-tiles", defaultValue = "25", description = "Tiles merged per window (default: ${DEFAULT-VALUE})")
    int windowTiles;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds after a warm-up round (default: ${DEFAULT-VALUE})")
    int rounds;

    @Override
    public Integer call() {
      if (rounds < 1) {
        throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
      }
      SketchBenchmark.run(tiles, windowTiles, rounds);
      return 0;
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true, description = {
      "One archived data set labelled in batch ('vigil replay label', FlinkRunner) and through the streaming jobs fed by",
      "'vigil replay publish --speed max', alternating, each in JVMs of its own under /usr/bin/time (wall, CPU, peak RSS),",
      "the broker apart; compares the verdicts member and boundary by boundary."})
  static final class Replay implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "1000000", description = "Events in the data set (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--hours", defaultValue = "6", description = "Hours of event time they span (default: ${DEFAULT-VALUE})")
    int hours;

    @Option(names = "--members", defaultValue = "20000", description = "Distinct members (default: ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--rounds", defaultValue = "2", description = "Rounds of batch then streaming (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--work", defaultValue = ".vigil/bench-replay", description = "Working directory (default: ${DEFAULT-VALUE})")
    java.nio.file.Path work;

    @Option(names = "--archive", description = "Reuse an archive (with --from and --to) instead of generating the data set")
    java.nio.file.Path archive;

    @Option(names = "--from", description = "With --archive: start of the period, ISO-8601")
    String from;

    @Option(names = "--to", description = "With --archive: end of the period, ISO-8601")
    String to;

    @Override
    public Integer call() throws Exception {
      if (events < 1 || hours < 1 || members < 1 || rounds < 1) {
        throw new IllegalArgumentException("--events, --hours, --members and --rounds must be >= 1");
      }
      if (archive != null && (from == null || to == null)) {
        throw new IllegalArgumentException("--archive needs --from and --to");
      }
      if (archive != null) {
        dev.vigil.replay.ReplayPeriod.parse(from, to); // one-line errors for bad instants
      }
      dev.vigil.loadtest.bench.ReplayBenchmark.run(events, hours, members, rounds, work, archive, from, to);
      return 0;
    }
  }

  @Command(name = "jmh", mixinStandardHelpOptions = true, description = {
      "JMH microbenchmarks of the hot paths on the jobs' own core and scoring classes: parse, extract, the whole filter",
      "step, aggregate add, partial merge, tile update with window features, scoring batches of 1/64/1024 rows.",
      "Runs in forked JVMs with this JVM's class path and flags; prints benchmark, score, error, unit (ops/s per thread)."})
  static final class Jmh implements Callable<Integer> {
    @Option(names = "--include", defaultValue = ".*", description = "Regular expression on Class.method names,"
        + " e.g. 'FilterBenchmarks|merge' (default: ${DEFAULT-VALUE})")
    String include;

    @Option(names = "--forks", defaultValue = "1", description = "Forked JVMs per benchmark; 0 runs in this JVM (default: ${DEFAULT-VALUE})")
    int forks;

    @Option(names = "--warmup-iterations", defaultValue = "3", description = "Warm-up iterations per fork (default: ${DEFAULT-VALUE})")
    int warmupIterations;

    @Option(names = "--iterations", defaultValue = "5", description = "Measured iterations per fork (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--time", defaultValue = "1s", description = "Duration of each iteration, e.g. 500ms, 2s (default: ${DEFAULT-VALUE})")
    String time;

    @Option(names = "--out", description = "Also write JMH's JSON results to this file")
    java.nio.file.Path out;

    @Override
    public Integer call() throws Exception {
      // The constructor checks every flag and fails in one line.
      dev.vigil.loadtest.jmh.JmhBench.run(new dev.vigil.loadtest.jmh.JmhBench.Settings(include, forks, warmupIterations, iterations,
          time, out, false), System.out);
      return 0;
    }
  }
}
