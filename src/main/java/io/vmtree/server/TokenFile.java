package io.vmtree.server;

import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tokens file of {@code serve --tokens FILE}: one token a line, {@code #} comments and blank
 * lines ignored:
 *
 * <pre>
 * # name    role   subtrees             sha256 of the token
 * ci-lab    apply  /lab/**,/web/**      sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * </pre>
 *
 * Only the SHA-256 of each token is kept, so the file gives away no secret. Every mistake is
 * reported as {@code FILE:LINE:COL: message}, all of them at once.
 */
final class TokenFile {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,62}");
  private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

  private TokenFile() {}

  /** A tokens file that cannot be used; the message lists every problem. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  /**
   * {@return the tokens of {@code file}, by the hex SHA-256 of the secret}
   *
   * @throws Invalid naming file, line and column of every problem
   */
  static Map<String, Token> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Invalid("cannot read tokens file " + file + ": " + e.getMessage());
    }
    Map<String, Token> byHash = new HashMap<>();
    Map<String, Integer> names = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String content = line.strip();
      if (content.isEmpty() || content.startsWith("#")) {
        continue;
      }
      String where = file + ":" + (i + 1) + ":";
      String[] fields = content.split("\\s+");
      int[] columns = columns(line, fields);
      if (fields.length != 4) {
        problems.add(
            where
                + (columns[0] + 1)
                + ": expected 4 fields (name role subtrees sha256:HEX), found "
                + fields.length);
        continue;
      }
      int before = problems.size();
      String name = fields[0];
      if (!NAME.matcher(name).matches()) {
        problems.add(where + (columns[0] + 1) + ": invalid token name \"" + name + "\"");
      } else if (names.containsKey(name)) {
        problems.add(
            where
                + (columns[0] + 1)
                + ": token name \""
                + name
                + "\" is already used on line "
                + names.get(name));
      }
      Role role = Role.parse(fields[1]);
      if (role == null) {
        problems.add(
            where
                + (columns[1] + 1)
                + ": unknown role \""
                + fields[1]
                + "\": read, plan, apply or admin");
      }
      List<TreePath> subtrees = new ArrayList<>();
      for (String pattern : fields[2].split(",", -1)) {
        try {
          subtrees.add(subtree(pattern));
        } catch (IllegalArgumentException e) {
          problems.add(where + (columns[2] + 1) + ": " + e.getMessage());
        }
      }
      String hash = fields[3];
      if (!HASH.matcher(hash).matches()) {
        problems.add(
            where
                + (columns[3] + 1)
                + ": expected sha256: and 64 lowercase hex digits (vmtree serve hash-token makes"
                + " it); the token itself never goes in this file");
      } else if (byHash.containsKey(hash.substring(7))) {
        problems.add(
            where
                + (columns[3] + 1)
                + ": the same token as \""
                + byHash.get(hash.substring(7)).name()
                + "\"");
      }
      if (problems.size() == before) {
        names.put(name, i + 1);
        byHash.put(hash.substring(7), new Token(name, role, subtrees));
      }
    }
    if (!problems.isEmpty()) {
      throw new Invalid(String.join("\n", problems));
    }
    if (byHash.isEmpty()) {
      throw new Invalid(file + ": no token: nobody could use the service");
    }
    return Map.copyOf(byHash);
  }

  /** {@return the subtree written {@code /lab/**}, or the root for {@code /**}} */
  static TreePath subtree(String pattern) {
    if (pattern.equals("/**")) {
      return TreePath.ROOT;
    }
    if (!pattern.startsWith("/") || !pattern.endsWith("/**")) {
      throw new IllegalArgumentException(
          "subtree \"" + pattern + "\" must be written /path/** (or /** for everything)");
    }
    String path = pattern.substring(0, pattern.length() - 3);
    try {
      return TreePath.of(path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("subtree \"" + pattern + "\": " + e.getMessage(), e);
    }
  }

  /** {@return the hex SHA-256 of {@code token}}, as the tokens file keeps it */
  static String hash(String token) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static int[] columns(String line, String[] fields) {
    int[] columns = new int[Math.max(fields.length, 4)];
    int from = 0;
    for (int i = 0; i < fields.length; i++) {
      int at = line.indexOf(fields[i], from);
      columns[i] = at;
      from = at + fields[i].length();
    }
    for (int i = fields.length; i < columns.length; i++) {
      columns[i] = line.length();
    }
    return columns;
  }
}
