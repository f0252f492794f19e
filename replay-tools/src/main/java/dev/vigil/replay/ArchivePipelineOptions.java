package dev.vigil.replay;

import dev.vigil.platform.options.KafkaPipelineOptions;
import dev.vigil.schemas.VigilTopics;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of the archiving job ({@code ./vigil archive --help} lists them). */
public interface ArchivePipelineOptions extends KafkaPipelineOptions {
  String DEFAULT_ARCHIVE = ".vigil/archive";
  String DEFAULT_CONSUMER_GROUP = "vigil-archive";

  @Description("Topic of raw activity to archive")
  @Default.String(VigilTopics.ACTIVITY_RAW)
  String getInputTopic();

  void setInputTopic(String value);

  @Description("Archive root: dt=YYYY-MM-DD/hour=HH folders of Parquet files and their manifests")
  @Default.String(DEFAULT_ARCHIVE)
  String getArchive();

  void setArchive(String value);

  @Description("Records whose hour has closed are still archived (in a further file of that hour) this many minutes"
      + " after the hour's end; later ones are counted as dropped due to lateness")
  @Default.Integer(24 * 60)
  Integer getArchiveAllowedLatenessMinutes();

  void setArchiveAllowedLatenessMinutes(Integer value);

  @Description("Late records of a closed hour are written this many ms after the first of them arrives")
  @Default.Long(60_000L)
  Long getArchiveLateFiringDelayMs();

  void setArchiveLateFiringDelayMs(Long value);

  @Description("Parquet files per hour and pane (parallel writers)")
  @Default.Integer(1)
  Integer getArchiveShards();

  void setArchiveShards(Integer value);

  static void validate(ArchivePipelineOptions o) {
    KafkaPipelineOptions.validate(o);
    if (o.getArchive() == null || o.getArchive().isBlank()) {
      throw new IllegalArgumentException("--archive must not be empty");
    }
    if (o.getArchiveAllowedLatenessMinutes() < 0) {
      throw new IllegalArgumentException("--archiveAllowedLatenessMinutes must be >= 0, got " + o.getArchiveAllowedLatenessMinutes());
    }
    if (o.getArchiveLateFiringDelayMs() < 0) {
      throw new IllegalArgumentException("--archiveLateFiringDelayMs must be >= 0, got " + o.getArchiveLateFiringDelayMs());
    }
    if (o.getArchiveShards() < 1) {
      throw new IllegalArgumentException("--archiveShards must be >= 1, got " + o.getArchiveShards());
    }
  }
}
