package dev.vigil.loadtest.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.replay.ReplayLabel;
import dev.vigil.schemas.v1.AbuseScore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Comparing runs of the jobs by their final verdicts: the last verdict per member and row boundary
 * ("member@asOf"), without what legitimately differs between runs (when it was computed, whether on time
 * or late).
 */
public final class FinalVerdicts {
  private FinalVerdicts() {}

  /**
   * The last verdict per member and row boundary. Usually an on-time one; but a row whose early verdict already
   * held all its partials is not repeated on time, so its early verdict is its final.
   */
  public static Map<String, AbuseScore> of(List<AbuseScore> scores) {
    Map<String, AbuseScore> out = new HashMap<>();
    for (AbuseScore s : scores) {
      out.merge(s.getMemberId() + "@" + s.getAsOfMs(), s, (a, b) -> b.getProcessingTimeMs() >= a.getProcessingTimeMs() ? b : a);
    }
    return out;
  }

  /** A batch replay's verdicts, one per member and boundary. */
  public static Map<String, AbuseScore> ofReplay(Path out) {
    List<AbuseScore> all = ReplayLabel.readVerdicts(out);
    Map<String, AbuseScore> byKey = of(all);
    assertThat(byKey).as("one verdict per member and boundary in a batch replay").hasSize(all.size());
    return byKey;
  }

  /** Without what legitimately differs between runs: when it was computed and whether it was on time or late. */
  public static Map<String, AbuseScore> normalized(Map<String, AbuseScore> verdicts) {
    Map<String, AbuseScore> out = new HashMap<>();
    verdicts.forEach((k, v) -> out.put(k, v.toBuilder().clearProcessingTimeMs().clearPaneTiming().build()));
    return out;
  }

  public static void assertSame(String what, Map<String, AbuseScore> actual, Map<String, AbuseScore> expected) {
    Map<String, AbuseScore> a = normalized(actual);
    Map<String, AbuseScore> e = normalized(expected);
    Set<String> onlyActual = new TreeSet<>(a.keySet());
    onlyActual.removeAll(e.keySet());
    Set<String> onlyExpected = new TreeSet<>(e.keySet());
    onlyExpected.removeAll(a.keySet());
    List<String> differing = e.keySet().stream().filter(a::containsKey).filter(k -> !a.get(k).equals(e.get(k))).sorted().toList();
    assertThat(onlyActual).as("%s: member@asOf only in the first (%d of %d)", what, onlyActual.size(), a.size()).isEmpty();
    assertThat(onlyExpected).as("%s: member@asOf only in the second (%d of %d)", what, onlyExpected.size(), e.size()).isEmpty();
    assertThat(differing).as("%s: %d verdicts differ (%s), e.g. %s", what, differing.size(), differing.subList(0, Math.min(10, differing.size())),
        differing.isEmpty() ? "" : a.get(differing.get(0)) + " vs " + e.get(differing.get(0))).isEmpty();
  }
}
