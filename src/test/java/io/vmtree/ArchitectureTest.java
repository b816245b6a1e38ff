package io.vmtree;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Pins the direction of package dependencies described in docs/architecture.md. */
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
        .layer("Report")
        .definedBy("io.vmtree.report..")
        .layer("Engine")
        .definedBy("io.vmtree.engine..")
        .layer("Model")
        .definedBy("io.vmtree.model..")
        .layer("Load")
        .definedBy("io.vmtree.load..")
        .layer("Config")
        .definedBy("io.vmtree.config..")
        .layer("Definition")
        .definedBy("io.vmtree.definition..")
        .layer("Tree")
        .definedBy("io.vmtree.tree..")
        .layer("Diag")
        .definedBy("io.vmtree.diag..")
        .whereLayer("Main")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Cli")
        .mayOnlyBeAccessedByLayers("Main")
        .whereLayer("Report")
        .mayOnlyBeAccessedByLayers("Cli")
        .whereLayer("Engine")
        .mayOnlyBeAccessedByLayers("Cli", "Report")
        .whereLayer("Model")
        .mayOnlyBeAccessedByLayers("Engine", "Report", "Cli")
        .whereLayer("Load")
        .mayOnlyBeAccessedByLayers("Engine")
        .whereLayer("Config")
        .mayOnlyBeAccessedByLayers("Load", "Model", "Engine", "Report", "Cli")
        .whereLayer("Definition")
        .mayOnlyBeAccessedByLayers("Config", "Load", "Model", "Engine", "Report", "Cli")
        .whereLayer("Tree")
        .mayOnlyBeAccessedByLayers(
            "Definition", "Config", "Load", "Model", "Engine", "Report", "Cli")
        .check(CLASSES);
  }
}
