package io.vmtree.server;

import io.vmtree.report.Json;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;

/**
 * A request's JSON body, checked field by field: malformed JSON, a body that is not an object, an
 * unknown field or a value of the wrong type is a 400 naming where and what.
 */
final class RequestBody {
  private final JsonNode json;

  private RequestBody(JsonNode json) {
    this.json = json;
  }

  /**
   * {@return the body, an empty object when there is none}
   *
   * @param fields the fields the request takes; any other is refused
   */
  static RequestBody parse(byte[] body, Set<String> fields) {
    if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return new RequestBody(Json.MAPPER.createObjectNode());
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null || at.getLineNr() < 1
              ? ""
              : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String message = e.getOriginalMessage();
      message = message == null ? "unreadable" : message.lines().findFirst().orElse("");
      // cut the location Jackson appends, not the explanation some messages give in parentheses
      int marker = message.indexOf(" (start marker at");
      message = marker < 0 ? message : message.substring(0, marker);
      throw new ApiError(400, "malformed_json", "malformed JSON" + where + ": " + message);
    }
    if (json == null || !json.isObject()) {
      throw new ApiError(400, "bad_request", "the body must be a JSON object");
    }
    Iterator<String> names = json.propertyNames().iterator();
    while (names.hasNext()) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw ApiError.badRequest(
            "unknown field \""
                + name
                + "\"; this request takes "
                + (fields.isEmpty() ? "no fields" : String.join(", ", sorted(fields))));
      }
    }
    return new RequestBody(json);
  }

  private static List<String> sorted(Set<String> fields) {
    return fields.stream().sorted().toList();
  }

  /** {@return the paths of array field {@code name}, empty when absent} */
  List<TreePath> paths(String name) {
    JsonNode node = json.get(name);
    List<TreePath> paths = new ArrayList<>();
    if (node == null || node.isNull()) {
      return paths;
    }
    if (!node.isArray()) {
      throw ApiError.badRequest(
          "\"" + name + "\" must be an array of full names like \"/lab/web1\"");
    }
    for (JsonNode item : node) {
      if (!item.isString()) {
        throw ApiError.badRequest("\"" + name + "\" must hold strings, found " + item);
      }
      paths.add(path(name, item.asString()));
    }
    return paths;
  }

  /** {@return boolean field {@code name}, or {@code otherwise} when absent} */
  boolean bool(String name, boolean otherwise) {
    JsonNode node = json.get(name);
    if (node == null || node.isNull()) {
      return otherwise;
    }
    if (!node.isBoolean()) {
      throw ApiError.badRequest("\"" + name + "\" must be true or false, found " + node);
    }
    return node.asBoolean();
  }

  /** {@return the positive integer field {@code name}} */
  long id(String name) {
    JsonNode node = json.get(name);
    if (node == null || node.isNull()) {
      throw ApiError.badRequest("missing \"" + name + "\": the id of a plan operation");
    }
    // a number beyond a long (9223372036854775808) is no id either, not an overflow
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 1) {
      throw ApiError.badRequest("\"" + name + "\" must be a positive integer, found " + node);
    }
    return node.asLong();
  }

  static TreePath path(String what, String text) {
    if (!text.startsWith("/")) {
      throw ApiError.badRequest(what + ": \"" + text + "\" is not a full name (it starts with /)");
    }
    try {
      return TreePath.of(text);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(what + ": " + e.getMessage());
    }
  }
}
