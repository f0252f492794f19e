package dev.vigil.core.extract;

import dev.vigil.core.sketch.StableHash;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.ExtractedActivity;

/** Reduces a valid event to the fields abuse features use. */
public final class ActivityExtractor {
  private final UserAgentClassifier userAgents;

  public ActivityExtractor(UserAgentClassifier userAgents) {
    this.userAgents = userAgents;
  }

  public ExtractedActivity extract(ActivityEvent event) {
    String ua = event.getUserAgent();
    return ExtractedActivity.newBuilder()
        .setMemberId(event.getMemberId())
        .setType(event.getType())
        .setTimestampMs(event.getTimestampMs())
        .setUserAgentClass(userAgents.classify(ua))
        .setIpPrefix(NetworkPrefix.of(event.getIp()))
        .setUserAgentHash(ua.isEmpty() ? 0L : StableHash.ofString(ua))
        .setTargetId(event.getTargetId())
        .setSessionId(event.getSessionId())
        .setEventId(event.getEventId())
        .build();
  }
}
