package io.vmtree.connector.proxmox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The VM configs vmtree has read, so that a refresh asks PVE only for the configs that may have
 * changed: a VM's config is read again when its row in {@code GET /cluster/resources?type=vm} (its
 * {@link Summary}) differs from the row it was read with.
 *
 * <p>The cache is kept in {@code <state dir>/cache/proxmox/<hypervisor>.json}, so that a new
 * process refreshing an unchanged cluster makes one call. It is a cache, never state: a file that
 * is missing, unreadable, corrupt, of another format or of another cluster or user is ignored (the
 * next refresh reads every config and writes it anew), and a file that cannot be written is
 * skipped. It holds only the listing rows and the config fields vmtree reads ({@link
 * PveVms#isRead}), never a credential and never the rest of the config ({@code cipassword} and the
 * like). Writes are atomic (temp file and rename, no fsync: losing it costs one full refresh).
 *
 * <p>What "changed" cannot see: PVE fills {@code name}, {@code status}, {@code maxcpu} and {@code
 * maxmem} of a row from the statistics pvestatd broadcasts about every 10 s (pve-manager
 * PVE/API2Tools.pm extract_vm_stats), while {@code tags} and {@code lock} come from the config
 * files and {@code pool} from user.cfg (PVE/API2/Cluster.pm resources). So a change of the notes
 * alone, or a change kept pending on a running VM, made behind vmtree's back, shows only when
 * another field of the row changes, or on a full refresh; and a change made in the last seconds
 * shows once pvestatd has reported it. vmtree forgets (on disk too) a VM before it changes it, so
 * its own changes are always read back.
 */
final class RefreshCache {
  /** The layout of the file; a file of another format is ignored. */
  static final int FORMAT = 1;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A VM's row in the cluster listing, the part that says whether its config may have changed. */
  record Summary(
      String node,
      String name,
      String status,
      long maxcpu,
      long maxmem,
      String tags,
      String lock,
      String pool,
      boolean template) {
    static Summary of(JsonNode row) {
      return new Summary(
          row.path("node").asString(""),
          row.path("name").asString(""),
          row.path("status").asString(""),
          row.path("maxcpu").asLong(0),
          row.path("maxmem").asLong(0),
          row.path("tags").asString(""),
          row.path("lock").asString(""),
          row.path("pool").asString(""),
          row.path("template").asInt(0) == 1);
    }
  }

  /** A VM's config (the fields vmtree reads) and the row it was read with. */
  private record Entry(Summary summary, Map<String, String> config) {}

  private final Path stateDir;
  private final Path file;
  private final String cluster;
  private final String user;
  private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  private volatile boolean dirty;

  private RefreshCache(Path stateDir, Path file, String cluster, String user) {
    this.stateDir = stateDir;
    this.file = file;
    this.cluster = cluster;
    this.user = user;
  }

  /** {@return an empty cache kept in this process only} */
  static RefreshCache inMemory() {
    return new RefreshCache(null, null, "", "");
  }

  /** {@return the file of hypervisor {@code name}'s cache in {@code stateDir}} */
  static Path file(Path stateDir, String name) {
    return stateDir
        .resolve("cache")
        .resolve("proxmox")
        .resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json");
  }

  /**
   * {@return an empty cache that will be written to the file of {@code name} in {@code stateDir}}
   */
  static RefreshCache empty(Path stateDir, String name, String cluster, String user) {
    return new RefreshCache(stateDir, file(stateDir, name), cluster, user);
  }

  /**
   * {@return the cache of hypervisor {@code name} kept in {@code stateDir}, or an empty one when
   * its file is missing, unreadable, of another format, or was written for another cluster or user}
   *
   * @param cluster the cluster's address ({@code host:port}): another cluster behind the same
   *     hypervisor name never reuses the file
   * @param user the token id or user: another one may see other VMs
   */
  static RefreshCache load(Path stateDir, String name, String cluster, String user) {
    RefreshCache cache = empty(stateDir, name, cluster, user);
    Path file = cache.file;
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root.path("format").asInt(-1) != FORMAT
          || !cluster.equals(root.path("cluster").asString(null))
          || !user.equals(root.path("user").asString(null))) {
        return cache;
      }
      for (Map.Entry<String, JsonNode> vm : root.path("vms").properties()) {
        int slash = vm.getKey().indexOf('/');
        int vmid = Integer.parseInt(vm.getKey().substring(slash + 1));
        Summary summary = JSON.treeToValue(vm.getValue().path("summary"), Summary.class);
        Map<String, String> config = new LinkedHashMap<>();
        vm.getValue()
            .path("config")
            .properties()
            .forEach(field -> config.put(field.getKey(), field.getValue().asString()));
        if (summary.node() == null || !vm.getKey().equals(summary.node() + "/" + vmid)) {
          return empty(stateDir, name, cluster, user); // not what this class writes
        }
        cache.entries.put(vmid, new Entry(summary, config));
      }
      return cache;
    } catch (RuntimeException e) { // Jackson reports I/O and parse errors unchecked
      // missing, unreadable or corrupt: a cache costs one full refresh to rebuild, never an error
      return empty(stateDir, name, cluster, user);
    }
  }

  /** {@return the config read with {@code summary}, or null when it must be read again} */
  ObjectNode get(int vmid, Summary summary) {
    Entry entry = entries.get(vmid);
    if (entry == null || !entry.summary().equals(summary)) {
      return null;
    }
    ObjectNode config = JSON.createObjectNode();
    entry.config().forEach(config::put);
    return config;
  }

  /** Keeps the fields of {@code config} vmtree reads, as read with {@code summary}. */
  void put(int vmid, Summary summary, JsonNode config) {
    Map<String, String> kept = new TreeMap<>();
    config
        .properties()
        .forEach(
            field -> {
              if (PveVms.isRead(field.getKey()) && field.getValue().isValueNode()) {
                kept.put(field.getKey(), field.getValue().asString());
              }
            });
    entries.put(vmid, new Entry(summary, kept));
    dirty = true;
  }

  /**
   * Forgets a VM vmtree is about to change, on disk at once: a process that dies after the change
   * must not leave a cache that hides it (a change of the notes alone does not show in the row).
   */
  void forget(int vmid) {
    if (entries.remove(vmid) != null) {
      dirty = true;
      save();
    }
  }

  /** Forgets the VMs not in {@code present}. */
  void retain(Set<Integer> present) {
    if (entries.keySet().retainAll(present)) {
      dirty = true;
    }
  }

  /**
   * Writes the file if anything changed since it was read; a failure only skips the write. Nothing
   * is written before the state directory exists (a plan before the first apply creates nothing).
   */
  void save() {
    if (file == null || !dirty || !Files.isDirectory(stateDir)) {
      return;
    }
    synchronized (writeLock) {
      dirty = false;
      ObjectNode root = JSON.createObjectNode();
      root.put("format", FORMAT);
      root.put(
          "comment",
          "vmtree's cache of Proxmox VE configs: delete it at will, it costs one full refresh");
      root.put("cluster", cluster);
      root.put("user", user);
      ObjectNode vms = root.putObject("vms");
      new TreeMap<>(entries)
          .forEach(
              (vmid, entry) -> {
                ObjectNode vm = vms.putObject(entry.summary().node() + "/" + vmid);
                vm.set("summary", JSON.valueToTree(entry.summary()));
                ObjectNode config = vm.putObject("config");
                entry.config().forEach(config::put);
              });
      Path temp = null;
      try {
        Files.createDirectories(file.getParent());
        temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        JSON.writeValue(temp.toFile(), root);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException | JacksonException e) {
        dirty = true; // try again at the next save; the cache only saves calls
        try {
          if (temp != null) {
            Files.deleteIfExists(temp);
          }
        } catch (IOException ignored) {
          // a stray temp file is harmless
        }
      }
    }
  }
}
