package dev.vigil.filter;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.util.function.Predicate;
import com.google.protobuf.ByteString;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import dev.vigil.schemas.v1.RawRecord;
import java.nio.charset.StandardCharsets;
import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.extract.ActivityExtractor;
import dev.vigil.core.extract.UserAgentClassifier;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Events and raw records for filter tests. */
final class ActivityFixtures {
  static final String CHROME =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
  static final String CURL = "curl/8.4.0";
  private static final EventType[] TYPES = {EventType.PAGE_VIEW, EventType.PROFILE_VIEW, EventType.SEARCH,
      EventType.LOGIN_SUCCESS, EventType.LOGIN_FAILURE, EventType.SIGNUP, EventType.CONNECTION_INVITE, EventType.MESSAGE_SENT};

  private ActivityFixtures() {}

  static ActivityEvent event(long member, EventType type, long timestampMs) {
    return ActivityEvent.newBuilder()
        .setEventId(member + "-" + type + "-" + timestampMs)
        .setMemberId(member).setType(type).setTimestampMs(timestampMs)
        .setIp("203.0.113." + (member % 250)).setUserAgent(CHROME).setTargetId(member * 1000 + timestampMs % 97)
        .setSessionId("s-" + member).build();
  }

  static List<ActivityEvent> randomEvents(Random random, int n, int members, long startMs, long spanMs) {
    List<ActivityEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long member = 1 + random.nextInt(members);
      events.add(ActivityEvent.newBuilder()
          .setEventId("e" + i)
          .setMemberId(member)
          .setType(TYPES[random.nextInt(TYPES.length)])
          .setTimestampMs(startMs + (long) (random.nextDouble() * spanMs))
          .setIp(random.nextBoolean() ? "198.51." + random.nextInt(4) + "." + random.nextInt(255) : "2001:db8:" + random.nextInt(3) + "::" + random.nextInt(99))
          .setUserAgent(random.nextInt(4) == 0 ? CURL : CHROME)
          .setTargetId(random.nextInt(3) == 0 ? 0 : random.nextInt(500))
          .setSessionId("s" + random.nextInt(6))
          .build());
    }
    return events;
  }

  /**
   * The naive oracle: each event extracted and aggregated per (member, fixed window) with no Beam involved,
   * keyed "member@windowStart".
   */
  static Map<String, MemberActivityPartial> expectedPartials(List<ActivityEvent> events, long windowMs, int sketchSize) {
    ActivityExtractor extractor = new ActivityExtractor(UserAgentClassifier.shared());
    Map<String, MemberActivityAggregate> byKey = new HashMap<>();
    for (ActivityEvent e : events) {
      long start = e.getTimestampMs() - Math.floorMod(e.getTimestampMs(), windowMs);
      byKey.computeIfAbsent(e.getMemberId() + "@" + start, k -> new MemberActivityAggregate(sketchSize)).add(extractor.extract(e));
    }
    Map<String, MemberActivityPartial> out = new HashMap<>();
    byKey.forEach((k, a) -> {
      long start = Long.parseLong(k.substring(k.indexOf('@') + 1));
      out.put(k, a.toPartial().setWindowStartMs(start).setWindowEndMs(start + windowMs).build());
    });
    return out;
  }

  static RawRecord raw(byte[] value, long offset) {
    return raw(value, offset, 1_000L);
  }

  /** A record as read from Kafka: {@code recordTimeMs} is its (producer's create) timestamp. */
  static RawRecord raw(byte[] value, long offset, long recordTimeMs) {
    RawRecord.Builder b = RawRecord.newBuilder().setTopic("raw").setPartition(0).setOffset(offset)
        .setKafkaTimestampMs(recordTimeMs).setHasValue(value != null);
    if (value != null) {
      b.setValue(ByteString.copyFrom(value));
    }
    return b.build();
  }

  /** An event's record, sent when it happened. */
  static RawRecord raw(ActivityEvent event, long offset) {
    return raw(event.toByteArray(), offset, event.getTimestampMs());
  }

  static byte[] garbage() {
    return "this is not protobuf \u0000\u00ff".getBytes(StandardCharsets.UTF_8);
  }

  /** Late panes add to on-time ones, so the comparable unit is all partials of a member-window merged. */
  static Map<String, MemberActivityPartial> mergedByMemberWindow(List<ConsumerRecord<byte[], byte[]>> records)
      throws Exception {
    Map<String, MemberActivityAggregate> merged = new HashMap<>();
    Map<String, long[]> windows = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      MemberActivityPartial p = MemberActivityPartial.parseFrom(r.value());
      String key = p.getMemberId() + "@" + p.getWindowStartMs();
      merged.computeIfAbsent(key, k -> new MemberActivityAggregate(32)).merge(MemberActivityAggregate.fromPartial(p));
      windows.put(key, new long[] {p.getWindowStartMs(), p.getWindowEndMs()});
    }
    Map<String, MemberActivityPartial> out = new HashMap<>();
    merged.forEach((k, a) -> out.put(k, a.toPartial().setWindowStartMs(windows.get(k)[0]).setWindowEndMs(windows.get(k)[1]).build()));
    return out;
  }

  static Map<String, Long> eventCounts(Map<String, MemberActivityPartial> partials) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    partials.forEach((k, p) -> counts.put(k, p.getEventCount()));
    return counts;
  }

  static Predicate<List<ConsumerRecord<byte[], byte[]>>> totalEventsAtLeast(long n) {
    return records -> records.stream().mapToLong(r -> {
      try {
        return MemberActivityPartial.parseFrom(r.value()).getEventCount();
      } catch (Exception e) {
        return 0;
      }
    }).sum() >= n;
  }

  static byte[] key(long member) {
    return Long.toString(member).getBytes(StandardCharsets.UTF_8);
  }
}
