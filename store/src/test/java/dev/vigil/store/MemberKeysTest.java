package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MemberKeysTest {

  @Test
  void encodingRoundTripsAndBytewiseOrderIsNumericOrder() {
    Random random = new Random(3);
    long[] ids = new long[1_000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i < 4 ? new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}[i] : random.nextLong();
    }
    for (long id : ids) {
      assertThat(MemberKeys.decode(MemberKeys.encode(id))).isEqualTo(id);
    }
    byte[][] keys = Arrays.stream(ids).mapToObj(MemberKeys::encode).toArray(byte[][]::new);
    Arrays.sort(keys, Arrays::compareUnsigned);
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    assertThat(Arrays.stream(keys).mapToLong(MemberKeys::decode).toArray()).isEqualTo(sorted);
  }

  @Test
  void consecutiveIdsSpreadEvenlyOverPartitions() {
    int[] counts = new int[8];
    for (long id = 1; id <= 80_000; id++) {
      counts[MemberKeys.partition(id, 8)]++;
    }
    assertThat(Arrays.stream(counts).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(9_500, 10_500));
  }
}
