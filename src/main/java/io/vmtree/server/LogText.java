package io.vmtree.server;

/**
 * Text from a request made safe for one line of the log: a client chooses its path (decoded, so
 * {@code %0a} is a newline), its method and the name it gives, and could otherwise forge log lines
 * or write bytes a terminal acts on.
 */
final class LogText {
  private LogText() {}

  /**
   * {@return {@code text} with every control character written as an escape}: {@code \n}, {@code
   * \r}, {@code \t}, {@code \\}, and {@code \}{@code uXXXX} for the others (NUL, ESC, DEL, the C1
   * controls, the line and paragraph separators)
   */
  static String escape(String text) {
    if (text == null) {
      return "-";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escaped = escaped(c);
      if (escaped != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (escaped != null) {
          out.append(escaped);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  private static String escaped(char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '\\':
        return "\\\\";
      default:
        if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
          return String.format("\\u%04x", (int) c);
        }
        return null;
    }
  }
}
