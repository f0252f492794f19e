package dev.vigil.core.rules;

import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Declarative filter rules: which event types matter, which traffic is known-good internal traffic, and
 * which members are allowlisted. Built by {@link FilterRulesLoader} from a YAML file and validated there;
 * evaluation is allocation-free and runs before the expensive extraction steps.
 */
public final class FilterRules implements Serializable {
  private static final long serialVersionUID = 1L;

  private final EnumSet<EventType> relevantTypes;
  private final List<CidrBlock> internalNetworks;
  private final List<String> internalUserAgentMarkers;
  private final Set<Long> allowlistedMembers;

  public FilterRules(Set<EventType> relevantTypes, List<CidrBlock> internalNetworks,
      List<String> internalUserAgentMarkers, Set<Long> allowlistedMembers) {
    this.relevantTypes = relevantTypes.isEmpty() ? EnumSet.noneOf(EventType.class) : EnumSet.copyOf(relevantTypes);
    this.internalNetworks = List.copyOf(internalNetworks);
    this.internalUserAgentMarkers = List.copyOf(internalUserAgentMarkers);
    this.allowlistedMembers = Set.copyOf(allowlistedMembers);
  }

  /** Rules that keep every valid event. */
  public static FilterRules keepAll() {
    return new FilterRules(EnumSet.complementOf(EnumSet.of(EventType.EVENT_TYPE_UNSPECIFIED, EventType.UNRECOGNIZED)),
        List.of(), List.of(), Set.of());
  }

  public FilterDecision evaluate(ActivityEvent event) {
    if (!relevantTypes.contains(event.getType())) {
      return FilterDecision.DROP_IRRELEVANT_TYPE;
    }
    if (allowlistedMembers.contains(event.getMemberId())) {
      return FilterDecision.DROP_ALLOWLISTED_MEMBER;
    }
    String ip = event.getIp();
    if (!ip.isEmpty()) {
      for (CidrBlock network : internalNetworks) {
        if (network.contains(ip)) {
          return FilterDecision.DROP_INTERNAL_IP;
        }
      }
    }
    String ua = event.getUserAgent();
    for (String marker : internalUserAgentMarkers) {
      if (ua.contains(marker)) {
        return FilterDecision.DROP_INTERNAL_USER_AGENT;
      }
    }
    return FilterDecision.KEEP;
  }

  public Set<EventType> relevantTypes() {
    return EnumSet.copyOf(relevantTypes);
  }

  @Override
  public String toString() {
    return "FilterRules{relevantTypes=" + relevantTypes + ", internalNetworks=" + internalNetworks
        + ", internalUserAgentMarkers=" + internalUserAgentMarkers + ", allowlistedMembers=" + allowlistedMembers.size() + "}";
  }
}
