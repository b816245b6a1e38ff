package io.vmtree.connector.sim;

import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Measures the sim under an apply-like load, after a floor: the same number of bare sleeps on the
 * same pool, which is what the machine can do at best. The load: {@code COUNT} creates (default
 * 1000) from {@code THREADS} threads (50) with {@code latency_ms} LATENCY (20) and {@code
 * max_parallel} = THREADS, then one list, then as many deletes; prints wall times against the ideal
 * {@code COUNT / THREADS * LATENCY}. Not a unit test: {@code java -cp
 * target/classes:target/test-classes:DEPS io.vmtree.connector.sim.SimBench [COUNT THREADS LATENCY
 * [DIR]]}.
 */
public final class SimBench {
  private SimBench() {}

  /** Runs the benchmark and prints one line per phase. */
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int latency = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    for (int round = 1; round <= rounds; round++) {
      System.out.println("round " + round);
      run(count, threads, latency, Files.createTempDirectory("simbench"));
    }
  }

  private static void run(int count, int threads, int latency, Path stateDir) throws Exception {
    HypervisorConfig config =
        new HypervisorConfig(
            "sim1",
            "sim",
            Map.of("latency_ms", latency, "max_parallel", threads),
            UnaryOperator.identity(),
            stateDir);
    long ideal = (long) Math.ceil((double) count / threads) * latency;
    try (HypervisorSession session = new SimConnector().connect(config)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long start = System.nanoTime();
      List<Future<?>> sleeps = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sleeps.add(
            pool.submit(
                () -> {
                  Thread.sleep(latency);
                  return null;
                }));
      }
      for (Future<?> done : sleeps) {
        done.get();
      }
      report("floor (sleep only)", count, threads, start, ideal);

      start = System.nanoTime();
      List<Future<String>> created = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        VmSpec spec =
            new VmSpec(
                "vm" + i,
                List.of("bench"),
                "/bench/vm" + i,
                "debian-12",
                2,
                4096,
                true,
                Map.of("env", "bench"),
                null);
        created.add(pool.submit(() -> session.create(spec).id()));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> id : created) {
        ids.add(id.get());
      }
      report("create", count, threads, start, ideal);

      start = System.nanoTime();
      int listed = session.list().size();
      report("list (" + listed + " VMs)", 1, 1, start, latency);

      start = System.nanoTime();
      List<Future<?>> deleted = new ArrayList<>();
      for (String id : ids) {
        deleted.add(pool.submit(() -> session.delete(id, false)));
      }
      for (Future<?> done : deleted) {
        done.get();
      }
      report("delete", count, threads, start, ideal);
      pool.shutdown();
      System.out.println("calls: " + session.calls() + ", world: " + stateDir.resolve("sim/sim1"));
    }
  }

  private static void report(String what, int count, int threads, long start, long idealMs) {
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "%-22s %5d calls at %2d threads: %6d ms (ideal %d ms, x%.2f)%n",
        what, count, threads, ms, idealMs, (double) ms / idealMs);
  }
}
