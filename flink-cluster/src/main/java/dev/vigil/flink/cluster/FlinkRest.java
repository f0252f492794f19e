package dev.vigil.flink.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.console.CommandFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of Flink's REST API that operating Vigil's jobs needs: jobs and their state, checkpoints,
 * configuration, stop with a savepoint, cancel. {@code master} is {@code host:port}, as in {@code --flinkMaster}.
 */
public final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A job as {@code /jobs/overview} lists it. */
  public record Job(String id, String name, String state, long startTimeMs) {}

  /** The latest completed checkpoint, restore and counts of a job ({@code /jobs/<id>/checkpoints}). */
  public record Checkpoints(long completed, long failed, long restored, Optional<Long> latestId, Optional<Long> latestTriggeredAtMs,
      Optional<Long> latestAtMs, Optional<Long> latestSizeBytes, Optional<String> latestPath, Optional<Long> restoredFromId) {}

  private final String master;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public FlinkRest(String master) {
    this.master = master.replaceFirst("^https?://", "").replaceFirst("/$", "");
  }

  public String master() {
    return master;
  }

  public List<Job> jobs() {
    List<Job> out = new ArrayList<>();
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      out.add(new Job(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText(), j.path("start-time").asLong()));
    }
    return out;
  }

  /** The newest job named {@code name} that is not finished (RUNNING, RESTARTING, CREATED...), if any. */
  public Optional<Job> activeJob(String name) {
    return newestActive(jobs(), name);
  }

  /** The newest of {@code jobs} named {@code name} that is not finished. */
  public static Optional<Job> newestActive(List<Job> jobs, String name) {
    return jobs.stream().filter(j -> j.name().equals(name)).filter(j -> !List.of("FINISHED", "CANCELED", "FAILED").contains(j.state()))
        .max((a, b) -> Long.compare(a.startTimeMs(), b.startTimeMs()));
  }

  public Checkpoints checkpoints(String jobId) {
    JsonNode c = get("/jobs/" + jobId + "/checkpoints");
    JsonNode counts = c.path("counts");
    JsonNode latest = c.path("latest").path("completed");
    JsonNode restored = c.path("latest").path("restored");
    boolean hasLatest = latest.isObject();
    return new Checkpoints(counts.path("completed").asLong(), counts.path("failed").asLong(), counts.path("restored").asLong(),
        hasLatest ? Optional.of(latest.path("id").asLong()) : Optional.empty(),
        hasLatest ? Optional.of(latest.path("trigger_timestamp").asLong()) : Optional.empty(),
        hasLatest ? Optional.of(latest.path("latest_ack_timestamp").asLong()) : Optional.empty(),
        hasLatest ? Optional.of(latest.path("checkpointed_size").asLong(latest.path("state_size").asLong())) : Optional.empty(),
        hasLatest ? Optional.ofNullable(latest.path("external_path").asText(null)) : Optional.empty(),
        restored.isObject() ? Optional.of(restored.path("id").asLong()) : Optional.empty());
  }

  /** The job's user configuration: Beam puts its pipeline options there (bootstrapServers, inputTopic, ...). */
  public Map<String, String> userConfig(String jobId) {
    Map<String, String> out = new LinkedHashMap<>();
    get("/jobs/" + jobId + "/config").path("execution-config").path("user-config").fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** TaskManager ids ({@code taskmanager-N} on Vigil's session cluster) running the job's first vertex. */
  public List<String> taskManagersOfFirstVertex(String jobId) {
    String vertex = get("/jobs/" + jobId).path("vertices").path(0).path("id").asText();
    List<String> out = new ArrayList<>();
    for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + vertex + "/taskmanagers").path("taskmanagers")) {
      out.add(tm.path("taskmanager-id").asText());
    }
    return out;
  }

  /**
   * Stops the job with a savepoint in {@code targetDirectory} (state and Kafka offsets kept; sources stop first,
   * so nothing after the savepoint is processed) and returns the savepoint's path once it is complete.
   */
  public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout) throws InterruptedException {
    String body = JSON.createObjectNode().put("targetDirectory", targetDirectory).put("drain", false).toString();
    String request = send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/stop")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))).path("request-id").asText();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = get("/jobs/" + jobId + "/savepoints/" + request);
      if ("COMPLETED".equals(status.path("status").path("id").asText())) {
        JsonNode operation = status.path("operation");
        if (operation.has("failure-cause")) {
          throw new CommandFailure("the savepoint of job " + jobId + " failed: "
              + operation.path("failure-cause").path("stack-trace").asText("").lines().findFirst().orElse("(no cause given)"));
        }
        return operation.path("location").asText();
      }
      Thread.sleep(250);
    }
    throw new CommandFailure("the savepoint of job " + jobId + " did not complete within " + timeout.toSeconds() + " s");
  }

  public void cancel(String jobId) {
    send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel")).method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  /**
   * The job's Beam counters as Flink reports them: a user metric per step and subtask whose name ends in
   * {@code <namespace>_<name>} with the namespace's dots turned into underscores ({@code vigil.filter} and
   * {@code partials_emitted} give {@code vigil_filter_partials_emitted}). Summed over steps and subtasks, keyed by
   * that name; only the names {@code wanted} accepts (a query names each metric it reads). Distributions, which Flink
   * shows as text, are left out.
   */
  public Map<String, Long> beamCounters(String jobId, java.util.function.Predicate<String> wanted) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
      String path = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
      List<String> ids = new ArrayList<>();
      for (JsonNode m : get(path)) {
        String id = m.path("id").asText();
        if (wanted.test(id.substring(id.lastIndexOf('.') + 1))) {
          ids.add(id);
        }
      }
      if (ids.isEmpty()) {
        continue;
      }
      String query = ids.stream().map(id -> java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8))
          .collect(java.util.stream.Collectors.joining(","));
      for (JsonNode m : get(path + "?get=" + query)) {
        if (m.path("sum").isNumber()) {
          String id = m.path("id").asText();
          out.merge(id.substring(id.lastIndexOf('.') + 1), m.path("sum").asLong(), Long::sum);
        }
      }
    }
    return out;
  }

  /** The name under which {@link #beamCounters} finds the Beam counter {@code namespace.name}. */
  public static String flinkMetricName(String namespace, String name) {
    return (namespace + "_" + name).replace('.', '_');
  }

  /** A GET that may find no REST API yet (a cluster starting): empty then, instead of a failure. */
  public Optional<JsonNode> tryGet(String path) {
    try {
      HttpResponse<String> r = call(HttpRequest.newBuilder(uri(path)).GET());
      return r.statusCode() / 100 == 2 ? Optional.of(body(r)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<String> call(HttpRequest.Builder request) throws IOException {
    try {
      return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted while talking to Flink at " + master, e);
    }
  }

  private static JsonNode body(HttpResponse<String> r) throws IOException {
    return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
  }

  private JsonNode send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = call(request);
      if (r.statusCode() / 100 != 2) {
        JsonNode error = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        throw new CommandFailure("Flink at " + master + " answered " + r.statusCode() + ": "
            + error.path("errors").path(0).asText("(no message)").lines().findFirst().orElse(""));
      }
      return body(r);
    } catch (IOException e) {
      throw new CommandFailure("no Flink REST API answers at " + master + " (" + e.getClass().getSimpleName() + "); start one with"
          + " ./vigil flink start, or say where with --flink-master", e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://" + master + path);
  }
}
