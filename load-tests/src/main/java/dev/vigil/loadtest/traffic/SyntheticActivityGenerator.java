package dev.vigil.loadtest.traffic;

import dev.vigil.core.sketch.StableHash;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded, reproducible activity traffic with ground truth. Every member has a {@link Persona}, stable for a
 * seed, with its own pace, networks, devices and habits drawn from wide ranges, so a model has to learn
 * the behaviour, not one generator's constants:
 * <ul>
 *   <li>normal members: regulars (browsing, searches, their connections' profiles, messages, logins),
 *       recruiters (many strangers' profiles, searches, messages to strangers), bursty members (fast
 *       sessions, then quiet), newcomers (a sign-up, then contacts invited);</li>
 *   <li>scrapers: fast ones on robot agents, disguised ones on rotating browser agents and proxy IPs, and
 *       low-and-slow ones at a recruiter's pace on rotating residential IPs;</li>
 *   <li>fake accounts in rings: a sign-up, then invitations to strangers every few seconds, from network
 *       prefixes the ring shares, on real browser agents;</li>
 *   <li>spammers: messages to strangers every few seconds on real browser agents.</li>
 * </ul>
 * Members are drawn in proportion to their pace (an abuser's is many times a regular's); bursty members
 * and abusers before their onset are silent. The same seed and settings give the same events.
 */
public final class SyntheticActivityGenerator {
  /** Ground truth of a member's behaviour. */
  public enum AbuseType {
    NONE, SCRAPER, FAKE_ACCOUNT, SPAMMER;

    /** Label name used in {@code AbuseLabel.abuse_type}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a member behaves; {@link #abuseType} is the ground truth it stands for. */
  public enum Persona {
    REGULAR(AbuseType.NONE, 0.3, 3),
    RECRUITER(AbuseType.NONE, 2, 4),
    BURSTY(AbuseType.NONE, 6, 16),
    NEWCOMER(AbuseType.NONE, 0.5, 1.5),
    FAST_SCRAPER(AbuseType.SCRAPER, 30, 90),
    DISGUISED_SCRAPER(AbuseType.SCRAPER, 6, 20),
    LOW_AND_SLOW_SCRAPER(AbuseType.SCRAPER, 1.5, 4),
    RING_ACCOUNT(AbuseType.FAKE_ACCOUNT, 4, 15),
    SPAMMER(AbuseType.SPAMMER, 3, 12);

    private final AbuseType abuseType;
    private final double minPace;
    private final double maxPace;

    Persona(AbuseType abuseType, double minPace, double maxPace) {
      this.abuseType = abuseType;
      this.minPace = minPace;
      this.maxPace = maxPace;
    }

    public AbuseType abuseType() {
      return abuseType;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private static final AbuseType[] ABUSE_TYPES = {AbuseType.SCRAPER, AbuseType.FAKE_ACCOUNT, AbuseType.SPAMMER};
  private static final Persona[] SCRAPERS = {Persona.FAST_SCRAPER, Persona.DISGUISED_SCRAPER, Persona.LOW_AND_SLOW_SCRAPER};

  static final String[] BROWSER_AGENTS = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.97",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36",
      "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0",
  };
  static final String[] ROBOT_AGENTS = {"python-requests/2.31.0", "curl/8.4.0", "Scrapy/2.11.0 (+https://scrapy.org)",
      "Go-http-client/1.1", "okhttp/4.12.0"};
  /** Agent of internal monitoring traffic. */
  public static final String HEALTH_CHECK_AGENT = "VigilHealthCheck/1.0";
  /** Address of internal monitoring traffic: in 10.0.0.0/8, which {@code config/filter-rules.yaml} drops. */
  public static final String HEALTH_CHECK_IP = "10.255.0.1";

  private static final long MINUTE_MS = 60_000;

  private final SplittableRandom random;
  private final int members;
  private final double abusiveFraction;
  private final long seed;
  /** Cumulative pace of members 1..n, for drawing members in proportion to it. */
  private final double[] cumulativePace;
  private final Set<Long> signedUp = new HashSet<>();
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
    this.cumulativePace = new double[members];
    double sum = 0;
    for (int i = 0; i < members; i++) {
      sum += pace(i + 1);
      cumulativePace[i] = sum;
    }
  }

  /** A stable number in [0, 1) for a member and a purpose, independent of what was generated. */
  private double unit(long memberId, long purpose) {
    return (StableHash.ofLong(memberId * 0x9E3779B97F4A7C15L ^ seed ^ purpose * 0xC2B2AE3D27D4EB4FL) >>> 11) * 0x1.0p-53;
  }

  private int pick(long memberId, long purpose, int n) {
    return (int) (unit(memberId, purpose) * n);
  }

  /** Ground truth for a member id. Stable for a given seed and settings, whatever was generated. */
  public AbuseType abuseType(long memberId) {
    return persona(memberId).abuseType();
  }

  /** The member's behaviour. */
  public Persona persona(long memberId) {
    if (unit(memberId, 1) < abusiveFraction) {
      AbuseType type = ABUSE_TYPES[pick(memberId, 2, ABUSE_TYPES.length)];
      return switch (type) {
        case SCRAPER -> SCRAPERS[pick(memberId, 3, SCRAPERS.length)];
        case FAKE_ACCOUNT -> Persona.RING_ACCOUNT;
        default -> Persona.SPAMMER;
      };
    }
    double roll = unit(memberId, 4);
    return roll < 0.04 ? Persona.RECRUITER : roll < 0.12 ? Persona.BURSTY : roll < 0.14 ? Persona.NEWCOMER : Persona.REGULAR;
  }

  /** Relative event rate: log-uniform within the persona's range. */
  private double pace(long memberId) {
    Persona p = persona(memberId);
    return p.minPace * Math.pow(p.maxPace / p.minPace, unit(memberId, 5));
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
    return firstOnsetMs + (long) (unit(memberId, 6) * onsetSpreadMs);
  }

  /** Whether a member is abusive of any type. */
  public boolean isAbusive(long memberId) {
    return abuseType(memberId) != AbuseType.NONE;
  }

  /** Whether the member acts at {@code timestampMs}: abusers from their onset, bursty members in their bursts. */
  private boolean activeAt(long memberId, long timestampMs, Persona persona) {
    if (persona.abuseType() != AbuseType.NONE) {
      return timestampMs >= abuseOnsetMs(memberId);
    }
    // Bursty members are on for one two-minute slot in four (which ones: stable per member and slot).
    return persona != Persona.BURSTY || unit(memberId, Math.floorDiv(timestampMs, 2 * MINUTE_MS) + 100) < 0.25;
  }

  /** The next event, stamped with {@code timestampMs}. */
  public ActivityEvent next(long timestampMs) {
    long member = pickMember(timestampMs);
    Persona persona = persona(member);
    ActivityEvent.Builder b = ActivityEvent.newBuilder()
        .setEventId(seed + "-" + sequence++)
        .setMemberId(member)
        .setTimestampMs(timestampMs);
    boolean signsUp = (persona == Persona.RING_ACCOUNT || persona == Persona.NEWCOMER) && signedUp.add(member);
    double roll = random.nextDouble();
    EventType type = signsUp ? EventType.SIGNUP : switch (persona) {
      case REGULAR, BURSTY -> roll < 0.37 ? EventType.PAGE_VIEW : roll < 0.52 ? EventType.SEARCH : roll < 0.77 ? EventType.PROFILE_VIEW
          : roll < 0.87 ? EventType.MESSAGE_SENT : roll < 0.90 ? EventType.CONNECTION_INVITE : roll < 0.98 ? EventType.LOGIN_SUCCESS
          : EventType.LOGIN_FAILURE;
      case RECRUITER -> roll < 0.45 ? EventType.PROFILE_VIEW : roll < 0.70 ? EventType.SEARCH : roll < 0.80 ? EventType.MESSAGE_SENT
          : roll < 0.95 ? EventType.PAGE_VIEW : EventType.CONNECTION_INVITE;
      case NEWCOMER -> roll < 0.30 ? EventType.PAGE_VIEW : roll < 0.45 ? EventType.CONNECTION_INVITE : roll < 0.65 ? EventType.PROFILE_VIEW
          : roll < 0.85 ? EventType.SEARCH : roll < 0.95 ? EventType.MESSAGE_SENT : EventType.LOGIN_SUCCESS;
      case FAST_SCRAPER -> EventType.PROFILE_VIEW;
      case DISGUISED_SCRAPER -> roll < 0.9 ? EventType.PROFILE_VIEW : EventType.SEARCH;
      case LOW_AND_SLOW_SCRAPER -> roll < 0.85 ? EventType.PROFILE_VIEW : roll < 0.95 ? EventType.SEARCH : EventType.PAGE_VIEW;
      case RING_ACCOUNT -> roll < 0.70 ? EventType.CONNECTION_INVITE : roll < 0.90 ? EventType.PROFILE_VIEW : EventType.PAGE_VIEW;
      case SPAMMER -> roll < 0.75 ? EventType.MESSAGE_SENT : roll < 0.85 ? EventType.CONNECTION_INVITE : roll < 0.90 ? EventType.SEARCH
          : EventType.PAGE_VIEW;
    };
    b.setType(type);
    if (type == EventType.PROFILE_VIEW || type == EventType.MESSAGE_SENT || type == EventType.CONNECTION_INVITE) {
      b.setTargetId(target(member, persona, type));
    }
    b.setIp(ip(member, persona)).setUserAgent(userAgent(member, persona)).setSessionId(session(member, persona, timestampMs));
    return b.build();
  }

  /** Normal members mostly reach their own connections; recruiters and abusers reach strangers. */
  private long target(long member, Persona persona, EventType type) {
    boolean stranger = switch (persona) {
      case REGULAR, BURSTY -> random.nextInt(10) == 0;
      case NEWCOMER -> random.nextInt(4) == 0;
      case RECRUITER -> type != EventType.MESSAGE_SENT || random.nextBoolean();
      default -> true;
    };
    if (stranger) {
      return 1 + random.nextLong(Math.max(members, 10_000_000L));
    }
    int network = 10 + pick(member, 7, 290);
    return 1 + Math.floorMod(StableHash.ofLong(member * 1_000_003L + random.nextInt(network)), (long) members);
  }

  private String ip(long member, Persona persona) {
    long h = StableHash.ofLong(member ^ seed);
    return switch (persona) {
      // A home address, and for some a phone's carrier address part of the time.
      case REGULAR, RECRUITER, BURSTY, NEWCOMER -> unit(member, 8) < 0.3 && random.nextInt(3) == 0
          ? "172.20." + (h >>> 8 & 0xff) + "." + (h >>> 16 & 0xff)
          : "100." + (h & 0x3f) + "." + (h >>> 24 & 0xff) + "." + (h >>> 32 & 0xff);
      // One datacenter network, rotating addresses in it.
      case FAST_SCRAPER -> "198.51." + (h & 0xff) + "." + random.nextInt(256);
      // Proxy pools: a new network for most requests.
      case DISGUISED_SCRAPER, LOW_AND_SLOW_SCRAPER -> publicFirstOctet() + "." + random.nextInt(256) + "."
          + random.nextInt(256) + "." + random.nextInt(256);
      // The ring shares a few prefixes.
      case RING_ACCOUNT -> "192.0." + (Math.floorMod(h, 5) * 3 + random.nextInt(3)) + "." + random.nextInt(256);
      case SPAMMER -> "100." + (h & 0x3f) + "." + (h >>> 24 & 0xff) + "." + (random.nextInt(4) == 0 ? 1 : 2);
    };
  }

  /** A first octet outside private, loopback and link-local space (a proxy pool is on the internet). */
  private int publicFirstOctet() {
    while (true) {
      int octet = 1 + random.nextInt(222);
      if (octet != 10 && octet != 127 && octet != 169 && octet != 172 && octet != 192) {
        return octet;
      }
    }
  }

  private String userAgent(long member, Persona persona) {
    return switch (persona) {
      case FAST_SCRAPER -> ROBOT_AGENTS[pick(member, 9, ROBOT_AGENTS.length)];
      case DISGUISED_SCRAPER, LOW_AND_SLOW_SCRAPER -> BROWSER_AGENTS[random.nextInt(BROWSER_AGENTS.length)];
      // One or two devices of their own.
      default -> BROWSER_AGENTS[pick(member, random.nextInt(4) == 0 ? 11 : 10, BROWSER_AGENTS.length)];
    };
  }

  private String session(long member, Persona persona, long timestampMs) {
    return switch (persona) {
      case FAST_SCRAPER -> unit(member, 12) < 0.5 ? "s-" + member : "s-" + member + "-" + random.nextInt(1_000_000);
      case DISGUISED_SCRAPER, LOW_AND_SLOW_SCRAPER -> "s-" + member + "-" + random.nextInt(1_000_000);
      case RING_ACCOUNT -> "s-" + member + "-" + Math.floorDiv(timestampMs, 10 * MINUTE_MS);
      // A visit lasts about twenty minutes.
      default -> "s-" + member + "-" + Math.floorDiv(timestampMs + (long) (unit(member, 13) * 20 * MINUTE_MS), 20 * MINUTE_MS);
    };
  }

  /** An internal health-check event, from the monitoring network. */
  public ActivityEvent healthCheck(long timestampMs) {
    return ActivityEvent.newBuilder().setEventId(seed + "-hc-" + sequence++).setMemberId(1 + random.nextInt(members))
        .setType(EventType.PAGE_VIEW).setTimestampMs(timestampMs).setUserAgent(HEALTH_CHECK_AGENT).setIp(HEALTH_CHECK_IP).build();
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

  /** A member drawn in proportion to its pace among those active now. */
  private long pickMember(long timestampMs) {
    double total = cumulativePace[members - 1];
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int i = java.util.Arrays.binarySearch(cumulativePace, random.nextDouble() * total);
      long candidate = (i >= 0 ? i : -i - 1) + 1L;
      if (candidate <= members && activeAt(candidate, timestampMs, persona(candidate))) {
        return candidate;
      }
    }
    for (long m = 1; m <= members; m++) { // nobody drawn is active: the first active member
      if (activeAt(m, timestampMs, persona(m))) {
        return m;
      }
    }
    return 1 + random.nextInt(members); // a population of abusers none of whom has started: someone must act
  }
}
