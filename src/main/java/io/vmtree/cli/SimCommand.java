package io.vmtree.cli;

import io.vmtree.connector.sim.SimVm;
import io.vmtree.connector.sim.SimWorld;
import io.vmtree.connector.sim.SimWorldException;
import io.vmtree.definition.MemorySize;
import io.vmtree.report.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vmtree sim ...}: inspect and disturb a sim hypervisor from outside, as a person at its
 * console would (SPEC §8): no latency, no injected failures, and it works while the sim is down.
 */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = {
      "Inspects and disturbs a sim hypervisor, as a person at its console would:",
      "for drift and fault drills. Its world is STATE/sim/HYPERVISOR, or --dir DIR."
    },
    subcommands = {
      SimCommand.ListVms.class,
      SimCommand.SetVm.class,
      SimCommand.RemoveVm.class,
      SimCommand.AddVm.class,
      SimCommand.Down.class,
      SimCommand.Up.class
    },
    commandListHeading = "%nCommands:%n")
public final class SimCommand implements Runnable {
  private static final Pattern HYPERVISOR_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  @Spec CommandSpec spec;
  @ParentCommand VmtreeCommand root;
  @Mixin StateOption state;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing a sim command: ls, set, rm, add, down or up");
  }

  Terminal terminal() {
    return root.terminal();
  }

  /** What every {@code sim} sub-command shares: which world, and where to write. */
  abstract static class SimSubcommand implements Callable<Integer> {
    @ParentCommand SimCommand sim;
    @Mixin GlobalOptions global;
    @Mixin StateOption state;

    @Parameters(
        index = "0",
        paramLabel = "HYPERVISOR",
        description = "The sim hypervisor's name, as in the tree.")
    String hypervisor;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "The world's directory (default: STATE/sim/HYPERVISOR).")
    Path dir;

    @Override
    public final Integer call() {
      if (!HYPERVISOR_NAME.matcher(hypervisor).matches()) {
        throw new CliException(ExitCodes.ERROR, "invalid hypervisor name \"" + hypervisor + "\"");
      }
      Terminal terminal = global.noColor ? sim.terminal().withoutColor() : sim.terminal();
      Path where = dir != null ? dir : state.path().resolve("sim").resolve(hypervisor);
      try (SimWorld world = SimWorld.at(where)) {
        if (!createsWorld() && !world.exists()) {
          throw new CliException(
              ExitCodes.ERROR, "no sim world at " + where + " (nothing deployed there yet?)");
        }
        int code = run(world, terminal.out());
        terminal.out().flush();
        return code;
      } catch (SimWorldException e) {
        throw new CliException(ExitCodes.ERROR, e.getMessage());
      }
    }

    /** {@return whether this command makes the world when it does not exist yet} */
    boolean createsWorld() {
      return false;
    }

    /** {@return the exit code, after acting on {@code world} and reporting to {@code out}} */
    abstract int run(SimWorld world, PrintWriter out);

    SimVm find(SimWorld world, String ref) {
      var byId = world.get(ref);
      if (byId.isPresent()) {
        return byId.get();
      }
      List<SimVm> named = world.list().stream().filter(vm -> vm.name().equals(ref)).toList();
      if (named.isEmpty()) {
        throw new CliException(
            ExitCodes.ERROR, "no VM with id or name \"" + ref + "\" on " + hypervisor);
      }
      if (named.size() > 1) {
        throw new CliException(
            ExitCodes.ERROR,
            "VM name \""
                + ref
                + "\" matches several VMs on "
                + hypervisor
                + ": "
                + named.stream().map(SimVm::id).collect(Collectors.joining(", "))
                + "; give an id");
      }
      return named.get(0);
    }

    String label(SimVm vm) {
      return vm.id() + " (" + vm.name() + ")";
    }
  }

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = "Lists the VMs of a sim hypervisor, managed or not.")
  static final class ListVms extends SimSubcommand {
    @Option(
        names = "--json",
        description = "Print {\"vms\": [{id, name, folder, vcpu, memory, power, tags, marker}]}.")
    boolean json;

    @Override
    int run(SimWorld world, PrintWriter out) {
      List<SimVm> vms = world.list();
      if (json) {
        out.println(Json.write(Map.of("vms", vms.stream().map(ListVms::toJson).toList())));
        return ExitCodes.OK;
      }
      if (vms.isEmpty()) {
        out.println("no VMs on " + hypervisor);
      } else {
        List<String[]> rows = new ArrayList<>();
        rows.add(
            new String[] {"ID", "NAME", "FOLDER", "VCPU", "MEMORY", "POWER", "MARKER", "TAGS"});
        vms.forEach(vm -> rows.add(row(vm)));
        printTable(rows, out);
      }
      List<String> kept = world.keptDisks();
      if (!kept.isEmpty()) {
        out.println("kept disks: " + String.join(", ", kept));
      }
      if (world.isDown()) {
        out.println(hypervisor + " is down: 'vmtree sim up " + hypervisor + "' brings it back");
      }
      return ExitCodes.OK;
    }

    private static Map<String, Object> toJson(SimVm vm) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", vm.id());
      json.put("name", vm.name());
      json.put("folder", vm.folderPath());
      json.put("vcpu", vm.vcpu());
      json.put("memory", MemorySize.ofMebibytes(vm.memoryMib()).canonical());
      json.put("power", vm.poweredOn() ? "on" : "off");
      json.put("tags", vm.tags());
      json.put("marker", vm.marker());
      return json;
    }

    private static String[] row(SimVm vm) {
      String tags =
          vm.tags().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(","));
      return new String[] {
        vm.id(),
        vm.name(),
        vm.folderPath(),
        Integer.toString(vm.vcpu()),
        MemorySize.ofMebibytes(vm.memoryMib()).canonical(),
        vm.poweredOn() ? "on" : "off",
        vm.marker() == null ? "-" : vm.marker(),
        tags.isEmpty() ? "-" : tags
      };
    }

    private static void printTable(List<String[]> rows, PrintWriter out) {
      int[] widths = new int[rows.get(0).length];
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
          line.append(row[i]);
          if (i < row.length - 1) {
            line.append(" ".repeat(widths[i] - row[i].length() + 2));
          }
        }
        out.println(line);
      }
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Changes a VM behind the engine's back, for drift drills.",
        "Fields: name, folder (/a/b), vcpu, memory (MiB or 4GiB), power (on|off), description,",
        "tags.KEY (empty value: remove the tag), marker (empty: unmanaged), base_image."
      })
  static final class SetVm extends SimSubcommand {
    @Parameters(index = "1", paramLabel = "VM", description = "The VM's id or name.")
    String vm;

    @Parameters(
        index = "2..*",
        arity = "1..*",
        paramLabel = "FIELD=VALUE",
        description = "The changes.")
    List<String> assignments;

    @Override
    int run(SimWorld world, PrintWriter out) {
      UnaryOperator<SimVm> edit = Fields.parse(assignments);
      SimVm target = find(world, vm);
      SimVm after =
          world
              .update(target.id(), edit)
              .orElseThrow(
                  () ->
                      new CliException(
                          ExitCodes.ERROR, label(target) + " vanished from " + hypervisor));
      out.println(
          "updated " + label(after) + " on " + hypervisor + ": " + String.join(" ", assignments));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "rm",
      mixinStandardHelpOptions = true,
      description = "Deletes a VM and its disks behind the engine's back.")
  static final class RemoveVm extends SimSubcommand {
    @Parameters(index = "1", paramLabel = "VM", description = "The VM's id or name.")
    String vm;

    @Override
    int run(SimWorld world, PrintWriter out) {
      SimVm target = find(world, vm);
      world.delete(target.id(), false);
      out.println("removed " + label(target) + " from " + hypervisor);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Creates a VM vmtree does not manage (no marker, unless marker= is given).",
        "Defaults: folder /, vcpu 1, memory 1GiB, power on, base_image unknown.",
        "Fields as for 'sim set'."
      })
  static final class AddVm extends SimSubcommand {
    @Parameters(index = "1", paramLabel = "NAME", description = "The new VM's name.")
    String name;

    @Parameters(
        index = "2..*",
        arity = "0..*",
        paramLabel = "FIELD=VALUE",
        description = "Its settings.")
    List<String> assignments = new ArrayList<>();

    @Override
    boolean createsWorld() {
      return true;
    }

    @Override
    int run(SimWorld world, PrintWriter out) {
      SimVm wanted = Fields.parse(assignments).apply(SimVm.unmanaged(Fields.name(name), "unknown"));
      if (wanted.marker() != null) {
        world.list().stream()
            .filter(vm -> wanted.marker().equals(vm.marker()))
            .findFirst()
            .ifPresent(
                vm -> {
                  throw new CliException(
                      ExitCodes.ERROR,
                      label(vm) + " on " + hypervisor + " already carries marker " + vm.marker());
                });
      }
      SimVm created = world.create(wanted);
      out.println("added " + label(created) + " to " + hypervisor);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description = "Makes a sim hypervisor unreachable: every call to it fails until 'sim up'.")
  static final class Down extends SimSubcommand {
    @Override
    boolean createsWorld() {
      return true;
    }

    @Override
    int run(SimWorld world, PrintWriter out) {
      world.setDown(true);
      out.println(hypervisor + " is down: 'vmtree sim up " + hypervisor + "' brings it back");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Makes a sim hypervisor reachable again.")
  static final class Up extends SimSubcommand {
    @Override
    int run(SimWorld world, PrintWriter out) {
      world.setDown(false);
      out.println(hypervisor + " is up");
      return ExitCodes.OK;
    }
  }

  /** {@code FIELD=VALUE} arguments, turned into a change of a VM. */
  static final class Fields {
    private static final Pattern MEBIBYTES = Pattern.compile("\\d{1,15}");

    private Fields() {}

    static UnaryOperator<SimVm> parse(List<String> assignments) {
      UnaryOperator<SimVm> edit = vm -> vm;
      for (String assignment : assignments) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
          throw invalid("expected FIELD=VALUE, got \"" + assignment + "\"");
        }
        UnaryOperator<SimVm> previous = edit;
        UnaryOperator<SimVm> next =
            field(assignment.substring(0, eq), assignment.substring(eq + 1));
        edit = vm -> next.apply(previous.apply(vm));
      }
      return edit;
    }

    static String name(String value) {
      if (value.isBlank() || value.contains("/")) {
        throw invalid("invalid VM name \"" + value + "\": it must be non-empty, without '/'");
      }
      return value;
    }

    private static UnaryOperator<SimVm> field(String field, String value) {
      switch (field) {
        case "name":
          String name = name(value);
          return vm -> vm.withName(name);
        case "folder":
          List<String> folder = folder(value);
          return vm -> vm.withFolder(folder);
        case "vcpu":
          int vcpu = vcpu(value);
          return vm -> vm.withVcpu(vcpu);
        case "memory":
          long memory = memory(value);
          return vm -> vm.withMemoryMib(memory);
        case "power":
          boolean on = power(value);
          return vm -> vm.withPoweredOn(on);
        case "description":
          return vm -> vm.withDescription(value.isEmpty() ? null : value);
        case "marker":
          return vm -> vm.withMarker(value.isEmpty() ? null : value);
        case "base_image":
          if (value.isBlank()) {
            throw invalid("base_image must not be empty");
          }
          return vm -> vm.withBaseImage(value);
        default:
          if (field.startsWith("tags.") && field.length() > "tags.".length()) {
            String key = field.substring("tags.".length());
            return vm -> vm.withTag(key, value.isEmpty() ? null : value);
          }
          throw invalid(
              "unknown field \""
                  + field
                  + "\": use name, folder, vcpu, memory, power, description, tags.KEY, marker"
                  + " or base_image");
      }
    }

    private static List<String> folder(String value) {
      if (!value.isEmpty() && !value.startsWith("/")) {
        throw invalid("folder must be an absolute path such as /lab/db, got \"" + value + "\"");
      }
      return Arrays.stream(value.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static int vcpu(String value) {
      try {
        int vcpu = Integer.parseInt(value);
        if (vcpu >= 1) {
          return vcpu;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw invalid("vcpu must be a whole number of 1 or more, got \"" + value + "\"");
    }

    private static long memory(String value) {
      try {
        return MEBIBYTES.matcher(value).matches()
            ? MemorySize.ofMebibytes(Long.parseLong(value)).mebibytes()
            : MemorySize.parse(value).mebibytes();
      } catch (IllegalArgumentException e) {
        throw invalid(e.getMessage());
      }
    }

    private static boolean power(String value) {
      return switch (value) {
        case "on" -> true;
        case "off" -> false;
        default -> throw invalid("power must be on or off, got \"" + value + "\"");
      };
    }

    private static CliException invalid(String message) {
      return new CliException(ExitCodes.ERROR, message);
    }
  }
}
