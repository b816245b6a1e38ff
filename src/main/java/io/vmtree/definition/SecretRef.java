package io.vmtree.definition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a secret written in a hypervisor entry: {@code ${env:NAME}} or {@code
 * ${file:PATH}} (SPEC §2). Only the reference text is ever stored or shown; the secret is read when
 * connecting.
 */
public record SecretRef(Source source, String name) {
  /** Where a secret is read from. */
  public enum Source {
    ENV,
    FILE
  }

  /** Fields whose value is a secret even when written literally (SPEC §11). */
  public static final java.util.Set<String> SECRET_FIELDS =
      java.util.Set.of("password", "token_secret");

  /** What output shows in place of a literal secret. */
  public static final String MASK = "(sensitive)";

  private static final Pattern REF = Pattern.compile("^\\$\\{(env|file):([^}]+)}$");

  /** {@return the reference written as {@code text}, if it is one} */
  public static Optional<SecretRef> parse(String text) {
    Matcher m = REF.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    Source source = m.group(1).equals("env") ? Source.ENV : Source.FILE;
    return Optional.of(new SecretRef(source, m.group(2)));
  }

  /** {@return true when {@code text} looks like a reference ({@code ${...}}) but is not valid} */
  public static boolean isMalformed(String text) {
    return text.contains("${") && parse(text).isEmpty();
  }

  /**
   * {@return the secret: the variable's value, or the file's content without its final newline}
   *
   * @param treeRoot where {@code ${file:...}} paths are relative to
   * @throws IllegalStateException naming the reference (never the value) when it cannot be read
   */
  public String resolve(Path treeRoot, Map<String, String> environment) {
    if (source == Source.ENV) {
      String value = environment.get(name);
      if (value == null) {
        throw new IllegalStateException("environment variable " + name + " is not set");
      }
      return value;
    }
    Path file = treeRoot.resolve(name);
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      return content.endsWith("\n") ? content.stripTrailing() : content;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read secret file " + name, e);
    }
  }

  @Override
  public String toString() {
    return "${" + source.name().toLowerCase(java.util.Locale.ROOT) + ":" + name + "}";
  }
}
