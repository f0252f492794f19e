package dev.vigil.core.process;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of a command line for a child JVM that runs Vigil code: this JVM's {@code java}, and the
 * module flags ({@code --add-opens}/{@code --add-exports}) this JVM was started with, so a child runs Flink
 * and Spark exactly as its parent does (the flags come from config/jvm-flags or the tests' argLine).
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** {@code java} followed by the parent's module flags. */
  public static List<String> java() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(moduleFlags());
    return command;
  }

  /** The {@code --add-opens} and {@code --add-exports} flags of this JVM. */
  public static List<String> moduleFlags() {
    List<String> flags = new ArrayList<>();
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--add-opens=") || a.startsWith("--add-exports=")) {
        flags.add(a);
      } else if ((a.equals("--add-opens") || a.equals("--add-exports")) && i + 1 < args.size()) {
        flags.add(a + "=" + args.get(++i));
      }
    }
    return flags;
  }
}
