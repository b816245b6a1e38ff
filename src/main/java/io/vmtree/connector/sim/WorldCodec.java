package io.vmtree.connector.sim;

import io.vmtree.json.JsonLines;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of a world's log: one record a line, written field by field on a generator (no
 * reflection, no tree: the first call of a cold process stays cheap), with snake_case keys. Also
 * reads the files of a world written by an earlier vmtree (a file per VM), to turn them into a log.
 */
final class WorldCodec {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final ObjectWriter WRITER = MAPPER.writer();
  private static final JsonLines LINES = new JsonLines(WRITER);

  private WorldCodec() {}

  /** What {@code world.json} of an earlier vmtree held: the next id and the down flag. */
  record Status(long nextId, boolean down) {}

  /** {@return {@code record} as a line of the log, without its newline} */
  static byte[] line(WorldRecord record) {
    return LINES.encode(g -> write(g, record));
  }

  /** {@return the lines of {@code records}, each with its newline} */
  static byte[] lines(List<WorldRecord> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * (records.size() + 1));
    for (WorldRecord record : records) {
      byte[] line = line(record);
      out.write(line, 0, line.length);
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, WorldRecord record) {
    g.writeStartObject();
    if (record instanceof WorldRecord.Put put) {
      g.writeName("vm");
      writeVm(g, put.vm());
    } else if (record instanceof WorldRecord.Deleted deleted) {
      string(g, "deleted", deleted.id());
      strings(g, "kept_disks", deleted.keptDisks());
    } else if (record instanceof WorldRecord.Status status) {
      g.writeName("next_id");
      g.writeNumber(status.nextId());
      g.writeName("down");
      g.writeBoolean(status.down());
    } else if (record instanceof WorldRecord.KeptDisks kept) {
      strings(g, "kept_disks", kept.disks());
    } else {
      throw new IllegalArgumentException("no line for " + record);
    }
    g.writeEndObject();
  }

  private static void writeVm(JsonGenerator g, SimVm vm) {
    g.writeStartObject();
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
    g.writeEndObject();
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

  /**
   * {@return the record of one line of the log}
   *
   * @param where the file and line, for errors
   * @throws SimWorldException naming {@code where} when the line is not a record
   */
  static WorldRecord record(byte[] bytes, int offset, int length, String where) {
    JsonNode json = parse(bytes, offset, length, where);
    if (json.has("vm")) {
      JsonNode vm = json.get("vm");
      if (!vm.isObject()) {
        throw damaged(where, "vm is not an object");
      }
      return new WorldRecord.Put(vm(vm, where));
    }
    if (json.has("deleted")) {
      return new WorldRecord.Deleted(
          required(json, "deleted", where).asString(), strings(json.path("kept_disks")));
    }
    if (json.has("next_id")) {
      return new WorldRecord.Status(
          required(json, "next_id", where).asLong(), json.path("down").asBoolean());
    }
    if (json.has("kept_disks")) {
      return new WorldRecord.KeptDisks(strings(json.path("kept_disks")));
    }
    throw damaged(where, "not a record of a sim world");
  }

  /** {@return {@code world.json} of an earlier vmtree} */
  static Status status(byte[] bytes, Path file) {
    String where = file.toString();
    JsonNode json = parse(bytes, 0, bytes.length, where);
    return new Status(required(json, "next_id", where).asLong(), json.path("down").asBoolean());
  }

  /** {@return {@code vms/<id>.json} of an earlier vmtree} */
  static SimVm vm(byte[] bytes, Path file) {
    return vm(parse(bytes, 0, bytes.length, file.toString()), file.toString());
  }

  private static SimVm vm(JsonNode json, String where) {
    Map<String, String> tags = new TreeMap<>();
    json.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asString()));
    return new SimVm(
        required(json, "id", where).asString(),
        required(json, "name", where).asString(),
        strings(json.path("folder")),
        required(json, "vcpu", where).asInt(),
        required(json, "memory_mib", where).asLong(),
        "on".equals(json.path("power").asString("")),
        tags,
        optional(json, "description"),
        optional(json, "marker"),
        required(json, "base_image", where).asString(),
        strings(json.path("disks")));
  }

  private static JsonNode parse(byte[] bytes, int offset, int length, String where) {
    try {
      JsonNode json = MAPPER.readTree(bytes, offset, length);
      if (json == null || !json.isObject()) {
        throw damaged(where, "not a JSON object");
      }
      return json;
    } catch (JacksonException e) {
      throw new SimWorldException("damaged file " + where + ": " + e.getOriginalMessage(), e);
    }
  }

  private static JsonNode required(JsonNode json, String field, String where) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw damaged(where, "no " + field);
    }
    return value;
  }

  private static SimWorldException damaged(String where, String why) {
    return new SimWorldException("damaged file " + where + ": " + why, null);
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
