package dev.vigil.platform.aggregate;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.UserAgentClass;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class MemberActivityAggregateCoderTest {
  @Test
  void roundTripsAndIsDeterministic() throws Exception {
    MemberActivityAggregate a = new MemberActivityAggregate(16);
    for (int i = 0; i < 50; i++) {
      a.add(ExtractedActivity.newBuilder().setMemberId(9).setType(EventType.PROFILE_VIEW).setTimestampMs(1_000 + i)
          .setTargetId(i).setUserAgentClass(UserAgentClass.UA_ROBOT).setIpPrefix("1.2." + (i % 3) + ".0/24").build());
    }
    CoderProperties.coderDecodeEncodeEqual(MemberActivityAggregateCoder.of(), a);
    CoderProperties.coderDeterministic(MemberActivityAggregateCoder.of(), a, MemberActivityAggregate.fromPartial(a.toPartial().build()));
  }
}
