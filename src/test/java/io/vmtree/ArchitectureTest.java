package io.vmtree;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Pins the direction of package dependencies described in docs/architecture.md: connectors see only
 * the connector seam, the graph and the journal know nothing of vmtree, and nothing below the CLI
 * knows about it.
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.vmtree");

  @Test
  void dependenciesPointDownTheLayers() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Main")
        .definedBy("io.vmtree")
        .layer("Cli")
        .definedBy("io.vmtree.cli..")
        .layer("Server")
        .definedBy("io.vmtree.server..")
        .layer("Report")
        .definedBy("io.vmtree.report..")
        .layer("Engine")
        .definedBy("io.vmtree.engine..")
        .layer("Apply")
        .definedBy("io.vmtree.apply..")
        .layer("Plan")
        .definedBy("io.vmtree.plan..")
        .layer("Model")
        .definedBy("io.vmtree.model..")
        .layer("Load")
        .definedBy("io.vmtree.load..")
        .layer("Config")
        .definedBy("io.vmtree.config..")
        .layer("Definition")
        .definedBy("io.vmtree.definition..")
        .layer("State")
        .definedBy("io.vmtree.state..")
        .layer("Ops")
        .definedBy("io.vmtree.ops..")
        .layer("Json")
        .definedBy("io.vmtree.json..")
        .layer("Sim")
        .definedBy("io.vmtree.connector.sim..")
        .layer("Proxmox")
        .definedBy("io.vmtree.connector.proxmox..")
        .layer("Vsphere")
        .definedBy("io.vmtree.connector.vsphere..")
        .layer("Connector")
        .definedBy("io.vmtree.connector")
        .layer("Graph")
        .definedBy("io.vmtree.graph..")
        .layer("Tree")
        .definedBy("io.vmtree.tree..")
        .layer("Diag")
        .definedBy("io.vmtree.diag..")
        .whereLayer("Main")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Cli")
        .mayOnlyBeAccessedByLayers("Main")
        .whereLayer("Server")
        .mayOnlyBeAccessedByLayers("Main", "Cli")
        .whereLayer("Report")
        .mayOnlyBeAccessedByLayers("Cli", "Server")
        .whereLayer("Engine")
        .mayOnlyBeAccessedByLayers("Cli", "Server", "Report")
        .whereLayer("Apply")
        .mayOnlyBeAccessedByLayers("Engine", "Report", "Cli", "Server")
        .whereLayer("Plan")
        .mayOnlyBeAccessedByLayers("Apply", "Engine", "Report", "Cli", "Server")
        .whereLayer("Model")
        .mayOnlyBeAccessedByLayers("Engine", "Report", "Cli", "Server")
        .whereLayer("Load")
        .mayOnlyBeAccessedByLayers("Engine")
        .whereLayer("Config")
        .mayOnlyBeAccessedByLayers("Load", "Model", "Plan", "Engine", "Report", "Cli", "Server")
        .whereLayer("Definition")
        .mayOnlyBeAccessedByLayers(
            "Config", "Load", "Model", "Plan", "Apply", "Engine", "Report", "Cli", "Server")
        .whereLayer("State")
        .mayOnlyBeAccessedByLayers("Plan", "Apply", "Engine", "Report", "Cli", "Server")
        .whereLayer("Ops")
        .mayOnlyBeAccessedByLayers("State", "Apply", "Engine", "Report", "Cli", "Server")
        .whereLayer("Json")
        .mayOnlyBeAccessedByLayers("Ops", "State", "Sim", "Server")
        .whereLayer("Sim")
        .mayOnlyBeAccessedByLayers("Engine", "Cli")
        .whereLayer("Proxmox")
        .mayOnlyBeAccessedByLayers("Engine")
        .whereLayer("Vsphere")
        .mayOnlyBeAccessedByLayers("Engine")
        .whereLayer("Connector")
        .mayOnlyBeAccessedByLayers(
            "Sim", "Proxmox", "Vsphere", "Plan", "Apply", "Engine", "Report", "Cli", "Server")
        .whereLayer("Graph")
        .mayOnlyBeAccessedByLayers("Apply", "Engine", "Report", "Cli")
        .whereLayer("Tree")
        .mayOnlyBeAccessedByLayers(
            "Definition",
            "Config",
            "Load",
            "Model",
            "State",
            "Plan",
            "Apply",
            "Engine",
            "Report",
            "Cli",
            "Server")
        .check(CLASSES);
  }
}
