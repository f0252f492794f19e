package dev.vigil.loadtest.training;

import dev.vigil.core.nearline.ActivityFilter;
import dev.vigil.core.nearline.OnTimeRows;
import dev.vigil.core.tiles.MemberTimeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator;
import dev.vigil.scoring.TrainingRow;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled feature rows from synthetic traffic with ground truth, produced by the code the jobs run:
 * {@link ActivityFilter} (parse, rules, extract) and {@link OnTimeRows} (the filter's 5 s partials into
 * the model job's tiles and rows). Every on-time row the model job
 * would score gives one training row per window length, labelled with the member's ground truth.
 */
public final class LabelledFeatureRows {
  /** What traffic to simulate; {@code windows} in the model job's {@code --windows} form. */
  public record Settings(long seed, int members, double abusiveFraction, int eventsPerSecond, int minutes, String windows) {
    public Settings {
      if (members < 1 || eventsPerSecond < 1 || minutes < 1) {
        throw new IllegalArgumentException("members, eventsPerSecond and minutes must be >= 1");
      }
      TileLayout.parse(windows); // a one-line error naming the bad window
    }

    /** The data the shipped default bundle was trained on. */
    public static Settings defaults() {
      return new Settings(20261122L, 5_000, 0.03, 2_000, 30, "1m/30s,10m/1m,60m/5m");
    }

    public String describe() {
      return String.format("synthetic traffic: seed %d, %,d members, %.1f%% abusive, %,d events/s for %d min, windows %s",
          seed, members, abusiveFraction * 100, eventsPerSecond, minutes, windows);
    }
  }

  /** A training row with where it came from: the member, its persona, and the boundary it is as of. */
  public record LabelledRow(long memberId, SyntheticActivityGenerator.Persona persona, long asOfMs, TrainingRow row) {}

  private LabelledFeatureRows() {}

  /** The rows alone, as the trainer takes them. */
  public static List<TrainingRow> generate(Settings s) {
    return generateLabelled(s).stream().map(LabelledRow::row).toList();
  }

  public static List<LabelledRow> generateLabelled(Settings s) {
    SyntheticActivityGenerator generator = new SyntheticActivityGenerator(s.seed(), s.members(), s.abusiveFraction());
    ActivityFilter filter = ActivityFilter.withDefaults();
    List<LabelledRow> rows = new ArrayList<>();
    OnTimeRows loop = new OnTimeRows(TileLayout.parse(s.windows()), r -> {
      SyntheticActivityGenerator.Persona persona = generator.persona(r.memberId());
      boolean abusive = persona.abuseType() != SyntheticActivityGenerator.AbuseType.NONE;
      for (MemberTimeline.WindowFeatures w : r.row().windows()) {
        rows.add(new LabelledRow(r.memberId(), persona, r.row().asOfMs(), new TrainingRow(TrainingRow.toFloats(w.values()), abusive)));
      }
    });
    long start = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 3_600_000L);
    long total = (long) s.eventsPerSecond() * s.minutes() * 60;
    for (long i = 0; i < total; i++) {
      long ts = start + i * 1_000 / s.eventsPerSecond();
      loop.add(filter.apply(generator.next(ts)), ts);
    }
    loop.finish();
    return rows;
  }
}
