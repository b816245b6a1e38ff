package io.vmtree.load;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.vmtree.definition.SecretRef;
import io.vmtree.diag.Diagnostics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * Checks parsed files against the JSON Schemas in {@code schemas/} (SPEC §2), the same files
 * editors use, and turns every violation into a short error at the offending key. The schemas are
 * read once from the classpath; nothing is fetched from the network. Immutable and thread-safe.
 */
public final class SchemaValidator {
  /** The {@code $id} prefix of the schemas; mapped to {@link #CLASSPATH_PREFIX}. */
  static final String ID_PREFIX = "https://vmtree.io/schemas/";

  static final String CLASSPATH_PREFIX = "classpath:io/vmtree/schemas/";

  /** Which file format a document is checked against. */
  public enum Kind {
    /** A descriptor file ({@code NAME.yaml}): one VM. */
    DESCRIPTOR("descriptor.schema.json", "descriptor"),
    /** A folder file ({@code _folder.yaml}). */
    FOLDER("folder.schema.json", "folder");

    private final String fileName;
    private final String label;

    Kind(String fileName, String label) {
      this.fileName = fileName;
      this.label = label;
    }

    /** {@return the schema's {@code $id}, for instance {@code https://vmtree.io/schemas/...}} */
    public String schemaId() {
      return ID_PREFIX + fileName;
    }
  }

  private final Map<Kind, Schema> schemas;

  private SchemaValidator(Map<Kind, Schema> schemas) {
    this.schemas = schemas;
  }

  /** Loaded on first use: reading and compiling the schemas takes longer than checking a file. */
  private static volatile SchemaValidator shared;

  /**
   * {@return the validator for the schemas shipped with vmtree; loaded once and shared}
   *
   * @throws IllegalStateException when the schemas are missing from the classpath or invalid
   */
  public static SchemaValidator load() {
    SchemaValidator validator = shared;
    if (validator == null) {
      synchronized (SchemaValidator.class) {
        validator = shared;
        if (validator == null) {
          validator = create();
          shared = validator;
        }
      }
    }
    return validator;
  }

  private static SchemaValidator create() {
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder ->
                builder.schemaIdResolvers(
                    resolvers -> resolvers.mapPrefix(ID_PREFIX, CLASSPATH_PREFIX)));
    Map<Kind, Schema> schemas = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      try {
        Schema schema = registry.getSchema(SchemaLocation.of(kind.schemaId()));
        // resolves every $ref now, so that a broken schema fails here and not on the first file
        schema.initializeValidators();
        schemas.put(kind, schema);
      } catch (RuntimeException e) {
        throw new IllegalStateException("cannot load schema " + kind.schemaId(), e);
      }
    }
    return new SchemaValidator(schemas);
  }

  /**
   * Checks {@code doc} against the schema of {@code kind}, adding one error per problem to {@code
   * diagnostics}, at the offending key (or value, for a list item).
   *
   * @return true when the document is valid
   */
  public boolean validate(YamlDocument doc, Kind kind, Diagnostics diagnostics) {
    List<Error> errors = schemas.get(kind).validate(doc.root());
    if (errors.isEmpty()) {
      return true;
    }
    for (Problem problem : describe(errors, kind)) {
      diagnostics.error(doc.origin(problem.pointer()), problem.message());
    }
    return false;
  }

  /**
   * One problem as reported.
   *
   * @param pointer the JSON Pointer of the node it is about
   * @param message what is wrong, in the user's terms
   */
  record Problem(String pointer, String message) {}

  /**
   * {@return the problems {@code errors} stand for, without repeats; the errors of the branches of
   * an {@code anyOf} / {@code oneOf} are folded into what the value most likely meant}
   */
  static List<Problem> describe(List<Error> errors, Kind kind) {
    Set<Problem> problems = new LinkedHashSet<>();
    Map<Union, List<Error>> unions = new LinkedHashMap<>();
    for (Error error : errors) {
      Union union = Union.of(error);
      if (union == null) {
        problems.add(Messages.describe(error, kind));
      } else {
        unions.computeIfAbsent(union, u -> new ArrayList<>()).add(error);
      }
    }
    unions.forEach((union, members) -> problems.addAll(union.describe(members, kind)));
    return List.copyOf(problems);
  }

  /**
   * The application of an {@code anyOf} or {@code oneOf} to one value: its keyword's evaluation
   * path, and the location of the value it was applied to.
   */
  private record Union(List<Object> keywordPath, List<Object> instance) {
    private static final Set<String> KEYWORDS = Set.of("anyOf", "oneOf");

    /** {@return the outermost union {@code error} comes from, or null when it is in none} */
    static Union of(Error error) {
      List<Object> path = elements(error.getEvaluationPath());
      int at = -1;
      for (int i = 0; i < path.size(); i++) {
        if (KEYWORDS.contains(path.get(i))) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        return null;
      }
      List<Object> instance = elements(error.getInstanceLocation());
      int depth = descents(path.subList(Math.min(at + 2, path.size()), path.size()));
      return new Union(
          List.copyOf(path.subList(0, at + 1)),
          List.copyOf(instance.subList(0, Math.max(0, instance.size() - depth))));
    }

    /**
     * {@return how many levels below the union's value the error's value is, from the evaluation
     * path between the branch and the failing keyword (which is last and does not count)}
     */
    private static int descents(List<Object> path) {
      int depth = 0;
      for (int i = 0; i < path.size() - 1; i++) {
        switch (String.valueOf(path.get(i))) {
          case "properties", "patternProperties", "prefixItems" -> {
            depth++;
            i++;
          }
          case "additionalProperties", "items", "unevaluatedProperties", "unevaluatedItems" ->
              depth++;
          case "allOf", "anyOf", "oneOf", "dependentSchemas" -> i++;
          default -> {}
        }
      }
      return depth;
    }

    /**
     * {@return one clear account of a failed union: the problems of the branch whose type the value
     * has (the fewest, when several have it), or else one type error naming every type the branches
     * accept}
     */
    List<Problem> describe(List<Error> members, Kind kind) {
      Map<Object, List<Error>> branches = new LinkedHashMap<>();
      List<Object> expectedTypes = new ArrayList<>();
      JsonNode value = null;
      for (Error error : members) {
        List<Object> path = elements(error.getEvaluationPath());
        if (path.size() == keywordPath.size()) {
          value = error.getInstanceNode();
          continue;
        }
        branches.computeIfAbsent(path.get(keywordPath.size()), b -> new ArrayList<>()).add(error);
      }
      List<Error> best = null;
      for (List<Error> branch : branches.values()) {
        if (isTypeMismatch(branch)) {
          value = branch.get(0).getInstanceNode();
          branch.forEach(error -> expectedTypes.addAll(Messages.types(error.getSchemaNode())));
        } else if (best == null || branch.size() < best.size()) {
          best = branch;
        }
      }
      String pointer = pointer(instance);
      if (best != null) {
        return best.stream().map(error -> Messages.describe(error, kind)).toList();
      }
      String label = Messages.label(instance, kind);
      if (expectedTypes.isEmpty()) {
        return List.of(new Problem(pointer, label + ": matches more than one allowed form"));
      }
      return List.of(new Problem(pointer, Messages.typeMismatch(label, expectedTypes, value)));
    }

    /** {@return true when the branch failed only because the value is not of its type} */
    private boolean isTypeMismatch(List<Error> branch) {
      return branch.stream()
          .allMatch(
              error ->
                  "type".equals(error.getKeyword())
                      && elements(error.getInstanceLocation()).equals(instance));
    }
  }

  /** Turns one networknt error into a message a user of vmtree understands. */
  private static final class Messages {
    private static final String NAME_RULE =
        "letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final int NAME_MAX = 63;
    private static final int QUOTE_MAX = 60;

    /** The maps of a definition whose entries are named in messages, with their entries' noun. */
    private static final Map<String, String> ENTRY_NOUNS =
        Map.of("hypervisors", "hypervisor", "prototypes", "prototype", "tags", "tag");

    private Messages() {}

    static Problem describe(Error error, Kind kind) {
      List<Object> at = elements(error.getInstanceLocation());
      String keyword = Objects.requireNonNullElse(error.getKeyword(), "");
      JsonNode value = error.getInstanceNode();
      JsonNode rule = error.getSchemaNode();
      return switch (keyword) {
        case "additionalProperties", "unevaluatedProperties" ->
            new Problem(
                pointer(at, error.getProperty()),
                "unknown key " + quote(error.getProperty()) + " in " + label(at, kind));
        case "propertyNames" ->
            new Problem(pointer(at, error.getProperty()), invalidName(error.getProperty()));
        case "required" ->
            new Problem(
                pointer(at),
                "missing key " + quote(error.getProperty()) + " in " + label(at, kind));
        default -> new Problem(pointer(at), valueMessage(keyword, at, kind, value, rule, error));
      };
    }

    private static String valueMessage(
        String keyword, List<Object> at, Kind kind, JsonNode value, JsonNode rule, Error error) {
      String label = label(at, kind);
      if (!at.isEmpty()
          && SecretRef.SECRET_FIELDS.contains(String.valueOf(at.get(at.size() - 1)))) {
        // a secret's value is never written to output (SPEC §11), not even when it is invalid
        value = StringNode.valueOf(SecretRef.MASK);
      }
      return switch (keyword) {
        case "type" -> typeMismatch(label, types(rule), value);
        case "enum" -> label + ": must be one of " + choices(rule);
        case "const" -> label + ": must be " + choice(rule);
        case "minimum" -> label + ": must be >= " + rule;
        case "maximum" -> label + ": must be <= " + rule;
        case "exclusiveMinimum" -> label + ": must be > " + rule;
        case "exclusiveMaximum" -> label + ": must be < " + rule;
        case "minLength" -> label + ": must be at least " + rule + " characters long";
        case "maxLength" -> label + ": must be at most " + rule + " characters long";
        case "minItems" -> label + ": must have at least " + rule + " items";
        case "maxItems" -> label + ": must have at most " + rule + " items";
        case "uniqueItems" -> label + ": must not list an item twice";
        case "pattern" -> patternMismatch(label, definitionOf(error), value);
        default -> label + ": invalid value";
      };
    }

    /** {@return the {@code $defs} entry the failing keyword belongs to, or "" when none} */
    private static String definitionOf(Error error) {
      List<Object> fragment = elements(error.getSchemaLocation().getFragment());
      return fragment.size() > 1 && "$defs".equals(fragment.get(0))
          ? String.valueOf(fragment.get(1))
          : "";
    }

    private static String patternMismatch(String label, String definition, JsonNode value) {
      String text = value.asString("");
      return switch (definition) {
        case "name" -> invalidName(text);
        case "path" ->
            "invalid path " + quote(text) + " (an absolute path of names, such as /lab/db/pg1)";
        case "sizeRules" ->
            label + ": invalid size " + quote(text) + " (use MiB, GiB or TiB, e.g. \"4GiB\")";
        default -> label + ": invalid value " + quote(text);
      };
    }

    static String invalidName(String name) {
      return name.length() > NAME_MAX
          ? "invalid name " + quote(name) + " (at most " + NAME_MAX + " characters)"
          : "invalid name " + quote(name) + " (" + NAME_RULE + ")";
    }

    static String typeMismatch(String label, Collection<Object> types, JsonNode value) {
      List<String> nouns =
          types.stream().map(String::valueOf).distinct().map(Messages::typeNoun).toList();
      if (nouns.size() > 1) {
        nouns = nouns.stream().filter(noun -> !noun.equals("null")).toList();
      }
      return label + ": expected " + orList(nouns) + ", got " + describeValue(value);
    }

    /** {@return the type names a {@code type} keyword's value allows} */
    static List<Object> types(JsonNode rule) {
      if (rule == null) {
        return List.of();
      }
      if (rule.isArray()) {
        List<Object> names = new ArrayList<>();
        rule.forEach(name -> names.add(name.asString()));
        return names;
      }
      return List.of(rule.asString());
    }

    private static String typeNoun(String type) {
      return switch (type) {
        case "integer" -> "an integer";
        case "number" -> "a number";
        case "string" -> "a string";
        case "boolean" -> "a boolean";
        case "object" -> "a mapping";
        case "array" -> "a list";
        default -> type;
      };
    }

    private static String orList(List<String> items) {
      if (items.size() <= 1) {
        return String.join("", items);
      }
      return String.join(", ", items.subList(0, items.size() - 1))
          + " or "
          + items.get(items.size() - 1);
    }

    private static String describeValue(JsonNode value) {
      if (value == null || value.isNull() || value.isMissingNode()) {
        return "null";
      }
      if (value.isString() && value.asString().equals(SecretRef.MASK)) {
        return SecretRef.MASK;
      }
      if (value.isString()) {
        return "string " + quote(value.asString());
      }
      if (value.isIntegralNumber()) {
        return "integer " + value;
      }
      if (value.isNumber()) {
        return "number " + value;
      }
      if (value.isBoolean()) {
        return "boolean " + value;
      }
      return value.isObject() ? "a mapping" : "a list";
    }

    private static String choices(JsonNode rule) {
      List<String> names = new ArrayList<>();
      rule.forEach(
          option -> {
            if (!option.isNull()) {
              names.add(choice(option));
            }
          });
      return String.join(", ", names);
    }

    private static String choice(JsonNode option) {
      return option.isString() ? option.asString() : option.toString();
    }

    private static String quote(String text) {
      String shown = text.length() > QUOTE_MAX ? text.substring(0, QUOTE_MAX) + "..." : text;
      return StringNode.valueOf(shown).toString();
    }

    /**
     * {@return how the node at {@code path} is called in messages: its key ({@code vcpu}), an entry
     * of a named map ({@code hypervisor "esx1"}, {@code vm "web1"}), a list item ({@code
     * depends_on[0]}), or the document itself ({@code descriptor}, {@code folder})}
     */
    static String label(List<Object> path, Kind kind) {
      int size = path.size();
      if (size == 0) {
        return kind.label;
      }
      Object last = path.get(size - 1);
      if (last instanceof Integer index) {
        return label(path.subList(0, size - 1), kind) + "[" + index + "]";
      }
      String key = String.valueOf(last);
      if (size >= 2) {
        String map = String.valueOf(path.get(size - 2));
        if (ENTRY_NOUNS.containsKey(map) && isDefinition(path.subList(0, size - 2), kind)) {
          return ENTRY_NOUNS.get(map) + " " + quote(key);
        }
        if (size == 2 && kind == Kind.FOLDER && map.equals("vms")) {
          return "vm " + quote(key);
        }
      }
      return key;
    }

    private static boolean isDefinition(List<Object> path, Kind kind) {
      return path.equals(List.of("definition"))
          || (kind == Kind.FOLDER
              && path.size() == 3
              && path.get(0).equals("vms")
              && path.get(2).equals("definition"));
    }
  }

  private static List<Object> elements(NodePath path) {
    List<Object> elements = new ArrayList<>(path.getNameCount());
    for (int i = 0; i < path.getNameCount(); i++) {
      elements.add(path.getElement(i));
    }
    return elements;
  }

  private static String pointer(List<Object> path) {
    String pointer = "";
    for (Object element : path) {
      pointer =
          element instanceof Integer index
              ? YamlDocument.child(pointer, index)
              : YamlDocument.child(pointer, String.valueOf(element));
    }
    return pointer;
  }

  private static String pointer(List<Object> path, String key) {
    String parent = pointer(path);
    return key == null ? parent : YamlDocument.child(parent, key);
  }
}
