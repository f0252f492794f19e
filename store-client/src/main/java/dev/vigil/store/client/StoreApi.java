package dev.vigil.store.client;

/** Paths and headers of the store's HTTP API; the server and the client both build requests from here. */
public final class StoreApi {
  /** Response header naming the store version a read was served from. */
  public static final String VERSION_HEADER = "X-Vigil-Store-Version";
  /** {@code GET /stores/{store}/{memberId}}, {@code POST /stores/{store}/batch-get}. */
  public static final String STORES = "/stores/";
  /** {@code GET /admin/stores/{store}/versions}, {@code POST .../push}, {@code GET .../pushes/{version}},
   *  {@code POST .../rollback}; each needs the {@link AdminToken} in {@link #AUTHORIZATION}. */
  public static final String ADMIN_STORES = "/admin/stores/";
  /** Request header carrying the admin token as {@code Bearer <token>}. */
  public static final String AUTHORIZATION = "Authorization";
  /** Scheme prefix of {@link #AUTHORIZATION} (RFC 6750). */
  public static final String BEARER = "Bearer ";
  public static final String HEALTH = "/health";
  /** Prometheus text exposition format. */
  public static final String METRICS = "/metrics";
  /** Most keys one batch-get may ask for; more is a 400. */
  public static final int MAX_BATCH_KEYS = 10_000;

  private StoreApi() {}

  /** Whether a request path is an admin endpoint (the ones that need the admin token). */
  public static boolean isAdmin(String path) {
    return path.startsWith(ADMIN_STORES);
  }

  public static String valuePath(String store, long memberId) {
    return STORES + store + "/" + memberId;
  }

  public static String batchGetPath(String store) {
    return STORES + store + "/batch-get";
  }

  public static String versionsPath(String store) {
    return ADMIN_STORES + store + "/versions";
  }

  public static String pushPath(String store) {
    return ADMIN_STORES + store + "/push";
  }

  public static String pushStatusPath(String store, int version) {
    return ADMIN_STORES + store + "/pushes/" + version;
  }

  public static String rollbackPath(String store) {
    return ADMIN_STORES + store + "/rollback";
  }
}
