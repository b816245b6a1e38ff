package io.vmtree.connector;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a VM should look like, as the engine asks a hypervisor for it.
 *
 * @param name the VM's name: the descriptor's name (SPEC §9)
 * @param folder the descriptor's folder path segments, e.g. {@code [lab, db]} for {@code
 *     /lab/db/pg1}
 * @param marker the descriptor's full name, stored on the VM so it can be recognised (SPEC §9)
 * @param baseImage the image or template to create it from
 * @param memoryMib memory in MiB
 * @param poweredOn whether it should be running
 * @param description free text, or null
 */
public record VmSpec(
    String name,
    List<String> folder,
    String marker,
    String baseImage,
    int vcpu,
    long memoryMib,
    boolean poweredOn,
    Map<String, String> tags,
    String description) {
  public VmSpec {
    Objects.requireNonNull(name, "name");
    folder = List.copyOf(folder);
    Objects.requireNonNull(marker, "marker");
    Objects.requireNonNull(baseImage, "baseImage");
    tags = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
  }
}
