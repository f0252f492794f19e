package dev.vigil.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.store.client.PushRequest;
import dev.vigil.store.client.PushStatus;
import dev.vigil.store.client.VigilStoreClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code replay backfill}: a replay whose verdicts become a new version of a store. The period's end is the
 * push's cut-off: the new version holds the batch verdicts (activity before the cut-off) and, on top, the
 * store's replay of its real-time topic from {@code cutoff - rewind} to the end, then live ingestion
 * continues it. So no verdict the streaming job wrote after the cut-off is missing (no gap) and each
 * member holds one verdict, the one about its newest activity (no double count); readers keep the old
 * version until the new one swaps in whole. {@code OUT/backfill.json} records the cut-off, the raw
 * offsets it corresponds to, and the version.
 */
public final class ReplayBackfill {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReplayBackfill() {}

  public record Result(ReplaySummary summary, PushStatus push, Map<String, Long> rawOffsetsBeforeCutoff) {}

  public static Result run(ReplayPipelineOptions options, ArchiveSelection selection, Path out, VigilStoreClient client, String store,
      Consumer<PushStatus> onProgress) throws InterruptedException, IOException {
    ReplaySummary summary = ReplayLabel.run(options, selection, out, null);
    if (summary.verdicts() == 0) {
      throw new IllegalArgumentException("the replay of " + selection.period() + " gave no verdicts; nothing to push to " + store);
    }
    long cutoffMs = selection.period().toMs();
    Map<String, Long> offsets = selection.lastOffsetsBefore(cutoffMs);
    PushStatus started = client.push(store, new PushRequest(out.resolve(ReplayLabel.VERDICTS).toAbsolutePath().toString(), cutoffMs));
    PushStatus done = client.awaitPush(store, started, Duration.ofMillis(250), onProgress);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("store", store);
    record.put("server", client.base().toString());
    record.put("version", done.version());
    record.put("phase", done.phase());
    record.put("error", done.error());
    record.put("period", selection.period().toString());
    record.put("cutoffMs", cutoffMs);
    record.put("cutoff", Instant.ofEpochMilli(cutoffMs).toString());
    record.put("rawOffsetsBeforeCutoff", offsets);
    record.put("rowsWritten", done.rowsWritten());
    record.put("realTimeReplayed", done.replayed());
    try {
      JSON.writeValue(out.resolve("backfill.json").toFile(), record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out.resolve("backfill.json") + ": " + e.getMessage(), e);
    }
    return new Result(summary, done, offsets);
  }
}
