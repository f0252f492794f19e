package dev.vigil.loadtest.harness;

import dev.vigil.loadtest.traffic.RateShape;
import dev.vigil.loadtest.traffic.TrafficMix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One load-test run.
 *
 * @param duration how long the main traffic flows (after the warm-up)
 * @param maxEvents stop the main traffic after this many records even if the duration has not passed (0: no limit)
 * @param rate the target rate, records per second
 * @param shape {@code constant}, {@code ramp} or {@code spike} (see {@code RateShape.parse})
 * @param bootstrapServers a Kafka cluster to use, or null to start a broker of our own in a JVM of its own
 * @param kafkaPropertiesFile that cluster's client settings (SASL/SSL) for every client of the run: generator, jobs,
 *     store, tails; null for none. The {@code VIGIL_KAFKA_*} environment applies too, as for every Vigil client
 * @param partitions partitions of the Vigil topics on a broker we start
 * @param flinkMaster {@code [local]}: each job in its own JVM on embedded Flink; or host:port of a session cluster
 * @param parallelism of each job
 * @param latencySampleEvery every n-th valid event (per producer thread) is followed for its end-to-end latency
 * @param jobFlags further Beam flags for both jobs ({@code --checkpointingInterval=-1}, ...)
 */
public record LoadTestSettings(
    Duration duration,
    long maxEvents,
    int rate,
    String shape,
    int producerThreads,
    int members,
    double abusiveFraction,
    int hotMembers,
    double hotMemberShare,
    long seed,
    double malformedFraction,
    Path out,
    String bootstrapServers,
    Path kafkaPropertiesFile,
    int partitions,
    String flinkMaster,
    int parallelism,
    Duration warmUpTimeout,
    Duration drainTimeout,
    int latencySampleEvery,
    List<String> jobFlags) {

  public LoadTestSettings {
    require(!duration.isNegative() && !duration.isZero(), "--duration must be positive, got " + duration);
    require(maxEvents >= 0, "--events must be >= 0 (0: no limit), got " + maxEvents);
    require(rate >= 1, "--rate must be >= 1, got " + rate);
    require(producerThreads >= 1, "--producer-threads must be >= 1, got " + producerThreads);
    require(members >= 1, "--members must be >= 1, got " + members);
    require(abusiveFraction >= 0 && abusiveFraction <= 1, "--abusive-fraction must be in [0, 1], got " + abusiveFraction);
    require(hotMembers >= 0 && hotMembers <= members, "--hot-members must be in [0, --members], got " + hotMembers);
    require(hotMemberShare >= 0 && hotMemberShare < 1, "--hot-member-share must be in [0, 1), got " + hotMemberShare);
    require(malformedFraction >= 0 && malformedFraction <= 1, "--malformed-fraction must be in [0, 1], got " + malformedFraction);
    require(partitions >= 1, "--partitions must be >= 1, got " + partitions);
    require(parallelism >= 1, "--parallelism must be >= 1, got " + parallelism);
    require(latencySampleEvery >= 1, "--latency-sample-every must be >= 1, got " + latencySampleEvery);
    require(kafkaPropertiesFile == null || bootstrapServers != null,
        "--kafka-properties-file is for a cluster given with --bootstrap-servers; the broker started here takes plain clients");
    require(producerThreads <= members, "--producer-threads must be at most --members (" + members + "), got " + producerThreads);
    // What the traffic is made of, checked now rather than after minutes of start-up and warm-up.
    try {
      RateShape.parse(shape, rate, duration);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--shape: " + e.getMessage());
    }
    try {
      TrafficMix.loadTest(abusiveFraction).withHotMembers(hotMembers, hotMemberShare);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--hot-members, --hot-member-share: " + e.getMessage());
    }
    jobFlags = List.copyOf(jobFlags);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  boolean ownBroker() {
    return bootstrapServers == null;
  }

  boolean embeddedFlink() {
    return "[local]".equals(flinkMaster);
  }
}
