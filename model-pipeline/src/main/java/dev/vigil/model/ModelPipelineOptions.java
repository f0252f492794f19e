package dev.vigil.model;

import dev.vigil.core.tiles.TileLayout;
import dev.vigil.platform.options.KafkaPipelineOptions;
import dev.vigil.schemas.VigilTopics;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of the model job ({@code ./vigil model --help} lists them). */
public interface ModelPipelineOptions extends KafkaPipelineOptions {

  @Description("Topic of MemberActivityPartial bytes (the filter pipeline's output)")
  @Default.String(VigilTopics.ACTIVITY_FILTERED)
  String getFilteredTopic();

  void setFilteredTopic(String value);

  @Description("The filtered topic carries the filter job's progress markers, and they alone move a silent partition's"
      + " watermark (a partition may be silent while the filter works through a backlog); false lets a caught-up"
      + " partition follow the wall clock after --idlePartitionTimeoutMs, for a topic written by something else")
  @Default.Boolean(true)
  Boolean getProgressMarkers();

  void setProgressMarkers(Boolean value);

  @Description("Window lengths and their tile sizes as LENGTH/PERIOD, comma-separated (units s, m, h); every row carries"
      + " each window [t - LENGTH, t) ending at the member's latest activity t")
  @Default.String("1m/30s,10m/1m,60m/5m")
  String getWindows();

  void setWindows(String value);

  @Description("Early rows: a member's running row is scored this long (processing time) after new data, at most once per"
      + " delay, in ms; 0 turns early rows off (on-time and late rows only)")
  @Default.Long(2_000L)
  Long getEarlyFiringDelayMs();

  void setEarlyFiringDelayMs(Long value);

  @Description("How far behind a member's latest on-time row a late partial may be and still update it, in seconds;"
      + " later partials go to the dead-letter topic")
  @Default.Integer(300)
  Integer getLateScoreWindowSeconds();

  void setLateScoreWindowSeconds(Integer value);

  @Description("Model directory: one bundle, or bundles in sub-directories (the highest version serves); empty uses the built-in default bundle")
  @Default.String("")
  String getModelDir();

  void setModelDir(String value);

  @Description("How often each scorer looks for a newer bundle in --modelDir, in seconds (0 disables hot swap)")
  @Default.Integer(10)
  Integer getModelCheckSeconds();

  void setModelCheckSeconds(Integer value);

  @Description("Largest batch of feature rows scored in one model call")
  @Default.Integer(256)
  Integer getScoringBatchSize();

  void setScoringBatchSize(Integer value);

  @Description("Write scores to --scoresTopic")
  @Default.Boolean(true)
  Boolean getWriteScores();

  void setWriteScores(Boolean value);

  @Description("Topic that receives AbuseScore bytes keyed by member id")
  @Default.String(VigilTopics.SCORES)
  String getScoresTopic();

  void setScoresTopic(String value);

  @Description("Write scores to the store's real-time topic --storeTopic")
  @Default.Boolean(true)
  Boolean getWriteStore();

  void setWriteStore(Boolean value);

  @Description("The score store's real-time topic")
  @Default.String(VigilTopics.STORE_ABUSE_SCORES_RT)
  String getStoreTopic();

  void setStoreTopic(String value);

  @Description("Prefix of windowed offline score files (JSON lines); empty disables them")
  @Default.String("")
  String getOfflineOutput();

  void setOfflineOutput(String value);

  @Description("Length of one offline file window, in minutes")
  @Default.Integer(60)
  Integer getOfflineWindowMinutes();

  void setOfflineWindowMinutes(Integer value);

  static void validate(ModelPipelineOptions o) {
    KafkaPipelineOptions.validate(o);
    TileLayout.parse(o.getWindows()); // throws with a message naming the bad window
    if (o.getEarlyFiringDelayMs() < 0) {
      throw new IllegalArgumentException("--earlyFiringDelayMs must be >= 0, got " + o.getEarlyFiringDelayMs());
    }
    if (o.getLateScoreWindowSeconds() < 0) {
      throw new IllegalArgumentException("--lateScoreWindowSeconds must be >= 0, got " + o.getLateScoreWindowSeconds());
    }
    if (o.getModelCheckSeconds() < 0) {
      throw new IllegalArgumentException("--modelCheckSeconds must be >= 0, got " + o.getModelCheckSeconds());
    }
    if (o.getScoringBatchSize() < 1) {
      throw new IllegalArgumentException("--scoringBatchSize must be >= 1, got " + o.getScoringBatchSize());
    }
    if (o.getOfflineWindowMinutes() < 1) {
      throw new IllegalArgumentException("--offlineWindowMinutes must be >= 1, got " + o.getOfflineWindowMinutes());
    }
    if (!o.getModelDir().isEmpty() && !java.nio.file.Files.isDirectory(java.nio.file.Path.of(o.getModelDir()))) {
      throw new IllegalArgumentException("--modelDir " + o.getModelDir() + " is not a directory");
    }
    if (!o.getModelDir().isEmpty() && dev.vigil.scoring.ModelDirectory.newestBundle(java.nio.file.Path.of(o.getModelDir())).isEmpty()) {
      throw new IllegalArgumentException("--modelDir " + o.getModelDir() + " holds no model bundle (no "
          + dev.vigil.scoring.ModelBundle.MANIFEST + " in it or in a sub-directory)");
    }
    if (!o.getWriteScores() && !o.getWriteStore() && o.getOfflineOutput().isEmpty()) {
      throw new IllegalArgumentException("every sink is off: enable --writeScores, --writeStore or --offlineOutput");
    }
  }
}
