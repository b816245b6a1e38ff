package io.vmtree.state;

import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of the state files: snake_case keys, fixed field order, sorted map keys, instants as
 * ISO-8601 strings, so that the same state always gives the same bytes.
 */
final class StateCodec {
  static final int FORMAT_VERSION = 1;

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

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

  private interface Versioned {
    Integer formatVersion();
  }

  private record MetaFile(Integer formatVersion, String lineage, Long serial, Long nextOperationId)
      implements Versioned {}

  private record FoldersFile(Integer formatVersion, List<String> folders) implements Versioned {}

  private record DescriptorFile(
      Integer formatVersion,
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
      OperationFile pending)
      implements Versioned {}

  private record OperationFile(
      Long id,
      String type,
      String started,
      String finished,
      String outcome,
      Map<String, Object> result) {}

  private record LifecycleFile(
      Boolean preventDestroy, Boolean keepDisks, List<String> ignoreChanges, Boolean allowReboot) {}

  private record LockFile(
      String id, String user, String host, Long pid, String since, String command) {}

  static byte[] encodeMeta(Meta meta) {
    return write(
        new MetaFile(FORMAT_VERSION, meta.lineage(), meta.serial(), meta.nextOperationId()));
  }

  static Meta decodeMeta(Path file, byte[] bytes) {
    MetaFile f = read(file, bytes, MetaFile.class);
    return checked(
        file,
        () ->
            new Meta(
                required(f.lineage(), "lineage"),
                required(f.serial(), "serial"),
                required(f.nextOperationId(), "next_operation_id")));
  }

  static byte[] encodeFolders(Collection<TreePath> folders) {
    return write(new FoldersFile(FORMAT_VERSION, strings(new TreeSet<>(folders))));
  }

  static NavigableSet<TreePath> decodeFolders(Path file, byte[] bytes) {
    FoldersFile f = read(file, bytes, FoldersFile.class);
    return checked(file, () -> new TreeSet<>(paths(required(f.folders(), "folders"), "folders")));
  }

  static byte[] encodeDescriptor(DescriptorState d) {
    Lifecycle l = d.lifecycle();
    return write(
        new DescriptorFile(
            FORMAT_VERSION,
            d.fullName().toString(),
            d.status().label(),
            d.vmId(),
            d.hypervisor(),
            d.localDefinition(),
            d.deployedConfig(),
            d.lastError(),
            encodeOperation(d.lastOperation()),
            new LifecycleFile(
                l.preventDestroy(), l.keepDisks(), l.ignoreChanges(), l.allowReboot()),
            strings(d.dependsOn()),
            encodeOperation(d.pending())));
  }

  static DescriptorState decodeDescriptor(Path file, byte[] bytes) {
    DescriptorFile f = read(file, bytes, DescriptorFile.class);
    return checked(
        file,
        () -> {
          LifecycleFile l = required(f.lifecycle(), "lifecycle");
          return new DescriptorState(
              TreePath.of(required(f.fullName(), "full_name")),
              status(required(f.status(), "status")),
              f.vmId(),
              f.hypervisor(),
              noNulls(required(f.localDefinition(), "local_definition"), "local_definition"),
              f.deployedConfig() == null ? null : noNulls(f.deployedConfig(), "deployed_config"),
              f.lastError(),
              decodeOperation(f.lastOperation(), "last_operation"),
              new Lifecycle(
                  required(l.preventDestroy(), "lifecycle.prevent_destroy"),
                  required(l.keepDisks(), "lifecycle.keep_disks"),
                  required(l.ignoreChanges(), "lifecycle.ignore_changes"),
                  required(l.allowReboot(), "lifecycle.allow_reboot")),
              paths(required(f.dependsOn(), "depends_on"), "depends_on"),
              decodeOperation(f.pending(), "pending"));
        });
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
    LockFile f = readJson(file, bytes, LockFile.class);
    return checked(
        file,
        () ->
            new LockInfo(
                required(f.id(), "id"),
                f.user(),
                f.host(),
                required(f.pid(), "pid"),
                instant(required(f.since(), "since"), "since"),
                f.command()));
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

  private static LastOperation decodeOperation(OperationFile f, String field) {
    if (f == null) {
      return null;
    }
    return new LastOperation(
        required(f.id(), field + ".id"),
        f.type(),
        f.started() == null ? null : instant(f.started(), field + ".started"),
        f.finished() == null ? null : instant(f.finished(), field + ".finished"),
        f.outcome(),
        noNulls(required(f.result(), field + ".result"), field + ".result"));
  }

  private static byte[] write(Object value) {
    byte[] json = MAPPER.writeValueAsBytes(value);
    byte[] withNewline = new byte[json.length + 1];
    System.arraycopy(json, 0, withNewline, 0, json.length);
    withNewline[json.length] = '\n';
    return withNewline;
  }

  private static <T extends Versioned> T read(Path file, byte[] bytes, Class<T> type) {
    T value;
    try {
      value = readJson(file, bytes, type);
    } catch (StateException e) {
      checkVersion(file, versionOf(bytes));
      throw e;
    }
    checkVersion(file, value.formatVersion());
    if (value.formatVersion() == null) {
      throw new StateException("state file " + file + " is invalid: missing format_version");
    }
    return value;
  }

  private static <T> T readJson(Path file, byte[] bytes, Class<T> type) {
    if (blank(bytes)) {
      throw new StateException("state file " + file + " is empty");
    }
    T value;
    try {
      value = MAPPER.readValue(bytes, type);
    } catch (DatabindException e) {
      throw new StateException(
          "state file " + file + " is invalid" + where(e) + ": " + wrongType(e), e);
    } catch (JacksonException e) {
      throw new StateException(
          "state file " + file + " is corrupt" + where(e) + ": " + firstLine(e), e);
    }
    if (value == null) {
      throw new StateException("state file " + file + " is invalid: not a JSON object");
    }
    return value;
  }

  private static boolean blank(byte[] bytes) {
    for (byte b : bytes) {
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  private static Integer versionOf(byte[] bytes) {
    try {
      JsonNode version = MAPPER.readTree(bytes).get("format_version");
      return version != null && version.isInt() ? version.intValue() : null;
    } catch (JacksonException e) {
      return null;
    }
  }

  private static void checkVersion(Path file, Integer version) {
    if (version != null && version > FORMAT_VERSION) {
      throw new StateException(
          "state file "
              + file
              + " was written by a newer vmtree (format_version "
              + version
              + "); upgrade vmtree");
    }
  }

  private static String where(JacksonException e) {
    TokenStreamLocation at = e.getLocation();
    return at == null || at.getLineNr() < 1 ? "" : " at " + at.getLineNr() + ":" + at.getColumnNr();
  }

  private static String wrongType(JacksonException e) {
    StringBuilder field = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        field.append(field.length() == 0 ? "" : ".").append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        field.append('[').append(ref.getIndex()).append(']');
      }
    }
    return field.length() == 0 ? firstLine(e) : "wrong type of value for " + field;
  }

  private static String firstLine(JacksonException e) {
    String message = e.getOriginalMessage();
    String line = message == null ? "unreadable" : message.lines().findFirst().orElse("");
    int marker = line.indexOf(" (start marker at");
    line = marker < 0 ? line : line.substring(0, marker);
    return line.isEmpty() ? line : Character.toLowerCase(line.charAt(0)) + line.substring(1);
  }

  private static <T> T checked(Path file, Supplier<T> conversion) {
    try {
      return conversion.get();
    } catch (IllegalArgumentException e) {
      throw new StateException("state file " + file + " is invalid: " + e.getMessage(), e);
    } catch (NullPointerException e) {
      throw new StateException("state file " + file + " is invalid: a list holds a null", e);
    }
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("missing " + field);
    }
    return value;
  }

  private static Map<String, Object> noNulls(Map<String, Object> map, String field) {
    map.forEach(
        (key, value) -> {
          if (value == null) {
            throw new IllegalArgumentException(field + "." + key + " is null");
          }
        });
    return map;
  }

  private static Status status(String label) {
    for (Status status : Status.values()) {
      if (status.label().equals(label)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "unknown status \"" + label + "\" (expected provisioned, deployed or unreachable)");
  }

  private static Instant instant(String text, String field) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          field + " is not an ISO-8601 instant: \"" + text + "\"", e);
    }
  }

  private static List<String> strings(Collection<TreePath> paths) {
    List<String> out = new ArrayList<>(paths.size());
    paths.forEach(p -> out.add(p.toString()));
    return out;
  }

  private static List<TreePath> paths(List<String> texts, String field) {
    List<TreePath> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      out.add(TreePath.of(required(text, field + " entry")));
    }
    return out;
  }
}
