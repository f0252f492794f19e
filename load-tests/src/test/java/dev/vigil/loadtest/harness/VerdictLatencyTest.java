package dev.vigil.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** End-to-end latency matching against a naive oracle: each event, the first later verdict about its member that covers it. */
class VerdictLatencyTest {

  private record Op(boolean verdict, long member, long timeMs, long seenAtMs) {}

  @Test
  void eachEventIsChargedToTheFirstLaterVerdictThatCoversIt() {
    Random random = new Random(42);
    List<Op> ops = new ArrayList<>();
    Map<Long, Long> lastEventTime = new HashMap<>();
    long clock = 1_000_000;
    for (int i = 0; i < 20_000; i++) {
      clock += random.nextInt(5);
      long member = 1 + random.nextInt(50);
      if (random.nextInt(3) > 0) {
        long t = Math.max(clock, lastEventTime.getOrDefault(member, 0L)); // a member's events in time order
        lastEventTime.put(member, t);
        ops.add(new Op(false, member, t, 0));
      } else {
        // A verdict speaks for the member up to some recent event time; it is read a little later.
        ops.add(new Op(true, member, clock - random.nextInt(2_000), clock + random.nextInt(3_000)));
      }
    }

    VerdictLatency latency = new VerdictLatency();
    Histogram oracle = new Histogram(3_600_000, 3);
    boolean[] covered = new boolean[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      if (!op.verdict()) {
        latency.sent(op.member(), op.timeMs());
        continue;
      }
      latency.verdict(op.member(), op.timeMs(), op.seenAtMs() - 1_000, op.seenAtMs());
      for (int j = 0; j < i; j++) { // naive: every earlier event of the member this verdict covers, not yet covered
        Op e = ops.get(j);
        if (!e.verdict() && !covered[j] && e.member() == op.member() && e.timeMs() <= op.timeMs()) {
          covered[j] = true;
          oracle.recordValue(Math.max(0, op.seenAtMs() - e.timeMs()));
        }
      }
    }
    long uncovered = 0;
    for (int i = 0; i < ops.size(); i++) {
      uncovered += !ops.get(i).verdict() && !covered[i] ? 1 : 0;
    }

    assertThat(oracle.getTotalCount()).isGreaterThan(5_000);
    assertThat(latency.total()).isEqualTo(oracle);
    assertThat(latency.uncovered()).isEqualTo(uncovered).isPositive();
  }

  @Test
  void anIntervalHoldsOnlyWhatWasRecordedSinceTheLastOne() {
    VerdictLatency latency = new VerdictLatency();
    latency.sent(7, 1_000);
    latency.sent(7, 2_000);
    assertThat(latency.verdict(7, 1_500, 2_800, 3_000)).isEqualTo(1_000); // covers the first event only
    Histogram first = latency.takeInterval();
    assertThat(latency.verdict(7, 2_000, 2_400, 2_500)).isEqualTo(2_000);
    Histogram second = latency.takeInterval();

    assertThat(first.getTotalCount()).isEqualTo(1);
    assertThat(first.getMaxValue()).isEqualTo(2_000);
    assertThat(second.getTotalCount()).isEqualTo(1);
    assertThat(second.getMaxValue()).isEqualTo(500);
    assertThat(latency.total().getTotalCount()).isEqualTo(2);
    assertThat(latency.verdict(7, 9_000, 9_000, 9_000)).as("nothing left to cover").isEqualTo(-1);
    assertThat(latency.toComputed().getMaxValue()).isEqualTo(1_800);
    assertThat(latency.uncovered()).isZero();
  }
}
