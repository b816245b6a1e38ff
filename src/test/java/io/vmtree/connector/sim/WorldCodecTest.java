package io.vmtree.connector.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
  private static final JsonMapper TREE_MAPPER = JsonMapper.builder().build();
  private static final JsonMapper PRETTY_MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** A VM as a JSON tree, the reference of the bytes the codec writes by hand. */
  private static ObjectNode tree(SimVm vm) {
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
    return json;
  }

  private static WorldRecord read(byte[] line) {
    return WorldCodec.record(line, 0, line.length, "world.jsonl, line 1");
  }

  @Test
  void aVmIsOneLineByteForByteAsTheJsonTreeWritesIt() {
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      SimVm vm = randomVm(random, i);
      byte[] written = WorldCodec.line(new WorldRecord.Put(vm));
      ObjectNode line = TREE_MAPPER.createObjectNode();
      line.set("vm", tree(vm));
      assertArrayEquals(TREE_MAPPER.writeValueAsBytes(line), written, () -> new String(written));
      assertFalse(new String(written, StandardCharsets.UTF_8).contains("\n"), "one line");
      assertEquals(new WorldRecord.Put(vm), read(written));
    }
  }

  @Test
  void everyOtherRecordSurvivesItsLine() {
    List<WorldRecord> records =
        List.of(
            new WorldRecord.Deleted("vm-000007", List.of()),
            new WorldRecord.Deleted("vm-000008", List.of("vm-000008-disk0", "vm-000008-disk1")),
            new WorldRecord.Status(1, false),
            new WorldRecord.Status(1_000_000_000_000L, true),
            new WorldRecord.KeptDisks(List.of("vm-000002-disk0")));
    for (WorldRecord record : records) {
      byte[] line = WorldCodec.line(record);
      assertEquals(record.toString(), read(line).toString(), new String(line));
    }
  }

  @Test
  void aLineThatIsNoRecordIsAnErrorNamingWhere() {
    for (String line :
        List.of("{not json", "[1]", "{\"vm\": 3}", "{\"vm\": {\"id\": \"vm-000001\"}}", "{}")) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      SimWorldException e = assertThrows(SimWorldException.class, () -> read(bytes), line);
      assertTrue(e.getMessage().startsWith("damaged file world.jsonl, line 1: "), e.getMessage());
    }
  }

  @Test
  void readsTheFilesOfAnEarlierVmtree() {
    Random random = new Random(11);
    for (int i = 0; i < 50; i++) {
      SimVm vm = randomVm(random, i);
      byte[] file = PRETTY_MAPPER.writeValueAsBytes(tree(vm));
      assertEquals(vm, WorldCodec.vm(file, Path.of("vm.json")));
    }
    assertEquals(
        new WorldCodec.Status(42, true),
        WorldCodec.status(
            "{\n  \"next_id\" : 42,\n  \"down\" : true\n}".getBytes(StandardCharsets.UTF_8),
            Path.of("world.json")));
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
