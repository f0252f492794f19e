package dev.vigil.replay;

import dev.vigil.filter.FilterPipelineOptions;
import dev.vigil.model.ModelPipelineOptions;

/**
 * A replay runs the filter and model jobs' logic in one batch pipeline, so it takes both jobs' flags with
 * the same names and meanings (rules, windows, lateness, model directory...).
 */
public interface ReplayPipelineOptions extends FilterPipelineOptions, ModelPipelineOptions {
  static void validate(ReplayPipelineOptions o) {
    FilterPipelineOptions.validate(o);
    ModelPipelineOptions.validate(o);
  }
}
