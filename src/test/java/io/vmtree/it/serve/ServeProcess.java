package io.vmtree.it.serve;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar target/vmtree.jar serve ...} in its own process, as an operator runs it: its log
 * in a file, its URL read from the log, killable with SIGKILL or stopped with SIGTERM.
 */
final class ServeProcess {
  static final Path JAR = Path.of("target/vmtree.jar");
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern URL = Pattern.compile("listening on (http://\\S+)");

  final Process process;
  final Path log;
  final String url;
  private final HttpClient client = HttpClient.newHttpClient();

  private ServeProcess(Process process, Path log, String url) {
    this.process = process;
    this.log = log;
    this.url = url;
  }

  /** {@return a started service: {@code vmtree --state STATE serve --tree TREE EXTRA...}} */
  static ServeProcess start(Path workDir, Path tree, Path state, String... extra) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toAbsolutePath().toString(),
                "--state",
                state.toString(),
                "serve",
                "--tree",
                tree.toString(),
                "--listen",
                "127.0.0.1:0"));
    command.addAll(List.of(extra));
    try {
      Files.createDirectories(workDir);
      Path log = Files.createTempFile(workDir, "serve", ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        Matcher m = URL.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
          return new ServeProcess(process, log, m.group(1));
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "vmtree serve ended at start:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        Thread.sleep(50);
      }
      process.destroyForcibly();
      throw new IllegalStateException("vmtree serve did not start in 60 s");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@return the JSON of {@code METHOD url+path} with {@code body}} */
  @SuppressWarnings("unchecked")
  Map<String, Object> call(String method, String path, String body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url + path))
              .timeout(Duration.ofSeconds(60))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return JSON.readValue(r.body(), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends SIGKILL and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }

  /** Sends SIGTERM and waits until it is gone; {@return its exit code} */
  int stop() throws InterruptedException {
    process.destroy();
    process.waitFor(120, TimeUnit.SECONDS);
    return process.exitValue();
  }
}
