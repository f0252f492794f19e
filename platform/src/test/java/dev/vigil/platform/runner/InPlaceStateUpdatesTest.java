package dev.vigil.platform.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.junit.jupiter.api.Test;

/**
 * What a checkpoint may hold is what a bundle left in state: an object written by an earlier bundle is never
 * changed afterwards, while updates within a bundle go to one copy.
 */
class InPlaceStateUpdatesTest {

  @Test
  void anObjectLeftByAnEarlierBundleIsCopiedOnceAndNeverChanged() {
    InPlaceStateUpdates<List<Long>> updates = InPlaceStateUpdates.copyingThrough(ListCoder.of(VarLongCoder.of()));
    List<Long> state = null; // the value state, as the heap backend holds it: by reference

    // Bundle 1 creates the value and updates it in place.
    updates.bundleEnded();
    List<Long> v = updates.forUpdate(state);
    assertThat(v).isNull();
    v = updates.created(new ArrayList<>());
    v.add(1L);
    state = v;
    List<Long> again = updates.forUpdate(state);
    assertThat(again).isSameAs(v); // within its bundle: no copy
    again.add(2L);
    state = again;
    updates.bundleEnded();

    // A checkpoint starts here and writes `checkpointed` while bundle 2 runs.
    List<Long> checkpointed = state;
    List<Long> inBundle2 = updates.forUpdate(state);
    assertThat(inBundle2).isNotSameAs(checkpointed).isEqualTo(List.of(1L, 2L));
    inBundle2.add(3L);
    state = inBundle2;
    assertThat(updates.forUpdate(state)).isSameAs(inBundle2);
    assertThat(checkpointed).as("what the checkpoint writes").containsExactly(1L, 2L);
    assertThat(updates.owned()).isEqualTo(1);
    updates.bundleEnded();
    assertThat(updates.owned()).isZero();
  }
}
