package io.vmtree.load;

import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLAnchorReplayingFactory;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads one YAML file into a {@link YamlDocument}, keeping the line and column of every key and
 * value. Plain scalars follow the YAML 1.2 core schema: {@code on} and {@code yes} stay strings,
 * {@code ~}, {@code Null} are null, {@code True} is a boolean, {@code 0x1F}, {@code 0o17} and
 * {@code 012} (decimal) are integers, {@code .inf} and {@code .nan} are floats; quoted scalars are
 * strings. Every problem (syntax, duplicate keys, bad bytes, several documents, too deep or too
 * large input) becomes a diagnostic at its position; nothing escapes as an exception.
 */
public final class YamlReader {
  /** Files larger than this are refused before parsing: a descriptor is a few hundred bytes. */
  public static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private static final int MAX_DEPTH = 64;

  /**
   * The full YAML engine, set up on first use: when every file is plain enough for {@link
   * SimpleYaml}, a run never loads it.
   */
  private static final class Engine {
    // the anchor-replaying factory expands aliases (*name) into copies of what they point at
    static final YAMLFactory FACTORY =
        YAMLAnchorReplayingFactory.builder()
            // duplicate keys are reported by the Builder, with both positions
            .loadSettings(
                LoadSettings.builder()
                    .setSchema(CoreScalars.SCHEMA)
                    .setAllowDuplicateKeys(true)
                    .build())
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(1024 * 1024)
                    .maxNumberLength(100)
                    .maxDocumentLength(MAX_FILE_BYTES)
                    .build())
            .build();
  }

  private final JsonNodeFactory nodes = JsonNodeFactory.instance;

  /**
   * {@return the document in {@code file}, or empty when it cannot be read; problems are added to
   * {@code diagnostics}}
   *
   * @param relativeName the name used in origins: the path relative to the tree root
   */
  public Optional<YamlDocument> read(Path file, String relativeName, Diagnostics diagnostics) {
    byte[] bytes;
    // reading one byte past the limit tells a too large file without a separate stat
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        diagnostics.error(
            Origin.ofFile(relativeName),
            "file is larger than " + (MAX_FILE_BYTES / 1024 / 1024) + " MiB");
        return Optional.empty();
      }
    } catch (IOException e) {
      diagnostics.error(Origin.ofFile(relativeName), "cannot read file: " + e.getMessage());
      return Optional.empty();
    }
    return parse(bytes, relativeName, diagnostics);
  }

  /** {@return the document in {@code bytes}, read as {@link #read} does} */
  public Optional<YamlDocument> parse(byte[] bytes, String relativeName, Diagnostics diagnostics) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      diagnostics.error(Origin.ofFile(relativeName), "file is not UTF-8 text");
      return Optional.empty();
    }
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      diagnostics.error(positionOf(text, nul, relativeName), "file contains a NUL byte");
      return Optional.empty();
    }
    Optional<YamlDocument> simple = SimpleYaml.parse(text, relativeName);
    return simple.isPresent() ? simple : parseWithEngine(text, relativeName, diagnostics);
  }

  /** {@return the document in {@code text}, read by the full YAML engine} */
  Optional<YamlDocument> parseWithEngine(
      String text, String relativeName, Diagnostics diagnostics) {
    Builder builder = new Builder(relativeName);
    try (JsonParser parser = Engine.FACTORY.createParser(ObjectReadContext.empty(), text)) {
      JsonToken first = parser.nextToken();
      JsonNode root = first == null ? nodes.objectNode() : builder.value(parser, "");
      if (parser.nextToken() != null) {
        diagnostics.error(
            builder.at(parser.currentTokenLocation()),
            "a file holds one YAML document; found a second one");
        return Optional.empty();
      }
      if (builder.failed) {
        builder.diagnostics.forEach(diagnostics::add);
        return Optional.empty();
      }
      return Optional.of(new YamlDocument(relativeName, root, builder.keys, builder.values));
    } catch (JacksonException e) {
      builder.diagnostics.forEach(diagnostics::add);
      diagnostics.error(
          problemAt(e, relativeName).orElseGet(() -> builder.at(e.getLocation())),
          "invalid YAML: " + describe(e));
      return Optional.empty();
    } catch (RuntimeException e) {
      // the YAML engine reports some malformed input (bad escapes, odd bytes) with its own types
      diagnostics.error(Origin.ofFile(relativeName), "invalid YAML: " + firstLine(e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * {@return where the YAML engine's scanner saw a character it cannot read (a tab used for
   * indentation)}: Jackson reports where its parser stood, the end of the line before. Parser
   * errors keep Jackson's place: theirs is often the end of the file ("got stream end").
   */
  private static Optional<Origin> problemAt(JacksonException e, String file) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof org.snakeyaml.engine.v2.exceptions.ScannerException marked
          && marked.getProblemMark().isPresent()) {
        org.snakeyaml.engine.v2.exceptions.Mark mark = marked.getProblemMark().get();
        return Optional.of(Origin.of(file, mark.getLine() + 1, mark.getColumn() + 1));
      }
    }
    return Optional.empty();
  }

  private static Origin positionOf(String text, int index, String file) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return Origin.of(file, line, col);
  }

  /**
   * The YAML engine's messages are several lines: a context ("while parsing a block mapping"), a
   * snippet with a caret, and the problem ("expected <block end>..."). Keep the two sentences.
   */
  static String describe(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    java.util.List<String> sentences =
        message
            .lines()
            .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
            .toList();
    if (sentences.isEmpty()) {
      return firstLine(message);
    }
    // Jackson's limits name their setting: "(64, from `StreamReadConstraints...`)" -> "(64)"
    String problem = withoutSettingName(sentences.get(sentences.size() - 1));
    String context = withoutSettingName(sentences.get(0));
    return firstLine(problem.equals(context) ? problem : problem + " (" + context + ")");
  }

  private static String withoutSettingName(String sentence) {
    return sentence.replaceAll(", from `[^`]*`\\)", ")");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable input";
    }
    String line = message.strip().lines().findFirst().orElse("unreadable input");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** Builds the node tree while recording positions; one per file. */
  private final class Builder {
    final String file;
    final Map<String, Origin> keys = new HashMap<>();
    final Map<String, Origin> values = new HashMap<>();
    final java.util.List<io.vmtree.diag.Diagnostic> diagnostics = new java.util.ArrayList<>();
    boolean failed;

    Builder(String file) {
      this.file = file;
    }

    Origin at(TokenStreamLocation location) {
      if (location == null || location.getLineNr() < 1) {
        return Origin.ofFile(file);
      }
      return Origin.of(file, location.getLineNr(), Math.max(1, location.getColumnNr()));
    }

    JsonNode value(JsonParser parser, String pointer) {
      values.put(pointer, at(parser.currentTokenLocation()));
      JsonToken token = parser.currentToken();
      return switch (token) {
        case START_OBJECT -> object(parser, pointer);
        case START_ARRAY -> array(parser, pointer);
        case VALUE_STRING -> nodes.stringNode(parser.getString());
        case VALUE_NUMBER_INT -> nodes.numberNode(CoreScalars.integer(parser));
        case VALUE_NUMBER_FLOAT -> CoreScalars.floating(parser, nodes);
        case VALUE_TRUE -> nodes.booleanNode(true);
        case VALUE_FALSE -> nodes.booleanNode(false);
        case VALUE_NULL -> nodes.nullNode();
        default -> {
          failed = true;
          diagnostics.add(
              io.vmtree.diag.Diagnostic.error(
                  at(parser.currentTokenLocation()), "unsupported YAML value (" + token + ")"));
          yield nodes.nullNode();
        }
      };
    }

    ObjectNode object(JsonParser parser, String pointer) {
      ObjectNode object = nodes.objectNode();
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String key = parser.currentName();
        String child = YamlDocument.child(pointer, key);
        Origin keyAt = at(parser.currentTokenLocation());
        parser.nextToken();
        if (object.has(key)) {
          failed = true;
          diagnostics.add(
              io.vmtree.diag.Diagnostic.error(
                  keyAt,
                  "duplicate key \"" + key + "\"",
                  "first at " + keys.get(child).position()));
          value(parser, pointer + "/~dup");
          continue;
        }
        keys.put(child, keyAt);
        object.set(key, value(parser, child));
      }
      return object;
    }

    ArrayNode array(JsonParser parser, String pointer) {
      ArrayNode array = nodes.arrayNode();
      int index = 0;
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(value(parser, YamlDocument.child(pointer, index++)));
      }
      return array;
    }
  }
}
