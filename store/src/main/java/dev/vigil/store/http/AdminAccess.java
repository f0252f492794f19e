package dev.vigil.store.http;

import dev.vigil.store.client.AdminToken;
import dev.vigil.store.client.StoreApi;

/**
 * Who may call the admin endpoints (push, push status, versions, rollback). A push makes the server read
 * files and a rollback changes what every reader sees, so by default they take a bearer token; a server
 * with no token refuses them rather than serving them to anyone who can connect.
 */
public final class AdminAccess {
  private enum Mode { TOKEN, OPEN, REFUSED }

  private final Mode mode;
  private final AdminToken token;

  private AdminAccess(Mode mode, AdminToken token) {
    this.mode = mode;
    this.token = token;
  }

  /** Admin requests must carry {@code Authorization: Bearer <token>}; others get a 401. */
  public static AdminAccess token(AdminToken token) {
    return new AdminAccess(Mode.TOKEN, token);
  }

  /** No credentials: for a process that trusts whoever can reach it (tests, {@code --insecure-admin}). */
  public static AdminAccess open() {
    return new AdminAccess(Mode.OPEN, null);
  }

  /** No token was configured: admin requests get a 403 saying how to configure one. */
  public static AdminAccess refused() {
    return new AdminAccess(Mode.REFUSED, null);
  }

  /** For start-up lines; never the token. */
  public String describe() {
    return switch (mode) {
      case TOKEN -> "admin endpoints need the admin token";
      case OPEN -> "admin endpoints take NO credentials: whoever can connect can push and roll back";
      case REFUSED -> "admin endpoints are disabled (no admin token configured)";
    };
  }

  /** Throws the 401 or 403 an admin request with this {@code Authorization} header gets; returns if allowed. */
  void check(String authorization) {
    switch (mode) {
      case OPEN -> { }
      case REFUSED -> throw new HttpProblem(403, "admin_disabled", "admin endpoints are disabled: this server has no admin token;"
          + " start it with --admin-token-file FILE or " + AdminToken.ENV + " set (or --insecure-admin on a trusted machine)");
      case TOKEN -> {
        if (authorization == null) {
          throw HttpProblem.unauthorized("admin endpoints need the header '" + StoreApi.AUTHORIZATION + ": " + StoreApi.BEARER
              + "<token>' (clients: --admin-token-file FILE or " + AdminToken.ENV + ")");
        }
        if (!token.matches(authorization)) {
          throw HttpProblem.unauthorized("the admin token does not match this server's");
        }
      }
    }
  }
}
