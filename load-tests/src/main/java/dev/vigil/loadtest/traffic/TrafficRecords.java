package dev.vigil.loadtest.traffic;

import dev.vigil.schemas.MemberRecordKeys;
import dev.vigil.schemas.v1.ActivityEvent;
import java.util.SplittableRandom;

/**
 * One producer's sequence of raw records from a generator: malformed bytes, internal health checks or valid
 * events in the given fractions, each as key (member id, decimal; none for malformed) and value. The choice
 * is drawn from its own seeded stream, so the records are the same for the same seeds and send times.
 * Not thread-safe: one per producer thread.
 */
final class TrafficRecords {
  enum Kind { VALID, HEALTH_CHECK, MALFORMED }

  private final SyntheticActivityGenerator generator;
  private final SplittableRandom choice;
  private final double malformedFraction;
  private final double healthCheckFraction;
  private byte[] key;
  private byte[] value;
  private ActivityEvent event;

  TrafficRecords(SyntheticActivityGenerator generator, long choiceSeed, double malformedFraction, double healthCheckFraction) {
    this.generator = generator;
    this.choice = new SplittableRandom(choiceSeed);
    this.malformedFraction = malformedFraction;
    this.healthCheckFraction = healthCheckFraction;
  }

  /** Makes the next record, stamped {@code nowMs}; {@link #key}, {@link #value} and {@link #event} describe it. */
  Kind next(long nowMs) {
    double roll = choice.nextDouble();
    if (roll < malformedFraction) {
      key = null;
      value = generator.malformed(nowMs);
      event = null;
      return Kind.MALFORMED;
    }
    boolean healthCheck = roll < malformedFraction + healthCheckFraction;
    event = healthCheck ? generator.healthCheck(nowMs) : generator.next(nowMs);
    key = MemberRecordKeys.encode(event.getMemberId());
    value = event.toByteArray();
    return healthCheck ? Kind.HEALTH_CHECK : Kind.VALID;
  }

  byte[] key() {
    return key;
  }

  byte[] value() {
    return value;
  }

  /** The event of the last record, null if it was malformed. */
  ActivityEvent event() {
    return event;
  }
}
