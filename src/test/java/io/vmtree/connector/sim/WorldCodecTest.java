package io.vmtree.connector.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class WorldCodecTest {
  private static final JsonMapper TREE_MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** The VM file as the sim wrote it before, through a JSON tree: the reference of the bytes. */
  private static byte[] byTree(SimVm vm) {
    ObjectNode json = TREE_MAPPER.createObjectNode();
    json.put("id", vm.id());
    json.put("name", vm.name());
    ArrayNode folder = json.putArray("folder");
    vm.folder().forEach(folder::add);
    json.put("vcpu", vm.vcpu());
    json.put("memory_mib", vm.memoryMib());
    json.put("power", vm.poweredOn() ? "on" : "off");
    ObjectNode tags = json.putObject("tags");
    vm.tags().forEach(tags::put);
    json.put("description", vm.description());
    json.put("marker", vm.marker());
    json.put("base_image", vm.baseImage());
    ArrayNode disks = json.putArray("disks");
    vm.disks().forEach(disks::add);
    return TREE_MAPPER.writeValueAsBytes(json);
  }

  @Test
  void writesAVmFileByteForByteAsTheJsonTreeDid() {
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      SimVm vm = randomVm(random, i);
      byte[] written = WorldCodec.vm(vm);
      assertArrayEquals(byTree(vm), written, () -> new String(written));
      assertEquals(vm, WorldCodec.vm(written, Path.of("vm.json")));
    }
  }

  @Test
  void writesWorldJsonAndKeptDisksByteForByteAsTheJsonTreeDid() {
    for (long next : new long[] {1, 42, 1_000_000_000_000L}) {
      for (boolean down : new boolean[] {false, true}) {
        ObjectNode json = TREE_MAPPER.createObjectNode();
        json.put("next_id", next);
        json.put("down", down);
        byte[] written = WorldCodec.status(new WorldCodec.Status(next, down));
        assertArrayEquals(TREE_MAPPER.writeValueAsBytes(json), written, () -> new String(written));
        assertEquals(
            new WorldCodec.Status(next, down), WorldCodec.status(written, Path.of("world.json")));
      }
    }
    Random random = new Random(11);
    for (int i = 0; i < 50; i++) {
      SimVm vm = randomVm(random, i);
      ObjectNode json = TREE_MAPPER.createObjectNode();
      json.put("id", vm.id() + "-disk0");
      json.put("vm_id", vm.id());
      json.put("vm_name", vm.name());
      json.put("marker", vm.marker());
      json.put("base_image", vm.baseImage());
      assertArrayEquals(
          TREE_MAPPER.writeValueAsBytes(json), WorldCodec.keptDisk(vm.id() + "-disk0", vm));
    }
  }

  private static SimVm randomVm(Random random, int i) {
    List<String> folder = new ArrayList<>();
    for (int k = random.nextInt(4); k > 0; k--) {
      folder.add(text(random));
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (int k = random.nextInt(4); k > 0; k--) {
      tags.put(text(random), text(random));
    }
    List<String> disks = new ArrayList<>();
    for (int k = random.nextInt(3); k > 0; k--) {
      disks.add("vm-" + i + "-disk" + k);
    }
    return new SimVm(
        "vm-" + String.format("%06d", i),
        text(random),
        folder,
        1 + random.nextInt(64),
        random.nextInt(5) == 0 ? 1L << 40 : 512 + random.nextInt(65536),
        random.nextBoolean(),
        tags,
        random.nextBoolean() ? null : text(random),
        random.nextBoolean() ? null : "/" + text(random),
        text(random),
        disks);
  }

  /** Letters, digits, quotes, backslashes, control and non-ASCII characters: what JSON escapes. */
  private static String text(Random random) {
    String alphabet = "abcXYZ019-_./ \"\\\n\t\u00e9\u4e2d\u0001";
    StringBuilder out = new StringBuilder();
    for (int k = 1 + random.nextInt(12); k > 0; k--) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
