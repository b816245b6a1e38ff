package io.vmtree.report;

import io.vmtree.diag.Origin;
import io.vmtree.engine.DriftReport;
import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftField;
import io.vmtree.plan.DriftKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code drift --format sarif}: SARIF 2.1.0 for code-scanning dashboards (GitHub's upload-sarif,
 * GitLab). One rule per drift kind; one result per drifted field (per drift without fields),
 * located at the descriptor file and line that set the expected value — the origin — or else at the
 * descriptor's file, or at the hypervisor's entry for VMs nobody declared. Fields in {@code
 * lifecycle.ignore_changes} are results with an external suppression, which dashboards show as
 * dismissed. File URIs are relative to {@code base} (the directory vmtree ran in, the repository
 * root in CI) under the base id {@code %SRCROOT%}.
 */
public final class DriftSarif {
  private static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  private static final String BASE_ID = "%SRCROOT%";

  private DriftSarif() {}

  /** The rule of each drift kind: id, level, one-line and full description. */
  private record Rule(DriftKind kind, String id, String level, String brief, String full) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule(
              DriftKind.CHANGED,
              "VMT001",
              "error",
              "A VM differs from what vmtree applied",
              "A field of the VM (vcpu, memory, power, tags, description) was changed on the"
                  + " hypervisor behind vmtree's back. The next apply sets it back to the tree's"
                  + " value, unless the field is listed in lifecycle.ignore_changes."),
          new Rule(
              DriftKind.MISSING,
              "VMT002",
              "error",
              "A deployed VM is gone",
              "The VM recorded for this descriptor no longer exists on its hypervisor. The"
                  + " descriptor is provisioned again; the next apply deploys a new VM."),
          new Rule(
              DriftKind.UNREACHABLE,
              "VMT003",
              "warning",
              "A hypervisor cannot be reached",
              "The hypervisor did not answer, so its VMs could not be checked. Their"
                  + " descriptors are unreachable until it answers again; other hypervisors"
                  + " were checked."),
          new Rule(
              DriftKind.UNMANAGED,
              "VMT004",
              "warning",
              "A VM not managed by vmtree",
              "A VM on a hypervisor vmtree manages carries no vmtree marker: someone created it"
                  + " by hand. Adopt it with vmtree import, or remove it."),
          new Rule(
              DriftKind.ORPHANED,
              "VMT005",
              "warning",
              "A VM marked for a path the state does not know",
              "A VM carries a vmtree marker for a descriptor path that is not in the state: it"
                  + " was left behind (a lost state, an interrupted run). Adopt it with vmtree"
                  + " import, or remove it."));

  /** {@return the report as a SARIF 2.1.0 log} */
  public static Map<String, Object> render(DriftReport report, Path base, String toolVersion) {
    Path root = report.treeRoot().toAbsolutePath().normalize();
    Path baseDir = base.toAbsolutePath().normalize();
    Map<String, DriftReport.Checked> descriptors = report.descriptorsByName();
    List<Object> results = new ArrayList<>();
    for (Drift d : report.drift()) {
      Origin fallback = fallbackLocation(report, descriptors, d);
      if (d.fields().isEmpty()) {
        results.add(result(d, null, fallback, root, baseDir));
      } else {
        for (DriftField f : d.fields()) {
          results.add(result(d, f, f.origin() != null ? f.origin() : fallback, root, baseDir));
        }
      }
    }
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "vmtree");
    driver.put("semanticVersion", toolVersion);
    driver.put("rules", RULES.stream().map(DriftSarif::rule).toList());
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("tool", Map.of("driver", driver));
    run.put("automationDetails", Map.of("id", "vmtree/drift/"));
    if (root.startsWith(baseDir)) {
      run.put("originalUriBaseIds", Map.of(BASE_ID, Map.of("uri", baseDir.toUri().toString())));
    }
    Map<String, Object> invocation = new LinkedHashMap<>();
    invocation.put("executionSuccessful", !report.diagnostics().hasErrors());
    run.put("invocations", List.of(invocation));
    run.put("results", results);
    Map<String, Object> log = new LinkedHashMap<>();
    log.put("$schema", SCHEMA);
    log.put("version", "2.1.0");
    log.put("runs", List.of(run));
    return log;
  }

  private static Map<String, Object> rule(Rule rule) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", rule.id());
    r.put("name", rule.kind().label());
    r.put("shortDescription", Map.of("text", rule.brief()));
    r.put("fullDescription", Map.of("text", rule.full()));
    r.put("defaultConfiguration", Map.of("level", rule.level()));
    r.put("help", Map.of("text", rule.full()));
    r.put("properties", Map.of("tags", List.of("drift", "vmtree")));
    return r;
  }

  private static Rule ruleOf(DriftKind kind) {
    return RULES.stream().filter(r -> r.kind() == kind).findFirst().orElseThrow();
  }

  /** Where a drift without its own origin is shown: its descriptor, else its hypervisor. */
  private static Origin fallbackLocation(
      DriftReport report, Map<String, DriftReport.Checked> descriptors, Drift d) {
    DriftReport.Checked checked =
        DriftReport.isDescriptorKind(d.kind()) ? descriptors.get(d.fullName()) : null;
    if (checked != null && checked.file() != null) {
      return checked.file();
    }
    DriftReport.HypervisorCheck hypervisor =
        d.hypervisor() == null ? null : report.hypervisor(d.hypervisor());
    return hypervisor == null ? null : hypervisor.declared();
  }

  private static Map<String, Object> result(
      Drift d, DriftField field, Origin at, Path root, Path base) {
    Rule rule = ruleOf(d.kind());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ruleId", rule.id());
    result.put("ruleIndex", RULES.indexOf(rule));
    result.put("level", field != null && field.ignored() ? "note" : rule.level());
    result.put("message", Map.of("text", message(d, field)));
    if (at != null) {
      result.put("locations", List.of(location(d, at, root, base)));
    }
    result.put(
        "partialFingerprints",
        Map.of(
            "vmtreeDrift/v1",
            fingerprint(d.kind().label(), d.fullName(), field == null ? "" : field.field())));
    if (field != null && field.ignored()) {
      result.put(
          "suppressions",
          List.of(
              ordered(
                  "kind",
                  "external",
                  "justification",
                  field.field() + " is listed in lifecycle.ignore_changes")));
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("full_name", d.fullName());
    properties.put("kind", d.kind().label());
    if (d.hypervisor() != null) {
      properties.put("hypervisor", d.hypervisor());
    }
    if (d.vmId() != null) {
      properties.put("vm_id", d.vmId());
    }
    if (field != null) {
      properties.put("field", field.field());
      properties.put("expected", field.expected());
      properties.put("actual", field.actual());
      properties.put("ignored", field.ignored());
    }
    result.put("properties", properties);
    return result;
  }

  private static String message(Drift d, DriftField field) {
    if (field == null) {
      return DriftText.headline(d) + ".";
    }
    return d.fullName()
        + ": "
        + field.field()
        + " is "
        + PlanRenderer.value(field.actual())
        + " on "
        + d.hypervisor()
        + " ("
        + d.vmId()
        + "), but vmtree applied "
        + PlanRenderer.value(field.expected())
        + (field.ignored() ? " (ignored: lifecycle.ignore_changes)" : "")
        + ".";
  }

  private static Map<String, Object> location(Drift d, Origin at, Path root, Path base) {
    Path file = root.resolve(at.file()).normalize();
    Map<String, Object> artifact = new LinkedHashMap<>();
    if (file.startsWith(base)) {
      artifact.put("uri", uriPath(base.relativize(file)));
      artifact.put("uriBaseId", BASE_ID);
    } else {
      artifact.put("uri", file.toUri().toString());
    }
    Map<String, Object> region = new LinkedHashMap<>();
    region.put("startLine", Math.max(1, at.line()));
    if (at.col() > 0) {
      region.put("startColumn", at.col());
    }
    Map<String, Object> physical = new LinkedHashMap<>();
    physical.put("artifactLocation", artifact);
    physical.put("region", region);
    Map<String, Object> location = new LinkedHashMap<>();
    location.put("physicalLocation", physical);
    location.put(
        "logicalLocations",
        List.of(ordered("fullyQualifiedName", d.fullName(), "kind", "resource")));
    return location;
  }

  /** {@return a relative path as a URI reference: forward slashes, each segment escaped} */
  private static String uriPath(Path relative) {
    List<String> segments = new ArrayList<>();
    for (Path segment : relative) {
      segments.add(
          java.net.URLEncoder.encode(segment.toString(), StandardCharsets.UTF_8)
              .replace("+", "%20"));
    }
    return String.join("/", segments);
  }

  /** {@return a map of alternating keys and values, in that order} */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i].toString(), keysAndValues[i + 1]);
    }
    return map;
  }

  private static String fingerprint(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
