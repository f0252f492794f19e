package dev.vigil.testsupport.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.vigil.schemas.ProgressMarkers;
import dev.vigil.schemas.v1.AbuseScore;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The values of the jobs' and the store's topics, decoded as read ({@code KafkaTopics.readAll}/{@code awaitRecords}):
 * partials of the filtered topic (its progress markers skipped), verdicts of the scores and store topics, dead letters,
 * events of a raw topic without malformed records. A value that does not decode fails the test: those topics hold nothing else.
 */
public final class TopicRecords {
  private TopicRecords() {}

  public static List<AbuseScore> scores(List<ConsumerRecord<byte[], byte[]>> records) {
    return parseAll(records, AbuseScore.parser());
  }

  public static List<MemberActivityPartial> partials(List<ConsumerRecord<byte[], byte[]>> records) {
    return parseAll(partialRecords(records), MemberActivityPartial.parser());
  }

  /** The filtered topic's records without its progress markers. */
  public static List<ConsumerRecord<byte[], byte[]>> partialRecords(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().filter(r -> !ProgressMarkers.isMarker(r.key())).toList();
  }

  /** The filtered topic's progress markers. */
  public static List<ConsumerRecord<byte[], byte[]>> progressMarkers(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().filter(r -> ProgressMarkers.isMarker(r.key())).toList();
  }

  /** Events of a raw activity topic (one that holds only valid events). */
  public static List<ActivityEvent> activityEvents(List<ConsumerRecord<byte[], byte[]>> records) {
    return parseAll(records, ActivityEvent.parser());
  }

  public static List<DeadLetter> deadLetters(List<ConsumerRecord<byte[], byte[]>> records) {
    return parseAll(records, DeadLetter.parser());
  }

  public static MemberActivityPartial partial(ConsumerRecord<byte[], byte[]> record) {
    return parse(record, MemberActivityPartial.parser());
  }

  /** Events counted in the filtered topic's partials, every record as it is (copies too). */
  public static long eventsIn(List<ConsumerRecord<byte[], byte[]>> partialRecords) {
    long n = 0;
    for (ConsumerRecord<byte[], byte[]> r : partialRecords(partialRecords)) {
      n += partial(r).getEventCount();
    }
    return n;
  }

  /** For {@code awaitRecords} on the filtered topic: the partials count at least {@code events} events. */
  public static Predicate<List<ConsumerRecord<byte[], byte[]>>> eventsAtLeast(long events) {
    return records -> eventsIn(records) >= events;
  }

  private static <T extends Message> List<T> parseAll(List<ConsumerRecord<byte[], byte[]>> records, Parser<T> parser) {
    List<T> out = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      out.add(parse(r, parser));
    }
    return out;
  }

  private static <T extends Message> T parse(ConsumerRecord<byte[], byte[]> record, Parser<T> parser) {
    try {
      return parser.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("record " + record.topic() + "-" + record.partition() + "@" + record.offset() + " does not decode: " + e.getMessage(), e);
    }
  }
}
