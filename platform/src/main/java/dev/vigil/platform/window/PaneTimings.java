package dev.vigil.platform.window;

import dev.vigil.schemas.v1.PaneTiming;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;

/** Beam's pane timing as the schema's {@link PaneTiming}, for outputs that say which pane they came from. */
public final class PaneTimings {
  private PaneTimings() {}

  public static PaneTiming of(PaneInfo pane) {
    return switch (pane.getTiming()) {
      case EARLY -> PaneTiming.PANE_EARLY;
      case ON_TIME -> PaneTiming.PANE_ON_TIME;
      case LATE -> PaneTiming.PANE_LATE;
      default -> PaneTiming.PANE_TIMING_UNKNOWN;
    };
  }
}
