package io.vmtree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftKind;
import io.vmtree.plan.Transition;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LastOperation;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Drift that an apply running meanwhile explains is not reported; the rest is. */
class InFlightTest {
  private static final Drift ORPHAN = drift("/app/new1", DriftKind.ORPHANED, "vm-000007");
  private static final Drift TRUE_ORPHAN = drift("/old/gone", DriftKind.ORPHANED, "vm-000003");
  private static final Drift MISSING = drift("/app/old1", DriftKind.MISSING, "vm-000001");
  private static final Drift TRULY_MISSING = drift("/app/web1", DriftKind.MISSING, "vm-000002");
  private static final Transition OLD1_GONE =
      new Transition("/app/old1", Status.DEPLOYED, Status.PROVISIONED, "VM missing");
  private static final Transition WEB1_GONE =
      new Transition("/app/web1", Status.DEPLOYED, Status.PROVISIONED, "VM missing");

  @Test
  void whatAnApplyCreatedOrDeletedSinceTheFirstReadIsNotDrift() {
    StateSnapshot after =
        snapshot(
            deployed("/app/new1", "vm-000007", null), // created after the first read
            deployed("/app/old1", "vm-000001", pendingUndeploy()), // being deleted
            deployed("/app/web1", "vm-000002", null)); // deleted behind vmtree's back

    InFlight.Confirmed confirmed =
        InFlight.confirm(
            List.of(ORPHAN, TRUE_ORPHAN, MISSING, TRULY_MISSING),
            List.of(OLD1_GONE, WEB1_GONE),
            () -> after);

    assertEquals(List.of(TRUE_ORPHAN, TRULY_MISSING), confirmed.drift());
    assertEquals(List.of(WEB1_GONE), confirmed.transitions());
  }

  @Test
  void aVmReplacedOrUndeployedMeanwhileIsNotMissing() {
    StateSnapshot after =
        snapshot(
            deployed("/app/old1", "vm-000009", null), // replaced: another VM now
            provisioned("/app/web1")); // undeployed

    InFlight.Confirmed confirmed =
        InFlight.confirm(List.of(MISSING, TRULY_MISSING), List.of(), () -> after);

    assertEquals(List.of(), confirmed.drift());
  }

  @Test
  void theStateIsReadAgainOnlyWhenThereIsSomethingToConfirm() {
    AtomicInteger reads = new AtomicInteger();
    Drift changed = drift("/app/web1", DriftKind.CHANGED, "vm-000002");

    InFlight.Confirmed confirmed =
        InFlight.confirm(
            List.of(changed),
            List.of(),
            () -> {
              reads.incrementAndGet();
              return snapshot();
            });

    assertEquals(List.of(changed), confirmed.drift());
    assertEquals(0, reads.get());
  }

  private static Drift drift(String path, DriftKind kind, String vmId) {
    return new Drift(path, kind, List.of(), "sim1", vmId, null);
  }

  private static LastOperation pendingUndeploy() {
    return new LastOperation(12, "undeploy", Instant.EPOCH, null, "running", Map.of());
  }

  private static DescriptorState deployed(String path, String vmId, LastOperation pending) {
    return new DescriptorState(
        TreePath.of(path),
        Status.DEPLOYED,
        vmId,
        "sim1",
        Map.of(),
        Map.of(),
        null,
        null,
        Lifecycle.DEFAULT,
        List.of(),
        pending);
  }

  private static DescriptorState provisioned(String path) {
    return new DescriptorState(
        TreePath.of(path),
        Status.PROVISIONED,
        null,
        null,
        Map.of(),
        null,
        null,
        null,
        Lifecycle.DEFAULT,
        List.of(),
        null);
  }

  private static StateSnapshot snapshot(DescriptorState... descriptors) {
    TreeMap<TreePath, DescriptorState> all = new TreeMap<>();
    for (DescriptorState d : descriptors) {
      all.put(d.fullName(), d);
    }
    return new StateSnapshot("lineage", 3, all, new TreeSet<>());
  }
}
