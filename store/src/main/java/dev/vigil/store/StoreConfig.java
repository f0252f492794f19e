package dev.vigil.store;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How one store is set up.
 *
 * @param realTimeTopic the Kafka topic of {@code AbuseScore} upserts (tombstones delete) keyed by member id
 * @param partitions fixed when the store is created; later versions keep the number the store has
 * @param keepVersions online versions kept on disk, the serving one included (at least 2, so rollback works)
 * @param rewind how far before a push's cut-off its real-time replay starts
 */
public record StoreConfig(String name, String realTimeTopic, int partitions, int keepVersions, Duration rewind) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  public StoreConfig {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("store name '" + name + "' must be 1-63 characters of a-z, 0-9 and '-'");
    }
    if (partitions < 1 || partitions > 1024) {
      throw new IllegalArgumentException("partitions must be between 1 and 1024, got " + partitions);
    }
    if (keepVersions < 2) {
      throw new IllegalArgumentException("keepVersions must be at least 2 (the serving one and a rollback target), got " + keepVersions);
    }
    if (rewind.isNegative()) {
      throw new IllegalArgumentException("rewind must not be negative, got " + rewind);
    }
  }

  /** The conventional real-time topic of a store: {@code vigil.store.<name>.rt}. */
  public static String realTimeTopicOf(String name) {
    return "vigil.store." + name + ".rt";
  }

  public static StoreConfig defaults(String name) {
    return new StoreConfig(name, realTimeTopicOf(name), 8, 3, Duration.ofHours(1));
  }

  public StoreConfig withPartitions(int value) {
    return new StoreConfig(name, realTimeTopic, value, keepVersions, rewind);
  }
}
