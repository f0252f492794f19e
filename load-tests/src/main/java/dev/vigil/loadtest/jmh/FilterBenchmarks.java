package dev.vigil.loadtest.jmh;

import dev.vigil.core.extract.ActivityExtractor;
import dev.vigil.core.extract.ActivityParser;
import dev.vigil.core.extract.UserAgentClassifier;
import dev.vigil.core.nearline.ActivityFilter;
import dev.vigil.schemas.v1.ActivityEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The filter job's per-event work ({@code FilterEvents} runs {@link ActivityFilter}): decoding and validating the
 * raw bytes, extracting the kept fields, and the whole step (parse, event-time bounds, rules, extract). One
 * operation = one raw event; each invocation processes {@link HotPathData#BATCH} different events.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FilterBenchmarks {
  /** The raw events: read only, shared by threads. Cheap to build, so {@code parse} starts fast. */
  @State(Scope.Benchmark)
  public static class Raw {
    byte[][] raw;
    long[] timestamps;
    ActivityEvent[] events;

    @Setup
    public void setUp() {
      List<ActivityEvent> generated = HotPathData.events(HotPathData.BATCH);
      raw = new byte[generated.size()][];
      timestamps = new long[generated.size()];
      events = generated.toArray(new ActivityEvent[0]);
      for (int i = 0; i < raw.length; i++) {
        raw[i] = generated.get(i).toByteArray();
        timestamps[i] = generated.get(i).getTimestampMs();
      }
    }
  }

  /** The filter step and the extractor (stateless but for the user-agent classifier's cache, which is shared). */
  @State(Scope.Benchmark)
  public static class Steps {
    ActivityFilter filter;
    ActivityExtractor extractor;

    @Setup
    public void setUp(Raw raw) {
      filter = ActivityFilter.withDefaults();
      extractor = new ActivityExtractor(UserAgentClassifier.shared());
      for (ActivityEvent e : raw.events) {
        extractor.extract(e); // the classifier's cache holds these agents, as in a running job
      }
    }
  }

  /** Bytes to a validated {@code ActivityEvent} ({@link ActivityParser#parse}). */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void parse(Raw in, Blackhole bh) {
    for (byte[] value : in.raw) {
      bh.consume(ActivityParser.parse(value));
    }
  }

  /** A decoded event to its {@code ExtractedActivity} (user-agent class, network prefix, ...). */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void extract(Raw in, Steps steps, Blackhole bh) {
    for (ActivityEvent e : in.events) {
      bh.consume(steps.extractor.extract(e));
    }
  }

  /** The whole filter step on raw bytes: parse, event-time bounds, rules, extract. */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void filter(Raw in, Steps steps, Blackhole bh) {
    for (int i = 0; i < in.raw.length; i++) {
      bh.consume(steps.filter.process(in.raw[i], in.timestamps[i], in.timestamps[i]));
    }
  }
}
