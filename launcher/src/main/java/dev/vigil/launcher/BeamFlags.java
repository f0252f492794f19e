package dev.vigil.launcher;

import java.util.ArrayList;
import java.util.List;

/** Beam flags passed through by the pipeline subcommands, with the launcher's defaults filled in. */
final class BeamFlags {
  private BeamFlags() {}

  static boolean wantsHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  /** Adds {@code --runner=FlinkRunner --flinkMaster=[local]} unless given. */
  static String[] withRunnerDefaults(List<String> beamArgs) {
    List<String> args = new ArrayList<>(beamArgs);
    if (args.stream().noneMatch(a -> a.startsWith("--runner="))) {
      args.add("--runner=FlinkRunner");
    }
    if (args.stream().noneMatch(a -> a.startsWith("--flinkMaster="))) {
      args.add("--flinkMaster=[local]");
    }
    return args.toArray(String[]::new);
  }
}
