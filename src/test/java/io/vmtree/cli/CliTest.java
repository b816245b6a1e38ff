package io.vmtree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Which sub-commands the command line is built with, and that help still lists them all. */
class CliTest {
  private static final CommandLine.Model.CommandSpec ROOT =
      new CommandLine(new VmtreeCommand(null, () -> null)).getCommandSpec();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          the command named                        | plan TREE                      | plan
          after a flag of the top level            | --no-color apply TREE          | apply
          after --state and its value              | --state plan validate TREE     | validate
          after --state=value                      | --state=x ops list             | ops
          the state command after --state state    | --state state state list       | state
          help asked at the top level              | --help plan                    | *
          the version asked                        | -V                             | *
          an unknown flag of the top level         | --frobnicate plan TREE         | *
          a misspelt command                       | validat TREE                   | *
          no command                               | --no-color                     | *
          """)
  void buildsWhatTheArgumentsNeed(String reason, String args, String expected) {
    List<String> names =
        Cli.commandsFor(ROOT, args.split(" ")).stream()
            .map(command -> command.getAnnotation(Command.class).name())
            .toList();
    if (expected.equals("*")) {
      assertEquals(VmtreeCommand.COMMANDS.size(), names.size(), names::toString);
    } else {
      assertEquals(List.of(expected), names);
    }
  }

  @Test
  void helpListsEveryCommand() {
    CliRun run = CliRun.of("--help");

    assertEquals(0, run.exitCode(), run.err());
    for (Class<?> command : VmtreeCommand.COMMANDS) {
      String name = command.getAnnotation(Command.class).name();
      assertTrue(run.out().contains("\n  " + name + " "), () -> name + " in\n" + run.out());
    }
  }

  @Test
  void aMisspeltCommandIsAUsageErrorListingEveryCommand() {
    CliRun run = CliRun.of("validat", "examples/lab");

    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("Unmatched arguments from index 0: 'validat'"), run.err());
    assertTrue(run.err().contains("force-unlock"), run.err());
  }

  @Test
  void theStateCommandRunsAfterAStateDirectoryNamedLikeIt() {
    CliRun run = CliRun.of("--state", "validate", "validate", "../examples/lab/does-not-exist");

    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("does-not-exist"), run.err());
  }

  @Test
  void theEngineCommandsAreTheOnesThatRunTheEngine() {
    Set<String> engine =
        VmtreeCommand.COMMANDS.stream()
            .filter(
                command ->
                    EngineCommand.class.isAssignableFrom(command)
                        || command == StateCommand.class
                        || command == ServeCommand.class)
            .map(command -> command.getAnnotation(Command.class).name())
            .collect(Collectors.toSet());
    assertEquals(engine, Cli.ENGINE_COMMANDS);
  }
}
