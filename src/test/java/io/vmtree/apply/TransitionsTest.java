package io.vmtree.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmtree.plan.Action;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lifecycle of SPEC §1: every allowed transition, and a sample of refused ones. */
class TransitionsTest {
  private static final TreePath WEB1 = TreePath.of("/lab/web1");

  private static Status status(String word) {
    return word.equals("none") ? null : Status.valueOf(word.toUpperCase(java.util.Locale.ROOT));
  }

  @ParameterizedTest(name = "{0}: {1} --{2}--> {3}")
  @CsvSource({
    "a new descriptor is provisioned,          none,        PROVISION,   provisioned",
    "a provisioned descriptor is deployed,     provisioned, DEPLOY,      deployed",
    "a deployed descriptor is undeployed,      deployed,    UNDEPLOY,    provisioned",
    "an unreachable one can still be undeployed, unreachable, UNDEPLOY,  provisioned",
    "a provisioned descriptor is deprovisioned, provisioned, DEPROVISION, none",
    "an update keeps the status,               deployed,    UPDATE,      deployed",
    "a state-only update keeps provisioned,    provisioned, UPDATE,      provisioned",
    "a move keeps the status,                  deployed,    MOVE,        deployed",
    "a replace ends deployed,                  deployed,    REPLACE,     deployed",
  })
  void allowed(String reason, String from, Action action, String to) {
    assertEquals(status(to), Transitions.next(WEB1, status(from), action), reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "deploying what is already deployed,    deployed,    DEPLOY,      cannot deploy /lab/web1 while it is deployed",
    "deprovisioning a deployed descriptor,  deployed,    DEPROVISION, cannot deprovision /lab/web1 while it is deployed",
    "undeploying what has no VM,            provisioned, UNDEPLOY,    cannot undeploy /lab/web1 while it is provisioned",
    "provisioning twice,                    provisioned, PROVISION,   cannot provision /lab/web1 while it is provisioned",
    "deploying what was never provisioned,  none,        DEPLOY,      cannot deploy /lab/web1 while it is not provisioned",
    "replacing what has no VM,              provisioned, REPLACE,     cannot replace /lab/web1 while it is provisioned",
    "updating what does not exist,          none,        UPDATE,      cannot update /lab/web1 while it is not provisioned",
  })
  void refused(String reason, String from, Action action, String message) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Transitions.next(WEB1, status(from), action));
    assertEquals(message, e.getMessage(), reason);
  }
}
