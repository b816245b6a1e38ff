package io.vmtree.connector.proxmox;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Keeps parallel clones from fighting over PVE's locks: at most {@code perTemplate} clones of one
 * template and {@code perStorage} onto one storage run at once (a clone holds the template's config
 * lock and allocates on the storage under the storage's lock). One gate per cluster in the process,
 * so every session of one apply shares it. Waiting here costs nothing on PVE; losing a lock race
 * costs a failed task and a retry.
 */
final class CloneGate {
  private static final Map<String, CloneGate> CLUSTERS = new ConcurrentHashMap<>();

  private final Map<String, Semaphore> templates = new ConcurrentHashMap<>();
  private final Map<String, Semaphore> storages = new ConcurrentHashMap<>();

  /** {@return the gate of the cluster {@code key}} */
  static CloneGate of(String key) {
    return CLUSTERS.computeIfAbsent(key, k -> new CloneGate());
  }

  /** {@return what {@code clone} returned, run once a template slot and a storage slot are free} */
  <T> T through(
      String template, int perTemplate, String storage, int perStorage, Supplier<T> clone) {
    Semaphore t = templates.computeIfAbsent(template, k -> new Semaphore(perTemplate, true));
    Semaphore s = storages.computeIfAbsent(storage, k -> new Semaphore(perStorage, true));
    acquire(t);
    try {
      acquire(s);
      try {
        return clone.get();
      } finally {
        s.release();
      }
    } finally {
      t.release();
    }
  }

  private static void acquire(Semaphore semaphore) {
    try {
      semaphore.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(Kind.TRANSIENT, "interrupted while waiting to clone", e);
    }
  }
}
