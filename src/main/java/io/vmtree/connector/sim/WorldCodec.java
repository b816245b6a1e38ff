package io.vmtree.connector.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON of a world's files, with snake_case keys, readable by a person. */
final class WorldCodec {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private WorldCodec() {}

  /** {@code world.json}: the next id to hand out and whether the hypervisor is down. */
  record Status(long nextId, boolean down) {}

  /** {@code vms/<id>.json}. */
  record VmFile(
      String id,
      String name,
      List<String> folder,
      int vcpu,
      long memoryMib,
      String power,
      Map<String, String> tags,
      String description,
      String marker,
      String baseImage,
      List<String> disks) {}

  /** {@code kept-disks/<disk>.json}: a disk kept when its VM was deleted. */
  record KeptDisk(String id, String vmId, String vmName, String marker, String baseImage) {}

  static byte[] write(Object value) {
    return MAPPER.writeValueAsBytes(value);
  }

  static byte[] vm(SimVm vm) {
    return write(
        new VmFile(
            vm.id(),
            vm.name(),
            vm.folder(),
            vm.vcpu(),
            vm.memoryMib(),
            vm.poweredOn() ? "on" : "off",
            vm.tags(),
            vm.description(),
            vm.marker(),
            vm.baseImage(),
            vm.disks()));
  }

  static SimVm vm(byte[] json, Path file) {
    VmFile f = read(json, VmFile.class, file);
    try {
      return new SimVm(
          f.id(),
          f.name(),
          f.folder() == null ? List.of() : f.folder(),
          f.vcpu(),
          f.memoryMib(),
          "on".equals(f.power()),
          f.tags() == null ? Map.of() : f.tags(),
          f.description(),
          f.marker(),
          f.baseImage(),
          f.disks() == null ? List.of() : f.disks());
    } catch (NullPointerException e) {
      throw new SimWorldException("damaged file " + file + ": no " + e.getMessage(), e);
    }
  }

  static Status status(byte[] json, Path file) {
    return read(json, Status.class, file);
  }

  private static <T> T read(byte[] json, Class<T> type, Path file) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JacksonException e) {
      throw new SimWorldException("damaged file " + file + ": " + e.getOriginalMessage(), e);
    }
  }
}
