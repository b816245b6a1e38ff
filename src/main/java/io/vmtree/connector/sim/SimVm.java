package io.vmtree.connector.sim;

import io.vmtree.connector.LiveVm;
import io.vmtree.connector.VmSpec;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A VM of a sim world, as stored in its file.
 *
 * @param id its id ({@code vm-000001}), or null for a VM not created yet
 * @param folder the folder path segments it sits in (empty at the top)
 * @param description free text, or null
 * @param marker the full name of the descriptor that created it, or null when unmanaged
 * @param disks its disks; set by the world when it is created
 */
public record SimVm(
    String id,
    String name,
    List<String> folder,
    int vcpu,
    long memoryMib,
    boolean poweredOn,
    Map<String, String> tags,
    String description,
    String marker,
    String baseImage,
    List<String> disks) {
  public SimVm {
    Objects.requireNonNull(name, "name");
    folder = List.copyOf(folder);
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    Objects.requireNonNull(baseImage, "baseImage");
    disks = List.copyOf(disks);
  }

  /** {@return a VM to create, as {@code spec} asks for it} */
  public static SimVm of(VmSpec spec) {
    return new SimVm(
        null,
        spec.name(),
        spec.folder(),
        spec.vcpu(),
        spec.memoryMib(),
        spec.poweredOn(),
        spec.tags(),
        spec.description(),
        spec.marker(),
        spec.baseImage(),
        List.of());
  }

  /** {@return an unmanaged VM to create: at the top, 1 CPU, 1GiB, powered on, no tags} */
  public static SimVm unmanaged(String name, String baseImage) {
    return new SimVm(
        null, name, List.of(), 1, 1024, true, Map.of(), null, null, baseImage, List.of());
  }

  /** {@return the VM as the connector reports it} */
  public LiveVm toLive() {
    return new LiveVm(
        id, name, folder, vcpu, memoryMib, poweredOn, tags, description, marker, baseImage, disks);
  }

  /** {@return the folder as a path: {@code /lab/db}, or {@code /} at the top} */
  public String folderPath() {
    return "/" + String.join("/", folder);
  }

  /** {@return this VM with the CPUs, memory, power, tags and description of {@code spec}} */
  public SimVm withConfig(VmSpec spec) {
    return new SimVm(
        id,
        name,
        folder,
        spec.vcpu(),
        spec.memoryMib(),
        spec.poweredOn(),
        spec.tags(),
        spec.description(),
        marker,
        baseImage,
        disks);
  }

  /** {@return this VM renamed and moved to the folder and marker of {@code spec}} */
  public SimVm withPlacement(VmSpec spec) {
    return new SimVm(
        id,
        spec.name(),
        spec.folder(),
        vcpu,
        memoryMib,
        poweredOn,
        tags,
        description,
        spec.marker(),
        baseImage,
        disks);
  }

  /** {@return this VM with another id and disks: the world's part of creating it} */
  SimVm withIdentity(String newId, List<String> newDisks) {
    return new SimVm(
        newId,
        name,
        folder,
        vcpu,
        memoryMib,
        poweredOn,
        tags,
        description,
        marker,
        baseImage,
        newDisks);
  }

  /** {@return this VM renamed} */
  public SimVm withName(String newName) {
    return new SimVm(
        id,
        newName,
        folder,
        vcpu,
        memoryMib,
        poweredOn,
        tags,
        description,
        marker,
        baseImage,
        disks);
  }

  /** {@return this VM in another folder} */
  public SimVm withFolder(List<String> newFolder) {
    return new SimVm(
        id,
        name,
        newFolder,
        vcpu,
        memoryMib,
        poweredOn,
        tags,
        description,
        marker,
        baseImage,
        disks);
  }

  /** {@return this VM with {@code count} CPUs} */
  public SimVm withVcpu(int count) {
    return new SimVm(
        id, name, folder, count, memoryMib, poweredOn, tags, description, marker, baseImage, disks);
  }

  /** {@return this VM with {@code mib} MiB of memory} */
  public SimVm withMemoryMib(long mib) {
    return new SimVm(
        id, name, folder, vcpu, mib, poweredOn, tags, description, marker, baseImage, disks);
  }

  /** {@return this VM powered on or off} */
  public SimVm withPoweredOn(boolean on) {
    return new SimVm(
        id, name, folder, vcpu, memoryMib, on, tags, description, marker, baseImage, disks);
  }

  /** {@return this VM with the tag {@code key} set to {@code value}, or removed when null} */
  public SimVm withTag(String key, String value) {
    Map<String, String> newTags = new TreeMap<>(tags);
    if (value == null) {
      newTags.remove(key);
    } else {
      newTags.put(key, value);
    }
    return new SimVm(
        id,
        name,
        folder,
        vcpu,
        memoryMib,
        poweredOn,
        newTags,
        description,
        marker,
        baseImage,
        disks);
  }

  /** {@return this VM with another description (null for none)} */
  public SimVm withDescription(String text) {
    return new SimVm(
        id, name, folder, vcpu, memoryMib, poweredOn, tags, text, marker, baseImage, disks);
  }

  /** {@return this VM with another marker (null: unmanaged)} */
  public SimVm withMarker(String newMarker) {
    return new SimVm(
        id,
        name,
        folder,
        vcpu,
        memoryMib,
        poweredOn,
        tags,
        description,
        newMarker,
        baseImage,
        disks);
  }

  /** {@return this VM recorded as made from another image} */
  public SimVm withBaseImage(String image) {
    return new SimVm(
        id, name, folder, vcpu, memoryMib, poweredOn, tags, description, marker, image, disks);
  }
}
