package dev.vigil.loadtest.training;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.extract.ActivityExtractor;
import dev.vigil.core.extract.UserAgentClassifier;
import dev.vigil.core.features.MemberFeatureVector;
import dev.vigil.core.rules.FilterRules;
import dev.vigil.core.rules.FilterRulesLoader;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.scoring.TrainingRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled feature rows from synthetic traffic with ground truth, computed with the same code the
 * pipelines run: the filter rules, field extraction, the mergeable member aggregate and
 * {@link MemberFeatureVector}. Each member's activity is cut into tumbling windows of each configured length;
 * every window gives one row for the whole window and one for its first quarter, the state an early
 * pane scores, so the model learns to judge a window before it closes.
 */
public final class LabelledFeatureRows {

  /** What traffic to simulate. */
  public record Settings(long seed, int members, double abusiveFraction, int eventsPerSecond, int minutes,
      List<Duration> windows) {
    public Settings {
      if (members < 1 || eventsPerSecond < 1 || minutes < 1) {
        throw new IllegalArgumentException("members, eventsPerSecond and minutes must be >= 1");
      }
      if (windows.isEmpty()) {
        throw new IllegalArgumentException("at least one window length is needed");
      }
    }

    /** The data the shipped default bundle was trained on. */
    public static Settings defaults() {
      return new Settings(20261122L, 2_000, 0.01, 1_000, 30, List.of(Duration.ofMinutes(1), Duration.ofMinutes(10)));
    }

    public String describe() {
      return String.format("synthetic traffic: seed %d, %,d members, %.1f%% abusive, %,d events/s for %d min, windows %s",
          seed, members, abusiveFraction * 100, eventsPerSecond, minutes, windows);
    }
  }

  private record WindowKey(long lengthMs, long startMs, long memberId) {}

  private LabelledFeatureRows() {}

  public static List<TrainingRow> generate(Settings s) {
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(s.seed(), s.members(), s.abusiveFraction());
    FilterRules rules = FilterRulesLoader.loadDefault();
    ActivityExtractor extractor = new ActivityExtractor(UserAgentClassifier.shared());
    Map<WindowKey, MemberActivityAggregate> whole = new HashMap<>();
    Map<WindowKey, MemberActivityAggregate> firstQuarter = new HashMap<>();
    long start = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 3_600_000L);
    long total = (long) s.eventsPerSecond() * s.minutes() * 60;
    for (long i = 0; i < total; i++) {
      long ts = start + i * 1_000 / s.eventsPerSecond();
      ActivityEvent event = generator.next(ts);
      if (!rules.evaluate(event).keeps()) {
        continue;
      }
      var extracted = extractor.extract(event);
      for (Duration window : s.windows()) {
        long length = window.toMillis();
        long windowStart = ts - Math.floorMod(ts, length);
        WindowKey key = new WindowKey(length, windowStart, event.getMemberId());
        whole.computeIfAbsent(key, k -> new MemberActivityAggregate()).add(extracted);
        if (ts < windowStart + length / 4) {
          firstQuarter.computeIfAbsent(key, k -> new MemberActivityAggregate()).add(extracted);
        }
      }
    }
    // Sorted keys: the same settings give the same rows in the same order.
    java.util.Comparator<WindowKey> order = java.util.Comparator.comparingLong(WindowKey::lengthMs)
        .thenComparingLong(WindowKey::startMs).thenComparingLong(WindowKey::memberId);
    List<TrainingRow> rows = new ArrayList<>(whole.size() + firstQuarter.size());
    for (Map<WindowKey, MemberActivityAggregate> windows : List.of(whole, firstQuarter)) {
      windows.keySet().stream().sorted(order).forEach(k -> rows.add(new TrainingRow(
          TrainingRow.toFloats(MemberFeatureVector.compute(windows.get(k), k.startMs(), k.startMs() + k.lengthMs())),
          generator.isAbusive(k.memberId()))));
    }
    return rows;
  }
}
