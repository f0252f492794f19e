package dev.vigil.filter;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.platform.options.KafkaPipelineOptions;
import dev.vigil.schemas.VigilTopics;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of the filter job ({@code ./vigil filter --help} lists them). */
public interface FilterPipelineOptions extends KafkaPipelineOptions {

  @Description("Topic of raw ActivityEvent bytes")
  @Default.String(VigilTopics.ACTIVITY_RAW)
  String getInputTopic();

  void setInputTopic(String value);

  @Description("Topic that receives MemberActivityPartial bytes keyed by member id")
  @Default.String(VigilTopics.ACTIVITY_FILTERED)
  String getOutputTopic();

  void setOutputTopic(String value);

  @Description("YAML filter rules file; empty uses the built-in default rules")
  @Default.String("")
  String getRulesFile();

  void setRulesFile(String value);

  @Description("Length of the per-member pre-aggregation window, in seconds")
  @Default.Integer(5)
  Integer getWindowSeconds();

  void setWindowSeconds(Integer value);

  @Description("How long after a window closes late events are still added (as a late partial), in seconds")
  @Default.Integer(30)
  Integer getAllowedLatenessSeconds();

  void setAllowedLatenessSeconds(Integer value);

  @Description("Late events are batched for this long (processing time) before a late partial is emitted, in ms")
  @Default.Long(1_000L)
  Long getLateFiringDelayMs();

  void setLateFiringDelayMs(Long value);

  @Description("Size k of the distinct-count sketches: exact up to k-1 distinct values")
  @Default.Integer(MemberActivityAggregate.DEFAULT_SKETCH_K)
  Integer getSketchK();

  void setSketchK(Integer value);

  static void validate(FilterPipelineOptions o) {
    KafkaPipelineOptions.validate(o);
    if (o.getWindowSeconds() < 1) {
      throw new IllegalArgumentException("--windowSeconds must be >= 1, got " + o.getWindowSeconds());
    }
    if (o.getAllowedLatenessSeconds() < 0) {
      throw new IllegalArgumentException("--allowedLatenessSeconds must be >= 0, got " + o.getAllowedLatenessSeconds());
    }
    if (o.getLateFiringDelayMs() < 0) {
      throw new IllegalArgumentException("--lateFiringDelayMs must be >= 0, got " + o.getLateFiringDelayMs());
    }
    if (o.getSketchK() < 2 || o.getSketchK() > 65_536) {
      throw new IllegalArgumentException("--sketchK must be between 2 and 65536, got " + o.getSketchK());
    }
    if (o.getInputTopic().isBlank() || o.getOutputTopic().isBlank() || o.getDeadLetterTopic().isBlank()) {
      throw new IllegalArgumentException("--inputTopic, --outputTopic and --deadLetterTopic must not be empty");
    }
  }
}
