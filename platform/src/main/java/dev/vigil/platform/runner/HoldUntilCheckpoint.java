package dev.vigil.platform.runner;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Passes elements on only once the checkpoint that covers them has completed ({@code @RequiresStableInput};
 * on Flink the runner buffers them in operator state until then).
 *
 * <p>Why: after a crash, Flink restores state from the last checkpoint and re-reads the input after it; a
 * step whose output depends on processing time or arrival order (a late pane, a watermark-driven firing)
 * can then emit <em>different</em> records for the replayed stretch than it did before the crash, and a
 * consumer that adds them up would count events twice. Held outputs of the replayed stretch were never
 * released, so a recovery can only release again the records of a completed checkpoint, unchanged, which a
 * consumer recognises by their identity. The price is latency: up to one checkpoint interval.
 *
 * <p>Applied only where checkpoints run ({@link StreamingJobDefaults#checkpointing}); elsewhere it is the
 * identity (Direct runner tests, checkpoints turned off).
 */
public final class HoldUntilCheckpoint<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private final boolean enabled;

  private HoldUntilCheckpoint(boolean enabled) {
    this.enabled = enabled;
  }

  public static <T> HoldUntilCheckpoint<T> when(boolean enabled) {
    return new HoldUntilCheckpoint<>(enabled);
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    if (!enabled) {
      return input;
    }
    return input.apply("ReleaseCheckpointed", ParDo.of(new ReleaseFn<T>())).setCoder(input.getCoder());
  }

  static final class ReleaseFn<T> extends DoFn<T, T> {
    @RequiresStableInput
    @ProcessElement
    public void process(@Element T element, OutputReceiver<T> out) {
      out.output(element);
    }
  }
}
