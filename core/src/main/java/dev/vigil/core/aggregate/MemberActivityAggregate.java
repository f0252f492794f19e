package dev.vigil.core.aggregate;

import com.google.protobuf.ProtocolMessageEnum;
import dev.vigil.core.sketch.DistinctCountSketch;
import dev.vigil.core.sketch.StableHash;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.EventTypeCount;
import dev.vigil.schemas.v1.ExtractedActivity;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.UserAgentClass;
import dev.vigil.schemas.v1.UserAgentClassCount;
import java.util.Arrays;

/**
 * One member's activity folded into counts and distinct-count sketches. Commutative and associative:
 * adding events in any order, or merging aggregates of any split of the events, gives the same result.
 * That is what lets the filter pipeline pre-aggregate in parallel (combiner lifting) and the model
 * pipeline merge partials from many short windows into long ones.
 */
public final class MemberActivityAggregate {
  /** Sketch size: exact distinct counts up to 127, about 9% error beyond. 1 KiB per sketch at most. */
  public static final int DEFAULT_SKETCH_K = 128;

  private static final EventType[] EVENT_TYPES = knownValues(EventType.values(), EventType.UNRECOGNIZED);
  private static final UserAgentClass[] UA_CLASSES = knownValues(UserAgentClass.values(), UserAgentClass.UNRECOGNIZED);

  private long memberId;
  private long eventCount;
  private final long[] countByType = new long[maxNumber(EVENT_TYPES) + 1];
  private final long[] countByUserAgentClass = new long[maxNumber(UA_CLASSES) + 1];
  private final DistinctCountSketch targets;
  private final DistinctCountSketch ipPrefixes;
  private final DistinctCountSketch userAgents;
  private final DistinctCountSketch sessions;
  private long firstEventMs = Long.MAX_VALUE;
  private long lastEventMs = Long.MIN_VALUE;

  public MemberActivityAggregate(int sketchK) {
    this.targets = new DistinctCountSketch(sketchK);
    this.ipPrefixes = new DistinctCountSketch(sketchK);
    this.userAgents = new DistinctCountSketch(sketchK);
    this.sessions = new DistinctCountSketch(sketchK);
  }

  public MemberActivityAggregate() {
    this(DEFAULT_SKETCH_K);
  }

  /**
   * An empty aggregate to merge others into: its sketches take the smallest k merged in, so merging
   * partials of any one sketch size is lossless and merging mixed sizes is exact to the smaller one.
   */
  public static MemberActivityAggregate mergeTarget() {
    return new MemberActivityAggregate(Integer.MAX_VALUE);
  }

  /** Size k of the distinct-count sketches (the smallest merged in). */
  public int sketchK() {
    return targets.k();
  }

  public MemberActivityAggregate add(ExtractedActivity event) {
    adoptMember(event.getMemberId());
    eventCount++;
    int type = event.getTypeValue();
    if (type >= 0 && type < countByType.length) {
      countByType[type]++;
    }
    int uaClass = event.getUserAgentClassValue();
    if (uaClass >= 0 && uaClass < countByUserAgentClass.length) {
      countByUserAgentClass[uaClass]++;
    }
    if (event.getTargetId() != 0) {
      targets.addLong(event.getTargetId());
    }
    if (!event.getIpPrefix().isEmpty()) {
      ipPrefixes.addString(event.getIpPrefix());
    }
    if (event.getUserAgentHash() != 0) {
      userAgents.addHash(StableHash.ofLong(event.getUserAgentHash()));
    }
    if (!event.getSessionId().isEmpty()) {
      sessions.addString(event.getSessionId());
    }
    firstEventMs = Math.min(firstEventMs, event.getTimestampMs());
    lastEventMs = Math.max(lastEventMs, event.getTimestampMs());
    return this;
  }

  public MemberActivityAggregate merge(MemberActivityAggregate other) {
    if (other.eventCount == 0) {
      return this;
    }
    adoptMember(other.memberId);
    eventCount += other.eventCount;
    for (int i = 0; i < countByType.length; i++) {
      countByType[i] += other.countByType[i];
    }
    for (int i = 0; i < countByUserAgentClass.length; i++) {
      countByUserAgentClass[i] += other.countByUserAgentClass[i];
    }
    targets.merge(other.targets);
    ipPrefixes.merge(other.ipPrefixes);
    userAgents.merge(other.userAgents);
    sessions.merge(other.sessions);
    firstEventMs = Math.min(firstEventMs, other.firstEventMs);
    lastEventMs = Math.max(lastEventMs, other.lastEventMs);
    return this;
  }

  private void adoptMember(long member) {
    if (memberId == 0) {
      memberId = member;
    } else if (member != memberId) {
      throw new IllegalArgumentException("cannot combine activity of member " + member + " into member " + memberId);
    }
  }

  /** The aggregate as a partial; the caller sets window and pane fields. */
  public MemberActivityPartial.Builder toPartial() {
    MemberActivityPartial.Builder b = MemberActivityPartial.newBuilder()
        .setMemberId(memberId)
        .setEventCount(eventCount)
        .setDistinctTargets(targets.toProto())
        .setDistinctIpPrefixes(ipPrefixes.toProto())
        .setDistinctUserAgents(userAgents.toProto())
        .setDistinctSessions(sessions.toProto());
    if (eventCount > 0) {
      b.setFirstEventMs(firstEventMs).setLastEventMs(lastEventMs);
    }
    for (EventType type : EVENT_TYPES) {
      long n = countByType[type.getNumber()];
      if (n > 0) {
        b.addTypeCounts(EventTypeCount.newBuilder().setType(type).setCount(n));
      }
    }
    for (UserAgentClass c : UA_CLASSES) {
      long n = countByUserAgentClass[c.getNumber()];
      if (n > 0) {
        b.addUserAgentClassCounts(UserAgentClassCount.newBuilder().setUserAgentClass(c).setCount(n));
      }
    }
    return b;
  }

  /** Rebuilds the aggregate a partial describes, so partials can be merged further downstream. */
  public static MemberActivityAggregate fromPartial(MemberActivityPartial p) {
    int k = p.getDistinctTargets().getK() >= 2 ? p.getDistinctTargets().getK() : DEFAULT_SKETCH_K;
    MemberActivityAggregate a = new MemberActivityAggregate(k);
    a.memberId = p.getMemberId();
    a.eventCount = p.getEventCount();
    for (EventTypeCount c : p.getTypeCountsList()) {
      int n = c.getTypeValue();
      if (n >= 0 && n < a.countByType.length) {
        a.countByType[n] += c.getCount();
      }
    }
    for (UserAgentClassCount c : p.getUserAgentClassCountsList()) {
      int n = c.getUserAgentClassValue();
      if (n >= 0 && n < a.countByUserAgentClass.length) {
        a.countByUserAgentClass[n] += c.getCount();
      }
    }
    a.targets.merge(DistinctCountSketch.fromProto(p.getDistinctTargets(), k));
    a.ipPrefixes.merge(DistinctCountSketch.fromProto(p.getDistinctIpPrefixes(), k));
    a.userAgents.merge(DistinctCountSketch.fromProto(p.getDistinctUserAgents(), k));
    a.sessions.merge(DistinctCountSketch.fromProto(p.getDistinctSessions(), k));
    if (p.getEventCount() > 0) {
      a.firstEventMs = p.getFirstEventMs();
      a.lastEventMs = p.getLastEventMs();
    }
    return a;
  }

  public long memberId() {
    return memberId;
  }

  /** Event time of the earliest event, {@code Long.MAX_VALUE} when empty. */
  public long firstEventMs() {
    return firstEventMs;
  }

  /** Event time of the latest event, {@code Long.MIN_VALUE} when empty. */
  public long lastEventMs() {
    return lastEventMs;
  }

  public long eventCount() {
    return eventCount;
  }

  public long count(EventType type) {
    return countByType[type.getNumber()];
  }

  public long count(UserAgentClass c) {
    return countByUserAgentClass[c.getNumber()];
  }

  public double distinctTargets() {
    return targets.estimate();
  }

  public double distinctIpPrefixes() {
    return ipPrefixes.estimate();
  }

  public double distinctUserAgents() {
    return userAgents.estimate();
  }

  public double distinctSessions() {
    return sessions.estimate();
  }

  /** Equal when the wire forms are equal: same member, counts and sketches. */
  @Override
  public boolean equals(Object o) {
    return o instanceof MemberActivityAggregate other && toPartial().build().equals(other.toPartial().build());
  }

  @Override
  public int hashCode() {
    return Long.hashCode(memberId) * 31 + Long.hashCode(eventCount);
  }

  @Override
  public String toString() {
    return "MemberActivityAggregate{member=" + memberId + ", events=" + eventCount + "}";
  }

  private static <E extends Enum<E>> E[] knownValues(E[] all, E unrecognized) {
    return Arrays.stream(all).filter(e -> e != unrecognized).toArray(n -> Arrays.copyOf(all, n));
  }

  private static int maxNumber(Enum<?>[] values) {
    int max = 0;
    for (Enum<?> v : values) {
      max = Math.max(max, ((ProtocolMessageEnum) v).getNumber());
    }
    return max;
  }
}
