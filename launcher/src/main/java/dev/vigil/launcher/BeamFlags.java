package dev.vigil.launcher;

import dev.vigil.platform.options.OptionsFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Beam flags passed through by the pipeline subcommands, with their options file and the launcher's defaults filled in. */
final class BeamFlags {
  private BeamFlags() {}

  static boolean wantsHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  /**
   * The entries of {@code --optionsFile} (so its runner and master count as given), then
   * {@code --runner=FlinkRunner --flinkMaster=[local]} unless given. A job jar run gets the expanded flags.
   */
  static String[] withRunnerDefaults(List<String> beamArgs) {
    List<String> args = new ArrayList<>(Arrays.asList(OptionsFile.expand(beamArgs.toArray(String[]::new))));
    if (args.stream().noneMatch(a -> a.startsWith("--runner="))) {
      args.add("--runner=FlinkRunner");
    }
    if (args.stream().noneMatch(a -> a.startsWith("--flinkMaster="))) {
      args.add("--flinkMaster=[local]");
    }
    return args.toArray(String[]::new);
  }
}
