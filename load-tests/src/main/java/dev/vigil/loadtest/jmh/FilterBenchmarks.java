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
@State(Scope.Benchmark) // read-only inputs and stateless steps: shared by threads
public class FilterBenchmarks {
  private byte[][] raw;
  private long[] timestamps;
  private ActivityEvent[] events;
  private ActivityFilter filter;
  private ActivityExtractor extractor;

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
    filter = ActivityFilter.withDefaults();
    extractor = new ActivityExtractor(UserAgentClassifier.shared());
    for (ActivityEvent e : events) {
      extractor.extract(e); // the classifier's cache holds these agents, as in a running job
    }
  }

  /** Bytes to a validated {@code ActivityEvent} ({@link ActivityParser#parse}). */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void parse(Blackhole bh) {
    for (byte[] value : raw) {
      bh.consume(ActivityParser.parse(value));
    }
  }

  /** A decoded event to its {@code ExtractedActivity} (user-agent class, network prefix, ...). */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void extract(Blackhole bh) {
    for (ActivityEvent e : events) {
      bh.consume(extractor.extract(e));
    }
  }

  /** The whole filter step on raw bytes: parse, event-time bounds, rules, extract. */
  @Benchmark
  @OperationsPerInvocation(HotPathData.BATCH)
  public void filter(Blackhole bh) {
    for (int i = 0; i < raw.length; i++) {
      bh.consume(filter.process(raw[i], timestamps[i], timestamps[i]));
    }
  }
}
