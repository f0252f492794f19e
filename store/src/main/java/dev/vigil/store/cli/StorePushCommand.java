package dev.vigil.store.cli;

import dev.vigil.store.client.PushRequest;
import dev.vigil.store.client.PushStatus;
import dev.vigil.store.client.VigilStoreClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "push", mixinStandardHelpOptions = true,
    description = "Push a complete dataset (JSON-lines AbuseScore files) as a new version; waits until it serves.")
final class StorePushCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Store name, e.g. abuse-scores")
  String store;

  @Option(names = "--input", required = true, description = "Directory of *.jsonl files (or one .jsonl file) inside a --push-dir of the server")
  Path input;

  @Option(names = "--cutoff", required = true,
      description = "Time the dataset is complete up to: ISO-8601 (2026-11-22T10:00:00Z) or epoch milliseconds")
  String cutoff;

  @Option(names = "--no-wait", description = "Return once the push has started")
  boolean noWait;

  @Mixin ServerOption server;

  @Mixin AdminTokenOption adminToken;

  @Override
  public Integer call() throws InterruptedException {
    long cutoffMs = parseCutoff(cutoff);
    if (!Files.exists(input)) {
      throw new IllegalArgumentException("--input " + input + " does not exist");
    }
    VigilStoreClient client = adminToken.apply(server.client());
    PushStatus status = client.push(store, new PushRequest(input.toAbsolutePath().toString(), cutoffMs));
    System.out.println("push of " + store + " v" + status.version() + " started");
    if (noWait) {
      return 0;
    }
    status = client.awaitPush(store, status, java.time.Duration.ofMillis(500), s -> System.out.printf(
        "  %-9s rows read %,d  written %,d  real-time replayed %,d%n", s.phase(), s.rowsRead(), s.rowsWritten(), s.replayed()));
    if ("FAILED".equals(status.phase())) {
      System.err.println("vigil store push: v" + status.version() + " failed: " + status.error());
      return 1;
    }
    System.out.println(store + " v" + status.version() + " now serves");
    return 0;
  }

  static long parseCutoff(String text) {
    try {
      return text.chars().allMatch(Character::isDigit) ? Long.parseLong(text) : Instant.parse(text).toEpochMilli();
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("--cutoff '" + text + "' is neither ISO-8601 (2026-11-22T10:00:00Z) nor epoch milliseconds");
    }
  }
}
