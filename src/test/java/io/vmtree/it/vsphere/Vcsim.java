package io.vmtree.it.vsphere;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * govmomi's vCenter simulator in its own process, for the vSphere tests: built once into {@code
 * target/vcsim} by {@code src/test/go/vcsim/build.sh} (which installs the Debian packages it needs
 * when missing), started on a free loopback port, stopped by {@link #close()}. Never skipped: a
 * simulator that cannot be built or started fails the test.
 */
public final class Vcsim implements AutoCloseable {
  public static final String USER = "vmtree";
  public static final String PASSWORD = "vcsim-" + Long.toHexString(new SecureRandom().nextLong());

  private static Path binary;

  private final Process process;
  private final String url;
  private final String thumbprint;

  private Vcsim(Process process, String url, String thumbprint) {
    this.process = process;
    this.url = url;
    this.thumbprint = thumbprint;
  }

  /**
   * {@return a running simulator: one datacenter DC0, cluster DC0_C0 of {@code hosts} hosts, {@code
   * vms} VMs}
   */
  public static Vcsim start(int hosts, int vms) {
    List<String> command =
        new ArrayList<>(
            List.of(
                build().toString(),
                "-l",
                "127.0.0.1:0",
                "-host",
                String.valueOf(hosts),
                "-vm",
                String.valueOf(vms),
                "-user",
                USER,
                "-password",
                PASSWORD));
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> readLine(lines));
      String line = first.get(120, TimeUnit.SECONDS);
      if (line == null) {
        throw new IllegalStateException("the simulator exited: " + process.waitFor());
      }
      String[] parts = line.trim().split(" ");
      return new Vcsim(process, parts[0], parts[1]);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the vSphere simulator: " + e, e);
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return the simulator's binary, built on first use} */
  static synchronized Path build() {
    if (binary != null) {
      return binary;
    }
    try {
      Process build =
          new ProcessBuilder("bash", "src/test/go/vcsim/build.sh", "target/vcsim/vcsim-lite")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!build.waitFor(20, TimeUnit.MINUTES) || build.exitValue() != 0) {
        throw new IllegalStateException("src/test/go/vcsim/build.sh failed");
      }
      binary = Path.of(out.trim().lines().reduce((a, b) -> b).orElseThrow());
      return binary;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@return the SDK URL, {@code https://127.0.0.1:PORT/sdk}} */
  public String url() {
    return url;
  }

  /** {@return host:port, as a hypervisor entry's {@code host}} */
  public String hostPort() {
    return URI.create(url).getAuthority();
  }

  /** {@return the SHA-1 thumbprint of its certificate, {@code AB:CD:...}} */
  public String thumbprint() {
    return thumbprint;
  }

  /** {@return how many SOAP requests it has served} */
  public long requests() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAll()}, null);
      HttpClient client = HttpClient.newBuilder().sslContext(context).build();
      String base = url.substring(0, url.length() - "/sdk".length());
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/vmtree/requests")).build(),
              HttpResponse.BodyHandlers.ofString());
      return Long.parseLong(response.body().trim());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the simulator's request count: " + e, e);
    }
  }

  /** Stops the simulator, as a vCenter that goes down. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
