package dev.vigil.filter;

import dev.vigil.core.rules.FilterDecision;
import dev.vigil.core.rules.FilterRules;
import dev.vigil.schemas.v1.ActivityEvent;
import java.util.EnumMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/** Keeps the events the declarative rules keep; counts each drop reason under {@code vigil.filter}. */
public final class ApplyFilterRules extends PTransform<PCollection<ActivityEvent>, PCollection<ActivityEvent>> {
  private final FilterRules rules;

  public ApplyFilterRules(FilterRules rules) {
    this.rules = rules;
  }

  @Override
  public PCollection<ActivityEvent> expand(PCollection<ActivityEvent> input) {
    return input.apply("Evaluate", ParDo.of(new RulesFn(rules))).setCoder(input.getCoder());
  }

  static final class RulesFn extends DoFn<ActivityEvent, ActivityEvent> {
    private final FilterRules rules;
    private transient Map<FilterDecision, Counter> counters;

    RulesFn(FilterRules rules) {
      this.rules = rules;
    }

    @Setup
    public void setup() {
      counters = new EnumMap<>(FilterDecision.class);
      for (FilterDecision d : FilterDecision.values()) {
        counters.put(d, Metrics.counter(FilterMetrics.NAMESPACE, d.metricName()));
      }
    }

    @ProcessElement
    public void process(@Element ActivityEvent event, OutputReceiver<ActivityEvent> out) {
      FilterDecision decision = rules.evaluate(event);
      counters.get(decision).inc();
      if (decision.keeps()) {
        out.output(event);
      }
    }
  }
}
