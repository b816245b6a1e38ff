package io.vmtree.bench;

import io.vmtree.state.DescriptorState;
import io.vmtree.state.LastOperation;
import io.vmtree.state.LocalStateBackend;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
 * so that a busy disk weighs on both alike, first without the lock (each save also rewrites {@code
 * meta.json}) and then under it, as apply saves. It prints the median and p99 per save, their
 * ratio, and how long {@code read()} and {@code lock()} take on the large state.
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
      long cpu = processCpuNanos();
      start = System.nanoTime();
      StateSnapshot snapshot = big.read();
      System.out.printf(
          Locale.ROOT,
          "read() of %,d descriptors, run %d: %.2f s (%.2f s of CPU)%n",
          snapshot.descriptors().size(),
          run,
          seconds(System.nanoTime() - start),
          seconds(processCpuNanos() - cpu));
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
    saves(small, big, large, WARM_UP, random);
    long[][] unlocked = saves(small, big, large, saves, random);
    StateBackend.StateLock smallLock = small.lock(LocalStateBackend.currentProcess("bench"));
    StateBackend.StateLock bigLock = big.lock(LocalStateBackend.currentProcess("bench"));
    long[][] locked = saves(small, big, large, saves, random);
    bigLock.close();
    smallLock.close();

    System.out.printf(Locale.ROOT, "%n%,d saves of one descriptor in each state%n", saves);
    System.out.printf(
        Locale.ROOT,
        "%-44s %12s %10s %10s %10s%n",
        "",
        "descriptors",
        "median µs",
        "p99 µs",
        "mean µs");
    String withMeta = "not locked (descriptor file + meta.json)";
    String underLock = "under the lock, as apply (descriptor file)";
    report(withMeta, 10, unlocked[0]);
    report(withMeta, large, unlocked[1]);
    report(underLock, 10, locked[0]);
    report(underLock, large, locked[1]);
    boolean ok = ratio("not locked", large, unlocked) & ratio("under the lock", large, locked);
    System.out.println(ok ? "target met" : "target MISSED");
  }

  /** {@return the nanoseconds of each save, interleaved: [0] in the small state, [1] the large} */
  private static long[][] saves(
      LocalStateBackend small, LocalStateBackend big, int large, int count, Random random) {
    long[][] nanos = new long[2][count];
    for (int i = 0; i < count; i++) {
      nanos[0][i] = timedPut(small, descriptor(path(i % 10), i));
      nanos[1][i] = timedPut(big, descriptor(path(random.nextInt(large)), i));
    }
    return nanos;
  }

  private static boolean ratio(String mode, int large, long[][] nanos) {
    double median = percentile(nanos[1], 50) / (double) percentile(nanos[0], 50);
    double p99 = percentile(nanos[1], 99) / (double) percentile(nanos[0], 99);
    System.out.printf(
        Locale.ROOT,
        "ratio %d/10, %s: median %.2f, p99 %.2f (target: median under %.1f)%n",
        large,
        mode,
        median,
        p99,
        TARGET_RATIO);
    return median < TARGET_RATIO;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
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

  private static void report(String mode, int descriptors, long[] nanos) {
    System.out.printf(
        Locale.ROOT,
        "%-44s %12s %10d %10d %10d%n",
        mode,
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
