package io.vmtree.connector.proxmox;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.VmSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * How a vmtree VM is written on PVE and read back (SPEC §9). PVE tags are flat words ({@code
 * [a-z0-9_][a-z0-9_+.-]*}, pve-common PVE::JSONSchema $PVE_TAG_RE), so:
 *
 * <ul>
 *   <li>the folder path is the tag {@code vmtree+lab+db} (for {@code /lab/db}; {@code vmtree} at
 *       the top): {@code +} cannot occur in a vmtree name, so the path reads back exactly;
 *   <li>a vmtree tag {@code env: prod} is the PVE tag {@code env+prod}, and {@code env: ""} is
 *       {@code env};
 *   <li>the marker (the descriptor's full name), its folder and template close the notes ({@code
 *       description}), after a {@code ---} line, below the descriptor's own description.
 * </ul>
 */
final class PveVms {
  static final String TAG_PREFIX = "vmtree";
  private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final Pattern TAG_VALUE = Pattern.compile("[A-Za-z0-9_.+-]*");
  private static final String RULE = "---";
  private static final Pattern BLOCK =
      Pattern.compile(
          "(?s)^(.*?)(?:\\n?)"
              + RULE
              + "\\nvmtree-marker: (\\S+)\\n(?:vmtree-folder: (\\S*)\\n)?"
              + "(?:vmtree-base-image: ([^\\n]*)\\n?)?\\s*$");
  private static final Pattern DISK =
      Pattern.compile("(?:scsi|virtio|sata|ide)\\d+|efidisk0|tpmstate0|unused\\d+");

  /** The config fields {@link #live} reads, besides the disks. */
  private static final java.util.Set<String> READ =
      java.util.Set.of(
          "name", "sockets", "cores", "vcpus", "memory", "tags", "description", "hotplug");

  private PveVms() {}

  /** {@return true when {@link #live} reads the config field {@code key}} */
  static boolean isRead(String key) {
    return READ.contains(key) || DISK.matcher(key).matches();
  }

  /** {@return the PVE {@code tags} value for {@code spec}: folder tag and its tags} */
  static String tags(String hypervisor, VmSpec spec) {
    StringJoiner tags = new StringJoiner(";");
    tags.add(folderTag(spec.folder()));
    spec.tags()
        .forEach(
            (key, value) -> {
              String v = value == null ? "" : value;
              if (!TAG_KEY.matcher(key).matches()
                  || key.equalsIgnoreCase(TAG_PREFIX)
                  || !TAG_VALUE.matcher(v).matches()) {
                throw new ConnectorException(
                    Kind.REJECTED,
                    hypervisor
                        + ": tag "
                        + key
                        + ": \""
                        + v
                        + "\" cannot be a PVE tag: keys are letters, digits, _ . - (not"
                        + " \"vmtree\"), values letters, digits, _ . - +");
              }
              tags.add(v.isEmpty() ? key : key + "+" + v);
            });
    return tags.toString();
  }

  static String folderTag(List<String> folder) {
    return folder.isEmpty() ? TAG_PREFIX : TAG_PREFIX + "+" + String.join("+", folder);
  }

  /** {@return the notes of {@code spec}: its description, then the vmtree block} */
  static String description(VmSpec spec) {
    String own = spec.description() == null ? "" : spec.description();
    String folder = "/" + String.join("/", spec.folder());
    return (own.isEmpty() ? "" : own + "\n")
        + RULE
        + "\nvmtree-marker: "
        + spec.marker()
        + "\nvmtree-folder: "
        + folder
        + "\nvmtree-base-image: "
        + spec.baseImage()
        + "\n";
  }

  /** {@return the config parameters that make a VM look like {@code spec}} */
  static Map<String, String> config(String hypervisor, VmSpec spec) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("name", spec.name());
    form.put("sockets", "1");
    form.put("cores", Integer.toString(spec.vcpu()));
    form.put("memory", Long.toString(spec.memoryMib()));
    form.put("tags", tags(hypervisor, spec));
    form.put("description", description(spec));
    return form;
  }

  /**
   * {@return the VM of a {@code GET /nodes/{node}/qemu/{vmid}/config} answer}
   *
   * @param poweredOn from the listing or {@code status/current}: config has no power state
   */
  static LiveVm live(String node, int vmid, JsonNode config, boolean poweredOn) {
    String notes = config.path("description").asString("");
    String description = notes;
    String marker = null;
    String baseImage = null;
    List<String> folder = new ArrayList<>();
    Matcher block = BLOCK.matcher(notes);
    if (block.matches()) {
      description = block.group(1);
      marker = block.group(2);
      baseImage = block.group(4);
    }
    Map<String, String> tags = new TreeMap<>();
    for (String tag : config.path("tags").asString("").split("[;, ]")) {
      if (tag.isEmpty()) {
        continue;
      }
      if (tag.equalsIgnoreCase(TAG_PREFIX) || tag.toLowerCase().startsWith(TAG_PREFIX + "+")) {
        String path =
            tag.length() > TAG_PREFIX.length() ? tag.substring(TAG_PREFIX.length() + 1) : "";
        folder = path.isEmpty() ? List.of() : Arrays.asList(path.split("\\+"));
        continue;
      }
      int plus = tag.indexOf('+');
      tags.put(plus < 0 ? tag : tag.substring(0, plus), plus < 0 ? "" : tag.substring(plus + 1));
    }
    long sockets = config.path("sockets").asLong(1);
    long cores = config.path("cores").asLong(1);
    long vcpus = config.path("vcpus").asLong(0);
    List<String> disks = new ArrayList<>();
    config
        .properties()
        .forEach(
            entry -> {
              String value = entry.getValue().asString("");
              if (DISK.matcher(entry.getKey()).matches() && !value.contains("media=cdrom")) {
                disks.add(entry.getKey() + "=" + value.split(",")[0]);
              }
            });
    // qemu-server applies cores and memory to a running VM only with cpu / memory hotplug, which
    // the default (network,disk,usb; "1" is an alias of it) leaves out: else a change waits for
    // the next start, so the plan marks it as needing a reboot
    List<String> hotplug =
        Arrays.asList(config.path("hotplug").asString("network,disk,usb").split(","));
    return new LiveVm(
        node + "/" + vmid,
        config.path("name").asString("VM" + vmid),
        folder,
        (int) (vcpus > 0 ? vcpus : sockets * cores),
        config.path("memory").asLong(512),
        poweredOn,
        tags,
        description.isEmpty() ? null : description,
        marker,
        baseImage,
        disks,
        hotplug.contains("cpu"),
        hotplug.contains("memory"));
  }

  /** A VM's id as node and number. */
  record VmRef(String node, int vmid) {
    String path() {
      return "/nodes/" + PveClient.segment(node) + "/qemu/" + vmid;
    }

    @Override
    public String toString() {
      return node + "/" + vmid;
    }
  }

  /** {@return the node and number of a {@code node/vmid} id} */
  static VmRef ref(String hypervisor, String vmId) {
    int slash = vmId == null ? -1 : vmId.indexOf('/');
    try {
      if (slash > 0) {
        return new VmRef(vmId.substring(0, slash), Integer.parseInt(vmId.substring(slash + 1)));
      }
    } catch (NumberFormatException e) {
      // falls through to the error
    }
    throw new ConnectorException(
        Kind.NOT_FOUND, hypervisor + ": \"" + vmId + "\" is not a Proxmox vm id (node/vmid)");
  }
}
