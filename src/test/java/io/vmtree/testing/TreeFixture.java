package io.vmtree.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a small tree of files for a test: relative path to content; a path ending in / is a
 * directory.
 */
public final class TreeFixture {
  private TreeFixture() {}

  /** {@return {@code root}, after writing every file of {@code files} below it} */
  public static Path write(Path root, Map<String, String> files) {
    try {
      Files.createDirectories(root);
      for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
        Path path = root.resolve(file.getKey());
        if (file.getKey().endsWith("/")) {
          Files.createDirectories(path);
          continue;
        }
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue());
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return a map of alternating path and content arguments} */
  public static Map<String, String> files(String... pathsAndContents) {
    Map<String, String> files = new TreeMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      files.put(pathsAndContents[i], pathsAndContents[i + 1]);
    }
    return files;
  }

  /** A root folder with one sim hypervisor and a "small" prototype, for valid descriptors. */
  public static final String ROOT_FOLDER =
      """
      definition:
        hypervisors:
          sim1: {type: sim, host: lab-sim-1}
        use_hypervisor: sim1
        prototypes:
          small: {base_image: debian-12, vcpu: 2, memory: 2GiB}
        use_prototype: small
      """;
}
