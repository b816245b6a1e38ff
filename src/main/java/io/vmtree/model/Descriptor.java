package io.vmtree.model;

import io.vmtree.definition.Cascade;
import io.vmtree.definition.ComputedDefinition;
import io.vmtree.definition.Definition;
import io.vmtree.diag.Diagnostics;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One VM descriptor (SPEC §1, §7). Its persisted properties are the status, the hypervisor's id of
 * the VM, the full name, the local definition, the deployed config, the last error, the lifecycle
 * and the dependencies; the name and computed definition are derived. The full name and local
 * definition change only while {@code provisioned}.
 */
public final class Descriptor implements TreeNode {
  private Folder parent;
  private String name;
  private Definition localDefinition;
  private Status status = Status.PROVISIONED;
  private String vmId;
  private ComputedDefinition deployedConfig;
  private String lastError;
  private Lifecycle lifecycle = Lifecycle.DEFAULT;
  private List<TreePath> dependsOn = List.of();

  /**
   * What the state recorded about a descriptor, to load it into the model.
   *
   * @param vmId null while provisioned
   */
  public record Known(Status status, String vmId, String lastError) {
    public Known {
      java.util.Objects.requireNonNull(status, "status");
    }
  }

  Descriptor(Folder parent, String name, Definition localDefinition) {
    this.parent = parent;
    this.name = name;
    this.localDefinition = Objects.requireNonNull(localDefinition);
  }

  @Override
  public TreePath fullName() {
    return parent.fullName().child(name);
  }

  @Override
  public Folder parent() {
    return parent;
  }

  @Override
  public Definition localDefinition() {
    return localDefinition;
  }

  /** {@return where the descriptor is in its lifecycle} */
  public Status status() {
    return status;
  }

  /**
   * {@return the hypervisor's id of the VM}
   *
   * @throws ModelException while {@code provisioned}: there is no VM
   */
  public String vmId() {
    if (status == Status.PROVISIONED || vmId == null) {
      throw new ModelException(fullName() + " is provisioned: it has no VM, so no vm_id");
    }
    return vmId;
  }

  /**
   * {@return the merge of every definition from the root down to this one (SPEC §3); errors of the
   * merge are added to {@code diagnostics}}
   */
  public ComputedDefinition computedDefinition(Diagnostics diagnostics) {
    List<Definition> chain = new ArrayList<>();
    for (Folder f = parent; f != null; f = f.parent()) {
      chain.add(0, f.localDefinition());
    }
    chain.add(localDefinition);
    return Cascade.compute(chain, diagnostics);
  }

  /** {@return the computed definition as it was when the VM was deployed or last updated} */
  public Optional<ComputedDefinition> deployedConfig() {
    return Optional.ofNullable(deployedConfig);
  }

  /** {@return the last error or warning, if any} */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** {@return the lifecycle switches, as last applied} */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** {@return the descriptors this one is deployed after, as last applied} */
  public List<TreePath> dependsOn() {
    return dependsOn;
  }

  /** Loads what the state recorded; only the engine's storage calls this. */
  void restore(Known known) {
    this.status = known.status();
    this.vmId = known.vmId();
    this.lastError = known.lastError();
  }

  /** Records the lifecycle block and dependencies as written in the tree. */
  public void configure(Lifecycle lifecycle, List<TreePath> dependsOn) {
    this.lifecycle = Objects.requireNonNull(lifecycle);
    this.dependsOn = List.copyOf(dependsOn);
  }

  /**
   * Replaces the local definition.
   *
   * @throws ModelException unless {@code provisioned} (a deployed VM changes through an update)
   */
  public void redefine(Definition definition) {
    requireProvisioned("change the local definition of");
    this.localDefinition = Objects.requireNonNull(definition);
  }

  /**
   * Moves this descriptor to {@code folder} under {@code newName}.
   *
   * @throws ModelException unless {@code provisioned}, or when the name is taken there
   */
  public void moveTo(Folder folder, String newName) {
    requireProvisioned("move");
    Folder from = parent;
    String oldName = name;
    from.detach(this);
    name = newName;
    parent = folder;
    try {
      folder.attach(this);
    } catch (ModelException e) {
      name = oldName;
      parent = from;
      from.attach(this);
      throw e;
    }
  }

  private void requireProvisioned(String what) {
    if (status != Status.PROVISIONED) {
      throw new ModelException(
          "cannot "
              + what
              + " "
              + fullName()
              + " while it is "
              + status.label()
              + "; it must be provisioned");
    }
  }

  @Override
  public String toString() {
    return fullName().toString();
  }
}
