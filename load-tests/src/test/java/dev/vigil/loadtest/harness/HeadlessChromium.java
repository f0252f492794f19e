package dev.vigil.loadtest.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium ({@code /usr/bin/chromium}, installed by {@code .ci/run}; {@code CHROMIUM} overrides the path),
 * headless, for tests of pages the project writes: {@link #dumpDom} opens a file and returns the DOM after its
 * scripts ran. Started as this machine's closed network needs (no background networking, sync or updates).
 */
final class HeadlessChromium {
  private HeadlessChromium() {}

  static Path executable() {
    Path path = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException("no Chromium at " + path + ": install Debian's package (apt-get install chromium),"
          + " as .ci/run does, or point CHROMIUM at one");
    }
    return path;
  }

  static String dumpDom(Path page, Path scratch) throws IOException, InterruptedException {
    Path profile = Files.createDirectories(scratch.resolve("chromium-profile"));
    Path out = scratch.resolve("dom.html");
    Process chromium = new ProcessBuilder(List.of(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--dump-dom", page.toUri().toString()))
        .redirectOutput(out.toFile()).redirectError(scratch.resolve("chromium.log").toFile()).start();
    if (!chromium.waitFor(90, TimeUnit.SECONDS)) {
      chromium.destroyForcibly();
      throw new IllegalStateException("Chromium did not finish within 90 s; see " + scratch.resolve("chromium.log"));
    }
    String dom = Files.readString(out, StandardCharsets.UTF_8);
    if (chromium.exitValue() != 0 || dom.isBlank()) {
      throw new IllegalStateException("Chromium exited " + chromium.exitValue() + ":\n" + Files.readString(scratch.resolve("chromium.log")));
    }
    return dom;
  }
}
