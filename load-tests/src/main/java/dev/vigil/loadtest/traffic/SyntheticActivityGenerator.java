package dev.vigil.loadtest.traffic;

import dev.vigil.core.sketch.StableHash;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 *   <li>spammers: messages to strangers every few seconds on real browser agents;</li>
 *   <li>account takeover (only with a {@link TrafficMix} that weights it): a credential-stuffing campaign
 *       tries many members' passwords in the same period from a small pool of datacenter and proxy addresses
 *       shared by every victim, on robot or rotating browser agents. Each victim's account gets a few login
 *       failures; a stuffed account then goes back to its owner's own traffic, a taken-over one gets a login
 *       success from the pool and is used for messages, invitations and profile views of strangers. Before
 *       the attack (and after it, for a stuffed account) the victim's owner acts as a regular member.</li>
 * </ul>
 * Members are drawn in proportion to their pace (an abuser's is many times a regular's); bursty members
 * and abusers before their onset are silent. The same seed and settings give the same events.
 *
 * <p>A {@link TrafficMix} adds, opt-in: abuse kinds by weight, hot members (members 1..n, heavy but legitimate
 * recruiters that take a set share of all events: load on a key, not abuse), and a daily rhythm: a normal
 * member is drawn only with the probability of its local hour on a day curve, in a time zone that is stable per
 * member. The rhythm runs on the events' own timestamps, uncompressed: a load run of minutes at wall-clock
 * stamps sees a slow modulation (members in their night are quiet, so abusers, who do not sleep, take a larger
 * share then), not a day compressed into minutes, which would swing every member's rate within one model window.
 *
 * <p>{@link #partition} gives a generator of the same population that produces only a share of its members,
 * with its own random stream, for producers on several threads.
 */
public final class SyntheticActivityGenerator {
  /** Ground truth of a member's behaviour. */
  public enum AbuseType {
    NONE, SCRAPER, FAKE_ACCOUNT, SPAMMER, ACCOUNT_TAKEOVER;

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
    SPAMMER(AbuseType.SPAMMER, 3, 12),
    /** A credential-stuffing victim whose password did not work: a few login failures from the campaign. */
    STUFFED_ACCOUNT(AbuseType.ACCOUNT_TAKEOVER, 2, 8),
    /** A credential-stuffing victim taken over: failures, a success, then abuse from the account. */
    TAKEN_OVER_ACCOUNT(AbuseType.ACCOUNT_TAKEOVER, 3, 12);

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
  private static final long HOUR_MS = 60 * MINUTE_MS;
  /** Members' UTC offsets in hours, repeated roughly in proportion to where members live. */
  private static final int[] UTC_OFFSETS_HOURS = {-8, -7, -6, -5, -5, -5, -4, -3, 0, 0, 1, 1, 1, 2, 3, 5, 6, 8, 8, 9, 10};
  /** Relative activity by local hour: quiet nights, a working-day plateau, a lighter evening. */
  private static final double[] ACTIVITY_BY_LOCAL_HOUR = {0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.15, 0.35, 0.60, 0.85, 0.95, 1.0,
      0.95, 0.90, 0.95, 1.0, 0.95, 0.85, 0.75, 0.70, 0.65, 0.55, 0.40, 0.22};
  /** A victim's owner acts at this share of the attack's pace (a regular's pace, about). */
  private static final double OWNER_SHARE_OF_PACE = 0.1;
  /** First octets of hosting and proxy networks a stuffing campaign rents. */
  private static final int[] CAMPAIGN_FIRST_OCTETS = {45, 91, 185, 193, 5};
  private static final int CAMPAIGN_ADDRESSES = 6;

  private final SplittableRandom random;
  private final int members;
  private final TrafficMix mix;
  private final long seed;
  /** Abuse kinds with a positive weight, in declaration order, and their cumulative weights. */
  private final AbuseType[] abuseKinds;
  private final double[] cumulativeKindWeight;
  /** This generator produces members {@code 1 + partitionIndex + i * partitionCount} (hot members: all of them). */
  private final int partitionIndex;
  private final int partitionCount;
  private final String eventIdPrefix;
  /** Cumulative pace of this partition's members in order (hot members weigh 0), for drawing in proportion to it. */
  private final double[] cumulativePace;
  /** The credential-stuffing campaign's addresses, shared by all its victims. */
  private final String[] campaignIps;
  private final Set<Long> signedUp = new HashSet<>();
  /** Attacker events so far per account-takeover victim: where each is in failures, success, abuse. */
  private final Map<Long, Integer> attackerEvents = new HashMap<>();
  /** Ground truth: each abuser's first abusive event produced by {@link #next}, in order of appearance. */
  private final Map<Long, Long> firstAbuseMs = new LinkedHashMap<>();
  /** Whether the last generated event was a takeover victim's owner's own (not abuse). */
  private boolean ownersOwn;
  private long sequence;
  private long firstOnsetMs = Long.MIN_VALUE;
  private long onsetSpreadMs;

  /** The generator as it always was: {@link TrafficMix#legacy}. */
  public SyntheticActivityGenerator(long seed, int members, double abusiveFraction) {
    this(seed, members, TrafficMix.legacy(abusiveFraction));
  }

  public SyntheticActivityGenerator(long seed, int members, TrafficMix mix) {
    this(seed, members, mix, 0, 1);
  }

  private SyntheticActivityGenerator(long seed, int members, TrafficMix mix, int partitionIndex, int partitionCount) {
    if (members < 1) {
      throw new IllegalArgumentException("members must be at least 1, got " + members);
    }
    if (mix.hotMembers() > members) {
      throw new IllegalArgumentException("hot members (" + mix.hotMembers() + ") must not exceed members (" + members + ")");
    }
    if (partitionCount < 1 || partitionIndex < 0 || partitionIndex >= partitionCount || partitionCount > members) {
      throw new IllegalArgumentException("partition " + partitionIndex + " of " + partitionCount + " is not one of 1.." + members + " members' partitions");
    }
    this.seed = seed;
    this.members = members;
    this.mix = mix;
    this.partitionIndex = partitionIndex;
    this.partitionCount = partitionCount;
    // The whole population keeps the seed's own stream and ids (the legacy output); a partition has its own.
    this.random = new SplittableRandom(partitionCount == 1 ? seed : StableHash.ofLong(seed * 0x9E3779B97F4A7C15L + partitionIndex + 1));
    this.eventIdPrefix = partitionCount == 1 ? Long.toString(seed) : seed + "-p" + partitionIndex;
    List<AbuseType> kinds = new ArrayList<>();
    List<Double> cumulative = new ArrayList<>();
    double weightSum = 0;
    for (Map.Entry<AbuseType, Double> w : mix.abuseKindWeights().entrySet()) {
      if (w.getValue() > 0) {
        weightSum += w.getValue();
        kinds.add(w.getKey());
        cumulative.add(weightSum);
      }
    }
    this.abuseKinds = kinds.toArray(AbuseType[]::new);
    this.cumulativeKindWeight = cumulative.stream().mapToDouble(Double::doubleValue).toArray();
    this.campaignIps = new String[CAMPAIGN_ADDRESSES];
    for (int i = 0; i < CAMPAIGN_ADDRESSES; i++) {
      long h = StableHash.ofLong(seed ^ 0xA770L * (i + 1));
      campaignIps[i] = CAMPAIGN_FIRST_OCTETS[(int) Math.floorMod(h, (long) CAMPAIGN_FIRST_OCTETS.length)] + "." + (h >>> 8 & 0xff) + "."
          + (h >>> 16 & 0xff) + "." + (1 + (h >>> 24 & 0xfd));
    }
    this.cumulativePace = new double[(members - 1 - partitionIndex) / partitionCount + 1];
    double sum = 0;
    for (int i = 0; i < cumulativePace.length; i++) {
      long member = memberAt(i);
      sum += member <= mix.hotMembers() ? 0 : pace(member);
      cumulativePace[i] = sum;
    }
  }

  /**
   * A generator of the same population (personas, onsets, ground truth kinds) that produces only members
   * {@code m} with {@code (m - 1) % count == index}, plus the hot members, on a random stream of its own. For
   * producers on {@code count} threads: each member's events come from one thread, in order, and its sign-up
   * and takeover state and ground truth live in one generator. Hot members carry no such state and are load
   * on one key, so every partition produces them. Event ids carry the partition ({@code seed-pINDEX-n}).
   */
  public SyntheticActivityGenerator partition(int index, int count) {
    SyntheticActivityGenerator part = new SyntheticActivityGenerator(seed, members, mix, index, count);
    part.firstOnsetMs = firstOnsetMs;
    part.onsetSpreadMs = onsetSpreadMs;
    return part;
  }

  private long memberAt(int index) {
    return 1L + partitionIndex + (long) index * partitionCount;
  }

  public TrafficMix mix() {
    return mix;
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
    if (memberId <= mix.hotMembers()) {
      return Persona.RECRUITER; // a hot key is a heavy legitimate member, never an abuser
    }
    if (unit(memberId, 1) < mix.abusiveFraction()) {
      return switch (abuseKind(unit(memberId, 2))) {
        case SCRAPER -> SCRAPERS[pick(memberId, 3, SCRAPERS.length)];
        case FAKE_ACCOUNT -> Persona.RING_ACCOUNT;
        case SPAMMER -> Persona.SPAMMER;
        // A third of the victims' passwords work.
        case ACCOUNT_TAKEOVER -> unit(memberId, 3) < 1 / 3.0 ? Persona.TAKEN_OVER_ACCOUNT : Persona.STUFFED_ACCOUNT;
        case NONE -> throw new IllegalStateException("NONE is not an abuse kind");
      };
    }
    double roll = unit(memberId, 4);
    return roll < 0.04 ? Persona.RECRUITER : roll < 0.12 ? Persona.BURSTY : roll < 0.14 ? Persona.NEWCOMER : Persona.REGULAR;
  }

  /**
   * The abuse kind at {@code u} in [0, 1) on the cumulative weights. With weights 1, 1, 1 this is
   * {@code (int) (u * 3)}, the old equal-thirds pick, to the bit: {@code u * 3.0} is compared with 1.0 and 2.0.
   */
  private AbuseType abuseKind(double u) {
    double x = u * cumulativeKindWeight[cumulativeKindWeight.length - 1];
    for (int k = 0; k < abuseKinds.length - 1; k++) {
      if (x < cumulativeKindWeight[k]) {
        return abuseKinds[k];
      }
    }
    return abuseKinds[abuseKinds.length - 1];
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
    if (abuseType(memberId) == AbuseType.ACCOUNT_TAKEOVER) {
      // One campaign: it starts at a stable moment in the first half of the spread and reaches all its
      // victims within a quarter of it.
      long campaignStartMs = firstOnsetMs + (long) (unit(0, 30) * onsetSpreadMs / 2);
      return campaignStartMs + (long) (unit(memberId, 6) * onsetSpreadMs / 4);
    }
    return firstOnsetMs + (long) (unit(memberId, 6) * onsetSpreadMs);
  }

  /** Login failures the campaign makes on a victim's account before it gives up or gets in: 2 to 7. */
  private int failedLogins(long memberId) {
    return 2 + pick(memberId, 20, 6);
  }

  /** Whether the attacker (not the owner) acts on a takeover victim's account at {@code timestampMs}. */
  private boolean attackedAt(long memberId, Persona persona, long timestampMs) {
    return timestampMs >= abuseOnsetMs(memberId)
        && (persona == Persona.TAKEN_OVER_ACCOUNT || attackerEvents.getOrDefault(memberId, 0) < failedLogins(memberId));
  }

  /** With the daily rhythm on: whether a normal member acts now, by its local hour. Draws randomness only then. */
  private boolean awakeAt(long memberId, long timestampMs) {
    if (!mix.dailyRhythm()) {
      return true;
    }
    return random.nextDouble() < ACTIVITY_BY_LOCAL_HOUR[localHour(memberId, timestampMs)];
  }

  /** The member's local hour at {@code timestampMs}, in its time zone (stable per member). */
  int localHour(long memberId, long timestampMs) {
    int offsetHours = UTC_OFFSETS_HOURS[pick(memberId, 14, UTC_OFFSETS_HOURS.length)];
    return (int) Math.floorMod(Math.floorDiv(timestampMs, HOUR_MS) + offsetHours, 24L);
  }

  /**
   * Ground truth of every abuser that {@link #next} has produced an abusive event for so far, by member id:
   * its kind, persona and first abusive event's timestamp.
   */
  public List<GroundTruth> groundTruth() {
    List<GroundTruth> truth = new ArrayList<>(firstAbuseMs.size());
    firstAbuseMs.forEach((member, startMs) -> truth.add(new GroundTruth(member, abuseType(member), persona(member), startMs)));
    truth.sort(Comparator.comparingLong(GroundTruth::memberId));
    return truth;
  }

  /** Whether a member is abusive of any type. */
  public boolean isAbusive(long memberId) {
    return abuseType(memberId) != AbuseType.NONE;
  }

  /** Whether the member acts at {@code timestampMs}: abusers from their onset, bursty members in their bursts. */
  private boolean activeAt(long memberId, long timestampMs, Persona persona) {
    if (persona.abuseType() == AbuseType.ACCOUNT_TAKEOVER) {
      // The attack at its pace; otherwise the owner, at a regular's.
      return attackedAt(memberId, persona, timestampMs)
          || random.nextDouble() < OWNER_SHARE_OF_PACE && awakeAt(memberId, timestampMs);
    }
    if (persona.abuseType() != AbuseType.NONE) {
      return timestampMs >= abuseOnsetMs(memberId);
    }
    // Bursty members are on for one two-minute slot in four (which ones: stable per member and slot).
    return (persona != Persona.BURSTY || unit(memberId, Math.floorDiv(timestampMs, 2 * MINUTE_MS) + 100) < 0.25)
        && awakeAt(memberId, timestampMs);
  }

  /** The next event, stamped with {@code timestampMs}; an abuser's first abusive one is its ground truth start. */
  public ActivityEvent next(long timestampMs) {
    ActivityEvent event = generate(timestampMs);
    if (persona(event.getMemberId()).abuseType() != AbuseType.NONE && !ownersOwn) {
      firstAbuseMs.putIfAbsent(event.getMemberId(), timestampMs);
    }
    return event;
  }

  private ActivityEvent generate(long timestampMs) {
    long member = pickMember(timestampMs);
    Persona persona = persona(member);
    // A takeover victim's events are the attacker's while attacked, else its owner's, who acts as a regular.
    ownersOwn = persona.abuseType() == AbuseType.ACCOUNT_TAKEOVER && !attackedAt(member, persona, timestampMs);
    Persona acting = ownersOwn ? Persona.REGULAR : persona;
    ActivityEvent.Builder b = ActivityEvent.newBuilder()
        .setEventId(eventIdPrefix + "-" + sequence++)
        .setMemberId(member)
        .setTimestampMs(timestampMs);
    boolean signsUp = (acting == Persona.RING_ACCOUNT || acting == Persona.NEWCOMER) && signedUp.add(member);
    double roll = random.nextDouble();
    EventType type = signsUp ? EventType.SIGNUP : switch (acting) {
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
      case STUFFED_ACCOUNT, TAKEN_OVER_ACCOUNT -> attackerEvent(member, roll);
    };
    b.setType(type);
    if (type == EventType.PROFILE_VIEW || type == EventType.MESSAGE_SENT || type == EventType.CONNECTION_INVITE) {
      b.setTargetId(target(member, acting, type));
    }
    b.setIp(ip(member, acting)).setUserAgent(userAgent(member, acting)).setSessionId(session(member, acting, timestampMs));
    return b.build();
  }

  /** The attacker's next step on a victim's account: failed logins, then (taken over) a success, then abuse. */
  private EventType attackerEvent(long member, double roll) {
    int done = attackerEvents.merge(member, 1, Integer::sum) - 1;
    int failures = failedLogins(member);
    if (done < failures) {
      return EventType.LOGIN_FAILURE;
    }
    if (done == failures) {
      return EventType.LOGIN_SUCCESS;
    }
    return roll < 0.50 ? EventType.MESSAGE_SENT : roll < 0.75 ? EventType.CONNECTION_INVITE : roll < 0.95 ? EventType.PROFILE_VIEW
        : EventType.PAGE_VIEW;
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
      // The campaign's few rented addresses, the same for every victim.
      case STUFFED_ACCOUNT, TAKEN_OVER_ACCOUNT -> campaignIps[random.nextInt(campaignIps.length)];
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
      // The campaign's tool: a robot agent per request, or one of many browser agents (stable per campaign).
      case STUFFED_ACCOUNT, TAKEN_OVER_ACCOUNT -> unit(0, 31) < 0.5 ? ROBOT_AGENTS[random.nextInt(ROBOT_AGENTS.length)]
          : BROWSER_AGENTS[random.nextInt(BROWSER_AGENTS.length)];
      // One or two devices of their own.
      default -> BROWSER_AGENTS[pick(member, random.nextInt(4) == 0 ? 11 : 10, BROWSER_AGENTS.length)];
    };
  }

  private String session(long member, Persona persona, long timestampMs) {
    return switch (persona) {
      case FAST_SCRAPER -> unit(member, 12) < 0.5 ? "s-" + member : "s-" + member + "-" + random.nextInt(1_000_000);
      case DISGUISED_SCRAPER, LOW_AND_SLOW_SCRAPER, STUFFED_ACCOUNT, TAKEN_OVER_ACCOUNT -> "s-" + member + "-" + random.nextInt(1_000_000);
      case RING_ACCOUNT -> "s-" + member + "-" + Math.floorDiv(timestampMs, 10 * MINUTE_MS);
      // A visit lasts about twenty minutes.
      default -> "s-" + member + "-" + Math.floorDiv(timestampMs + (long) (unit(member, 13) * 20 * MINUTE_MS), 20 * MINUTE_MS);
    };
  }

  /** An internal health-check event, from the monitoring network. */
  public ActivityEvent healthCheck(long timestampMs) {
    return ActivityEvent.newBuilder().setEventId(eventIdPrefix + "-hc-" + sequence++).setMemberId(1 + random.nextInt(members))
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
    // Not through next(): a record without its member is no member's ground truth.
    return generate(timestampMs).toBuilder().clearMemberId().build().toByteArray();
  }

  /**
   * A hot member for its share of events; otherwise one of this partition's members drawn in proportion to
   * its pace among those active now.
   */
  private long pickMember(long timestampMs) {
    if (mix.hotMembers() > 0 && random.nextDouble() < mix.hotMemberShare()) {
      return 1 + random.nextInt(mix.hotMembers());
    }
    int size = cumulativePace.length;
    double total = cumulativePace[size - 1];
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int i = Arrays.binarySearch(cumulativePace, random.nextDouble() * total);
      int index = i >= 0 ? i : -i - 1;
      if (index < size) {
        long candidate = memberAt(index);
        if (candidate > mix.hotMembers() && activeAt(candidate, timestampMs, persona(candidate))) {
          return candidate;
        }
      }
    }
    for (int index = 0; index < size; index++) { // nobody drawn is active: the first active member
      long m = memberAt(index);
      if (m > mix.hotMembers() && activeAt(m, timestampMs, persona(m))) {
        return m;
      }
    }
    return memberAt(random.nextInt(size)); // a population of abusers none of whom has started: someone must act
  }
}
