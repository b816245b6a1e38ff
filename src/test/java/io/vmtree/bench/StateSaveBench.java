package io.vmtree.bench;

import io.vmtree.state.DescriptorState;
import io.vmtree.state.LastOperation;
import io.vmtree.state.LocalStateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * How much does saving one descriptor cost in a state of 10 descriptors, and in one of 100,000?
 * (SPEC §5: the same.) Run by {@code bench/state-save.sh}.
 *
 * <p>{@code StateSaveBench [SAVES [DESCRIPTORS [WORKDIR]]]}: builds both states under WORKDIR (a
 * temp directory, deleted afterwards, when not given), then times SAVES saves in each, interleaved
 * so that a busy disk weighs on both alike, and prints the median and p99 per save, their ratio,
 * and how long {@code read()} and {@code lock()} take on the large state.
 */
public final class StateSaveBench {
  private static final int WARM_UP = 200;
  private static final int PER_FOLDER = 100;
  private static final double TARGET_RATIO = 1.5;

  private StateSaveBench() {}

  public static void main(String[] args) throws IOException {
    int saves = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int large = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    Path work =
        args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("vmtree-state-bench");
    try {
      run(saves, large, work);
    } finally {
      if (args.length <= 2) {
        deleteTree(work);
      }
    }
  }

  private static void run(int saves, int large, Path work) throws IOException {
    System.out.printf(Locale.ROOT, "state directory: %s%n", work);
    LocalStateBackend small = populate(work.resolve("state-10"), 10);
    long start = System.nanoTime();
    LocalStateBackend big = populate(work.resolve("state-" + large), large);
    System.out.printf(
        Locale.ROOT,
        "wrote %,d descriptors in %.1f s%n",
        large,
        seconds(System.nanoTime() - start));

    for (int run = 1; run <= 3; run++) {
      start = System.nanoTime();
      StateSnapshot snapshot = big.read();
      System.out.printf(
          Locale.ROOT,
          "read() of %,d descriptors, run %d: %.2f s%n",
          snapshot.descriptors().size(),
          run,
          seconds(System.nanoTime() - start));
      if (snapshot.descriptors().size() != large) {
        throw new IllegalStateException("read " + snapshot.descriptors().size() + " descriptors");
      }
    }
    start = System.nanoTime();
    big.lock(LocalStateBackend.currentProcess("bench")).close();
    System.out.printf(
        Locale.ROOT,
        "lock() + unlock on %,d descriptors (sweeps temp files): %.2f s%n",
        large,
        seconds(System.nanoTime() - start));

    Random random = new Random(42);
    for (int i = 0; i < WARM_UP; i++) {
      small.put(descriptor(path(i % 10), i));
      big.put(descriptor(path(random.nextInt(large)), i));
    }
    long[] smallNanos = new long[saves];
    long[] bigNanos = new long[saves];
    for (int i = 0; i < saves; i++) {
      smallNanos[i] = timedPut(small, descriptor(path(i % 10), i));
      bigNanos[i] = timedPut(big, descriptor(path(random.nextInt(large)), i));
    }

    System.out.printf(
        Locale.ROOT,
        "%n%,d saves of one descriptor each (descriptor file + meta.json, each fsynced)%n",
        saves);
    System.out.printf(
        Locale.ROOT, "%-12s %12s %12s %12s%n", "descriptors", "median µs", "p99 µs", "mean µs");
    report(10, smallNanos);
    report(large, bigNanos);
    double median = percentile(bigNanos, 50) / (double) percentile(smallNanos, 50);
    double p99 = percentile(bigNanos, 99) / (double) percentile(smallNanos, 99);
    System.out.printf(
        Locale.ROOT,
        "ratio %d/10: median %.2f, p99 %.2f (target: median under %.1f) %s%n",
        large,
        median,
        p99,
        TARGET_RATIO,
        median < TARGET_RATIO ? "ok" : "MISSED");
  }

  private static long timedPut(LocalStateBackend state, DescriptorState descriptor) {
    long start = System.nanoTime();
    state.put(descriptor);
    return System.nanoTime() - start;
  }

  /** Saves the first descriptor through the backend, then copies its file for the others. */
  private static LocalStateBackend populate(Path dir, int count) throws IOException {
    LocalStateBackend state = LocalStateBackend.of(dir);
    state.put(descriptor(path(0), 0));
    String template =
        Files.readString(file(dir, path(0)), StandardCharsets.UTF_8)
            .replace("\"" + path(0) + "\"", "\"%s\"");
    for (int i = 1; i < count; i++) {
      Path file = file(dir, path(i));
      if (i % PER_FOLDER == 0) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, template.replace("\"%s\"", "\"" + path(i) + "\""));
    }
    return state;
  }

  private static TreePath path(int i) {
    return TreePath.of("/bench/g" + i / PER_FOLDER + "/d" + i);
  }

  private static Path file(Path dir, TreePath path) {
    return dir.resolve("descriptors" + path + ".json");
  }

  private static DescriptorState descriptor(TreePath path, int save) {
    Map<String, Object> definition =
        Map.of(
            "vcpu",
            2,
            "memory",
            "4GiB",
            "base_image",
            "debian-12",
            "power",
            "on",
            "tags",
            Map.of("team", "db", "env", "prod", "cost_center", "cc-" + save % 7),
            "disks",
            List.of(Map.of("size", "40GiB"), Map.of("size", "200GiB")));
    Instant at = Instant.parse("2026-03-01T10:00:00Z").plusSeconds(save);
    return new DescriptorState(
        path,
        Status.DEPLOYED,
        "vm-" + path.name(),
        "sim1",
        definition,
        definition,
        null,
        new LastOperation(save + 1L, "update", at, at.plusSeconds(3), "succeeded", Map.of()),
        new Lifecycle(false, false, List.of("tags"), false),
        List.of(),
        null);
  }

  private static void report(int descriptors, long[] nanos) {
    System.out.printf(
        Locale.ROOT,
        "%-12s %12d %12d %12d%n",
        String.format(Locale.ROOT, "%,d", descriptors),
        percentile(nanos, 50) / 1000,
        percentile(nanos, 99) / 1000,
        (long) Arrays.stream(nanos).average().orElse(0) / 1000);
  }

  private static long percentile(long[] nanos, int p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
