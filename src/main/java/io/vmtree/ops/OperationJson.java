package io.vmtree.ops;

import io.vmtree.json.JsonLines;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One journal line: an {@link Operation} as a single-line JSON object with snake_case keys, sorted
 * map keys and ISO-8601 instants.
 */
final class OperationJson {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private static final JsonLines LINES = new JsonLines(MAPPER.writer());

  private OperationJson() {}

  // what a line holds, in file order; read by binding, written by hand in the same order
  private record Line(
      Long id,
      String type,
      List<String> targets,
      String submitted,
      String started,
      String finished,
      String status,
      Map<String, Object> result,
      String error) {}

  /** A line that is not a valid operation; {@link #getMessage()} says why, in lowercase. */
  static final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    BadLine(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * {@return {@code op} as one line of JSON, without its newline}: the fields of {@link Line} in
   * its order, written by hand (see {@link SortedJson} for why)
   */
  static byte[] encode(Operation op) {
    return LINES.encode(g -> write(g, op));
  }

  private static void write(JsonGenerator g, Operation op) {
    g.writeStartObject();
    g.writeName("id");
    g.writeNumber(op.id());
    SortedJson.writeString(g, "type", op.type());
    g.writeName("targets");
    SortedJson.writeStrings(g, op.targets());
    SortedJson.writeString(g, "submitted", IsoInstant.format(op.submitted()));
    SortedJson.writeString(g, "started", IsoInstant.format(op.started()));
    SortedJson.writeString(g, "finished", IsoInstant.format(op.finished()));
    SortedJson.writeString(g, "status", op.status().label());
    g.writeName("result");
    SortedJson.writeMap(g, op.result());
    SortedJson.writeString(g, "error", op.error());
    g.writeEndObject();
  }

  /** {@return what databind writes for {@link Line}: the reference of the tests} */
  static byte[] encodeByBinding(Operation op) {
    return MAPPER.writeValueAsBytes(
        new Line(
            op.id(),
            op.type(),
            op.targets(),
            op.submitted().toString(),
            text(op.started()),
            text(op.finished()),
            op.status().label(),
            op.result(),
            op.error()));
  }

  /** {@return the operation in {@code bytes[offset, offset + length)}} */
  static Operation decode(byte[] bytes, int offset, int length) throws BadLine {
    Line line;
    try {
      line = MAPPER.readValue(bytes, offset, length, Line.class);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String column = at == null || at.getColumnNr() < 1 ? "" : "column " + at.getColumnNr() + ": ";
      throw new BadLine(column + problem(e), e);
    }
    if (line == null) {
      throw new BadLine("not a JSON object", null);
    }
    try {
      return new Operation(
          required(line.id(), "id"),
          line.type(),
          required(line.targets(), "targets"),
          instant(required(line.submitted(), "submitted"), "submitted"),
          line.started() == null ? null : instant(line.started(), "started"),
          line.finished() == null ? null : instant(line.finished(), "finished"),
          status(required(line.status(), "status")),
          required(line.result(), "result"),
          line.error());
    } catch (IllegalArgumentException e) {
      throw new BadLine(e.getMessage(), e);
    } catch (NullPointerException e) {
      throw new BadLine("targets or result holds a null", e);
    }
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("missing " + field);
    }
    return value;
  }

  private static Instant instant(String text, String field) {
    try {
      return IsoInstant.parse(text);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          field + " is not an ISO-8601 instant: \"" + text + "\"", e);
    }
  }

  private static OperationStatus status(String label) {
    for (OperationStatus status : OperationStatus.values()) {
      if (status.label().equals(label)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown status \"" + label + "\"");
  }

  private static String problem(JacksonException e) {
    if (e instanceof DatabindException && !e.getPath().isEmpty()) {
      String field = e.getPath().get(e.getPath().size() - 1).getPropertyName();
      if (field != null) {
        return "wrong type of value for " + field;
      }
    }
    String message = e.getOriginalMessage();
    String line = message == null ? "unreadable" : message.lines().findFirst().orElse("");
    int marker = line.indexOf(" (start marker at");
    line = marker < 0 ? line : line.substring(0, marker);
    return line.isEmpty() ? line : Character.toLowerCase(line.charAt(0)) + line.substring(1);
  }
}
