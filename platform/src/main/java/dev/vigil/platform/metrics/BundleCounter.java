package dev.vigil.platform.metrics;

import java.io.Serializable;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * A Beam counter counted in a plain field and published once per bundle: on the Flink runner a metric
 * update per element costs more than the element's own work. Declare as a DoFn field, call {@link #inc}
 * per element and {@link #flush} in {@code @FinishBundle}.
 */
public final class BundleCounter implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Counter counter;
  private transient long pending;

  public BundleCounter(String namespace, String name) {
    this.counter = Metrics.counter(namespace, name);
  }

  public void inc() {
    pending++;
  }

  public void inc(long n) {
    pending += n;
  }

  /** Publishes what was counted since the last flush. */
  public void flush() {
    if (pending != 0) {
      counter.inc(pending);
      pending = 0;
    }
  }
}
