package dev.vigil.loadtest.traffic;

import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import java.util.SplittableRandom;

/**
 * Seeded, reproducible activity traffic with ground truth. Most members behave normally (a mix of page
 * views, searches, profile views, messages, logins; a share are "busy" members with several times the
 * usual activity, the hard negatives). A minority are abusive, each of one {@link AbuseType}:
 * <ul>
 *   <li>{@code SCRAPER}: bursts of profile views of distinct targets, mostly from robot user agents
 *       (a third disguise themselves with browser agents) and rotating IPs;</li>
 *   <li>{@code FAKE_ACCOUNT}: sign-ups followed by bursts of connection invites to strangers, many
 *       sessions;</li>
 *   <li>{@code SPAMMER}: messages to many distinct members.</li>
 * </ul>
 * Half of all traffic comes from the abusive minority, which is what makes them stand out. The same seed
 * and settings give the same events; {@link #abuseType} is the ground truth.
 */
public final class SyntheticActivityGenerator {
  /** Ground truth of a member's behaviour. */
  public enum AbuseType {
    NONE, SCRAPER, FAKE_ACCOUNT, SPAMMER;

    /** Label name used in {@code AbuseLabel.abuse_type}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final AbuseType[] ABUSE_TYPES = {AbuseType.SCRAPER, AbuseType.FAKE_ACCOUNT, AbuseType.SPAMMER};

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
  private long firstOnsetMs = Long.MIN_VALUE;
  private long onsetSpreadMs;

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

  /** Ground truth for a member id. Stable for a given seed and settings, whatever was generated. */
  public AbuseType abuseType(long memberId) {
    // Hash-based so that membership does not depend on how many events were generated.
    long h = dev.vigil.core.sketch.StableHash.ofLong(memberId ^ seed);
    if ((h >>> 11) * 0x1.0p-53 >= abusiveFraction) {
      return AbuseType.NONE;
    }
    return ABUSE_TYPES[(int) Math.floorMod(h, (long) ABUSE_TYPES.length)];
  }

  /**
   * Staggers when abusers start: each abusive member stays silent until its onset, a stable time in
   * {@code [firstOnsetMs, firstOnsetMs + spreadMs)}, so a live run shows abuse beginning at different
   * moments. Without this call every abuser is active from the first event.
   */
  public SyntheticActivityGenerator staggerAbuseOnsets(long firstOnsetMs, long spreadMs) {
    if (spreadMs < 0) {
      throw new IllegalArgumentException("spreadMs must be >= 0, got " + spreadMs);
    }
    this.firstOnsetMs = firstOnsetMs;
    this.onsetSpreadMs = spreadMs;
    return this;
  }

  /** When an abusive member starts abusing (ground truth), or {@code Long.MIN_VALUE} if not staggered. */
  public long abuseOnsetMs(long memberId) {
    if (firstOnsetMs == Long.MIN_VALUE || onsetSpreadMs == 0) {
      return firstOnsetMs;
    }
    return firstOnsetMs + Math.floorMod(dev.vigil.core.sketch.StableHash.ofLong(memberId * 13 + seed), onsetSpreadMs);
  }

  /** Relative activity of an abusive member, from 1 down to 1/27: not every abuser is a flood. */
  public double intensity(long memberId) {
    return Math.pow(3, -Math.floorMod(memberId * 7 + seed, 4));
  }

  /** Whether a member is abusive of any type. */
  public boolean isAbusive(long memberId) {
    return abuseType(memberId) != AbuseType.NONE;
  }

  /** Busy normal members: several times the usual activity, still benign (hard negatives). */
  private boolean isBusy(long memberId) {
    return Math.floorMod(memberId * 31 + seed, 10) == 0;
  }

  /** The next event, stamped with {@code timestampMs}. Abusers emit far more events than others. */
  public ActivityEvent next(long timestampMs) {
    // Half of all traffic comes from the abusive minority, which is what makes them stand out.
    long member = pickMember(abusiveFraction > 0 && random.nextInt(2) == 0, timestampMs);
    ActivityEvent.Builder b = ActivityEvent.newBuilder()
        .setEventId(seed + "-" + sequence++)
        .setMemberId(member)
        .setTimestampMs(timestampMs);
    switch (abuseType(member)) {
      case SCRAPER -> b.setType(EventType.PROFILE_VIEW)
          .setTargetId(1 + random.nextLong(10_000_000L))
          // Some rotate IPs across networks, others stay on one; some rotate sessions, others keep one.
          .setIp(member % 2 == 0 ? "198.51." + random.nextInt(200) + "." + random.nextInt(256)
              : "198.51." + (member % 200) + "." + (member % 250))
          .setUserAgent(member % 3 == 0 ? BROWSER_AGENTS[random.nextInt(BROWSER_AGENTS.length)]
              : ROBOT_AGENTS[(int) (member % ROBOT_AGENTS.length)])
          .setSessionId("sess-" + member + "-" + (member % 5 < 2 ? 0 : random.nextInt(50)));
      case FAKE_ACCOUNT -> {
        int roll = random.nextInt(10);
        EventType type = roll == 0 ? EventType.SIGNUP : roll < 8 ? EventType.CONNECTION_INVITE : EventType.PROFILE_VIEW;
        b.setType(type)
            .setTargetId(type == EventType.SIGNUP ? 0 : 1 + random.nextLong(10_000_000L))
            .setIp("192.0." + random.nextInt(4) + "." + random.nextInt(256))
            .setUserAgent(BROWSER_AGENTS[random.nextInt(BROWSER_AGENTS.length)])
            .setSessionId("sess-" + member + "-" + (member % 2 == 0 ? 0 : random.nextInt(200)));
      }
      case SPAMMER -> {
        int roll = random.nextInt(10);
        EventType type = roll < 8 ? EventType.MESSAGE_SENT : roll == 8 ? EventType.CONNECTION_INVITE : EventType.SEARCH;
        b.setType(type)
            .setTargetId(type == EventType.SEARCH ? 0 : 1 + random.nextLong(10_000_000L))
            .setIp("203.0." + (member % 100) + "." + (member % 250))
            .setUserAgent(BROWSER_AGENTS[(int) (member % BROWSER_AGENTS.length)])
            .setSessionId("sess-" + member + "-" + random.nextInt(3));
      }
      default -> {
        EventType type = NORMAL_MIX[random.nextInt(NORMAL_MIX.length)];
        b.setType(type)
            .setTargetId(type == EventType.PROFILE_VIEW || type == EventType.MESSAGE_SENT || type == EventType.CONNECTION_INVITE
                ? 1 + random.nextInt(members) : 0)
            .setIp("203.0." + (member % 100) + "." + (member % 250))
            .setUserAgent(BROWSER_AGENTS[(int) (member % BROWSER_AGENTS.length)])
            .setSessionId("sess-" + member + "-" + random.nextInt(2));
      }
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

  private long pickMember(boolean abusive, long timestampMs) {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      long candidate = 1 + random.nextInt(members);
      if (isAbusive(candidate) != abusive || abusive && abuseOnsetMs(candidate) > timestampMs) {
        continue;
      }
      // Abusers work at different intensities (1, 1/3, 1/9, 1/27 of the fastest); busy normal members are
      // accepted three draws in four, others one time in four.
      boolean accepted = abusive ? random.nextDouble() < intensity(candidate) : isBusy(candidate) || random.nextInt(4) == 0;
      if (accepted) {
        return candidate;
      }
    }
    if (abusive && firstOnsetMs != Long.MIN_VALUE) {
      return pickMember(false, timestampMs); // no abuser has started yet: never emit abuse before an onset
    }
    return 1 + random.nextInt(members); // no member of that kind found (kept as is: the shipped model's data depends on it)
  }
}
