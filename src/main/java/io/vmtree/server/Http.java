package io.vmtree.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The values that pass between the HTTP front and the API's handlers. */
final class Http {
  private Http() {}

  /** A request, authenticated and read. */
  record Request(String method, String path, Map<String, String> query, Token token, byte[] body) {}

  /** What to answer. */
  sealed interface Reply permits Json, Encoded, Text, Later {}

  /** A JSON body, with extra headers (such as {@code Location}). */
  record Json(int status, Object body, Map<String, String> headers) implements Reply {
    Json(int status, Object body) {
      this(status, body, Map.of());
    }
  }

  /** A JSON body already rendered by {@link JsonAnswer#line}. */
  record Encoded(int status, byte[] json) implements Reply {}

  /** A text body of {@code contentType}. */
  record Text(int status, String contentType, String body) implements Reply {}

  /** An answer given later (a long poll), without holding a thread meanwhile. */
  record Later(CompletableFuture<Reply> reply) implements Reply {}
}
