package io.vmtree.load;

import io.vmtree.diag.Origin;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Tag;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the plain YAML that tree files are nearly always written in, several times faster than the
 * full YAML engine: a big tree spends most of its {@code validate} parsing small files. It takes a
 * block mapping at the top; nested block mappings and sequences; one-line flow mappings and
 * sequences; plain scalars, and quoted ones without escapes; comments. Anything else (tabs,
 * non-ASCII text, anchors, tags, multi-line scalars, empty values, duplicate keys, odd spacing, any
 * error) makes it give up, and the caller reads the file with the full engine, which also reports
 * every problem. What it accepts, it reads exactly as the full engine does: the same nodes and the
 * same positions (pinned by a test that reads the same documents both ways).
 */
final class SimpleYaml {
  private static final int MAX_TEXT = 64 * 1024;
  private static final int MAX_DEPTH = 32;
  private static final int MAX_NUMBER = 50;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Leaving the subset; cheap to throw (no stack trace), never escapes this class. */
  private static final class NotSimple extends RuntimeException {
    NotSimple() {
      super(null, null, false, false);
    }
  }

  private static final NotSimple NOT_SIMPLE = new NotSimple();

  /** A line with content: not blank, not only a comment. Offsets into the text, end exclusive. */
  private record Line(int number, int start, int end, int indent) {}

  private final String file;
  private final String text;
  private final List<Line> lines = new ArrayList<>();
  private final Map<String, Origin> keys = new HashMap<>();
  private final Map<String, Origin> values = new HashMap<>();
  private int next;
  // where the last inline value ended
  private int pos;

  private SimpleYaml(String file, String text) {
    this.file = file;
    this.text = text;
  }

  /** {@return the document in {@code text}, or empty when it is not in the subset} */
  static Optional<YamlDocument> parse(String text, String file) {
    if (text.length() > MAX_TEXT) {
      return Optional.empty();
    }
    SimpleYaml reader = new SimpleYaml(file, text);
    try {
      reader.splitLines();
      if (reader.lines.isEmpty() || reader.lines.get(0).indent() != 0) {
        return Optional.empty();
      }
      ObjectNode root = reader.mapping(0, "", 0);
      if (reader.next != reader.lines.size()) {
        return Optional.empty();
      }
      return Optional.of(new YamlDocument(file, root, reader.keys, reader.values));
    } catch (NotSimple e) {
      return Optional.empty();
    }
  }

  private void splitLines() {
    int number = 1;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : '\n';
      if (c == '\n') {
        addLine(number++, start, i);
        start = i + 1;
      } else if (c < 0x20 || c > 0x7e) {
        throw NOT_SIMPLE;
      }
    }
  }

  private void addLine(int number, int start, int end) {
    int i = start;
    while (i < end && text.charAt(i) == ' ') {
      i++;
    }
    if (i < end && text.charAt(i) != '#') {
      lines.add(new Line(number, start, end, i - start));
    }
  }

  private Origin at(Line line, int offset) {
    return Origin.of(file, line.number(), offset - line.start() + 1);
  }

  private Line peek() {
    return next < lines.size() ? lines.get(next) : null;
  }

  private boolean isSequenceItem(Line line) {
    int i = line.start() + line.indent();
    return text.charAt(i) == '-' && i + 1 < line.end() && text.charAt(i + 1) == ' ';
  }

  private ObjectNode mapping(int indent, String pointer, int depth) {
    checkDepth(depth);
    values.put(pointer, at(peek(), peek().start() + indent));
    ObjectNode map = NODES.objectNode();
    for (Line line = peek(); line != null && line.indent() == indent; line = peek()) {
      int keyStart = line.start() + indent;
      int keyEnd = name(line, keyStart);
      if (keyEnd >= line.end() || text.charAt(keyEnd) != ':') {
        throw NOT_SIMPLE;
      }
      String key = text.substring(keyStart, keyEnd);
      if (map.has(key)) {
        throw NOT_SIMPLE;
      }
      String child = YamlDocument.child(pointer, key);
      keys.put(child, at(line, keyStart));
      next++;
      map.set(key, mappingValue(line, keyEnd + 1, indent, child, depth));
      Line after = peek();
      if (after != null && after.indent() > indent) {
        throw NOT_SIMPLE;
      }
    }
    return map;
  }

  /** The value after {@code key:}: on the same line, or a block on the next lines. */
  private JsonNode mappingValue(Line line, int from, int indent, String pointer, int depth) {
    if (restIsEmpty(line, from)) {
      Line nested = peek();
      if (nested == null) {
        throw NOT_SIMPLE;
      }
      if (nested.indent() > indent) {
        return isSequenceItem(nested)
            ? sequence(nested.indent(), pointer, depth + 1)
            : mapping(nested.indent(), pointer, depth + 1);
      }
      if (nested.indent() == indent && isSequenceItem(nested)) {
        return sequence(indent, pointer, depth + 1);
      }
      throw NOT_SIMPLE;
    }
    if (text.charAt(from) != ' ') {
      throw NOT_SIMPLE;
    }
    JsonNode value = inline(line, skipSpaces(line, from), pointer, depth + 1);
    requireRestEmpty(line, pos);
    return value;
  }

  private ArrayNode sequence(int indent, String pointer, int depth) {
    checkDepth(depth);
    values.put(pointer, at(peek(), peek().start() + indent));
    ArrayNode list = NODES.arrayNode();
    for (Line line = peek();
        line != null && line.indent() == indent && isSequenceItem(line);
        line = peek()) {
      int from = skipSpaces(line, line.start() + indent + 1);
      if (from >= line.end()) {
        throw NOT_SIMPLE;
      }
      next++;
      list.add(inline(line, from, YamlDocument.child(pointer, list.size()), depth + 1));
      requireRestEmpty(line, pos);
      Line after = peek();
      if (after != null && after.indent() > indent) {
        throw NOT_SIMPLE;
      }
    }
    return list;
  }

  /** A value written on one line, starting at {@code from}; sets {@link #pos} to its end. */
  private JsonNode inline(Line line, int from, String pointer, int depth) {
    values.put(pointer, at(line, from));
    char c = text.charAt(from);
    return switch (c) {
      case '{' -> flowMapping(line, from, pointer, depth);
      case '[' -> flowSequence(line, from, pointer, depth);
      case '"', '\'' -> quoted(line, from);
      default -> plain(line, from, false);
    };
  }

  private ObjectNode flowMapping(Line line, int open, String pointer, int depth) {
    checkDepth(depth);
    ObjectNode map = NODES.objectNode();
    int i = skipSpaces(line, open + 1);
    if (charAt(line, i) == '}') {
      pos = i + 1;
      return map;
    }
    while (true) {
      int keyEnd = name(line, i);
      if (charAt(line, keyEnd) != ':' || charAt(line, keyEnd + 1) != ' ') {
        throw NOT_SIMPLE;
      }
      String key = text.substring(i, keyEnd);
      if (map.has(key)) {
        throw NOT_SIMPLE;
      }
      String child = YamlDocument.child(pointer, key);
      keys.put(child, at(line, i));
      int from = skipSpaces(line, keyEnd + 1);
      values.put(child, at(line, from));
      map.set(key, flowValue(line, from, child, depth + 1));
      i = skipSpaces(line, pos);
      if (charAt(line, i) == '}') {
        pos = i + 1;
        return map;
      }
      i = afterComma(line, i, '}');
    }
  }

  private ArrayNode flowSequence(Line line, int open, String pointer, int depth) {
    checkDepth(depth);
    ArrayNode list = NODES.arrayNode();
    int i = skipSpaces(line, open + 1);
    if (charAt(line, i) == ']') {
      pos = i + 1;
      return list;
    }
    while (true) {
      String child = YamlDocument.child(pointer, list.size());
      values.put(child, at(line, i));
      list.add(flowValue(line, i, child, depth + 1));
      i = skipSpaces(line, pos);
      if (charAt(line, i) == ']') {
        pos = i + 1;
        return list;
      }
      i = afterComma(line, i, ']');
    }
  }

  /** {@return where the next entry starts after the comma at {@code i}} */
  private int afterComma(Line line, int i, char close) {
    if (charAt(line, i) != ',') {
      throw NOT_SIMPLE;
    }
    int entry = skipSpaces(line, i + 1);
    char c = charAt(line, entry);
    if (c == close || c == ',' || c == 0) {
      throw NOT_SIMPLE;
    }
    return entry;
  }

  private JsonNode flowValue(Line line, int from, String pointer, int depth) {
    return switch (charAt(line, from)) {
      case '{' -> flowMapping(line, from, pointer, depth);
      case '[' -> flowSequence(line, from, pointer, depth);
      case '"', '\'' -> quoted(line, from);
      default -> plain(line, from, true);
    };
  }

  private JsonNode quoted(Line line, int open) {
    char quote = text.charAt(open);
    int close = text.indexOf(quote, open + 1);
    if (close < 0 || close >= line.end()) {
      throw NOT_SIMPLE;
    }
    String value = text.substring(open + 1, close);
    // escapes: a backslash in double quotes, a doubled quote in single quotes
    if ((quote == '"' && value.indexOf('\\') >= 0) || charAt(line, close + 1) == '\'') {
      throw NOT_SIMPLE;
    }
    pos = close + 1;
    return NODES.stringNode(value);
  }

  /**
   * A plain scalar: in a flow, up to {@code ,}, {@code ]} or {@code }}; in a block, up to a comment
   * or the end of the line. Only forms that read the same everywhere are accepted.
   */
  private JsonNode plain(Line line, int from, boolean flow) {
    char first = text.charAt(from);
    if ("-?:,[]{}#&*!|>'\"%@`".indexOf(first) >= 0
        && !(first == '-' && from + 1 < line.end() && " ,]}".indexOf(text.charAt(from + 1)) < 0)) {
      throw NOT_SIMPLE;
    }
    int end = from;
    while (end < line.end()) {
      char c = text.charAt(end);
      if (flow && (c == ',' || c == ']' || c == '}')) {
        break;
      }
      if (c == ' ' && end + 1 < line.end() && text.charAt(end + 1) == '#') {
        break;
      }
      if ("[]{}\"'".indexOf(c) >= 0 || (flow && (c == ':' || c == '#'))) {
        throw NOT_SIMPLE;
      }
      if (c == ':' && (end + 1 == line.end() || text.charAt(end + 1) == ' ')) {
        throw NOT_SIMPLE;
      }
      end++;
    }
    pos = end;
    while (end > from && text.charAt(end - 1) == ' ') {
      end--;
    }
    if (end == from) {
      throw NOT_SIMPLE;
    }
    return scalar(text.substring(from, end));
  }

  /** {@return a plain scalar typed by the YAML 1.2 core schema, as {@link CoreScalars} does} */
  private static JsonNode scalar(String value) {
    Tag tag = CoreScalars.resolve(value, true);
    if (tag == Tag.STR) {
      return NODES.stringNode(value);
    }
    if (tag == Tag.NULL) {
      return NODES.nullNode();
    }
    if (tag == Tag.BOOL) {
      return NODES.booleanNode(value.charAt(0) == 't' || value.charAt(0) == 'T');
    }
    if (value.length() > MAX_NUMBER) {
      throw NOT_SIMPLE; // the full engine reports numbers over its length limit
    }
    if (tag == Tag.INT) {
      return NODES.numberNode(integer(value));
    }
    char last = Character.toLowerCase(value.charAt(value.length() - 1));
    if (last == 'f' || last == 'n') {
      throw NOT_SIMPLE; // .inf and .nan: rare, left to the full engine
    }
    return NODES.numberNode(new BigDecimal(value));
  }

  private static BigInteger integer(String value) {
    if (value.startsWith("0o")) {
      return new BigInteger(value.substring(2), 8);
    }
    if (value.startsWith("0x")) {
      return new BigInteger(value.substring(2), 16);
    }
    return new BigInteger(value);
  }

  /** {@return the end of a key name at {@code from}: letters, digits and {@code _ . / -}} */
  private int name(Line line, int from) {
    int i = from;
    while (i < line.end()) {
      char c = text.charAt(i);
      boolean letterOrDigit =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!letterOrDigit && (i == from || (c != '.' && c != '/' && c != '-'))) {
        break;
      }
      i++;
    }
    if (i == from) {
      throw NOT_SIMPLE;
    }
    return i;
  }

  private boolean restIsEmpty(Line line, int from) {
    int i = skipSpaces(line, from);
    return i == line.end() || (i > from && text.charAt(i) == '#');
  }

  private void requireRestEmpty(Line line, int from) {
    if (!restIsEmpty(line, from)) {
      throw NOT_SIMPLE;
    }
  }

  private int skipSpaces(Line line, int from) {
    int i = from;
    while (i < line.end() && text.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  /** {@return the character at {@code i}, or 0 past the end of the line} */
  private char charAt(Line line, int i) {
    return i < line.end() ? text.charAt(i) : 0;
  }

  private static void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw NOT_SIMPLE;
    }
  }
}
