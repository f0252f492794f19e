package dev.vigil.model;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.UserAgentClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Filter-pipeline partials for model tests: one 5 s window of one member's activity. */
final class PartialFixtures {
  static final long FILTER_WINDOW_MS = 5_000;
  private static final EventType[] TYPES = {EventType.PAGE_VIEW, EventType.PROFILE_VIEW, EventType.SEARCH,
      EventType.LOGIN_FAILURE, EventType.LOGIN_SUCCESS, EventType.MESSAGE_SENT, EventType.CONNECTION_INVITE};

  private PartialFixtures() {}

  static MemberActivityAggregate activity(Random random, long member, long windowStartMs, int events) {
    MemberActivityAggregate a = new MemberActivityAggregate();
    for (int i = 0; i < events; i++) {
      a.add(ExtractedActivity.newBuilder().setMemberId(member).setType(TYPES[random.nextInt(TYPES.length)])
          .setTimestampMs(windowStartMs + random.nextInt((int) FILTER_WINDOW_MS))
          .setUserAgentClass(random.nextInt(3) == 0 ? UserAgentClass.UA_ROBOT : UserAgentClass.UA_BROWSER)
          .setUserAgentHash(random.nextInt(3)).setIpPrefix("198.51." + random.nextInt(3) + ".0/24")
          .setTargetId(random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(300)).setSessionId("s" + random.nextInt(4)).build());
    }
    return a;
  }

  /**
   * Numbers the panes of each member's window as the filter job does (0, 1, 2, ...), so several partials of one
   * window are successive panes rather than one pane sent again.
   */
  static final class Panes {
    private final Map<List<Long>, Long> next = new HashMap<>();

    MemberActivityPartial partial(MemberActivityAggregate a, long member, long windowStartMs) {
      long index = next.merge(List.of(member, windowStartMs), 1L, Long::sum) - 1;
      return a.toPartial().setWindowStartMs(windowStartMs).setWindowEndMs(windowStartMs + FILTER_WINDOW_MS)
          .setPaneIndex(index).build();
    }
  }
}
