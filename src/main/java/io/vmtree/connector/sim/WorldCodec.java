package io.vmtree.connector.sim;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of a world's files, written field by field on a generator (no reflection, no tree: the
 * first call of a cold process stays cheap), with snake_case keys, indented for a person to read.
 */
final class WorldCodec {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  // a generator of this writer indents as the mapper does
  private static final ObjectWriter WRITER = MAPPER.writer();

  private WorldCodec() {}

  /** {@code world.json}: the next id to hand out and whether the hypervisor is down. */
  record Status(long nextId, boolean down) {}

  static byte[] status(Status status) {
    return object(
        64,
        g -> {
          g.writeName("next_id");
          g.writeNumber(status.nextId());
          g.writeName("down");
          g.writeBoolean(status.down());
        });
  }

  static Status status(byte[] bytes, Path file) {
    JsonNode json = parse(bytes, file);
    return new Status(required(json, "next_id", file).asLong(), json.path("down").asBoolean());
  }

  /**
   * {@return {@code vms/<id>.json}}, written on a generator: every create writes one, and the
   * tree's serializers were the only databind code an apply's steps ran (a test holds the bytes to
   * what the tree wrote)
   */
  static byte[] vm(SimVm vm) {
    return object(
        512,
        g -> {
          string(g, "id", vm.id());
          string(g, "name", vm.name());
          strings(g, "folder", vm.folder());
          g.writeName("vcpu");
          g.writeNumber(vm.vcpu());
          g.writeName("memory_mib");
          g.writeNumber(vm.memoryMib());
          string(g, "power", vm.poweredOn() ? "on" : "off");
          g.writeName("tags");
          g.writeStartObject();
          for (Map.Entry<String, String> tag : vm.tags().entrySet()) {
            string(g, tag.getKey(), tag.getValue());
          }
          g.writeEndObject();
          string(g, "description", vm.description());
          string(g, "marker", vm.marker());
          string(g, "base_image", vm.baseImage());
          strings(g, "disks", vm.disks());
        });
  }

  /** {@return a JSON object whose fields {@code fields} writes, indented} */
  private static byte[] object(int expectedSize, Consumer<JsonGenerator> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(expectedSize);
    try (JsonGenerator g = WRITER.createGenerator(out)) {
      g.writeStartObject();
      fields.accept(g);
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  // as ops.SortedJson.writeString, which a connector may not use (ArchitectureTest)
  private static void string(JsonGenerator g, String name, String value) {
    g.writeName(name);
    if (value == null) {
      g.writeNull();
    } else {
      g.writeString(value);
    }
  }

  private static void strings(JsonGenerator g, String name, List<String> values) {
    g.writeName(name);
    g.writeStartArray();
    for (String value : values) {
      g.writeString(value);
    }
    g.writeEndArray();
  }

  static SimVm vm(byte[] bytes, Path file) {
    JsonNode json = parse(bytes, file);
    Map<String, String> tags = new TreeMap<>();
    json.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asString()));
    return new SimVm(
        required(json, "id", file).asString(),
        required(json, "name", file).asString(),
        strings(json.path("folder")),
        required(json, "vcpu", file).asInt(),
        required(json, "memory_mib", file).asLong(),
        "on".equals(json.path("power").asString("")),
        tags,
        optional(json, "description"),
        optional(json, "marker"),
        required(json, "base_image", file).asString(),
        strings(json.path("disks")));
  }

  /** {@return {@code kept-disks/<disk>.json}: a disk kept when its VM was deleted} */
  static byte[] keptDisk(String disk, SimVm from) {
    return object(
        256,
        g -> {
          string(g, "id", disk);
          string(g, "vm_id", from.id());
          string(g, "vm_name", from.name());
          string(g, "marker", from.marker());
          string(g, "base_image", from.baseImage());
        });
  }

  private static JsonNode parse(byte[] bytes, Path file) {
    try {
      JsonNode json = MAPPER.readTree(bytes);
      if (json == null || !json.isObject()) {
        throw new SimWorldException("damaged file " + file + ": not a JSON object", null);
      }
      return json;
    } catch (JacksonException e) {
      throw new SimWorldException("damaged file " + file + ": " + e.getOriginalMessage(), e);
    }
  }

  private static JsonNode required(JsonNode json, String field, Path file) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw new SimWorldException("damaged file " + file + ": no " + field, null);
    }
    return value;
  }

  private static String optional(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asString()));
    return values;
  }
}
