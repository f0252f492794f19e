package dev.vigil.store;

import com.google.protobuf.util.JsonFormat;
import dev.vigil.schemas.v1.AbuseScore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/** Writes push input the way the model pipeline's offline sink does: JSON lines of {@code AbuseScore}. */
final class PushDatasets {
  private PushDatasets() {}

  static Path write(Path dir, String fileName, Collection<AbuseScore> scores) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName);
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (AbuseScore s : scores) {
        out.write(printer.print(s));
        out.newLine();
      }
    }
    return dir;
  }
}
