package dev.vigil.loadtest.traffic;

import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import java.util.SplittableRandom;

/**
 * Seeded, reproducible activity traffic: mostly normal members browsing, plus a share of scrapers
 * (bursts of profile views of distinct targets from robot user agents). The same seed and settings give
 * the same events, so runs and benchmarks are comparable; {@link #isAbusive} is the ground truth.
 */
public final class SyntheticActivityGenerator {
  static final String[] BROWSER_AGENTS = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
  };
  static final String[] ROBOT_AGENTS = {"python-requests/2.31.0", "curl/8.4.0", "Scrapy/2.11.0 (+https://scrapy.org)"};
  /** Internal monitoring traffic that the default filter rules drop. */
  public static final String HEALTH_CHECK_AGENT = "VigilHealthCheck/1.0";

  private static final EventType[] NORMAL_MIX = {EventType.PAGE_VIEW, EventType.PAGE_VIEW, EventType.PAGE_VIEW,
      EventType.SEARCH, EventType.PROFILE_VIEW, EventType.PROFILE_VIEW, EventType.MESSAGE_SENT,
      EventType.CONNECTION_INVITE, EventType.LOGIN_SUCCESS, EventType.LOGIN_FAILURE};

  private final SplittableRandom random;
  private final int members;
  private final double abusiveFraction;
  private final long seed;
  private long sequence;

  public SyntheticActivityGenerator(long seed, int members, double abusiveFraction) {
    if (members < 1) {
      throw new IllegalArgumentException("members must be at least 1, got " + members);
    }
    if (abusiveFraction < 0 || abusiveFraction > 1) {
      throw new IllegalArgumentException("abusiveFraction must be in [0, 1], got " + abusiveFraction);
    }
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.members = members;
    this.abusiveFraction = abusiveFraction;
  }

  /** Ground truth: whether a member id is one of the scrapers. Stable for a given seed and settings. */
  public boolean isAbusive(long memberId) {
    // Hash-based so that membership does not depend on how many events were generated.
    long h = dev.vigil.core.sketch.StableHash.ofLong(memberId ^ seed);
    return (h >>> 11) * 0x1.0p-53 < abusiveFraction;
  }

  /** The next event, stamped with {@code timestampMs}. Scrapers emit far more events than others. */
  public ActivityEvent next(long timestampMs) {
    long member;
    // Half of all traffic comes from the abusive minority, which is what makes them stand out.
    if (abusiveFraction > 0 && random.nextInt(2) == 0) {
      member = pickMember(true);
    } else {
      member = pickMember(false);
    }
    boolean scraper = isAbusive(member);
    ActivityEvent.Builder b = ActivityEvent.newBuilder()
        .setEventId(seed + "-" + sequence++)
        .setMemberId(member)
        .setTimestampMs(timestampMs)
        .setSessionId("sess-" + member + "-" + (scraper ? random.nextInt(50) : random.nextInt(2)));
    if (scraper) {
      b.setType(EventType.PROFILE_VIEW)
          .setTargetId(1 + random.nextLong(10_000_000L))
          .setIp("198.51." + (member % 200) + "." + random.nextInt(256))
          .setUserAgent(ROBOT_AGENTS[(int) (member % ROBOT_AGENTS.length)]);
    } else {
      EventType type = NORMAL_MIX[random.nextInt(NORMAL_MIX.length)];
      b.setType(type)
          .setTargetId(type == EventType.PROFILE_VIEW || type == EventType.MESSAGE_SENT || type == EventType.CONNECTION_INVITE
              ? 1 + random.nextInt(members) : 0)
          .setIp("203.0." + (member % 100) + "." + (member % 250))
          .setUserAgent(BROWSER_AGENTS[(int) (member % BROWSER_AGENTS.length)]);
    }
    return b.build();
  }

  /** An internal health-check event that the default rules drop. */
  public ActivityEvent healthCheck(long timestampMs) {
    return ActivityEvent.newBuilder().setEventId(seed + "-hc-" + sequence++).setMemberId(1 + random.nextInt(members))
        .setType(EventType.PAGE_VIEW).setTimestampMs(timestampMs).setUserAgent(HEALTH_CHECK_AGENT).setIp("203.0.113.1").build();
  }

  /** Bytes that are not a valid event: garbage, or an event missing a required field. */
  public byte[] malformed(long timestampMs) {
    if (random.nextBoolean()) {
      byte[] garbage = new byte[8 + random.nextInt(24)];
      for (int i = 0; i < garbage.length; i++) {
        garbage[i] = (byte) (0xf0 | random.nextInt(16)); // invalid wire types: never a valid message
      }
      return garbage;
    }
    return next(timestampMs).toBuilder().clearMemberId().build().toByteArray();
  }

  private long pickMember(boolean abusive) {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      long candidate = 1 + random.nextInt(members);
      if (isAbusive(candidate) == abusive) {
        return candidate;
      }
    }
    return 1 + random.nextInt(members); // no member of that kind exists at this size
  }
}
