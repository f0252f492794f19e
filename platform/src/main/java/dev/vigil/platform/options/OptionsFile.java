package dev.vigil.platform.options;

import dev.vigil.platform.runner.StreamingJobDefaults;
import dev.vigil.schemas.config.PropertiesFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code --optionsFile=PATH}: a Java properties file of pipeline options, so a deployment keeps a job's configuration
 * in one file. Each entry {@code key=value} becomes {@code --key=value} ahead of the command line's flags, unless the
 * command line gives {@code --key} itself: flags win. Beam then parses the whole, so a key that names no option fails
 * as an unknown flag does. Expanding flags that were expanded before adds nothing, so the launcher, the job jar and
 * the job's own parsing can each expand the same flags.
 */
public final class OptionsFile {
  public static final String FLAG = "--optionsFile";

  private OptionsFile() {}

  /** {@code args} with the entries of its {@code --optionsFile} in front; {@code args} unchanged without one. */
  public static String[] expand(String[] args) {
    String file = StreamingJobDefaults.valueOf(args, FLAG);
    if (file == null) {
      if (StreamingJobDefaults.given(args, FLAG)) {
        throw new IllegalArgumentException(FLAG + " needs a file: " + FLAG + "=PATH");
      }
      return args;
    }
    if (Arrays.stream(args).filter(a -> a.startsWith(FLAG + "=")).count() > 1) {
      throw new IllegalArgumentException(FLAG + " is given more than once");
    }
    List<String> expanded = new ArrayList<>();
    for (Map.Entry<String, String> e : PropertiesFiles.read(Path.of(file), "options file").entrySet()) {
      String flag = "--" + e.getKey();
      if (e.getKey().startsWith("-") || e.getKey().isBlank()) {
        throw new IllegalArgumentException("options file " + file + ": '" + e.getKey() + "' is not an option name (bootstrapServers=..., no dashes)");
      }
      if (flag.equals(FLAG)) {
        throw new IllegalArgumentException("options file " + file + " cannot name another options file");
      }
      if (!StreamingJobDefaults.given(args, flag)) {
        expanded.add(flag + "=" + e.getValue());
      }
    }
    expanded.addAll(Arrays.asList(args));
    return expanded.toArray(String[]::new);
  }
}
