package dev.vigil.store.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Java client for the store's HTTP API. Thread-safe; share one instance per server. Reads return what
 * the serving version holds; a 404 for an absent key is an empty result, any other error status a
 * {@link StoreClientException} carrying the server's one-line message. Admin calls (versions, push,
 * rollback) carry the {@link AdminToken} given with {@link #withAdminToken}; reads never send it.
 */
public final class VigilStoreClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;
  private final AdminToken adminToken;

  private VigilStoreClient(URI base, Duration timeout, HttpClient http, AdminToken adminToken) {
    this.base = base;
    this.timeout = timeout;
    this.http = http;
    this.adminToken = adminToken;
  }

  /**
   * A client for a server URL a user typed (a {@code --server} flag); IllegalArgumentException with one line
   * when it is not {@code http://host:port}. Like the commands of a shell session, it takes the admin token
   * from {@value AdminToken#ENV} when that is set.
   */
  public static VigilStoreClient forServerFlag(String server) {
    URI uri;
    try {
      uri = URI.create(server);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--server '" + server + "' is not a URL");
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--server must look like http://host:port, got '" + server + "'");
    }
    VigilStoreClient client = connect(server);
    return AdminToken.resolve(null).map(client::withAdminToken).orElse(client);
  }

  /** A client for the server at {@code base}, e.g. {@code http://localhost:8080}. */
  public static VigilStoreClient connect(String base) {
    return connect(URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base), Duration.ofSeconds(10));
  }

  public static VigilStoreClient connect(URI base, Duration timeout) {
    return new VigilStoreClient(base, timeout,
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build(), null);
  }

  /** This client (same connections) sending {@code token} with every admin request. */
  public VigilStoreClient withAdminToken(AdminToken token) {
    return new VigilStoreClient(base, timeout, http, token);
  }

  public URI base() {
    return base;
  }

  /** The member's current value, if the store has one. */
  public Optional<StoredScore> get(String store, long memberId) {
    return lookup(store, memberId).value();
  }

  /** The member's current value together with the version that served it. */
  public Lookup lookup(String store, long memberId) {
    HttpResponse<byte[]> response = send(request(StoreApi.valuePath(store, memberId)).GET());
    int version = response.headers().firstValue(StoreApi.VERSION_HEADER).map(Integer::parseInt).orElse(0);
    if (response.statusCode() == 404 && version > 0) {
      return new Lookup(version, Optional.empty());
    }
    return new Lookup(version, Optional.of(read(response, StoredScore.class)));
  }

  /** Values for many members in one request, all from one version. */
  public BatchGetResponse batchGet(String store, Collection<Long> memberIds) {
    List<String> keys = memberIds.stream().map(String::valueOf).toList();
    return read(send(request(StoreApi.batchGetPath(store)).POST(body(new BatchGetRequest(keys)))), BatchGetResponse.class);
  }

  /** The store's versions, newest first. */
  public List<VersionInfo> versions(String store) {
    return read(send(request(StoreApi.versionsPath(store)).GET()), new TypeReference<List<VersionInfo>>() {});
  }

  /** Starts a push; it runs on the server, follow it with {@link #pushStatus}. */
  public PushStatus push(String store, PushRequest push) {
    return read(send(request(StoreApi.pushPath(store)).POST(body(push))), PushStatus.class);
  }

  public PushStatus pushStatus(String store, int version) {
    return read(send(request(StoreApi.pushStatusPath(store, version)).GET()), PushStatus.class);
  }

  /**
   * Polls a push until it is ONLINE or FAILED, every {@code poll}, telling {@code onProgress} each status.
   * The push runs on the server; there is nothing to block on but its status.
   */
  public PushStatus awaitPush(String store, PushStatus started, Duration poll, java.util.function.Consumer<PushStatus> onProgress)
      throws InterruptedException {
    PushStatus status = started;
    while (!status.finished()) {
      Thread.sleep(poll.toMillis());
      status = pushStatus(store, status.version());
      onProgress.accept(status);
    }
    return status;
  }

  /** Makes the previous online version serve again; returns the version now serving. */
  public VersionInfo rollback(String store) {
    return read(send(request(StoreApi.rollbackPath(store)).POST(HttpRequest.BodyPublishers.noBody())), VersionInfo.class);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", "application/json");
    // Only admin calls carry the token: a read never exposes it, to the server's logs or anyone else.
    if (adminToken != null && StoreApi.isAdmin(path)) {
      request.header(StoreApi.AUTHORIZATION, adminToken.authorization());
    }
    return request;
  }

  private static HttpRequest.BodyPublisher body(Object value) {
    try {
      return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) {
    try {
      return http.send(request.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new StoreClientException("store server " + base + " unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreClientException("interrupted", e);
    }
  }

  private static <T> T read(HttpResponse<byte[]> response, Class<T> type) {
    return read(response, JSON.getTypeFactory().constructType(type));
  }

  private static <T> T read(HttpResponse<byte[]> response, TypeReference<T> type) {
    return read(response, JSON.getTypeFactory().constructType(type));
  }

  private static <T> T read(HttpResponse<byte[]> response, JavaType type) {
    check(response);
    try {
      return JSON.readValue(response.body(), type);
    } catch (IOException e) {
      throw new StoreClientException(response.statusCode(), "unreadable answer: " + e.getMessage());
    }
  }

  private static void check(HttpResponse<byte[]> response) {
    if (response.statusCode() / 100 == 2) {
      return;
    }
    String message;
    try {
      message = JSON.readValue(response.body(), ErrorBody.class).message();
    } catch (IOException e) {
      message = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    }
    throw new StoreClientException(response.statusCode(), "HTTP " + response.statusCode() + ": " + message);
  }

  @Override
  public void close() {
    // java.net.http.HttpClient releases its connections when unreachable (close() arrives in Java 21).
  }
}
