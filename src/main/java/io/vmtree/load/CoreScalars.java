package io.vmtree.load;

import java.math.BigInteger;
import java.util.Map;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.Schema;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The YAML 1.2 core schema for plain scalars: which are null, booleans, integers and floats, and
 * their numeric values.
 *
 * <p>The YAML engine's own core schema builds a new set of regular expressions for every file and
 * matches each scalar against them; a tree of a hundred thousand files spends a noticeable part of
 * its parsing there. This schema shares one resolver and tests characters instead. Where the
 * parser's decoding of a number follows YAML 1.1, {@link #integer} corrects it.
 */
final class CoreScalars {
  private CoreScalars() {}

  /** The schema to parse with: core scalar resolution, no tag constructors (Jackson builds). */
  static final Schema SCHEMA =
      new Schema() {
        private final ScalarResolver resolver = CoreScalars::resolve;

        @Override
        public ScalarResolver getScalarResolver() {
          return resolver;
        }

        @Override
        public Map<Tag, ConstructNode> getSchemaTagConstructors() {
          return Map.of();
        }
      };

  /**
   * {@return the tag of a scalar: {@link Tag#STR} unless {@code implicit} (plain) and written as a
   * core null, boolean, integer or float}
   */
  static Tag resolve(String value, Boolean implicit) {
    if (!implicit) {
      return Tag.STR;
    }
    if (isNull(value)) {
      return Tag.NULL;
    }
    if (isBoolean(value)) {
      return Tag.BOOL;
    }
    if (isInteger(value)) {
      return Tag.INT;
    }
    return isFloat(value) ? Tag.FLOAT : Tag.STR;
  }

  /**
   * {@return the value of an integer token: decimal ({@code -12}, {@code 012}), octal ({@code
   * 0o17}) or hexadecimal ({@code 0x1F})}
   */
  static BigInteger integer(JsonParser parser) {
    // decoding first enforces the parser's limit on the number's length
    BigInteger value = parser.getBigIntegerValue();
    String text = parser.getString();
    // YAML 1.1 read a leading zero as octal; in 1.2 core, 012 is twelve
    return text.length() > 1 && isDecimal(text, 0) && text.charAt(signLength(text, 0)) == '0'
        ? new BigInteger(text)
        : value;
  }

  /** {@return the value of a float token; {@code .inf} and {@code .nan} as doubles} */
  static JsonNode floating(JsonParser parser, JsonNodeFactory nodes) {
    String text = parser.getString();
    char last = text.isEmpty() ? '0' : Character.toLowerCase(text.charAt(text.length() - 1));
    // .inf, -.Inf, .NaN: only a double can hold them
    if (last == 'f' || last == 'n') {
      return nodes.numberNode(parser.getDoubleValue());
    }
    return nodes.numberNode(parser.getDecimalValue());
  }

  private static boolean isNull(String value) {
    return switch (value) {
      case "", "~", "null", "Null", "NULL" -> true;
      default -> false;
    };
  }

  private static boolean isBoolean(String value) {
    return switch (value) {
      case "true", "True", "TRUE", "false", "False", "FALSE" -> true;
      default -> false;
    };
  }

  /** {@code [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+} */
  private static boolean isInteger(String value) {
    if (value.startsWith("0o")) {
      return value.length() > 2 && digits(value, 2, 8) == value.length();
    }
    if (value.startsWith("0x")) {
      return value.length() > 2 && digits(value, 2, 16) == value.length();
    }
    return isDecimal(value, 0);
  }

  /** {@code [-+]?[0-9]+} from {@code start} to the end */
  private static boolean isDecimal(String value, int start) {
    int from = start + signLength(value, start);
    return from < value.length() && digits(value, from, 10) == value.length();
  }

  /**
   * {@code [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE][-+]?[0-9]+ )?}, {@code [-+]?\.inf} and
   * {@code \.nan} in their three spellings
   */
  private static boolean isFloat(String value) {
    int i = signLength(value, 0);
    if (i == value.length() || (value.charAt(i) != '.' && digit(value.charAt(i), 10) < 0)) {
      return false; // most strings end here
    }
    switch (value.substring(i)) {
      case ".inf", ".Inf", ".INF":
        return true;
      case ".nan", ".NaN", ".NAN":
        return i == 0;
      default:
        break;
    }
    int whole = digits(value, i, 10);
    int end = whole;
    if (end < value.length() && value.charAt(end) == '.') {
      end = digits(value, end + 1, 10);
      if (whole == i && end == whole + 1) {
        return false; // a dot without digits
      }
    } else if (whole == i) {
      return false;
    }
    if (end < value.length() && (value.charAt(end) == 'e' || value.charAt(end) == 'E')) {
      return isDecimal(value, end + 1);
    }
    return end == value.length();
  }

  private static int signLength(String value, int at) {
    return at < value.length() && (value.charAt(at) == '-' || value.charAt(at) == '+') ? 1 : 0;
  }

  /** {@return the index after the digits of {@code radix} that start at {@code from}} */
  private static int digits(String value, int from, int radix) {
    int i = from;
    while (i < value.length() && digit(value.charAt(i), radix) >= 0) {
      i++;
    }
    return i;
  }

  /** {@return the value of an ASCII digit of {@code radix} (8, 10 or 16), or -1} */
  private static int digit(char c, int radix) {
    int value;
    if (c >= '0' && c <= '9') {
      value = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      value = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      value = c - 'A' + 10;
    } else {
      return -1;
    }
    return value < radix ? value : -1;
  }
}
