package io.vmtree.connector.vsphere;

import com.vmware.vim25.ManagedObjectReference;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The VM folders of one datacenter, created as needed and removed when vmtree empties them.
 * Creating is idempotent (a folder someone else just made is found, not duplicated); removing takes
 * the write side of a lock whose read side every clone and move into a folder holds, so a folder is
 * never removed under a VM on its way in.
 */
final class Folders {
  private final Vcenter vcenter;
  private final Map<String, ManagedObjectReference> known = new ConcurrentHashMap<>();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  Folders(Vcenter vcenter) {
    this.vcenter = vcenter;
  }

  /** {@return what {@code work} returns; no folder is removed while it runs} */
  <T> T using(Supplier<T> work) {
    lock.readLock().lock();
    try {
      return work.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@return the folder at {@code path} below the datacenter's VM folder, made if missing} */
  ManagedObjectReference ensure(String datacenter, List<String> path) {
    String key = inventoryPath(datacenter, path);
    ManagedObjectReference folder = known.get(key);
    if (folder != null) {
      return folder;
    }
    synchronized (this) { // one thread at a time creates, so two never race for a name
      folder = known.get(key);
      if (folder != null) {
        return folder;
      }
      folder = find(key);
      if (folder == null) {
        if (path.isEmpty()) {
          throw new ConnectorException(
              Kind.REJECTED,
              vcenter.settings().name() + ": datacenter " + datacenter + " not found");
        }
        ManagedObjectReference parent = ensure(datacenter, path.subList(0, path.size() - 1));
        String name = path.get(path.size() - 1);
        try {
          folder =
              vcenter.call(
                  "create folder " + key, (vim, content) -> vim.createFolder(parent, name));
        } catch (ConnectorException e) {
          folder = find(key); // made meanwhile, by someone else (DuplicateName)
          if (folder == null) {
            throw e;
          }
        }
      }
      known.put(key, folder);
      return folder;
    }
  }

  /**
   * Removes the folder at {@code path} and then its parents while they are empty, down to {@code
   * keep} segments (vm_folder itself is never removed).
   */
  void prune(String datacenter, List<String> path, int keep) {
    lock.writeLock().lock();
    try {
      for (int end = path.size(); end > keep; end--) {
        String key = inventoryPath(datacenter, path.subList(0, end));
        ManagedObjectReference folder = known.containsKey(key) ? known.get(key) : find(key);
        if (folder == null || !"Folder".equals(folder.getType())) {
          return;
        }
        ManagedObjectReference empty = folder;
        List<ManagedObjectReference> children =
            Inventory.refs(
                vcenter.call(
                    "read folder " + key,
                    (vim, content) -> childEntity(vim, content.getPropertyCollector(), empty)));
        if (!children.isEmpty()) {
          return;
        }
        Tasks.await(
            vcenter,
            "remove empty folder " + key,
            vcenter.call("remove empty folder " + key, (vim, content) -> vim.destroy_Task(empty)));
        known.remove(key);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static Object childEntity(
      com.vmware.vim25.VimPortType vim,
      ManagedObjectReference collector,
      ManagedObjectReference folder)
      throws java.rmi.RemoteException {
    com.vmware.vim25.PropertySpec property = new com.vmware.vim25.PropertySpec();
    property.setType("Folder");
    property.setAll(false);
    property.setPathSet(new String[] {"childEntity"});
    com.vmware.vim25.ObjectSpec object = new com.vmware.vim25.ObjectSpec();
    object.setObj(folder);
    object.setSkip(false);
    com.vmware.vim25.PropertyFilterSpec filter = new com.vmware.vim25.PropertyFilterSpec();
    filter.setObjectSet(new com.vmware.vim25.ObjectSpec[] {object});
    filter.setPropSet(new com.vmware.vim25.PropertySpec[] {property});
    com.vmware.vim25.ObjectContent[] objects =
        vim.retrieveProperties(collector, new com.vmware.vim25.PropertyFilterSpec[] {filter});
    if (objects == null || objects.length == 0 || objects[0].getPropSet() == null) {
      return null;
    }
    return objects[0].getPropSet().length == 0 ? null : objects[0].getPropSet()[0].getVal();
  }

  private ManagedObjectReference find(String inventoryPath) {
    return vcenter.call(
        "find " + inventoryPath,
        (vim, content) -> vim.findByInventoryPath(content.getSearchIndex(), inventoryPath));
  }

  private static String inventoryPath(String datacenter, List<String> path) {
    StringBuilder out = new StringBuilder(datacenter).append("/vm");
    path.forEach(segment -> out.append('/').append(segment));
    return out.toString();
  }
}
