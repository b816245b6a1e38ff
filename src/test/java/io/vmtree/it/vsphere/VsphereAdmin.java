package io.vmtree.it.vsphere;

import com.vmware.vim25.VirtualMachineConfigSpec;
import com.vmware.vim25.VirtualMachinePowerState;
import com.vmware.vim25.mo.Folder;
import com.vmware.vim25.mo.InventoryNavigator;
import com.vmware.vim25.mo.ManagedEntity;
import com.vmware.vim25.mo.ServiceInstance;
import com.vmware.vim25.mo.Task;
import com.vmware.vim25.mo.VirtualMachine;
import com.vmware.vim25.ws.ClientCreator;
import io.vmtree.connector.vsphere.soap.LenientWSClient;
import io.vmtree.connector.vsphere.soap.Tls;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * A person at the vSphere Client, for the tests: changes VMs behind vmtree's back and reads them
 * back, with yavijava directly (vmtree's lenient parser is needed to talk to the simulator at all).
 */
final class VsphereAdmin implements AutoCloseable {
  /** A VM as an administrator sees it. */
  record Vm(
      String name,
      String uuid,
      List<String> folder,
      int vcpu,
      long memoryMib,
      boolean poweredOn,
      boolean template,
      String annotation) {}

  private final ServiceInstance si;

  private VsphereAdmin(ServiceInstance si) {
    this.si = si;
  }

  static VsphereAdmin connect(Vcsim vcsim) {
    ClientCreator.clientClass = LenientWSClient.class;
    try {
      return new VsphereAdmin(
          new ServiceInstance(new URL(vcsim.url()), Vcsim.USER, Vcsim.PASSWORD, Tls.insecure()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot log in to the simulator: " + e, e);
    }
  }

  /** Turns the simulator's VM {@code vm} into the template {@code template}. */
  void makeTemplate(String vm, String template) throws Exception {
    VirtualMachine machine = byName(vm);
    if (machine.getRuntime().getPowerState() == VirtualMachinePowerState.poweredOn) {
      await(machine.powerOffVM_Task());
    }
    await(machine.rename_Task(template));
    machine.markAsTemplate();
  }

  /** {@return every VM and template} */
  List<Vm> vms() throws Exception {
    List<Vm> vms = new ArrayList<>();
    for (ManagedEntity entity :
        new InventoryNavigator(si.getRootFolder()).searchManagedEntities("VirtualMachine")) {
      VirtualMachine vm = (VirtualMachine) entity;
      List<String> folder = new ArrayList<>();
      ManagedEntity parent = vm.getParent();
      while (parent instanceof Folder f
          && !(f.getParent() instanceof com.vmware.vim25.mo.Datacenter)) {
        folder.add(0, f.getName());
        parent = f.getParent();
      }
      vms.add(
          new Vm(
              vm.getName(),
              vm.getConfig().getInstanceUuid(),
              folder,
              vm.getConfig().getHardware().getNumCPU(),
              vm.getConfig().getHardware().getMemoryMB(),
              vm.getRuntime().getPowerState() == VirtualMachinePowerState.poweredOn,
              vm.getConfig().isTemplate(),
              vm.getConfig().getAnnotation()));
    }
    return vms;
  }

  /** Ends every session but this one, as an administrator (or a vCenter restart) would. */
  void terminateOtherSessions() throws Exception {
    com.vmware.vim25.mo.SessionManager sessions = si.getSessionManager();
    String mine = sessions.getCurrentSession().getKey();
    List<String> others = new ArrayList<>();
    for (com.vmware.vim25.UserSession session : sessions.getSessionList()) {
      if (!session.getKey().equals(mine)) {
        others.add(session.getKey());
      }
    }
    if (!others.isEmpty()) {
      sessions.terminateSession(others.toArray(String[]::new));
    }
  }

  /** {@return the names of every VM folder} */
  List<String> folders() throws Exception {
    List<String> names = new ArrayList<>();
    for (ManagedEntity entity :
        new InventoryNavigator(si.getRootFolder()).searchManagedEntities("Folder")) {
      names.add(entity.getName());
    }
    return names;
  }

  Vm vm(String name) throws Exception {
    return vms().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
  }

  /** Sets the CPUs of VM {@code name}, as someone would in the vSphere Client. */
  void setCpus(String name, int vcpu) throws Exception {
    VirtualMachineConfigSpec spec = new VirtualMachineConfigSpec();
    spec.setNumCPUs(vcpu);
    await(byName(name).reconfigVM_Task(spec));
  }

  /** Powers off and destroys VM {@code name}. */
  void destroy(String name) throws Exception {
    VirtualMachine vm = byName(name);
    if (vm.getRuntime().getPowerState() == VirtualMachinePowerState.poweredOn) {
      await(vm.powerOffVM_Task());
    }
    await(vm.destroy_Task());
  }

  /** Sets the annotation of VM {@code name}. */
  void setAnnotation(String name, String annotation) throws Exception {
    VirtualMachineConfigSpec spec = new VirtualMachineConfigSpec();
    spec.setAnnotation(annotation);
    await(byName(name).reconfigVM_Task(spec));
  }

  private VirtualMachine byName(String name) throws Exception {
    VirtualMachine vm =
        (VirtualMachine)
            new InventoryNavigator(si.getRootFolder()).searchManagedEntity("VirtualMachine", name);
    if (vm == null) {
      throw new IllegalArgumentException("no VM " + name);
    }
    return vm;
  }

  private static void await(Task task) throws Exception {
    String result = task.waitForTask(50, 50);
    if (!Task.SUCCESS.equals(result)) {
      throw task.getTaskInfo().getError().getFault();
    }
  }

  @Override
  public void close() {
    try {
      si.getSessionManager().logout();
    } catch (Exception e) {
      // the simulator is going away
    }
  }
}
