package io.vmtree.it.engine;

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

/**
 * The packaged program in its own process ({@code java -jar target/vmtree.jar}), as a user or a CI
 * job runs it: its own pid, its own lock, killable with SIGKILL. Output goes to files, so a killed
 * process leaves what it printed.
 */
final class VmtreeProcess {
  static final Path JAR = Path.of("target/vmtree.jar");

  /** A finished run. */
  record Result(int exitCode, String out, String err) {
    String all() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out:\n" + out + "\n--- err:\n" + err;
    }
  }

  /** A running process and the files its output goes to. */
  record Running(Process process, Path out, Path err) {
    long pid() {
      return process.pid();
    }

    /** Sends SIGKILL and waits until the process is gone. */
    void kill() {
      process.destroyForcibly();
      waitFor();
    }

    Result waitFor() {
      try {
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "vmtree did not finish in 120 s");
        return new Result(process.exitValue(), read(out), read(err));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private VmtreeProcess() {}

  /** {@return the process of {@code vmtree ARGS...}, started, with {@code env} changes} */
  static Running start(Path workDir, Map<String, String> env, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-jar",
                JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(workDir);
      Path out = Files.createTempFile(workDir, "out", ".txt");
      Path err = Files.createTempFile(workDir, "err", ".txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      env.forEach(
          (name, value) -> {
            if (value == null) {
              builder.environment().remove(name);
            } else {
              builder.environment().put(name, value);
            }
          });
      return new Running(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return the result of {@code vmtree ARGS...} run to its end} */
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
