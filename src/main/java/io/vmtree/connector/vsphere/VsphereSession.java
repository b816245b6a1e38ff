package io.vmtree.connector.vsphere;

import com.vmware.vim25.DynamicProperty;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.ObjectSpec;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertySpec;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDeviceConfigSpec;
import com.vmware.vim25.VirtualDeviceConfigSpecOperation;
import com.vmware.vim25.VirtualDeviceFileBackingInfo;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualMachineCloneSpec;
import com.vmware.vim25.VirtualMachineConfigSpec;
import com.vmware.vim25.VirtualMachineRelocateSpec;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.DeleteResult;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.PowerAction;
import io.vmtree.connector.VmSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A session with one vCenter (SPEC §9): VMs are cloned from the template named by {@code
 * base_image} into {@code vm_folder} plus the descriptor's folder path, carry their marker in their
 * annotation ({@link Annotation}) and are known by their instance UUID. Managed object references
 * are kept per UUID for speed and looked up again by UUID when they went stale.
 *
 * <p>Used from several threads: the caches are concurrent, folder creation is idempotent, and at
 * most {@value #CLONES_PER_HOST} clones run at once per source host (vCenter queues more anyway).
 */
final class VsphereSession implements HypervisorSession {
  static final int CLONES_PER_HOST = 4;
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final Vcenter vcenter;
  private final VsphereSettings settings;
  private final Folders folders;
  private final Map<String, ManagedObjectReference> refs = new ConcurrentHashMap<>();
  private final Map<String, Inventory.Vm> templates = new ConcurrentHashMap<>();
  private final Map<String, Semaphore> clones = new ConcurrentHashMap<>();
  private volatile Placement placement;

  VsphereSession(Vcenter vcenter) {
    this.vcenter = vcenter;
    this.settings = vcenter.settings();
    this.folders = new Folders(vcenter);
  }

  /** Where new VMs go, resolved on first use. */
  private record Placement(
      String datacenter, ManagedObjectReference pool, ManagedObjectReference datastore) {}

  @Override
  public List<LiveVm> list() {
    List<LiveVm> live = new ArrayList<>();
    for (Inventory.Vm vm : Inventory.all(vcenter)) {
      if (settings.datacenter() != null && !settings.datacenter().equals(vm.datacenter())) {
        continue;
      }
      if (vm.template()) {
        templates.put(vm.name(), vm);
        continue; // a template is an image, not a VM to manage
      }
      refs.put(vm.uuid(), vm.ref());
      live.add(vm.live(settings.vmFolder()));
    }
    return live;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here {@code reference} is an instance UUID or an inventory path ({@code DC0/vm/lab/pg1}, as
   * govc shows it; a leading {@code /} is optional).
   */
  @Override
  public Optional<LiveVm> find(String reference) {
    Objects.requireNonNull(reference, "reference");
    ManagedObjectReference ref =
        UUID.matcher(reference).matches()
            ? byUuid(reference)
            : vcenter.call(
                "find " + reference,
                (vim, content) ->
                    vim.findByInventoryPath(
                        content.getSearchIndex(), reference.replaceFirst("^/+", "")));
    if (ref == null || !"VirtualMachine".equals(ref.getType())) {
      return Optional.empty();
    }
    Inventory.Vm vm = Inventory.one(vcenter, ref);
    if (vm == null || vm.template()) {
      return Optional.empty();
    }
    refs.put(vm.uuid(), vm.ref());
    return Optional.of(vm.live(settings.vmFolder()));
  }

  @Override
  public LiveVm create(VmSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Placement where = placement();
    List<String> path = path(spec.folder());
    return folders.using(
        () -> {
          ManagedObjectReference folder = folders.ensure(where.datacenter(), path);
          ManagedObjectReference existing =
              vcenter.call(
                  "look for " + spec.name(),
                  (vim, content) -> vim.findChild(content.getSearchIndex(), folder, spec.name()));
          if (existing != null) {
            Inventory.Vm vm = Inventory.one(vcenter, existing);
            if (vm != null && spec.marker().equals(Annotation.parse(vm.annotation()).marker())) {
              return converge(vm, spec); // made by an earlier, interrupted create
            }
            throw new ConnectorException(
                Kind.REJECTED,
                settings.name()
                    + ": "
                    + String.join("/", path)
                    + "/"
                    + spec.name()
                    + " already exists and is not "
                    + spec.marker()
                    + "'s VM");
          }
          Inventory.Vm template = template(spec.baseImage());
          VirtualMachineConfigSpec config = new VirtualMachineConfigSpec();
          config.setNumCPUs(spec.vcpu());
          config.setMemoryMB(spec.memoryMib());
          config.setAnnotation(annotation(spec).text());
          VirtualMachineRelocateSpec location = new VirtualMachineRelocateSpec();
          location.setPool(where.pool());
          location.setDatastore(where.datastore());
          VirtualMachineCloneSpec clone = new VirtualMachineCloneSpec();
          clone.setLocation(location);
          clone.setConfig(config);
          clone.setPowerOn(spec.poweredOn());
          clone.setTemplate(false);
          String what = "clone " + spec.baseImage() + " to " + spec.marker();
          Semaphore limit =
              clones.computeIfAbsent(
                  template.host() == null ? "" : template.host().getVal(),
                  host -> new Semaphore(CLONES_PER_HOST, true));
          ManagedObjectReference made;
          acquire(limit, what);
          try {
            ManagedObjectReference task =
                vcenter.call(
                    what,
                    (vim, content) -> vim.cloneVM_Task(template.ref(), folder, spec.name(), clone));
            made = (ManagedObjectReference) Tasks.await(vcenter, what, task);
          } finally {
            limit.release();
          }
          return converge(read(made, spec.marker()), spec);
        });
  }

  @Override
  public LiveVm update(String vmId, VmSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return onVm(vmId, vm -> converge(vm, spec));
  }

  @Override
  public LiveVm move(String vmId, VmSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Placement where = placement();
    List<String> path = path(spec.folder());
    return onVm(
        vmId,
        vm -> {
          List<String> left = vm.path();
          Inventory.Vm moved =
              folders.using(
                  () -> {
                    if (!vm.path().equals(path)) {
                      ManagedObjectReference folder = folders.ensure(where.datacenter(), path);
                      task(
                          "move " + vm.name() + " to " + String.join("/", path),
                          (vim, content) ->
                              vim.moveIntoFolder_Task(
                                  folder, new ManagedObjectReference[] {vm.ref()}));
                    }
                    if (!vm.name().equals(spec.name())) {
                      task(
                          "rename " + vm.name() + " to " + spec.name(),
                          (vim, content) -> vim.rename_Task(vm.ref(), spec.name()));
                    }
                    Annotation was = Annotation.parse(vm.annotation());
                    Annotation will = new Annotation(was.description(), spec.marker(), was.tags());
                    if (!will.text().equals(vm.annotation())) {
                      VirtualMachineConfigSpec config = new VirtualMachineConfigSpec();
                      config.setAnnotation(will.text());
                      reconfigure(vm, config);
                    }
                    return read(vm.ref(), vm.uuid());
                  });
          if (!left.equals(path)) {
            folders.prune(where.datacenter(), left, settings.vmFolder().size());
          }
          return moved.live(settings.vmFolder());
        });
  }

  /**
   * A restart resets a running VM (a hard reset, as the vSphere Client's "Reset") and starts a
   * stopped one.
   */
  @Override
  public LiveVm power(String vmId, PowerAction action) {
    Objects.requireNonNull(action, "action");
    return onVm(
        vmId,
        vm -> {
          switch (action) {
            case START -> powerOn(vm);
            case STOP -> powerOff(vm);
            case RESTART -> {
              if (vm.poweredOn()) {
                task("reset " + vm.name(), (vim, content) -> vim.resetVM_Task(vm.ref()));
              } else {
                powerOn(vm);
              }
            }
          }
          return read(vm.ref(), vm.uuid()).live(settings.vmFolder());
        });
  }

  @Override
  public DeleteResult delete(String vmId, boolean keepDisks) {
    ManagedObjectReference ref = refs.get(vmId);
    if (ref == null) {
      ref = byUuid(vmId);
    }
    if (ref == null) {
      return new DeleteResult(false, List.of());
    }
    Inventory.Vm vm = Inventory.one(vcenter, ref);
    if (vm == null) {
      refs.remove(vmId);
      ref = byUuid(vmId);
      vm = ref == null ? null : Inventory.one(vcenter, ref);
      if (vm == null) {
        return new DeleteResult(false, List.of());
      }
    }
    powerOff(vm);
    List<String> kept = keepDisks ? detachDisks(vm) : List.of();
    Inventory.Vm doomed = vm;
    task("destroy " + vm.name(), (vim, content) -> vim.destroy_Task(doomed.ref()));
    refs.remove(vmId);
    folders.prune(placement().datacenter(), vm.path(), settings.vmFolder().size());
    return new DeleteResult(true, kept);
  }

  @Override
  public long calls() {
    return vcenter.requests();
  }

  @Override
  public void close() {
    vcenter.close();
  }

  /** Sets CPUs, memory, description, tags and marker, then power, as {@code spec} says. */
  private LiveVm converge(Inventory.Vm vm, VmSpec spec) {
    if (!spec.poweredOn()) {
      powerOff(vm);
    }
    VirtualMachineConfigSpec config = new VirtualMachineConfigSpec();
    boolean change = false;
    if (vm.vcpu() != spec.vcpu()) {
      config.setNumCPUs(spec.vcpu());
      change = true;
    }
    if (vm.memoryMib() != spec.memoryMib()) {
      config.setMemoryMB(spec.memoryMib());
      change = true;
    }
    String annotation = annotation(spec).text();
    if (!annotation.equals(Objects.requireNonNullElse(vm.annotation(), ""))) {
      config.setAnnotation(annotation);
      change = true;
    }
    if (change) {
      reconfigure(vm, config);
    }
    Inventory.Vm now = change || !spec.poweredOn() ? read(vm.ref(), vm.uuid()) : vm;
    if (spec.poweredOn() && !now.poweredOn()) {
      powerOn(now);
      now = read(vm.ref(), vm.uuid());
    }
    return now.live(settings.vmFolder());
  }

  private void reconfigure(Inventory.Vm vm, VirtualMachineConfigSpec config) {
    task("reconfigure " + vm.name(), (vim, content) -> vim.reconfigVM_Task(vm.ref(), config));
  }

  private void powerOn(Inventory.Vm vm) {
    if (!vm.poweredOn()) {
      task("power on " + vm.name(), (vim, content) -> vim.powerOnVM_Task(vm.ref(), null));
    }
  }

  private void powerOff(Inventory.Vm vm) {
    if (vm.poweredOn()) {
      task("power off " + vm.name(), (vim, content) -> vim.powerOffVM_Task(vm.ref()));
    }
  }

  /** Removes the VM's disks from it without deleting their files; {@return their paths} */
  private List<String> detachDisks(Inventory.Vm vm) {
    Object devices = property(vm.ref(), "VirtualMachine", "config.hardware.device");
    List<VirtualDeviceConfigSpec> removals = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    if (devices instanceof com.vmware.vim25.ArrayOfVirtualDevice array
        && array.getVirtualDevice() != null) {
      for (VirtualDevice device : array.getVirtualDevice()) {
        if (device instanceof VirtualDisk disk) {
          VirtualDeviceConfigSpec removal = new VirtualDeviceConfigSpec();
          removal.setOperation(VirtualDeviceConfigSpecOperation.remove);
          removal.setDevice(disk); // no fileOperation: the files stay on the datastore
          removals.add(removal);
          if (disk.getBacking() instanceof VirtualDeviceFileBackingInfo file) {
            paths.add(file.getFileName());
          }
        }
      }
    }
    if (!removals.isEmpty()) {
      VirtualMachineConfigSpec config = new VirtualMachineConfigSpec();
      config.setDeviceChange(removals.toArray(VirtualDeviceConfigSpec[]::new));
      task(
          "detach the disks of " + vm.name(),
          (vim, content) -> vim.reconfigVM_Task(vm.ref(), config));
    }
    return paths;
  }

  private Object property(ManagedObjectReference ref, String type, String path) {
    return vcenter.call(
        "read " + path + " of " + ref.getVal(),
        (vim, content) -> {
          PropertySpec property = new PropertySpec();
          property.setType(type);
          property.setAll(false);
          property.setPathSet(new String[] {path});
          ObjectSpec object = new ObjectSpec();
          object.setObj(ref);
          object.setSkip(false);
          PropertyFilterSpec filter = new PropertyFilterSpec();
          filter.setObjectSet(new ObjectSpec[] {object});
          filter.setPropSet(new PropertySpec[] {property});
          ObjectContent[] objects =
              vim.retrieveProperties(
                  content.getPropertyCollector(), new PropertyFilterSpec[] {filter});
          if (objects != null) {
            for (ObjectContent object1 : objects) {
              if (object1.getPropSet() != null) {
                for (DynamicProperty p : object1.getPropSet()) {
                  return p.getVal();
                }
              }
            }
          }
          return null;
        });
  }

  /** Runs a task-returning call and waits for the task. */
  private Object task(String what, Vcenter.Call<ManagedObjectReference> start) {
    return Tasks.await(vcenter, what, vcenter.call(what, start));
  }

  /**
   * {@return what {@code action} makes of the VM {@code vmId}}; a cached reference that went stale
   * is looked up again by UUID, once
   */
  private <T> T onVm(String vmId, Function<Inventory.Vm, T> action) {
    ManagedObjectReference ref = refs.get(vmId);
    Inventory.Vm vm = ref == null ? null : Inventory.one(vcenter, ref);
    if (vm == null || !vmId.equals(vm.uuid())) {
      refs.remove(vmId);
      ref = byUuid(vmId);
      vm = ref == null ? null : Inventory.one(vcenter, ref);
    }
    if (vm == null) {
      throw new ConnectorException(Kind.NOT_FOUND, settings.name() + ": vm " + vmId + " not found");
    }
    refs.put(vmId, vm.ref());
    return action.apply(vm);
  }

  private Inventory.Vm read(ManagedObjectReference ref, String label) {
    Inventory.Vm vm = Inventory.one(vcenter, ref);
    if (vm == null) {
      throw new ConnectorException(
          Kind.NOT_FOUND, settings.name() + ": vm " + label + " vanished while vmtree changed it");
    }
    refs.put(vm.uuid(), vm.ref());
    return vm;
  }

  private ManagedObjectReference byUuid(String uuid) {
    if (!UUID.matcher(uuid).matches()) {
      return null;
    }
    return vcenter.call(
        "find vm " + uuid,
        (vim, content) -> vim.findByUuid(content.getSearchIndex(), null, uuid, true, true));
  }

  private Inventory.Vm template(String name) {
    Inventory.Vm template = templates.get(name);
    if (template == null) {
      list(); // fills the templates
      template = templates.get(name);
    }
    if (template == null) {
      throw new ConnectorException(
          Kind.REJECTED,
          settings.name()
              + ": base_image "
              + name
              + " is not a template"
              + (settings.datacenter() == null ? "" : " of datacenter " + settings.datacenter()));
    }
    return template;
  }

  private List<String> path(List<String> folder) {
    List<String> path = new ArrayList<>(settings.vmFolder());
    path.addAll(folder);
    return path;
  }

  private static Annotation annotation(VmSpec spec) {
    return new Annotation(spec.description(), spec.marker(), spec.tags());
  }

  private static void acquire(Semaphore semaphore, String what) {
    try {
      semaphore.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(Kind.TRANSIENT, what + ": interrupted", e);
    }
  }

  private Placement placement() {
    Placement known = placement;
    if (known != null) {
      return known;
    }
    synchronized (this) {
      if (placement == null) {
        placement = resolvePlacement();
      }
      return placement;
    }
  }

  private Placement resolvePlacement() {
    String datacenter = settings.datacenter();
    if (datacenter == null) {
      datacenter = onlyDatacenter();
    }
    String dc = datacenter;
    ManagedObjectReference pool;
    if (settings.resourcePool() != null) {
      pool = lookup(dc + "/host/" + settings.resourcePool(), "resource_pool", "ResourcePool");
    } else if (settings.cluster() != null) {
      ManagedObjectReference cluster = lookup(dc + "/host/" + settings.cluster(), "cluster", null);
      pool = (ManagedObjectReference) property(cluster, cluster.getType(), "resourcePool");
    } else {
      throw VsphereSettings.rejected(
          settings.name() + ": set cluster or resource_pool to say where VMs run");
    }
    ManagedObjectReference datastore =
        settings.datastore() == null
            ? null
            : lookup(dc + "/datastore/" + settings.datastore(), "datastore", "Datastore");
    return new Placement(dc, pool, datastore);
  }

  private ManagedObjectReference lookup(String path, String field, String type) {
    ManagedObjectReference ref =
        vcenter.call(
            "find " + path,
            (vim, content) -> vim.findByInventoryPath(content.getSearchIndex(), path));
    if (ref == null || (type != null && !type.equals(ref.getType()))) {
      throw VsphereSettings.rejected(
          settings.name()
              + ": "
              + field
              + ": no "
              + (type == null ? "object" : type)
              + " at "
              + path);
    }
    return ref;
  }

  private String onlyDatacenter() {
    Object children = property(vcenterRoot(), "Folder", "childEntity");
    List<String> names = new ArrayList<>();
    Map<String, String> byRef = new HashMap<>();
    for (ManagedObjectReference ref : Inventory.refs(children)) {
      if ("Datacenter".equals(ref.getType())) {
        Object name = property(ref, "Datacenter", "name");
        names.add(String.valueOf(name));
        byRef.put(ref.getVal(), String.valueOf(name));
      }
    }
    if (names.size() != 1) {
      throw VsphereSettings.rejected(
          settings.name()
              + ": set datacenter (the vCenter has "
              + names.size()
              + ": "
              + names
              + ")");
    }
    return names.get(0);
  }

  private ManagedObjectReference vcenterRoot() {
    return vcenter.call("read the root folder", (vim, content) -> content.getRootFolder());
  }
}
