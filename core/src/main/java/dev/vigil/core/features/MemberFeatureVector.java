package dev.vigil.core.features;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.UserAgentClass;
import java.util.List;

/**
 * The feature vector for one member over one event-time window, computed from the member's merged
 * activity aggregate. The streaming model pipeline, the batch replay and the trainer all call this, so a
 * model sees the same numbers however its input was produced.
 *
 * <p>Rates are per minute of the <em>active</em> part of the window: from the member's first event in
 * the window (or the window start, if later) to its latest event, at least one minute and at most the
 * window length. Windows end at the member's latest activity, so a member who started ten seconds ago
 * is judged on its rate so far in the one-hour window too, not on that activity diluted over an hour:
 * what lets a fast abuser be scored seconds after starting.
 */
public final class MemberFeatureVector {
  /** Name of this feature schema; model manifests name the schema they were trained on. */
  public static final String SCHEMA = "vigil-member-features-v2";

  /** Feature names in vector order. Append only: models address features by position. */
  public static final List<String> NAMES = List.of(
      "window_minutes",
      "events_per_minute",
      "profile_views_per_minute",
      "distinct_targets",
      "profile_views_per_distinct_target",
      "searches_per_minute",
      "login_failures",
      "login_failure_rate",
      "signups",
      "invites_per_minute",
      "messages_per_minute",
      "robot_user_agent_share",
      "distinct_ip_prefixes",
      "distinct_user_agents",
      "distinct_sessions",
      "burstiness");

  public static final int COUNT = NAMES.size();

  private static final double MINUTE_MS = 60_000.0;

  private MemberFeatureVector() {}

  /** Index of a feature name, or -1. */
  public static int indexOf(String name) {
    return NAMES.indexOf(name);
  }

  /**
   * Features of {@code activity} in the window {@code [windowStartMs, windowEndMs)}.
   *
   * @throws IllegalArgumentException when the window is empty or inverted
   */
  public static double[] compute(MemberActivityAggregate activity, long windowStartMs, long windowEndMs) {
    if (windowEndMs <= windowStartMs) {
      throw new IllegalArgumentException("window end " + windowEndMs + " must be after start " + windowStartMs);
    }
    long windowMs = windowEndMs - windowStartMs;
    double observedMinutes = observedMs(activity, windowStartMs, windowMs) / MINUTE_MS;
    long events = activity.eventCount();
    long profileViews = activity.count(EventType.PROFILE_VIEW);
    long failures = activity.count(EventType.LOGIN_FAILURE);
    long logins = failures + activity.count(EventType.LOGIN_SUCCESS);
    long robotLike = activity.count(UserAgentClass.UA_ROBOT) + activity.count(UserAgentClass.UA_HACKER);
    double distinctTargets = activity.distinctTargets();

    double[] f = new double[COUNT];
    f[0] = windowMs / MINUTE_MS;
    f[1] = events / observedMinutes;
    f[2] = profileViews / observedMinutes;
    f[3] = distinctTargets;
    f[4] = profileViews / Math.max(1.0, distinctTargets);
    f[5] = activity.count(EventType.SEARCH) / observedMinutes;
    f[6] = failures;
    f[7] = logins == 0 ? 0.0 : failures / (double) logins;
    f[8] = activity.count(EventType.SIGNUP);
    f[9] = activity.count(EventType.CONNECTION_INVITE) / observedMinutes;
    f[10] = activity.count(EventType.MESSAGE_SENT) / observedMinutes;
    f[11] = events == 0 ? 0.0 : robotLike / (double) events;
    f[12] = activity.distinctIpPrefixes();
    f[13] = activity.distinctUserAgents();
    f[14] = activity.distinctSessions();
    f[15] = burstiness(activity, windowStartMs, windowMs);
    return f;
  }

  /** From the first event (or the window start) to the latest event, clamped to [1 minute, window length]. */
  private static double observedMs(MemberActivityAggregate activity, long windowStartMs, long windowMs) {
    long from = activity.eventCount() == 0 ? windowStartMs : Math.max(windowStartMs, activity.firstEventMs());
    long upTo = activity.eventCount() == 0 ? windowMs : activity.lastEventMs() - from + 1;
    return Math.min(windowMs, Math.max(MINUTE_MS, upTo));
  }

  /**
   * How concentrated the activity is in time: the observed part of the window divided by the span the
   * events actually cover (at least one second). 1 for activity spread evenly, large for a burst.
   */
  private static double burstiness(MemberActivityAggregate activity, long windowStartMs, long windowMs) {
    if (activity.eventCount() < 2) {
      return 1.0;
    }
    double span = Math.max(1_000.0, activity.lastEventMs() - activity.firstEventMs());
    return Math.max(1.0, observedMs(activity, windowStartMs, windowMs) / span);
  }
}
