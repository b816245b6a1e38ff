package io.vmtree.server;

import io.vmtree.json.JsonLines;
import io.vmtree.report.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.util.RawValue;

/**
 * The JSON of the answers: indented as the CLI's {@code --json} output is, one document and a
 * newline, as UTF-8 bytes.
 *
 * <p>Answers are written on a generator kept by each HTTP thread ({@link JsonLines}) rather than
 * one made per answer, and the parts of an answer that change rarely can be rendered once and
 * spliced in as they are ({@link #field}): under 50 connections reading with no pause, the
 * serialization of a {@code GET /v1/descriptors} answer was a fifth of the thread's CPU.
 */
final class JsonAnswer {
  private static final JsonLines LINES = new JsonLines(Json.MAPPER.writer());

  private JsonAnswer() {}

  /** {@return {@code body} as JSON and a newline} */
  static byte[] line(Object body) {
    return LINES.encode(
        generator -> {
          generator.writePOJO(body);
          generator.writeRaw('\n');
        });
  }

  /**
   * {@return {@code value} rendered once, to be the value of a field of an answer's top object}:
   * the same text, indentation included, as {@link #line} writes there for {@code value} itself
   * (JsonAnswerTest compares the two)
   */
  static RawValue field(Object value) {
    // {"v": value} as the answer's mapper indents it: {\n  "v" : VALUE\n}\n
    String whole = new String(line(Map.of("v", value)), StandardCharsets.UTF_8);
    int start = whole.indexOf(" : ") + " : ".length();
    int end = whole.lastIndexOf("\n}");
    return new RawValue(whole.substring(start, end));
  }
}
