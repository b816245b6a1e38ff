package io.vmtree.engine;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.DesiredTree;
import io.vmtree.definition.Cascade;
import io.vmtree.definition.ComputedDefinition;
import io.vmtree.diag.Diagnostics;
import io.vmtree.load.SchemaValidator;
import io.vmtree.load.TreeLoader;
import io.vmtree.model.DescriptorTree;
import io.vmtree.tree.Status;
import io.vmtree.tree.Target;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine as a set of functions over a tree root: validate, explain, and the model for {@code
 * tree}. The CLI and the service only parse input, call these and render the result.
 */
public final class Engine {
  private final TreeLoader loader;

  private Engine(TreeLoader loader) {
    this.loader = loader;
  }

  /** {@return an engine; loads the JSON Schemas once} */
  public static Engine create() {
    return new Engine(new TreeLoader(SchemaValidator.load()));
  }

  /**
   * {@return the result of every check of SPEC §2–3 on the tree at {@code root}: files, schema,
   * names, references between files, and the cascade of every descriptor}
   */
  public Validation validate(Path root) {
    Diagnostics diagnostics = new Diagnostics();
    Optional<DesiredTree> tree = load(root, diagnostics);
    if (tree.isEmpty()) {
      return new Validation(tree, Map.of(), diagnostics);
    }
    Map<TreePath, ComputedDefinition> computed = new ConcurrentHashMap<>();
    tree.get().descriptors().values().parallelStream()
        .forEach(d -> computed.put(d.path(), compute(tree.get(), d, diagnostics)));
    return new Validation(tree, computed, diagnostics);
  }

  /**
   * {@return the computed definition of the descriptor at {@code path}, with origins}
   *
   * @throws EngineException when the tree has errors or there is no such descriptor
   */
  public Explanation explain(Path root, TreePath path) {
    Diagnostics diagnostics = new Diagnostics();
    Optional<DesiredTree> tree = load(root, diagnostics);
    if (tree.isEmpty() || diagnostics.hasErrors()) {
      throw new EngineException("the tree has errors", diagnostics);
    }
    DescriptorConfig descriptor =
        tree.get()
            .descriptor(path)
            .orElseThrow(
                () ->
                    new EngineException(
                        tree.get().folders().containsKey(path)
                            ? path + " is a folder; explain takes a descriptor"
                            : "no descriptor " + path + " in " + root,
                        diagnostics));
    ComputedDefinition computed = compute(tree.get(), descriptor, diagnostics);
    if (diagnostics.hasErrors()) {
      throw new EngineException("the definition of " + path + " has errors", diagnostics);
    }
    return new Explanation(descriptor, Status.PROVISIONED, computed);
  }

  /**
   * {@return the tree at {@code root} as an object model}
   *
   * @throws EngineException when the tree has errors
   */
  public DescriptorTree model(Path root) {
    Validation validation = validate(root);
    if (!validation.isValid()) {
      throw new EngineException("the tree has errors", validation.diagnostics());
    }
    return DescriptorTree.of(validation.tree().get());
  }

  private Optional<DesiredTree> load(Path root, Diagnostics diagnostics) {
    Optional<DesiredTree> tree = loader.load(root, diagnostics);
    tree.ifPresent(t -> io.vmtree.load.TreeChecks.check(t, diagnostics));
    return tree;
  }

  private static ComputedDefinition compute(
      DesiredTree tree, DescriptorConfig descriptor, Diagnostics diagnostics) {
    Diagnostics own = new Diagnostics();
    ComputedDefinition computed = Cascade.compute(tree.chain(descriptor.path()), own);
    // an unknown prototype already explains the missing sizes: don't pile errors on top of it
    if (descriptor.target() == Target.DEPLOYED && !own.hasErrors()) {
      Cascade.checkDeployable(computed, descriptor.path().toString(), descriptor.origin(), own);
    }
    diagnostics.addAll(own);
    return computed;
  }
}
