package dev.vigil.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's completion condition must match what the pipeline windows: checked here, not in a run. */
class ModelThroughputBenchmarkTest {

  @Test
  void partialsCoverEveryKeptEventOncePerMemberAndFilterWindow() {
    List<MemberActivityPartial> partials = ModelThroughputBenchmark.partials(1, 200, 50, 1_700_000_000_000L);
    assertThat(partials).isNotEmpty().allSatisfy(p -> {
      assertThat(p.getWindowEndMs() - p.getWindowStartMs()).isEqualTo(5_000);
      assertThat(p.getWindowStartMs() % 5_000).isZero();
    });
    assertThat(partials.stream().mapToLong(MemberActivityPartial::getEventCount).sum()).isEqualTo(60 * 200);
    assertThat(partials.stream().map(p -> p.getMemberId() + "@" + p.getWindowStartMs()).distinct().count())
        .isEqualTo(partials.size());
  }
}
