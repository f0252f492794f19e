package dev.vigil.filter;

import static dev.vigil.filter.ActivityFixtures.event;

import dev.vigil.core.rules.FilterRules;
import dev.vigil.core.rules.FilterRulesLoader;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import dev.vigil.platform.runner.StreamingJobs;

@ExtendWith(TestPipelineExtension.class)
class ApplyFilterRulesTest {

  @Test
  void keepsOnlyWhatTheRulesKeepAndCountsWhy(TestPipeline p) {
    FilterRules rules = FilterRulesLoader.parse("""
        relevantEventTypes: [PROFILE_VIEW, LOGIN_FAILURE]
        internalTraffic:
          ipRanges: [203.0.113.0/26]
        allowlistedMembers: [100]
        """, "test");
    ActivityEvent kept = event(77, EventType.PROFILE_VIEW, 1_000);          // 203.0.113.77: outside /26
    ActivityEvent irrelevant = event(77, EventType.SEARCH, 1_000);
    ActivityEvent allowlisted = event(100, EventType.LOGIN_FAILURE, 1_000);
    ActivityEvent internal = event(5, EventType.LOGIN_FAILURE, 1_000);       // 203.0.113.5: inside /26

    PAssert.that(p.apply(Create.of(kept, irrelevant, allowlisted, internal).withCoder(ProtoCoder.of(ActivityEvent.class)))
            .apply(new ApplyFilterRules(rules)))
        .containsInAnyOrder(kept);
    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertThat(StreamingJobs.counter(result, "kept")).isEqualTo(1);
    assertThat(StreamingJobs.counter(result, "dropped_irrelevant_type")).isEqualTo(1);
    assertThat(StreamingJobs.counter(result, "dropped_allowlisted_member")).isEqualTo(1);
    assertThat(StreamingJobs.counter(result, "dropped_internal_ip")).isEqualTo(1);
  }
}
