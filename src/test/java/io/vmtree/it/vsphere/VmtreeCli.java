package io.vmtree.it.vsphere;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code java -jar target/vmtree.jar ...} in its own process, as a user runs it. */
final class VmtreeCli {
  private static final Path JAR = Path.of("target/vmtree.jar");

  record Result(int exitCode, String out, String err) {
    String all() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out:\n" + out + "\n--- err:\n" + err;
    }
  }

  record Running(Process process, Path out, Path err) {
    Result waitFor() {
      try {
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "vmtree did not finish in 300 s");
        return new Result(process.exitValue(), read(out), read(err));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private VmtreeCli() {}

  static Running start(Path workDir, Map<String, String> env, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(workDir, "out", ".txt");
      Path err = Files.createTempFile(workDir, "err", ".txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().putAll(env);
      return new Running(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Result run(Path workDir, Map<String, String> env, String... args) {
    return start(workDir, env, args).waitFor();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
