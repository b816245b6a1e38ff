package io.vmtree.server;

/**
 * A request the API answers with an error: the HTTP status, a stable code a client can test, and a
 * message a person can act on. Sent as {@code {"error": {"status", "code", "message"}}}.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  ApiError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message);
  }

  static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message);
  }
}
