package io.vmtree.server;

import java.util.Map;

/**
 * Who is calling: the bearer token of a request, looked up by its SHA-256 (the tokens file keeps
 * only hashes). Without a tokens file every caller is {@link Token#ANONYMOUS}, which the service
 * allows only on a loopback address.
 */
final class Access {
  private final Map<String, Token> byHash;

  /**
   * @param byHash the tokens by hex SHA-256, or null for no tokens file
   */
  Access(Map<String, Token> byHash) {
    this.byHash = byHash;
  }

  /** {@return true when requests must carry a token} */
  boolean required() {
    return byHash != null;
  }

  /**
   * {@return the token of an {@code Authorization} header}
   *
   * @throws ApiError 401 when it is missing or unknown
   */
  Token authenticate(String authorization) {
    if (byHash == null) {
      return Token.ANONYMOUS;
    }
    if (authorization == null || authorization.isBlank()) {
      throw unauthorized("missing token: send the header Authorization: Bearer TOKEN");
    }
    String[] parts = authorization.strip().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
      throw unauthorized("the Authorization header must be: Bearer TOKEN");
    }
    Token token = byHash.get(TokenFile.hash(parts[1]));
    if (token == null) {
      throw unauthorized("unknown token");
    }
    return token;
  }

  private static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message);
  }
}
