package io.vmtree.server;

import io.vmtree.engine.DriftReport;
import io.vmtree.plan.Drift;
import io.vmtree.tree.TreePath;
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

  private static boolean visible(Token token, boolean strays, Drift drift) {
    return DriftReport.isDescriptorKind(drift.kind()) ? covers(token, drift.fullName()) : strays;
  }

  private static boolean covers(Token token, String fullName) {
    try {
      return token.covers(TreePath.of(fullName));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
