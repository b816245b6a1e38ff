package io.vmtree.state;

import io.vmtree.json.JsonLines;
import io.vmtree.ops.IsoInstant;
import io.vmtree.ops.SortedJson;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of the state files: snake_case keys in a fixed order, sorted keys in free-form maps,
 * instants as ISO-8601 strings, so that the same state always gives the same bytes. Files are
 * written from records and read as plain maps checked field by field, which is several times faster
 * than binding records and names the field in every error.
 */
final class StateCodec {
  static final int FORMAT_VERSION = 1;

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();
  private static final ObjectReader OBJECT_READER = MAPPER.readerFor(Map.class);
  // one line per record in the write-ahead log
  private static final tools.jackson.databind.ObjectWriter LINE_WRITER =
      MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);
  private static final tools.jackson.databind.ObjectWriter FILE_WRITER = MAPPER.writer();
  private static final JsonLines LINES = new JsonLines(LINE_WRITER);

  private StateCodec() {}

  /** What {@code meta.json} holds besides its format version. */
  record Meta(String lineage, long serial, long nextOperationId) {
    Meta withSerial(long next) {
      return new Meta(lineage, next, nextOperationId);
    }

    Meta withNextOperationId(long next) {
      return new Meta(lineage, serial, next);
    }
  }

  // The shapes written, field by field in file order; the naming strategy makes the keys
  // snake_case.
  private record MetaFile(int formatVersion, String lineage, long serial, long nextOperationId) {}

  private record FoldersFile(int formatVersion, List<String> folders) {}

  private record DescriptorFile(
      int formatVersion,
      String fullName,
      String status,
      String vmId,
      String hypervisor,
      Map<String, Object> localDefinition,
      Map<String, Object> deployedConfig,
      String lastError,
      OperationFile lastOperation,
      LifecycleFile lifecycle,
      List<String> dependsOn,
      OperationFile pending) {}

  private record OperationFile(
      long id,
      String type,
      String started,
      String finished,
      String outcome,
      Map<String, Object> result) {}

  private record RemovedLine(int formatVersion, String removed) {}

  private record LifecycleFile(
      boolean preventDestroy, boolean keepDisks, List<String> ignoreChanges, boolean allowReboot) {}

  private record LockFile(
      String id, String user, String host, long pid, String since, String command) {}

  /**
   * {@return {@code meta.json}}, written by hand as {@link #encodeMetaByBinding} binds it: the
   * first binding of a record builds its serializer by reflection, 3 ms of a cold command
   */
  static byte[] encodeMeta(Meta meta) {
    return fileOf(
        g -> {
          g.writeName("format_version");
          g.writeNumber(FORMAT_VERSION);
          SortedJson.writeString(g, "lineage", meta.lineage());
          g.writeName("serial");
          g.writeNumber(meta.serial());
          g.writeName("next_operation_id");
          g.writeNumber(meta.nextOperationId());
        });
  }

  /** {@return what databind writes for {@code meta.json}: the reference of the tests} */
  static byte[] encodeMetaByBinding(Meta meta) {
    return write(
        new MetaFile(FORMAT_VERSION, meta.lineage(), meta.serial(), meta.nextOperationId()));
  }

  static Meta decodeMeta(Path file, byte[] bytes) {
    JsonFields f = readVersioned(file, bytes);
    return new Meta(f.string("lineage"), f.number("serial"), f.number("next_operation_id"));
  }

  /**
   * {@return {@code folders.json}}, written by hand as {@link #encodeFoldersByBinding} binds it:
   * the first folder an apply creates waited ~6 ms for databind to build the record's serializer,
   * with every VM of the tree behind it
   */
  static byte[] encodeFolders(Collection<TreePath> folders) {
    List<String> sorted = strings(new TreeSet<>(folders));
    return fileOf(
        g -> {
          g.writeName("format_version");
          g.writeNumber(FORMAT_VERSION);
          g.writeName("folders");
          SortedJson.writeStrings(g, sorted);
        });
  }

  /** {@return what databind writes for {@code folders.json}: the reference of the tests} */
  static byte[] encodeFoldersByBinding(Collection<TreePath> folders) {
    return write(new FoldersFile(FORMAT_VERSION, strings(new TreeSet<>(folders))));
  }

  /** {@return a state file: an object whose fields {@code fields} writes, indented, newline} */
  private static byte[] fileOf(Consumer<JsonGenerator> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FILE_WRITER.createGenerator(out)) {
      g.writeStartObject();
      fields.accept(g);
      g.writeEndObject();
    }
    out.write('\n');
    return out.toByteArray();
  }

  static NavigableSet<TreePath> decodeFolders(Path file, byte[] bytes) {
    return new TreeSet<>(readVersioned(file, bytes).paths("folders"));
  }

  static byte[] encodeDescriptor(DescriptorState d) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    try (JsonGenerator g = FILE_WRITER.createGenerator(out)) {
      writeDescriptor(g, d);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /** {@return the descriptor as {@link #encodeDescriptor} does, on one line, without newline} */
  static byte[] encodeDescriptorLine(DescriptorState d) {
    return LINES.encode(g -> writeDescriptor(g, d));
  }

  /**
   * Writes the fields of {@link DescriptorFile} in its order, by hand: a descriptor is written
   * three times per VM an apply creates, and binding it was a tenth of the apply's CPU. {@code
   * StateCodecTest} holds these bytes to what databind writes for the record.
   */
  private static void writeDescriptor(JsonGenerator g, DescriptorState d) {
    Lifecycle l = d.lifecycle();
    g.writeStartObject();
    g.writeName("format_version");
    g.writeNumber(FORMAT_VERSION);
    SortedJson.writeString(g, "full_name", d.fullName().toString());
    SortedJson.writeString(g, "status", d.status().label());
    SortedJson.writeString(g, "vm_id", d.vmId());
    SortedJson.writeString(g, "hypervisor", d.hypervisor());
    g.writeName("local_definition");
    SortedJson.writeMap(g, d.localDefinition());
    g.writeName("deployed_config");
    SortedJson.writeMap(g, d.deployedConfig());
    SortedJson.writeString(g, "last_error", d.lastError());
    g.writeName("last_operation");
    writeOperation(g, d.lastOperation());
    g.writeName("lifecycle");
    g.writeStartObject();
    g.writeName("prevent_destroy");
    g.writeBoolean(l.preventDestroy());
    g.writeName("keep_disks");
    g.writeBoolean(l.keepDisks());
    g.writeName("ignore_changes");
    SortedJson.writeStrings(g, l.ignoreChanges());
    g.writeName("allow_reboot");
    g.writeBoolean(l.allowReboot());
    g.writeEndObject();
    g.writeName("depends_on");
    SortedJson.writeStrings(g, strings(d.dependsOn()));
    g.writeName("pending");
    writeOperation(g, d.pending());
    g.writeEndObject();
  }

  private static void writeOperation(JsonGenerator g, LastOperation op) {
    if (op == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeName("id");
    g.writeNumber(op.id());
    SortedJson.writeString(g, "type", op.type());
    SortedJson.writeString(g, "started", IsoInstant.format(op.started()));
    SortedJson.writeString(g, "finished", IsoInstant.format(op.finished()));
    SortedJson.writeString(g, "outcome", op.outcome());
    g.writeName("result");
    SortedJson.writeMap(g, op.result());
    g.writeEndObject();
  }

  /** The record {@link #writeDescriptor} writes by hand; kept as the shape's one definition. */
  private static Object descriptorFile(DescriptorState d) {
    Lifecycle l = d.lifecycle();
    return new DescriptorFile(
        FORMAT_VERSION,
        d.fullName().toString(),
        d.status().label(),
        d.vmId(),
        d.hypervisor(),
        d.localDefinition(),
        d.deployedConfig(),
        d.lastError(),
        encodeOperation(d.lastOperation()),
        new LifecycleFile(l.preventDestroy(), l.keepDisks(), l.ignoreChanges(), l.allowReboot()),
        strings(d.dependsOn()),
        encodeOperation(d.pending()));
  }

  /** {@return what databind writes for {@link #descriptorFile}: the reference of the tests} */
  static byte[] encodeDescriptorByBinding(DescriptorState d, boolean line) {
    return line ? LINE_WRITER.writeValueAsBytes(descriptorFile(d)) : write(descriptorFile(d));
  }

  /** {@return a line of the state log for the removal of {@code fullName}, without newline} */
  static byte[] encodeRemovedLine(TreePath fullName) {
    return LINE_WRITER.writeValueAsBytes(new RemovedLine(FORMAT_VERSION, fullName.toString()));
  }

  /**
   * {@return a line of the state log: the path it is about, and the descriptor, or empty for a
   * removal}
   */
  static Map.Entry<TreePath, java.util.Optional<DescriptorState>> decodeLogLine(
      Path where, byte[] bytes) {
    JsonFields f = readVersioned(where, bytes);
    if (f.optionalString("removed") != null) {
      return Map.entry(f.path("removed"), java.util.Optional.empty());
    }
    DescriptorState descriptor = descriptor(f);
    return Map.entry(descriptor.fullName(), java.util.Optional.of(descriptor));
  }

  static DescriptorState decodeDescriptor(Path file, byte[] bytes) {
    return descriptor(readVersioned(file, bytes));
  }

  private static DescriptorState descriptor(JsonFields f) {
    JsonFields l = f.nested("lifecycle");
    return new DescriptorState(
        f.path("full_name"),
        status(f),
        f.optionalString("vm_id"),
        f.optionalString("hypervisor"),
        f.map("local_definition"),
        f.optionalMap("deployed_config"),
        f.optionalString("last_error"),
        decodeOperation(f.optionalNested("last_operation")),
        new Lifecycle(
            l.bool("prevent_destroy"),
            l.bool("keep_disks"),
            l.strings("ignore_changes"),
            l.bool("allow_reboot")),
        f.paths("depends_on"),
        decodeOperation(f.optionalNested("pending")));
  }

  static byte[] encodeLock(LockInfo lock) {
    return write(
        new LockFile(
            lock.id(),
            lock.user(),
            lock.host(),
            lock.pid(),
            lock.since().toString(),
            lock.command()));
  }

  static LockInfo decodeLock(Path file, byte[] bytes) {
    JsonFields f = new JsonFields(file, readObject(file, bytes));
    return new LockInfo(
        f.string("id"),
        f.optionalString("user"),
        f.optionalString("host"),
        f.number("pid"),
        f.instant("since"),
        f.optionalString("command"));
  }

  private static OperationFile encodeOperation(LastOperation op) {
    if (op == null) {
      return null;
    }
    return new OperationFile(
        op.id(),
        op.type(),
        op.started() == null ? null : op.started().toString(),
        op.finished() == null ? null : op.finished().toString(),
        op.outcome(),
        op.result());
  }

  private static LastOperation decodeOperation(JsonFields f) {
    if (f == null) {
      return null;
    }
    return new LastOperation(
        f.number("id"),
        f.optionalString("type"),
        f.optionalInstant("started"),
        f.optionalInstant("finished"),
        f.optionalString("outcome"),
        f.map("result"));
  }

  private static byte[] write(Object value) {
    byte[] json = MAPPER.writeValueAsBytes(value);
    byte[] withNewline = new byte[json.length + 1];
    System.arraycopy(json, 0, withNewline, 0, json.length);
    withNewline[json.length] = '\n';
    return withNewline;
  }

  private static JsonFields readVersioned(Path file, byte[] bytes) {
    Map<String, Object> object = readObject(file, bytes);
    Object version = object.get("format_version");
    if (version == null) {
      throw new StateException("state file " + file + " is invalid: missing format_version");
    }
    if (!(version instanceof Integer v) || v < 1) {
      throw new StateException(
          "state file " + file + " is invalid: format_version must be a whole number from 1");
    }
    if (v > FORMAT_VERSION) {
      throw new StateException(
          "state file "
              + file
              + " was written by a newer vmtree (format_version "
              + v
              + "); upgrade vmtree");
    }
    return new JsonFields(file, object);
  }

  private static Map<String, Object> readObject(Path file, byte[] bytes) {
    if (blank(bytes)) {
      throw new StateException("state file " + file + " is empty");
    }
    Map<String, Object> object;
    try {
      object = OBJECT_READER.readValue(bytes);
    } catch (DatabindException e) {
      throw new StateException("state file " + file + " is invalid: not a JSON object", e);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null || at.getLineNr() < 1 ? "" : " at " + at.getLineNr() + ":" + at.getColumnNr();
      throw new StateException(
          "state file " + file + " is corrupt" + where + ": " + firstLine(e), e);
    }
    if (object == null) {
      throw new StateException("state file " + file + " is invalid: not a JSON object");
    }
    return object;
  }

  private static boolean blank(byte[] bytes) {
    for (byte b : bytes) {
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  private static String firstLine(JacksonException e) {
    String message = e.getOriginalMessage();
    String line = message == null ? "unreadable" : message.lines().findFirst().orElse("");
    int marker = line.indexOf(" (start marker at");
    line = marker < 0 ? line : line.substring(0, marker);
    return line.isEmpty() ? line : Character.toLowerCase(line.charAt(0)) + line.substring(1);
  }

  private static Status status(JsonFields f) {
    String label = f.string("status");
    for (Status status : Status.values()) {
      if (status.label().equals(label)) {
        return status;
      }
    }
    throw f.invalid(
        "status", "is \"" + label + "\"; expected provisioned, deployed or unreachable");
  }

  private static List<String> strings(Collection<TreePath> paths) {
    List<String> out = new ArrayList<>(paths.size());
    paths.forEach(p -> out.add(p.toString()));
    return out;
  }
}
