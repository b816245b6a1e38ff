package io.vmtree.connector.proxmox;

import io.vmtree.connector.LiveVm;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The VMs a process has read, so that a refresh asks PVE only for the configs that may have
 * changed. What "changed" means: the VM's row in {@code GET /cluster/resources?type=vm} differs
 * from the one its config was read with, in any of node, name, status, maxcpu, maxmem, tags, lock,
 * pool or template. Everything vmtree sets but the notes shows in that row; a change of the notes
 * alone (the description) made behind vmtree's back is seen once another field changes or in the
 * next process. One cache per cluster and credentials in the process: a second refresh in the same
 * process (the service, a benchmark) of an unchanged cluster is one call.
 */
final class RefreshCache {
  private static final Map<String, RefreshCache> CACHES = new ConcurrentHashMap<>();

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

  private record Entry(Summary summary, LiveVm vm) {}

  private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();

  /** {@return the cache of cluster {@code key}} */
  static RefreshCache of(String key) {
    return CACHES.computeIfAbsent(key, k -> new RefreshCache());
  }

  /** {@return the VM read with {@code summary}, or null when it must be read again} */
  LiveVm get(int vmid, Summary summary) {
    Entry entry = entries.get(vmid);
    return entry != null && entry.summary().equals(summary) ? entry.vm() : null;
  }

  void put(int vmid, Summary summary, LiveVm vm) {
    entries.put(vmid, new Entry(summary, vm));
  }

  /** Forgets a VM vmtree changed: its next listing reads it again. */
  void forget(int vmid) {
    entries.remove(vmid);
  }

  /** Forgets the VMs not in {@code present}. */
  void retain(Set<Integer> present) {
    entries.keySet().retainAll(present);
  }
}
