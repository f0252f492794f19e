package dev.vigil.core.rules;

/** What the filter rules decide for one event; the drop reasons become stable metric names. */
public enum FilterDecision {
  KEEP("kept"),
  DROP_IRRELEVANT_TYPE("dropped_irrelevant_type"),
  DROP_INTERNAL_IP("dropped_internal_ip"),
  DROP_INTERNAL_USER_AGENT("dropped_internal_user_agent"),
  DROP_ALLOWLISTED_MEMBER("dropped_allowlisted_member");

  private final String metricName;

  FilterDecision(String metricName) {
    this.metricName = metricName;
  }

  public String metricName() {
    return metricName;
  }

  public boolean keeps() {
    return this == KEEP;
  }
}
