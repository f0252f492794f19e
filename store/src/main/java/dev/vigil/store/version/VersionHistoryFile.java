package dev.vigil.store.version;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A store's {@link VersionHistory} on disk ({@code versions.json}). Written to a temporary file and moved
 * into place atomically, so a crash leaves either the old or the new history, never half of one.
 */
public final class VersionHistoryFile {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final Path file;

  public VersionHistoryFile(Path storeDir) {
    this.file = storeDir.resolve("versions.json");
  }

  public Optional<VersionHistory> read() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), VersionHistory.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public void write(VersionHistory history) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("versions.json.tmp");
      Files.write(tmp, JSON.writeValueAsBytes(history));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
