package io.vmtree.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Descriptors written by hand hold the bytes databind writes for the same record, and read back.
 */
class StateCodecTest {
  private static Map<String, Object> config(Random random) {
    Map<String, Object> config = new HashMap<>();
    config.put("vcpu", 1 + random.nextInt(8));
    config.put("memory", (1 + random.nextInt(16)) + "GiB");
    config.put("power", random.nextBoolean() ? "on" : "off");
    config.put("tags", Map.of("env", "lab", "team", "web \"ops\"", "n" + random.nextInt(9), "x"));
    config.put("ratio", random.nextDouble());
    config.put("base_image", "debian-12");
    config.put("nested", Map.of("list", List.of(1, "two", 3.5, true), "empty", Map.of()));
    return config;
  }

  private static LastOperation operation(Random random, String outcome) {
    Instant started = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(1000), 123_000_000);
    return new LastOperation(
        1 + random.nextInt(10_000),
        "deploy",
        started,
        "running".equals(outcome) ? null : started.plusMillis(random.nextInt(5000)),
        outcome,
        "running".equals(outcome)
            ? Map.of("config", config(random))
            : Map.of("vm_id", "vm-00004" + random.nextInt(10)));
  }

  private static DescriptorState descriptor(Random random) {
    boolean deployed = random.nextBoolean();
    return new DescriptorState(
        TreePath.of("/lab/f" + random.nextInt(10) + "/web" + random.nextInt(1000)),
        deployed ? Status.DEPLOYED : Status.PROVISIONED,
        deployed ? "vm-000" + random.nextInt(999) : null,
        deployed ? "sim1" : null,
        random.nextBoolean() ? Map.of() : config(random),
        deployed ? config(random) : null,
        random.nextBoolean() ? null : "sim1: image missing-x not found",
        random.nextBoolean() ? null : operation(random, "succeeded"),
        random.nextBoolean()
            ? Lifecycle.DEFAULT
            : new Lifecycle(true, random.nextBoolean(), List.of("tags", "memory"), true),
        random.nextBoolean() ? List.of() : List.of(TreePath.of("/lab/db/pg1"), TreePath.of("/a")),
        random.nextBoolean() ? null : operation(random, "running"));
  }

  @Test
  void metaAndFoldersAreTheBytesDatabindWritesAndReadBack() {
    Random random = new Random(11);
    for (int i = 0; i < 100; i++) {
      StateCodec.Meta meta =
          new StateCodec.Meta(
              i % 7 == 0 ? "l\u00e9n\"e\\age\n" + i : java.util.UUID.randomUUID().toString(),
              random.nextInt(5) == 0 ? Long.MAX_VALUE : random.nextInt(1_000_000),
              1 + random.nextInt(1_000_000));
      byte[] written = StateCodec.encodeMeta(meta);
      assertEquals(
          new String(StateCodec.encodeMetaByBinding(meta), UTF_8), new String(written, UTF_8));
      assertEquals(meta, StateCodec.decodeMeta(Path.of("meta.json"), written));

      List<TreePath> folders = new java.util.ArrayList<>();
      for (int k = random.nextInt(6); k > 0; k--) {
        folders.add(TreePath.of("/f" + random.nextInt(50) + (k % 2 == 0 ? "/sub-" + k : "")));
      }
      byte[] file = StateCodec.encodeFolders(folders);
      assertEquals(
          new String(StateCodec.encodeFoldersByBinding(folders), UTF_8), new String(file, UTF_8));
      assertEquals(
          new java.util.TreeSet<>(folders),
          StateCodec.decodeFolders(Path.of("folders.json"), file));
    }
  }

  @Test
  void descriptorFilesAndLogLinesAreTheBytesDatabindWritesAndReadBack() {
    Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      DescriptorState d = descriptor(random);

      byte[] file = StateCodec.encodeDescriptor(d);
      byte[] line = StateCodec.encodeDescriptorLine(d);

      assertEquals(
          new String(StateCodec.encodeDescriptorByBinding(d, false), UTF_8),
          new String(file, UTF_8));
      assertEquals(
          new String(StateCodec.encodeDescriptorByBinding(d, true), UTF_8),
          new String(line, UTF_8));
      assertEquals(d, StateCodec.decodeDescriptor(Path.of("d.json"), file));
      assertEquals(d, StateCodec.decodeLogLine(Path.of("wal.jsonl:1"), line).getValue().get());
    }
  }
}
