package io.vmtree.server;

import io.vmtree.engine.DriftReport;
import io.vmtree.plan.Drift;
import io.vmtree.plan.Plan;
import io.vmtree.tree.TreePath;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What of a drift report a token may see: the drift, transitions and checks of the descriptors in
 * its subtrees; and the VMs nobody declared ({@code unmanaged}, {@code orphaned}), which belong to
 * a hypervisor rather than a subtree, only when it is an {@code admin} or covers {@code /**}.
 */
final class DriftScope {
  private DriftScope() {}

  /** {@return true when {@code token} sees the VMs of the hypervisors that no descriptor owns} */
  static boolean seesStrayVms(Token token) {
    return token.role() == Role.ADMIN || token.coversRoot();
  }

  /** {@return {@code report} cut to what {@code token} may see} */
  static DriftReport cut(DriftReport report, Token token) {
    if (token.coversRoot()) {
      return report;
    }
    boolean strays = seesStrayVms(token);
    var descriptors =
        report.descriptors().stream().filter(c -> covers(token, c.fullName())).toList();
    Set<String> hypervisorsSeen =
        descriptors.stream().map(DriftReport.Checked::hypervisor).collect(Collectors.toSet());
    return new DriftReport(
        report.treeRoot(),
        descriptors,
        report.hypervisors().stream()
            .filter(h -> strays || hypervisorsSeen.contains(h.name()))
            .toList(),
        report.drift().stream().filter(d -> visible(token, strays, d)).toList(),
        report.transitions().stream().filter(t -> covers(token, t.fullName())).toList(),
        report.diagnostics(),
        report.calls(),
        report.took());
  }

  /**
   * {@return {@code plan} with its drift and transitions cut to what {@code token} may see}: a plan
   * refreshes every hypervisor, whatever its targets, so it carries what drift shows
   */
  static Plan cut(Plan plan, Token token) {
    if (token.coversRoot()) {
      return plan;
    }
    return new Plan(
        plan.lineage(),
        plan.serial(),
        plan.treeRoot(),
        plan.changes(),
        visibleDrift(plan.drift(), token.subtrees(), seesStrayVms(token)),
        plan.transitions().stream().filter(t -> covers(token.subtrees(), t.fullName())).toList());
  }

  /**
   * {@return the drift of {@code drift} in {@code subtrees}, and the stray VMs if {@code strays}}
   */
  static List<Drift> visibleDrift(List<Drift> drift, List<TreePath> subtrees, boolean strays) {
    return drift.stream().filter(d -> visible(subtrees, strays, d)).toList();
  }

  private static boolean visible(Token token, boolean strays, Drift drift) {
    return visible(token.subtrees(), strays, drift);
  }

  private static boolean visible(List<TreePath> subtrees, boolean strays, Drift drift) {
    return DriftReport.isDescriptorKind(drift.kind()) ? covers(subtrees, drift.fullName()) : strays;
  }

  private static boolean covers(Token token, String fullName) {
    return covers(token.subtrees(), fullName);
  }

  private static boolean covers(List<TreePath> subtrees, String fullName) {
    try {
      TreePath path = TreePath.of(fullName);
      return subtrees.stream().anyMatch(s -> s.contains(path));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
