package io.vmtree.connector.vsphere;

import com.vmware.vim25.ArrayOfManagedObjectReference;
import com.vmware.vim25.DynamicProperty;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.ObjectSpec;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertySpec;
import com.vmware.vim25.RetrieveOptions;
import com.vmware.vim25.RetrieveResult;
import com.vmware.vim25.SelectionSpec;
import com.vmware.vim25.TraversalSpec;
import com.vmware.vim25.VirtualMachinePowerState;
import io.vmtree.connector.LiveVm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads VMs in bulk with the property collector: the whole vCenter through one container view
 * ({@link #all}: CreateContainerView, RetrievePropertiesEx (+ continuations), DestroyView, whatever
 * the number of VMs), or one VM with its folders up to its datacenter in a single
 * RetrievePropertiesEx ({@link #one}).
 */
final class Inventory {
  /** The fixed property set of a VM. */
  static final String[] VM_PROPERTIES = {
    "name",
    "config.instanceUuid",
    "config.hardware.numCPU",
    "config.hardware.memoryMB",
    "config.cpuHotAddEnabled",
    "config.memoryHotAddEnabled",
    "config.template",
    "config.annotation",
    "runtime.powerState",
    "runtime.host",
    "parent",
    "resourcePool",
    "datastore"
  };

  private static final String[] FOLDER_PROPERTIES = {"name", "parent"};
  private static final String[] DATACENTER_PROPERTIES = {"name", "vmFolder"};

  /**
   * A VM as read, before it is placed in vmtree's terms.
   *
   * @param ref its managed object reference (fast to use, may go stale)
   * @param datacenter the name of its datacenter, or null when unknown
   * @param path its folder path below the datacenter's VM folder
   * @param host the host it runs on (a template: where clones of it are made), or null
   */
  record Vm(
      ManagedObjectReference ref,
      String uuid,
      String name,
      String datacenter,
      List<String> path,
      boolean template,
      int vcpu,
      long memoryMib,
      boolean poweredOn,
      boolean cpuHotAdd,
      boolean memoryHotAdd,
      String annotation,
      ManagedObjectReference host) {

    /** {@return the VM as the engine sees it; {@code root} is the vm_folder its tree starts at} */
    LiveVm live(List<String> root) {
      Annotation notes = Annotation.parse(annotation);
      List<String> folder =
          path.size() >= root.size() && path.subList(0, root.size()).equals(root)
              ? path.subList(root.size(), path.size())
              : path;
      return new LiveVm(
          uuid,
          name,
          folder,
          vcpu,
          memoryMib,
          poweredOn,
          notes.tags(),
          notes.description(),
          notes.marker(),
          null,
          List.of(),
          cpuHotAdd,
          memoryHotAdd);
    }
  }

  private Inventory() {}

  /** {@return every VM and template of the vCenter, in three calls} */
  static List<Vm> all(Vcenter vcenter) {
    return vcenter.call(
        "list VMs",
        (vim, content) -> {
          ManagedObjectReference view =
              vim.createContainerView(
                  content.getViewManager(),
                  content.getRootFolder(),
                  new String[] {"VirtualMachine", "Folder", "Datacenter"},
                  true);
          try {
            TraversalSpec traverse = new TraversalSpec();
            traverse.setName("view");
            traverse.setType("ContainerView");
            traverse.setPath("view");
            traverse.setSkip(false);
            ObjectSpec start = new ObjectSpec();
            start.setObj(view);
            start.setSkip(true);
            start.setSelectSet(new SelectionSpec[] {traverse});
            List<ObjectContent> objects = retrieve(vim, content.getPropertyCollector(), start);
            return vms(objects);
          } finally {
            vim.destroyView(view);
          }
        });
  }

  /** {@return the VM {@code ref} with its folders, in one call, or null when it is gone} */
  static Vm one(Vcenter vcenter, ManagedObjectReference ref) {
    try {
      return read(vcenter, ref);
    } catch (io.vmtree.connector.ConnectorException e) {
      if (e.kind() == io.vmtree.connector.ConnectorException.Kind.NOT_FOUND) {
        return null; // a stale reference: the VM was removed
      }
      throw e;
    }
  }

  private static Vm read(Vcenter vcenter, ManagedObjectReference ref) {
    return vcenter.call(
        "read VM " + ref.getVal(),
        (vim, content) -> {
          SelectionSpec up = new SelectionSpec();
          up.setName("folderParent");
          TraversalSpec vmParent = traversal("vmParent", "VirtualMachine", "parent", up);
          TraversalSpec folderParent = traversal("folderParent", "Folder", "parent", up);
          ObjectSpec start = new ObjectSpec();
          start.setObj(ref);
          start.setSkip(false);
          start.setSelectSet(new SelectionSpec[] {vmParent, folderParent});
          List<Vm> vms = vms(retrieve(vim, content.getPropertyCollector(), start));
          return vms.isEmpty() ? null : vms.get(0);
        });
  }

  private static TraversalSpec traversal(
      String name, String type, String path, SelectionSpec next) {
    TraversalSpec spec = new TraversalSpec();
    spec.setName(name);
    spec.setType(type);
    spec.setPath(path);
    spec.setSkip(false);
    spec.setSelectSet(new SelectionSpec[] {next});
    return spec;
  }

  private static List<ObjectContent> retrieve(
      com.vmware.vim25.VimPortType vim, ManagedObjectReference collector, ObjectSpec start)
      throws java.rmi.RemoteException {
    PropertyFilterSpec filter = new PropertyFilterSpec();
    filter.setObjectSet(new ObjectSpec[] {start});
    filter.setPropSet(
        new PropertySpec[] {
          properties("VirtualMachine", VM_PROPERTIES),
          properties("Folder", FOLDER_PROPERTIES),
          properties("Datacenter", DATACENTER_PROPERTIES)
        });
    List<ObjectContent> objects = new ArrayList<>();
    RetrieveResult result =
        vim.retrievePropertiesEx(
            collector, new PropertyFilterSpec[] {filter}, new RetrieveOptions());
    while (result != null) {
      if (result.getObjects() != null) {
        objects.addAll(List.of(result.getObjects()));
      }
      result =
          result.getToken() == null
              ? null
              : vim.continueRetrievePropertiesEx(collector, result.getToken());
    }
    return objects;
  }

  private static PropertySpec properties(String type, String[] paths) {
    PropertySpec spec = new PropertySpec();
    spec.setType(type);
    spec.setAll(false);
    spec.setPathSet(paths);
    return spec;
  }

  /** An inventory folder or datacenter, to name the folders VMs are in. */
  private record Node(String name, ManagedObjectReference parent, boolean datacenterVmFolder) {}

  private static List<Vm> vms(List<ObjectContent> objects) {
    Map<String, Node> folders = new HashMap<>();
    Map<String, String> vmFolderOf = new HashMap<>(); // datacenter VM folder -> datacenter name
    List<Map<String, Object>> vms = new ArrayList<>();
    List<ManagedObjectReference> refs = new ArrayList<>();
    for (ObjectContent object : objects) {
      Map<String, Object> values = new HashMap<>();
      if (object.getPropSet() != null) {
        for (DynamicProperty property : object.getPropSet()) {
          values.put(property.getName(), property.getVal());
        }
      }
      ManagedObjectReference ref = object.getObj();
      switch (ref.getType()) {
        case "VirtualMachine" -> {
          vms.add(values);
          refs.add(ref);
        }
        case "Folder" ->
            folders.put(
                ref.getVal(),
                new Node(
                    (String) values.get("name"),
                    (ManagedObjectReference) values.get("parent"),
                    false));
        case "Datacenter" -> {
          if (values.get("vmFolder") instanceof ManagedObjectReference vmFolder) {
            vmFolderOf.put(vmFolder.getVal(), (String) values.get("name"));
          }
        }
        default -> {}
      }
    }
    List<Vm> result = new ArrayList<>();
    for (int i = 0; i < vms.size(); i++) {
      Map<String, Object> values = vms.get(i);
      String uuid = (String) values.get("config.instanceUuid");
      if (uuid == null) {
        continue; // still being created: no config yet
      }
      List<String> path = new ArrayList<>();
      String datacenter = null;
      ManagedObjectReference parent = (ManagedObjectReference) values.get("parent");
      while (parent != null && "Folder".equals(parent.getType())) {
        if (vmFolderOf.containsKey(parent.getVal())) {
          datacenter = vmFolderOf.get(parent.getVal());
          break;
        }
        Node folder = folders.get(parent.getVal());
        if (folder == null) {
          break;
        }
        path.add(0, folder.name());
        parent = folder.parent();
      }
      result.add(
          new Vm(
              refs.get(i),
              uuid,
              (String) values.get("name"),
              datacenter,
              path,
              Boolean.TRUE.equals(values.get("config.template")),
              number(values.get("config.hardware.numCPU")).intValue(),
              number(values.get("config.hardware.memoryMB")).longValue(),
              values.get("runtime.powerState") == VirtualMachinePowerState.poweredOn,
              Boolean.TRUE.equals(values.get("config.cpuHotAddEnabled")),
              Boolean.TRUE.equals(values.get("config.memoryHotAddEnabled")),
              (String) values.get("config.annotation"),
              (ManagedObjectReference) values.get("runtime.host")));
    }
    return result;
  }

  private static Number number(Object value) {
    return value instanceof Number n ? n : 0;
  }

  /** {@return the references of an {@code ArrayOfManagedObjectReference} property value} */
  static List<ManagedObjectReference> refs(Object value) {
    if (value instanceof ArrayOfManagedObjectReference array
        && array.getManagedObjectReference() != null) {
      return List.of(array.getManagedObjectReference());
    }
    return List.of();
  }
}
