package dev.vigil.platform.runner;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * Lets a stateful DoFn update the object it read from a value state in place, safely under Flink's heap state
 * backend with {@code --fasterCopy}.
 *
 * <p>The heap backend writes a checkpoint asynchronously after its barrier and protects the objects the checkpoint
 * is writing by copying an entry the first time it is read afterwards (copy-on-write). With {@code --fasterCopy}
 * Beam's state serializer copies by reference, so that copy is the same object: a DoFn that updated it in place
 * would change what the running checkpoint writes, and the checkpoint would hold an event that came after its
 * barrier (counted twice after a recovery; the kill-and-recover test caught it). The Flink runner finishes the open
 * bundle before it snapshots keyed state ({@code DoFnOperator.snapshotState}), and timers fire inside bundles, so no
 * state snapshot is taken within a bundle: an object that this bundle copied or created can be updated in place until
 * the bundle ends; any other object is copied once before its first update. (Beam's own combining state, used by
 * triggers, updates its accumulator in place too; a streaming job must not rely on a combiner's state surviving
 * checkpoints exactly while {@code --fasterCopy} is on.)
 * One copy per key per bundle, instead of deep copies of every element between steps without {@code --fasterCopy}.
 *
 * <p>Not thread-safe: one per DoFn instance, with {@link #bundleEnded} called from {@code @StartBundle} and
 * {@code @FinishBundle}.
 */
public final class InPlaceStateUpdates<T> {
  private final UnaryOperator<T> copy;
  private final Set<T> ownedByThisBundle = Collections.newSetFromMap(new IdentityHashMap<>());

  public InPlaceStateUpdates(UnaryOperator<T> copy) {
    this.copy = copy;
  }

  /** Copies through {@code coder} (decode of an encode): for state whose class has no copy of its own. */
  public static <T> InPlaceStateUpdates<T> copyingThrough(Coder<T> coder) {
    return new InPlaceStateUpdates<>(value -> {
      try {
        return CoderUtils.clone(coder, value);
      } catch (CoderException e) {
        throw new IllegalStateException("cannot copy state through " + coder, e);
      }
    });
  }

  /**
   * The object to update for {@code read} (what the state returned; null stays null): itself if this bundle copied
   * or created it, else a copy, which the caller must write back to the state.
   */
  public T forUpdate(T read) {
    if (read == null || ownedByThisBundle.contains(read)) {
      return read;
    }
    T copied = copy.apply(read);
    ownedByThisBundle.add(copied);
    return copied;
  }

  /** Records an object this bundle created (a first state value), so later reads in the bundle update it in place. */
  public T created(T value) {
    ownedByThisBundle.add(value);
    return value;
  }

  /** A bundle ended or begins: from now on a checkpoint may hold every object written so far. */
  public void bundleEnded() {
    ownedByThisBundle.clear();
  }

  /** How many objects the current bundle owns (for tests). */
  int owned() {
    return ownedByThisBundle.size();
  }
}
