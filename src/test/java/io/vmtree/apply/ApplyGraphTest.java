package io.vmtree.apply;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.graph.Dag;
import io.vmtree.plan.Action;
import io.vmtree.plan.Change;
import io.vmtree.plan.Desired;
import io.vmtree.plan.Plan;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Target;
import io.vmtree.tree.TreePath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The order apply runs changes in (ARCHITECTURE habit 6, SPEC §2 depends_on). */
class ApplyGraphTest {
  private static Change change(Action action, String path, String... dependsOn) {
    Desired desired =
        new Desired(
            Map.of(),
            Map.of(),
            Target.DEPLOYED,
            Lifecycle.DEFAULT,
            java.util.Arrays.stream(dependsOn).map(TreePath::of).toList());
    boolean folder = action == Action.CREATE_FOLDER || action == Action.DELETE_FOLDER;
    return new Change(
        TreePath.of(path), action, List.of(), null, folder ? null : desired, null, false, false);
  }

  private static Dag<Change> graph(Map<TreePath, List<TreePath>> inState, Change... changes) {
    return ApplyGraph.of(new Plan("l", 1, "/tree", List.of(changes), List.of()), inState);
  }

  private static void assertBefore(Dag<Change> dag, Change first, Change then) {
    assertTrue(
        dag.transitiveDependencies(java.util.Set.of(then)).contains(first),
        first.key() + " must run before " + then.key());
  }

  @Test
  void foldersComeBeforeTheirContentAndGoAfterIt() {
    Change folder = change(Action.CREATE_FOLDER, "/lab");
    Change sub = change(Action.CREATE_FOLDER, "/lab/db");
    Change deploy = change(Action.DEPLOY, "/lab/db/pg1");
    Change undeploy = change(Action.UNDEPLOY, "/old/vm");
    Change gone = change(Action.DELETE_FOLDER, "/old");

    Dag<Change> dag = graph(Map.of(), gone, undeploy, deploy, sub, folder);

    assertBefore(dag, folder, sub);
    assertBefore(dag, sub, deploy);
    assertBefore(dag, undeploy, gone);
  }

  @Test
  void onePathFollowsItsLifecycle() {
    Change provision = change(Action.PROVISION, "/web1");
    Change deploy = change(Action.DEPLOY, "/web1");
    Change undeploy = change(Action.UNDEPLOY, "/db1");
    Change deprovision = change(Action.DEPROVISION, "/db1");

    Dag<Change> dag = graph(Map.of(), deploy, deprovision, provision, undeploy);

    assertBefore(dag, provision, deploy);
    assertBefore(dag, undeploy, deprovision);
  }

  @Test
  void dependenciesDeployFirstAndUndeployLast() {
    Change db = change(Action.DEPLOY, "/db1");
    Change web = change(Action.DEPLOY, "/web1", "/db1");
    Change dbGone = change(Action.UNDEPLOY, "/db2");
    Change webGone = change(Action.UNDEPLOY, "/web2");

    Dag<Change> dag =
        graph(Map.of(TreePath.of("/web2"), List.of(TreePath.of("/db2"))), web, db, dbGone, webGone);

    assertBefore(dag, db, web);
    assertBefore(dag, webGone, dbGone);
  }
}
