package io.vmtree.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for bench/serve.sh: CLIENTS threads, each in a loop reading a random descriptor of PATHS and
 * polling operation OP (one then the other), until the file STOP exists or MAX_SECONDS pass. Prints
 * the number of reads, errors, and the p50/p99/max latency in milliseconds.
 *
 * <p>Usage: ServeLoad URL CLIENTS PATHS_FILE OP_ID STOP_FILE MAX_SECONDS
 */
public final class ServeLoad {
  private ServeLoad() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int clients = Integer.parseInt(args[1]);
    List<String> paths = Files.readAllLines(Path.of(args[2]));
    String op = args[3];
    Path stop = Path.of(args[4]);
    long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[5])).toNanos();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AtomicLong errors = new AtomicLong();
    List<long[]> all = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      long[] samples = new long[200_000];
      int[] count = {0};
      all.add(samples);
      Thread t =
          new Thread(
              () -> {
                int i = 0;
                while (System.nanoTime() < deadline
                    && !Files.exists(stop)
                    && i < samples.length - 1) {
                  String path =
                      (i % 2 == 0)
                          ? "/v1/descriptors"
                              + paths.get(ThreadLocalRandom.current().nextInt(paths.size()))
                          : "/v1/operations/" + op;
                  long start = System.nanoTime();
                  try {
                    HttpResponse<String> r =
                        client.send(
                            HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                      errors.incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                  samples[++i] = System.nanoTime() - start;
                }
                samples[0] = i;
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    int total = 0;
    for (long[] s : all) {
      total += (int) s[0];
    }
    long[] merged = new long[total];
    int at = 0;
    for (long[] s : all) {
      System.arraycopy(s, 1, merged, at, (int) s[0]);
      at += (int) s[0];
    }
    Arrays.sort(merged);
    if (total == 0) {
      System.out.println("reads: 0");
      return;
    }
    System.out.printf(
        "reads: %d (%d errors) by %d clients; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        total,
        errors.get(),
        clients,
        merged[total / 2] / 1e6,
        merged[(int) Math.min(total - 1, (long) Math.ceil(total * 0.99) - 1)] / 1e6,
        merged[total - 1] / 1e6);
  }
}
