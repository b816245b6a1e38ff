package io.vmtree.connector.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON of a world's files, written field by field (a JSON tree, no reflection: the first call
 * of a cold process stays cheap), with snake_case keys, indented for a person to read.
 */
final class WorldCodec {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private WorldCodec() {}

  /** {@code world.json}: the next id to hand out and whether the hypervisor is down. */
  record Status(long nextId, boolean down) {}

  static byte[] status(Status status) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("next_id", status.nextId());
    json.put("down", status.down());
    return MAPPER.writeValueAsBytes(json);
  }

  static Status status(byte[] bytes, Path file) {
    JsonNode json = parse(bytes, file);
    return new Status(required(json, "next_id", file).asLong(), json.path("down").asBoolean());
  }

  /** {@return {@code vms/<id>.json}} */
  static byte[] vm(SimVm vm) {
    ObjectNode json = MAPPER.createObjectNode();
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
    return MAPPER.writeValueAsBytes(json);
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
    ObjectNode json = MAPPER.createObjectNode();
    json.put("id", disk);
    json.put("vm_id", from.id());
    json.put("vm_name", from.name());
    json.put("marker", from.marker());
    json.put("base_image", from.baseImage());
    return MAPPER.writeValueAsBytes(json);
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
