package dev.vigil.store.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.store.MemberKeys;
import dev.vigil.store.Store;
import dev.vigil.store.StoredValues;
import dev.vigil.store.client.BatchGetRequest;
import dev.vigil.store.client.BatchGetResponse;
import dev.vigil.store.client.ErrorBody;
import dev.vigil.store.client.PushRequest;
import dev.vigil.store.client.StoreApi;
import dev.vigil.store.client.StoredScore;
import dev.vigil.store.ingest.RealTimeIngestion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's HTTP API on the JDK's built-in server (no extra dependency for services to audit).
 * Every answer is JSON (metrics: Prometheus text); errors are {@link ErrorBody} with a 4xx for the
 * caller's mistakes and a 500 with a one-line message otherwise, never a stack trace.
 */
public final class StoreHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreHttpServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final int MAX_BODY_BYTES = 4 << 20;

  private final Map<String, Store> stores;
  private final HttpServer server;
  private final ExecutorService workers;
  private final ServerMetrics metrics = new ServerMetrics();

  private StoreHttpServer(Map<String, Store> stores, HttpServer server, ExecutorService workers) {
    this.stores = stores;
    this.server = server;
    this.workers = workers;
  }

  /** Binds {@code port} (0: any free port) on all interfaces and starts serving. */
  public static StoreHttpServer start(Map<String, Store> stores, int port, int threads) throws IOException {
    // Without TCP_NODELAY a small answer waits for the client's delayed ACK: ~40 ms per keep-alive request.
    // Read once, when the JDK server's configuration class loads, so it must be set before the first create.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 1024);
    AtomicInteger n = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "store-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    StoreHttpServer s = new StoreHttpServer(Map.copyOf(stores), server, workers);
    server.createContext("/", s::handle);
    server.setExecutor(workers);
    server.start();
    return s;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) {
    long started = System.nanoTime();
    String endpoint = "unknown";
    int status;
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      try {
        endpoint = endpointOf(path);
        status = route(exchange, exchange.getRequestMethod(), path);
      } catch (HttpProblem p) {
        status = p.status;
        send(exchange, p.status, new ErrorBody(p.code, p.getMessage()));
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", exchange.getRequestMethod(), path, e);
        status = 500;
        send(exchange, 500, new ErrorBody("internal", "internal error: " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""))));
      }
    } catch (IOException e) {
      // The client went away mid-answer; nothing to tell it.
      status = 499;
    }
    metrics.record(endpoint, status, System.nanoTime() - started);
  }

  private static String endpointOf(String path) {
    if (path.startsWith(StoreApi.STORES)) {
      return path.endsWith("/batch-get") ? "batch_get" : "get";
    }
    if (path.startsWith(StoreApi.ADMIN_STORES)) {
      return "admin";
    }
    return switch (path) {
      case StoreApi.HEALTH -> "health";
      case StoreApi.METRICS -> "metrics";
      default -> "unknown";
    };
  }

  private int route(HttpExchange exchange, String method, String path) throws IOException {
    if (path.equals(StoreApi.HEALTH)) {
      requireMethod(method, "GET", path);
      return health(exchange);
    }
    if (path.equals(StoreApi.METRICS)) {
      requireMethod(method, "GET", path);
      byte[] body = metrics.render(stores.values()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      return 200;
    }
    if (path.startsWith(StoreApi.STORES)) {
      String[] parts = path.substring(StoreApi.STORES.length()).split("/", -1);
      if (parts.length != 2 || parts[1].isEmpty()) {
        throw HttpProblem.notFound("no_route", "expected /stores/{store}/{memberId} or /stores/{store}/batch-get, got " + path);
      }
      Store store = store(parts[0]);
      if (parts[1].equals("batch-get")) {
        requireMethod(method, "POST", path);
        return batchGet(exchange, store);
      }
      requireMethod(method, "GET", path);
      return get(exchange, store, parts[1]);
    }
    if (path.startsWith(StoreApi.ADMIN_STORES)) {
      return admin(exchange, method, path);
    }
    throw HttpProblem.notFound("no_route", "no such endpoint: " + path);
  }

  private int get(HttpExchange exchange, Store store, String key) throws IOException {
    long memberId = parseMember(key);
    Store.Versioned<byte[]> read = store.read(v -> v.get(memberId));
    exchange.getResponseHeaders().set(StoreApi.VERSION_HEADER, Integer.toString(read.version()));
    metrics.keysRead.increment();
    if (read.value() == null) {
      metrics.keysMissing.increment();
      throw HttpProblem.notFound("no_value", "store " + store.name() + " has no value for member " + memberId);
    }
    return send(exchange, 200, StoredValues.toApi(read.value()));
  }

  private int batchGet(HttpExchange exchange, Store store) throws IOException {
    BatchGetRequest request = readBody(exchange, BatchGetRequest.class);
    if (request.keys() == null) {
      throw HttpProblem.badRequest("body must be {\"keys\": [memberId, ...]}");
    }
    if (request.keys().size() > StoreApi.MAX_BATCH_KEYS) {
      throw HttpProblem.badRequest("at most " + StoreApi.MAX_BATCH_KEYS + " keys per batch-get, got " + request.keys().size());
    }
    long[] ids = new long[request.keys().size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = parseMember(request.keys().get(i));
    }
    Store.Versioned<List<byte[]>> read = store.read(v -> v.multiGet(ids));
    Map<String, StoredScore> values = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      byte[] value = read.value().get(i);
      if (value == null) {
        missing.add(Long.toString(ids[i]));
      } else {
        values.put(Long.toString(ids[i]), StoredValues.toApi(value));
      }
    }
    metrics.keysRead.add(ids.length);
    metrics.keysMissing.add(missing.size());
    exchange.getResponseHeaders().set(StoreApi.VERSION_HEADER, Integer.toString(read.version()));
    return send(exchange, 200, new BatchGetResponse(store.name(), read.version(), values, missing));
  }

  private int admin(HttpExchange exchange, String method, String path) throws IOException {
    String[] parts = path.substring(StoreApi.ADMIN_STORES.length()).split("/", -1);
    Store store = store(parts[0]);
    String action = parts.length > 1 ? parts[1] : "";
    try {
      if (parts.length == 2 && action.equals("versions")) {
        requireMethod(method, "GET", path);
        return send(exchange, 200, store.versions());
      }
      if (parts.length == 2 && action.equals("push")) {
        requireMethod(method, "POST", path);
        return send(exchange, 202, store.startPush(readBody(exchange, PushRequest.class)));
      }
      if (parts.length == 3 && action.equals("pushes")) {
        requireMethod(method, "GET", path);
        int version;
        try {
          version = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
          throw HttpProblem.badRequest("version '" + parts[2] + "' is not a number");
        }
        return send(exchange, 200, store.pushStatus(version).orElseThrow(() ->
            HttpProblem.notFound("no_push", "no push of version " + version + " of store " + store.name() + " since the server started")));
      }
      if (parts.length == 2 && action.equals("rollback")) {
        requireMethod(method, "POST", path);
        return send(exchange, 200, store.rollback());
      }
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest(e.getMessage());
    } catch (IllegalStateException e) {
      throw HttpProblem.conflict(e.getMessage());
    }
    throw HttpProblem.notFound("no_route", "no such admin endpoint: " + path);
  }

  private int health(HttpExchange exchange) throws IOException {
    Map<String, Object> byStore = new LinkedHashMap<>();
    boolean up = true;
    for (Store store : stores.values()) {
      RealTimeIngestion ingestion = store.ingestion();
      up &= ingestion.state() != RealTimeIngestion.State.FAILED;
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("servingVersion", store.servingVersion());
      s.put("ingestion", ingestion.state().name());
      if (ingestion.failure() != null) {
        s.put("failure", ingestion.failure());
      }
      s.put("realTimeTopic", ingestion.topic());
      s.put("lagRecords", ingestion.lag());
      s.put("recordsConsumed", store.recordsConsumed());
      byStore.put(store.name(), s);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DEGRADED");
    body.put("stores", byStore);
    return send(exchange, up ? 200 : 503, body);
  }

  private Store store(String name) {
    Store store = stores.get(name);
    if (store == null) {
      throw HttpProblem.notFound("no_store", "no store named '" + name + "' (this server has " + stores.keySet() + ")");
    }
    return store;
  }

  private static long parseMember(String key) {
    try {
      return MemberKeys.parse(key);
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest(e.getMessage());
    }
  }

  private static void requireMethod(String method, String expected, String path) {
    if (!method.equals(expected)) {
      throw HttpProblem.methodNotAllowed(method, path);
    }
  }

  private static <T> T readBody(HttpExchange exchange, Class<T> type) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new HttpProblem(413, "too_large", "request body over " + MAX_BODY_BYTES + " bytes");
    }
    if (body.length == 0) {
      throw HttpProblem.badRequest("request body is empty; expected JSON");
    }
    try {
      return JSON.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw HttpProblem.badRequest("malformed JSON body: " + e.getOriginalMessage());
    }
  }

  private static int send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
