package dev.vigil.core.nearline;

import dev.vigil.core.extract.ActivityExtractor;
import dev.vigil.core.extract.ActivityParser;
import dev.vigil.core.extract.ParsedActivity;
import dev.vigil.core.extract.UserAgentClassifier;
import dev.vigil.core.rules.FilterRules;
import dev.vigil.core.rules.FilterRulesLoader;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.ExtractedActivity;

/**
 * The filter job's per-event work, parse -> rules -> extract, as one engine-free step: what the plain-loop
 * baselines, the benchmarks' data builders and the trainer run, so they do exactly what the job does.
 */
public final class ActivityFilter {
  private final FilterRules rules;
  private final ActivityExtractor extractor;

  public ActivityFilter(FilterRules rules, ActivityExtractor extractor) {
    this.rules = rules;
    this.extractor = extractor;
  }

  /** The default rules and the shared user-agent classifier. */
  public static ActivityFilter withDefaults() {
    return new ActivityFilter(FilterRulesLoader.loadDefault(), new ActivityExtractor(UserAgentClassifier.shared()));
  }

  /** The extracted event, or null when the rules drop it. */
  public ExtractedActivity apply(ActivityEvent event) {
    return rules.evaluate(event).keeps() ? extractor.extract(event) : null;
  }

  /** The extracted event, or null when the bytes are not a valid event or the rules drop it. */
  public ExtractedActivity apply(byte[] value) {
    return ActivityParser.parse(value) instanceof ParsedActivity.Valid v ? apply(v.event()) : null;
  }
}
