package dev.vigil.store.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.schemas.MemberRecordKeys;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's HTTP API on the JDK's built-in server (no extra dependency for services to audit).
 * Every answer is JSON (metrics: Prometheus text); errors are {@link ErrorBody} with a 4xx for the
 * caller's mistakes and a 500 with a one-line message otherwise, never a stack trace. Admin endpoints
 * answer only as {@link AdminAccess} allows.
 *
 * <p>Slow clients: the JDK server reads a request's line and headers on the executor's thread, so with a
 * small fixed pool a few clients sending a byte at a time hold every thread. Here each request in progress
 * has a thread of its own, up to {@link Options#maxConnections}; at most {@link Options#handlerThreads} of
 * them do store work at once, and only after their body has arrived; a request that has not fully arrived
 * within {@link Options#requestTimeout}, or whose answer is not taken within {@link #RESPONSE_TIMEOUT}, has
 * its connection closed.
 */
public final class StoreHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreHttpServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final int MAX_BODY_BYTES = 4 << 20;
  /** From a fully read request to its answer fully sent; generous, as a rollback waits for its catch-up. */
  public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
  /** The request timeout the JDK server of this process was configured with; null before the first start. */
  private static Duration processRequestTimeout;

  /**
   * How the server listens and what clients may hold.
   *
   * @param bind address to listen on; 127.0.0.1 keeps the server to this machine, 0.0.0.0 opens it to all
   * @param port 0: any free port
   * @param handlerThreads requests doing store work at once
   * @param maxConnections requests in progress at once, slow ones included (each holds a thread while its
   *     bytes arrive); a connection beyond it is closed unanswered. Idle keep-alive connections do not count.
   * @param requestTimeout a request's line, headers and body must arrive within it; whole seconds, and one
   *     value per process (the JDK server reads it once)
   */
  public record Options(String bind, int port, int handlerThreads, int maxConnections, Duration requestTimeout) {
    // Messages name the serve command's flags: that is where these values come from.
    public Options {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be 0-65535, got " + port);
      }
      if (handlerThreads < 1) {
        throw new IllegalArgumentException("--http-threads must be >= 1, got " + handlerThreads);
      }
      if (maxConnections < handlerThreads) {
        throw new IllegalArgumentException("--max-connections (" + maxConnections + ") must be at least --http-threads ("
            + handlerThreads + ")");
      }
      if (requestTimeout.toMillis() < 1000 || requestTimeout.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("--request-timeout must be a whole number of seconds, at least 1s, got "
            + requestTimeout.toString().substring(2).toLowerCase(java.util.Locale.ROOT));
      }
    }

    /** Loopback only, port 8080, 16 handler threads, 256 connections, 10 s to send a request. */
    public static Options defaults() {
      return new Options("127.0.0.1", 8080, 16, 256, Duration.ofSeconds(10));
    }

    public Options withPort(int value) {
      return new Options(bind, value, handlerThreads, maxConnections, requestTimeout);
    }

    public Options withBind(String value) {
      return new Options(value, port, handlerThreads, maxConnections, requestTimeout);
    }
  }

  private final Map<String, Store> stores;
  private final AdminAccess admin;
  private final ThreadPoolExecutor connections;
  private final Semaphore handlers;
  private final ServerMetrics metrics;
  private HttpServer server;

  private StoreHttpServer(Map<String, Store> stores, Options options, AdminAccess admin) {
    this.stores = Map.copyOf(stores);
    this.admin = admin;
    this.handlers = new Semaphore(options.handlerThreads());
    AtomicInteger n = new AtomicInteger();
    // No queue: a request either gets a thread now or its connection is closed (the JDK server closes it
    // when execute() throws), so a flood of slow clients can never leave requests waiting behind them.
    this.connections = new ThreadPoolExecutor(options.handlerThreads(), options.maxConnections(), 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "store-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, (task, pool) -> {
          refused();
          throw new RejectedExecutionException("connection limit of " + options.maxConnections() + " reached");
        });
    this.metrics = new ServerMetrics(connections::getActiveCount);
  }

  // A method, not a lambda over the field: the rejection handler is built before metrics is assigned.
  private void refused() {
    metrics.connectionsRefused.increment();
  }

  /** Binds {@code options.bind():options.port()} and starts serving. */
  public static StoreHttpServer start(Map<String, Store> stores, Options options, AdminAccess admin) throws IOException {
    configureJdkServer(options.requestTimeout());
    StoreHttpServer s = new StoreHttpServer(stores, options, admin);
    try {
      s.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(options.bind()), options.port()), 1024);
    } catch (IOException | RuntimeException e) {
      s.connections.shutdownNow();
      throw e;
    }
    s.server.createContext("/", s::handle);
    s.server.setExecutor(s.connections);
    s.server.start();
    return s;
  }

  /**
   * The JDK server reads its settings from system properties once, when its configuration class loads, so
   * they are set before the first server of the process is created and are the same for every later one.
   */
  private static synchronized void configureJdkServer(Duration requestTimeout) {
    if (processRequestTimeout == null) {
      // Without TCP_NODELAY a small answer waits for the client's delayed ACK: ~40 ms per keep-alive request.
      System.setProperty("sun.net.httpserver.nodelay", "true");
      System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(requestTimeout.toSeconds()));
      System.setProperty("sun.net.httpserver.maxRspTime", Long.toString(RESPONSE_TIMEOUT.toSeconds()));
      // How often those two are checked (default 1 s), and idle connections (default 10 s): a connection
      // that never sends a byte is closed after the request timeout too, give or take this tick.
      System.setProperty("sun.net.httpserver.timerMillis", "250");
      System.setProperty("sun.net.httpserver.clockTick", "1000");
      processRequestTimeout = requestTimeout;
    } else if (!processRequestTimeout.equals(requestTimeout)) {
      throw new IllegalStateException("the HTTP request timeout is " + processRequestTimeout.toSeconds()
          + " s for this whole process (set by its first store server); another of " + requestTimeout.toSeconds() + " s cannot apply");
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The address and port the server listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) {
    long started = System.nanoTime();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String endpoint = endpointOf(path);
    int status;
    try (exchange) {
      Reply reply;
      try {
        reply = answer(exchange, method, path);
      } catch (HttpProblem p) {
        reply = Reply.json(p.status, new ErrorBody(p.code, p.getMessage()));
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", method, path, e);
        reply = Reply.json(500, new ErrorBody("internal", "internal error: " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""))));
      }
      status = reply.send(exchange);
    } catch (IOException e) {
      // The client went away mid-request or mid-answer; nothing to tell it.
      status = 499;
    }
    metrics.record(endpoint, status, System.nanoTime() - started);
  }

  /**
   * Credentials first, then the whole body, and only then a handler permit: a client trickling its body
   * holds its own connection thread, never one of the few that do store work.
   */
  private Reply answer(HttpExchange exchange, String method, String path) throws IOException {
    if (StoreApi.isAdmin(path)) {
      admin.check(exchange.getRequestHeaders().getFirst(StoreApi.AUTHORIZATION));
    }
    byte[] body = readBody(exchange);
    try {
      handlers.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpProblem(503, "stopping", "the store server is stopping");
    }
    try {
      return route(method, path, body);
    } finally {
      handlers.release();
    }
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

  private Reply route(String method, String path, byte[] body) {
    if (path.equals(StoreApi.HEALTH)) {
      requireMethod(method, "GET", path);
      return health();
    }
    if (path.equals(StoreApi.METRICS)) {
      requireMethod(method, "GET", path);
      return new Reply(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(stores.values()).getBytes(StandardCharsets.UTF_8), 0);
    }
    if (path.startsWith(StoreApi.STORES)) {
      String[] parts = path.substring(StoreApi.STORES.length()).split("/", -1);
      if (parts.length != 2 || parts[1].isEmpty()) {
        throw HttpProblem.notFound("no_route", "expected /stores/{store}/{memberId} or /stores/{store}/batch-get, got " + path);
      }
      Store store = store(parts[0]);
      if (parts[1].equals("batch-get")) {
        requireMethod(method, "POST", path);
        return batchGet(store, parse(body, BatchGetRequest.class));
      }
      requireMethod(method, "GET", path);
      return get(store, parts[1]);
    }
    if (StoreApi.isAdmin(path)) {
      return admin(method, path, body);
    }
    throw HttpProblem.notFound("no_route", "no such endpoint: " + path);
  }

  private Reply get(Store store, String key) {
    long memberId = parseMember(key);
    Store.Versioned<byte[]> read = store.read(v -> v.get(memberId));
    metrics.keysRead.increment();
    if (read.value() == null) {
      metrics.keysMissing.increment();
      // A 404 that still names the version, so a client can tell "no value" from "no such store".
      return Reply.json(404, new ErrorBody("no_value", "store " + store.name() + " has no value for member " + memberId))
          .servedBy(read.version());
    }
    return Reply.json(200, StoredValues.toApi(read.value())).servedBy(read.version());
  }

  private Reply batchGet(Store store, BatchGetRequest request) {
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
    return Reply.json(200, new BatchGetResponse(store.name(), read.version(), values, missing)).servedBy(read.version());
  }

  private Reply admin(String method, String path, byte[] body) {
    String[] parts = path.substring(StoreApi.ADMIN_STORES.length()).split("/", -1);
    Store store = store(parts[0]);
    String action = parts.length > 1 ? parts[1] : "";
    try {
      if (parts.length == 2 && action.equals("versions")) {
        requireMethod(method, "GET", path);
        return Reply.json(200, store.versions());
      }
      if (parts.length == 2 && action.equals("push")) {
        requireMethod(method, "POST", path);
        return Reply.json(202, store.startPush(parse(body, PushRequest.class)));
      }
      if (parts.length == 3 && action.equals("pushes")) {
        requireMethod(method, "GET", path);
        int version;
        try {
          version = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
          throw HttpProblem.badRequest("version '" + parts[2] + "' is not a number");
        }
        return Reply.json(200, store.pushStatus(version).orElseThrow(() ->
            HttpProblem.notFound("no_push", "no push of version " + version + " of store " + store.name() + " since the server started")));
      }
      if (parts.length == 2 && action.equals("rollback")) {
        requireMethod(method, "POST", path);
        return Reply.json(200, store.rollback());
      }
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest(e.getMessage());
    } catch (IllegalStateException e) {
      throw HttpProblem.conflict(e.getMessage());
    }
    throw HttpProblem.notFound("no_route", "no such admin endpoint: " + path);
  }

  private Reply health() {
    Map<String, Object> byStore = new LinkedHashMap<>();
    boolean up = true;
    for (Store store : stores.values()) {
      RealTimeIngestion ingestion = store.ingestion();
      RealTimeIngestion.State state = ingestion.state();
      // Reads keep working either way, but a store that cannot ingest serves ever older verdicts.
      up &= state != RealTimeIngestion.State.FAILED && state != RealTimeIngestion.State.WAITING_FOR_KAFKA;
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("servingVersion", store.servingVersion());
      s.put("ingestion", state.name());
      if (ingestion.waitingFor() != null) {
        s.put("waitingFor", ingestion.waitingFor());
      }
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
    return Reply.json(up ? 200 : 503, body);
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
      return MemberRecordKeys.parse(key);
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest(e.getMessage());
    }
  }

  private static void requireMethod(String method, String expected, String path) {
    if (!method.equals(expected)) {
      throw HttpProblem.methodNotAllowed(method, path);
    }
  }

  /** The request body, at most {@link #MAX_BODY_BYTES}; empty when there is none. */
  private static byte[] readBody(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new HttpProblem(413, "too_large", "request body over " + MAX_BODY_BYTES + " bytes");
    }
    return body;
  }

  private static <T> T parse(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw HttpProblem.badRequest("request body is empty; expected JSON");
    }
    try {
      return JSON.readValue(body, type);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw HttpProblem.badRequest("malformed JSON body: " + why);
    }
  }

  /** An answer, computed before any byte of it is sent (and before the handler permit is given back). */
  private record Reply(int status, String contentType, byte[] body, int version) {
    static Reply json(int status, Object value) {
      try {
        return new Reply(status, "application/json", JSON.writeValueAsBytes(value), 0);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
      }
    }

    /** Names the store version that answered (versions start at 1; 0 names none). */
    Reply servedBy(int storeVersion) {
      return new Reply(status, contentType, body, storeVersion);
    }

    int send(HttpExchange exchange) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      if (version > 0) {
        exchange.getResponseHeaders().set(StoreApi.VERSION_HEADER, Integer.toString(version));
      }
      if (status == 401) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vigil-store\"");
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      return status;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    connections.shutdownNow();
  }
}
