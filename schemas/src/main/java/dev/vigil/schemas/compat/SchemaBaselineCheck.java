package dev.vigil.schemas.compat;

import dev.vigil.schemas.VigilSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Build step: compares the compiled {@code vigil.v1} descriptors with the committed baseline and exits
 * non-zero on a breaking change (a removed or renumbered field, a changed type, a removed enum value).
 * With {@code update=true} it rewrites the baseline instead, which is how a breaking change is accepted.
 */
public final class SchemaBaselineCheck {
  private SchemaBaselineCheck() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: SchemaBaselineCheck <baseline-file> <update:true|false>");
    }
    Path baselineFile = Path.of(args[0]);
    boolean update = Boolean.parseBoolean(args[1]);
    SchemaSnapshot current = SchemaSnapshot.of(VigilSchemas.files());

    if (update || !Files.exists(baselineFile)) {
      Files.createDirectories(baselineFile.toAbsolutePath().getParent());
      Files.write(baselineFile, current.toLines());
      System.out.println("[schemas] wrote compatibility baseline " + baselineFile);
      return;
    }
    SchemaSnapshot baseline = SchemaSnapshot.parse(Files.readAllLines(baselineFile));
    List<String> breaking = current.breakingChangesSince(baseline);
    List<String> added = current.additionsSince(baseline);
    if (!breaking.isEmpty()) {
      StringBuilder message = new StringBuilder("Breaking change to the vigil.v1 wire contract:\n");
      breaking.forEach(p -> message.append("  - ").append(p).append('\n'));
      message.append("Producers and stored data depend on it. If the break is deliberate, update the baseline:\n")
          .append("  mvn -pl schemas process-classes -Dvigil.updateSchemaBaseline=true");
      // Thrown rather than System.exit so that exec:java reports it and fails the build.
      throw new IllegalStateException(message.toString());
    }
    if (!added.isEmpty()) {
      System.out.println("[schemas] " + added.size() + " compatible addition(s) not yet in the baseline "
          + "(run with -Dvigil.updateSchemaBaseline=true to protect them): " + added);
    } else {
      System.out.println("[schemas] vigil.v1 matches the compatibility baseline");
    }
  }
}
