package dev.vigil.core.nearline;

import dev.vigil.core.extract.ActivityExtractor;
import dev.vigil.core.extract.EventTimeBounds;
import dev.vigil.core.extract.ActivityParser;
import dev.vigil.core.extract.ParsedActivity;
import dev.vigil.core.extract.UserAgentClassifier;
import dev.vigil.core.rules.FilterDecision;
import dev.vigil.core.rules.FilterRules;
import dev.vigil.core.rules.FilterRulesLoader;
import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetterReason;
import dev.vigil.schemas.v1.ExtractedActivity;

/**
 * The filter job's per-event work, parse -> event-time bounds -> rules -> extract, as one engine-free
 * step: what the filter job's Beam transform, the plain-loop baselines, the benchmarks' data builders and
 * the trainer run, so they do exactly what the job does.
 */
public final class ActivityFilter {
  /** What became of one raw record. */
  public sealed interface Outcome permits Kept, Dropped, Rejected {}

  /** A valid event the rules keep, reduced to its abuse fields. */
  public record Kept(ExtractedActivity event) implements Outcome {}

  /** A valid event the rules drop (counted, not dead-lettered). */
  public record Dropped(FilterDecision decision) implements Outcome {}

  /** A record the job cannot use: it goes to the dead-letter topic with this reason. */
  public record Rejected(DeadLetterReason reason, String detail) implements Outcome {}

  private final FilterRules rules;
  private final ActivityExtractor extractor;
  private final EventTimeBounds bounds;

  public ActivityFilter(FilterRules rules, ActivityExtractor extractor, EventTimeBounds bounds) {
    this.rules = rules;
    this.extractor = extractor;
    this.bounds = bounds;
  }

  /** The default rules and bounds and the shared user-agent classifier. */
  public static ActivityFilter withDefaults() {
    return new ActivityFilter(FilterRulesLoader.loadDefault(), new ActivityExtractor(UserAgentClassifier.shared()),
        EventTimeBounds.defaults());
  }

  /**
   * The whole step for one raw record value ({@code null}: a tombstone), read with Kafka timestamp
   * {@code recordTimeMs} (0 if none) at wall-clock time {@code nowMs}.
   */
  public Outcome process(byte[] value, long recordTimeMs, long nowMs) {
    ParsedActivity parsed = ActivityParser.parse(value);
    if (parsed instanceof ParsedActivity.Rejected r) {
      return new Rejected(r.reason(), r.detail());
    }
    return process(((ParsedActivity.Valid) parsed).event(), recordTimeMs, nowMs);
  }

  /** The step after parsing, for an event that is already decoded. */
  public Outcome process(ActivityEvent event, long recordTimeMs, long nowMs) {
    String refusal = bounds.refusal(event.getTimestampMs(), recordTimeMs, nowMs);
    if (refusal != null) {
      return new Rejected(DeadLetterReason.EVENT_TIME_OUT_OF_RANGE, refusal);
    }
    FilterDecision decision = rules.evaluate(event);
    if (!decision.keeps()) {
      return new Dropped(decision);
    }
    try {
      return new Kept(extractor.extract(event));
    } catch (RuntimeException e) {
      return new Rejected(DeadLetterReason.PROCESSING_ERROR, "extraction failed: " + e);
    }
  }

  /**
   * The extracted event of a generated event taken at its own time (the trainer's and the benchmarks'
   * history), or null when the step rejects or drops it.
   */
  public ExtractedActivity apply(ActivityEvent event) {
    return process(event, event.getTimestampMs(), event.getTimestampMs()) instanceof Kept k ? k.event() : null;
  }

  /** The extracted event, or null when the record is rejected or the rules drop it. */
  public ExtractedActivity apply(byte[] value, long recordTimeMs, long nowMs) {
    return process(value, recordTimeMs, nowMs) instanceof Kept k ? k.event() : null;
  }
}
