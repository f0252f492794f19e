package dev.vigil.store.http;

/** A request the server answers with a 4xx or 503: status, a short code and a one-line message. */
final class HttpProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  final String code;

  HttpProblem(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static HttpProblem badRequest(String message) {
    return new HttpProblem(400, "bad_request", message);
  }

  /** Missing or wrong credentials; answered with a {@code WWW-Authenticate} challenge. */
  static HttpProblem unauthorized(String message) {
    return new HttpProblem(401, "unauthorized", message);
  }

  static HttpProblem notFound(String code, String message) {
    return new HttpProblem(404, code, message);
  }

  static HttpProblem methodNotAllowed(String method, String path) {
    return new HttpProblem(405, "method_not_allowed", method + " is not allowed on " + path);
  }

  static HttpProblem conflict(String message) {
    return new HttpProblem(409, "conflict", message);
  }
}
