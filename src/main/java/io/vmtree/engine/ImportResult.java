package io.vmtree.engine;

import io.vmtree.connector.LiveVm;
import io.vmtree.ops.Operation;
import io.vmtree.tree.TreePath;
import java.util.List;
import java.util.Optional;

/**
 * What {@code import} did.
 *
 * @param vm the VM as the hypervisor listed it
 * @param operations the journaled operations: {@code provision} when the state did not know the
 *     descriptor yet, then {@code import}
 * @param note a warning worth showing (the VM reports another base image than the tree's), if any
 */
public record ImportResult(
    TreePath path,
    String hypervisor,
    LiveVm vm,
    List<Operation> operations,
    Optional<String> note) {
  public ImportResult {
    operations = List.copyOf(operations);
  }
}
