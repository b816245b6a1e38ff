package io.vmtree.server;

import static io.vmtree.server.ServeHarness.TOKENS;
import static io.vmtree.server.ServeHarness.list;
import static io.vmtree.server.ServeHarness.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.server.ServeHarness.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens, roles and subtrees; rate limits; TLS. */
class ServeAccessTest {
  @TempDir Path dir;
  private ServeHarness h;

  private static final String READER = TOKENS.get("lab-reader");
  private static final String PLANNER = TOKENS.get("lab-planner");
  private static final String OPS = TOKENS.get("lab-ops");
  private static final String ADMIN = TOKENS.get("root-admin");

  private ServeHarness serve() {
    h =
        ServeHarness.of(
                dir,
                "_folder.yaml",
                ServeHarness.root("latency_ms: 0"),
                "lab/web1.yaml",
                "definition:\n  vcpu: 4\n",
                "lab/app.yaml",
                "definition: {}\n",
                "prod/db1.yaml",
                "definition:\n  memory: 4GiB\n")
            .start(true);
    return h;
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void noTokenOrABadOneIs401() {
    serve();
    Response none = h.get("/v1/tree");
    assertEquals(401, none.status());
    assertEquals("unauthorized", none.errorCode());
    assertEquals("Bearer realm=\"vmtree\"", none.header("WWW-Authenticate"));
    assertEquals(401, h.get("/v1/tree", "not-a-token").status());
    assertEquals(401, h.post("/v1/plan", "{}", "secret-lab-ops-typo").status());
    // the health check and the API description are open
    assertEquals(200, h.get("/healthz").status());
    assertEquals(200, h.get("/v1/openapi.json").status());
    assertEquals(200, h.get("/metrics", READER).status());
    assertEquals(401, h.get("/metrics").status());
  }

  @Test
  void aTokenScopedToLabNeitherReadsNorActsOnProd() {
    serve();
    assertEquals(200, h.get("/v1/descriptors/lab/web1", READER).status());
    Response prod = h.get("/v1/descriptors/prod/db1", READER);
    assertEquals(403, prod.status());
    assertTrue(
        prod.body().contains("outside the subtrees of token lab-reader (/lab/**)"), prod.body());
    assertEquals(403, h.get("/v1/tree?path=/prod", READER).status());

    // the tree shows the root and /lab only
    Map<String, Object> root = map(h.get("/v1/tree", READER).json().get("tree"));
    assertEquals(
        List.of("/lab"), list(root.get("folders")).stream().map(f -> f.get("full_name")).toList());

    assertEquals(403, h.post("/v1/plan", "{\"targets\": [\"/prod\"]}", OPS).status());
    assertEquals(403, h.post("/v1/plan", "{\"replace\": [\"/prod/db1\"]}", OPS).status());
    assertEquals(403, h.post("/v1/refresh", "{\"targets\": [\"/\"]}", OPS).status());

    // roles: read cannot plan, plan cannot apply, only admin reloads
    Response readerPlans = h.post("/v1/plan", "{}", READER);
    assertEquals(403, readerPlans.status());
    assertTrue(readerPlans.body().contains("has the role read"), readerPlans.body());
    long labPlan = h.plan("{}", PLANNER);
    assertEquals(403, h.post("/v1/apply", "{\"plan\": " + labPlan + "}", PLANNER).status());
    assertEquals(403, h.post("/v1/reload", "", OPS).status());
    assertEquals(200, h.post("/v1/reload", "", ADMIN).status());
  }

  @Test
  void plansAreCutToTheTokensSubtrees() {
    serve();
    // no targets: the plan of a /lab token is the plan of /lab
    Response planned = h.post("/v1/plan", "{}", OPS);
    assertEquals(List.of("/lab"), planned.json().get("targets"));
    long plan = ((Number) h.await(planned.json().get("id"), OPS).get("id")).longValue();
    List<Map<String, Object>> changes = list(h.get("/v1/plans/" + plan, OPS).json().get("changes"));
    assertFalse(changes.isEmpty());
    assertTrue(
        changes.stream().allMatch(c -> ((String) c.get("full_name")).startsWith("/lab")),
        changes.toString());
    Response apply = h.post("/v1/apply", "{\"plan\": " + plan + "}", OPS);
    assertEquals("succeeded", h.await(apply.json().get("id"), OPS).get("status"));
    assertEquals("deployed", h.get("/v1/descriptors/lab/web1", ADMIN).json().get("status"));
    assertEquals("provisioned", h.get("/v1/descriptors/prod/db1", ADMIN).json().get("status"));

    // an admin's plan of everything is out of reach for the lab token, and so are its operations
    long first = h.plan("{}", ADMIN);
    assertEquals(403, h.get("/v1/plans/" + first, OPS).status());
    // an operation out of reach is refused without telling its type
    Object adminApply = h.post("/v1/apply", "{\"plan\": " + first + "}", ADMIN).json().get("id");
    h.await(adminApply, ADMIN);
    Response notMine = h.get("/v1/plans/" + adminApply, OPS);
    assertEquals(403, notMine.status(), notMine.body());
    assertFalse(notMine.body().contains("apply"), notMine.body());
    Response notAPlan = h.get("/v1/plans/" + adminApply, ADMIN);
    assertEquals(404, notAPlan.status());
    assertTrue(notAPlan.body().contains("is an apply, not a plan"), notAPlan.body());
    long all = h.plan("{}", ADMIN);
    assertEquals(403, h.get("/v1/plans/" + all, OPS).status());
    assertEquals(403, h.post("/v1/apply", "{\"plan\": " + all + "}", OPS).status());
    assertEquals(403, h.get("/v1/operations/" + all, OPS).status());
    List<Map<String, Object>> seen =
        list(h.get("/v1/operations?limit=1000", READER).json().get("operations"));
    assertTrue(
        seen.stream().allMatch(o -> o.get("targets").toString().contains("/lab")), seen.toString());
    assertTrue(seen.stream().noneMatch(o -> ((Number) o.get("id")).longValue() == all));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aScopedTokenSeesOnlyTheTreeErrorsOfItsSubtreesAndOfTheFoldersAboveThem() throws Exception {
    serve();
    Files.writeString(h.tree.resolve("lab/web1.yaml"), "definition:\n  vcpu: many\n");
    Files.writeString(
        h.tree.resolve("prod/_folder.yaml"),
        "definition:\n  hypervisors:\n    h9: {type: vmware, password: 918273645}\n");
    Files.writeString(h.tree.resolve("prod/db1.yaml"), "definition:\n  cpus: 2\n");
    Files.writeString(h.tree.resolve("lab/_folder.yaml"), "definition:\n  vcpus: 2\n");
    assertEquals(200, h.post("/v1/reload", "", ADMIN).status());

    Map<String, Object> lab = h.get("/v1/tree", READER).json();
    List<String> shown = (List<String>) lab.get("errors");
    assertEquals(2, shown.size(), shown.toString());
    assertTrue(shown.stream().anyMatch(e -> e.startsWith("lab/web1.yaml:")), shown.toString());
    assertTrue(shown.stream().anyMatch(e -> e.startsWith("lab/_folder.yaml:")), shown.toString());
    assertEquals(2, lab.get("errors_outside_subtrees"), lab.toString());

    Map<String, Object> all = h.get("/v1/tree", ADMIN).json();
    List<String> every = (List<String>) all.get("errors");
    assertEquals(4, every.size(), every.toString());
    assertFalse(all.containsKey("errors_outside_subtrees"));
    // a literal password is never written to output, even when it is not valid
    assertTrue(
        every.stream().anyMatch(e -> e.contains("password: expected a string, got (sensitive)")),
        every.toString());
    assertFalse(all.toString().contains("918273645"), all.toString());

    // a plan the errors stop shows the planner the same cut
    Response planned = h.post("/v1/plan", "{}", PLANNER);
    Map<String, Object> failed = h.await(planned.json().get("id"), PLANNER);
    assertEquals("failed", failed.get("status"), failed.toString());
    Map<String, Object> result = (Map<String, Object>) failed.get("result");
    List<String> told = (List<String>) result.get("diagnostics");
    assertEquals(2, told.size(), failed.toString());
    assertTrue(told.stream().allMatch(e -> e.startsWith("lab/")), failed.toString());
    assertEquals(2, result.get("errors_outside_subtrees"), failed.toString());
    assertFalse(failed.toString().contains("prod/"), failed.toString());
  }

  @Test
  void aPlanThatReachesOutsideTheTokensSubtreesFails() throws Exception {
    serve();
    Files.writeString(h.tree.resolve("lab/app.yaml"), "definition: {}\ndepends_on: [/prod/db1]\n");
    h.post("/v1/reload", "", ADMIN);
    Response planned = h.post("/v1/plan", "{\"targets\": [\"/lab/app\"]}", OPS);
    Map<String, Object> op = h.await(planned.json().get("id"), OPS);
    assertEquals("failed", op.get("status"), op.toString());
    assertTrue(((String) op.get("error")).contains("reaches outside"), op.toString());
    assertTrue(((String) op.get("error")).contains("/prod/db1"), op.toString());
  }

  @Test
  void everyRequestIsLoggedWithTheTokensNameNeverTheToken() {
    serve();
    h.get("/v1/tree", READER);
    h.get("/v1/tree", "wrong-secret");
    h.logWith(" lab-reader GET /v1/tree 200 ");
    String log = h.logWith(" - GET /v1/tree 401 ");
    for (String secret : TOKENS.values()) {
      assertFalse(log.contains(secret), "a token is in the log");
    }
    assertFalse(log.contains("wrong-secret"));
  }

  @Test
  void aCallerOverItsRateGets429() {
    h = ServeHarness.of(dir, "_folder.yaml", ServeHarness.root("latency_ms: 0"));
    ServeOptions o = h.defaults(true);
    h.start(
        new ServeOptions(
            o.tree(),
            o.state(),
            o.listen(),
            o.tokens(),
            null,
            null,
            10,
            4096,
            0.5,
            3,
            o.grace(),
            4,
            false));
    for (int i = 0; i < 3; i++) {
      assertEquals(200, h.get("/v1/tree", READER).status());
    }
    Response limited = h.get("/v1/tree", READER);
    assertEquals(429, limited.status());
    assertEquals("rate_limited", limited.errorCode());
    // one request every 20 s: the caller is told to wait at most that long
    int retry = Integer.parseInt(limited.header("Retry-After"));
    assertTrue(retry >= 1 && retry <= 20, "Retry-After " + retry);
    // another token has its own bucket
    assertEquals(200, h.get("/v1/tree", ADMIN).status());
  }

  @Test
  void tlsServesTheGivenCertificate() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    selfSigned(cert, key);

    h = ServeHarness.of(dir, "_folder.yaml", ServeHarness.root("latency_ms: 0"));
    ServeOptions o = h.defaults(true);
    h.start(
        new ServeOptions(
            o.tree(),
            o.state(),
            o.listen(),
            o.tokens(),
            cert,
            key,
            10,
            4096,
            0,
            1,
            o.grace(),
            4,
            false));
    assertTrue(h.service.url().startsWith("https://127.0.0.1:"), h.service.url());

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (var in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "vmtree", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(context).build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(h.service.url() + "/v1/tree"))
                .header("Authorization", "Bearer " + READER)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedNamingBothFiles() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Path other = dir.resolve("other-key.pem");
    selfSigned(cert, key);
    openssl("genpkey", "-algorithm", "RSA", "-out", other.toString());
    // the pair that belongs together is accepted
    Tls.context(cert, key);
    Tls.Invalid e = assertThrows(Tls.Invalid.class, () -> Tls.context(cert, other));
    assertTrue(e.getMessage().contains(other.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(cert.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());

    h = ServeHarness.of(dir, "_folder.yaml", ServeHarness.root("latency_ms: 0"));
    ServeOptions o = h.defaults(true);
    ServeOptions mismatched =
        new ServeOptions(
            o.tree(),
            o.state(),
            o.listen(),
            o.tokens(),
            cert,
            other,
            10,
            4096,
            0,
            1,
            o.grace(),
            4,
            false);
    assertThrows(Tls.Invalid.class, () -> h.start(mismatched));
    h.service = null;
  }

  /** Makes a certificate for 127.0.0.1 and its key, as a user would with openssl. */
  private static void selfSigned(Path cert, Path key) throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        key.toString(),
        "-out",
        cert.toString());
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
  }

  @Test
  void withoutTokensTheServiceOnlyListensOnLoopback() {
    h = ServeHarness.of(dir, "_folder.yaml", ServeHarness.root("latency_ms: 0"));
    ServeOptions o = h.defaults(false);
    ServeOptions open =
        new ServeOptions(
            o.tree(),
            o.state(),
            new java.net.InetSocketAddress("0.0.0.0", 0),
            null,
            null,
            null,
            10,
            4096,
            0,
            1,
            o.grace(),
            4,
            false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.start(open));
    assertTrue(e.getMessage().contains("needs --tokens FILE"), e.getMessage());
    h.service = null;
  }

  @Test
  void aBadTokensFileNamesEveryProblemWithItsPosition() throws Exception {
    Path file = dir.resolve("tokens.txt");
    Files.writeString(
        file,
        "# comment\n"
            + "ok apply /lab/** sha256:"
            + TokenFile.hash("a")
            + "\n"
            + "ok read /lab/** sha256:"
            + TokenFile.hash("b")
            + "\n"
            + "x  boss /lab/** sha256:"
            + TokenFile.hash("c")
            + "\n"
            + "y  read /lab sha256:"
            + TokenFile.hash("d")
            + "\n"
            + "z  read /lab/** secret-in-clear\n"
            + "w  read\n");
    TokenFile.Invalid e = assertThrows(TokenFile.Invalid.class, () -> TokenFile.read(file));
    String m = e.getMessage();
    assertTrue(m.contains(file + ":3:1: token name \"ok\" is already used on line 2"), m);
    assertTrue(m.contains(file + ":4:4: unknown role \"boss\""), m);
    assertTrue(m.contains(file + ":5:9: subtree \"/lab\" must be written /path/**"), m);
    assertTrue(m.contains(file + ":6:17: expected sha256:"), m);
    assertTrue(m.contains(file + ":7:1: expected 4 fields"), m);
  }

  @Test
  void theOpenApiDocumentDescribesEveryRoute() {
    Map<String, Object> doc = ServeHarness.JSON.readValue(Api.openApiDocument(), Map.class);
    Map<String, Object> paths = map(doc.get("paths"));
    for (Api.Route route : new Api(null).routes()) {
      assertTrue(paths.containsKey(route.template()), route.template() + " is not in openapi.json");
      assertTrue(
          map(paths.get(route.template()))
              .containsKey(route.method().toLowerCase(java.util.Locale.ROOT)),
          route.method() + " " + route.template() + " is not in openapi.json");
    }
    // the answers every route can give, from the steps HttpFront takes before and around it
    for (Api.Route route : new Api(null).routes()) {
      Map<String, Object> responses =
          map(
              map(map(paths.get(route.template())).get(route.method().toLowerCase(Locale.ROOT)))
                  .get("responses"));
      List<String> expected = new java.util.ArrayList<>(List.of("405"));
      if (route.role() != null) {
        expected.addAll(List.of("401", "403", "429"));
      }
      if (route.method().equals("POST")) {
        expected.addAll(List.of("400", "413"));
        if (route.role() != Role.ADMIN) {
          expected.add("503");
        }
      } else if (route.template().contains("{") || route.template().equals("/v1/tree")) {
        expected.add("400");
      }
      for (String code : expected) {
        assertTrue(
            responses.containsKey(code),
            route.method() + " " + route.template() + " does not document " + code);
      }
    }
    long documented = paths.values().stream().mapToLong(p -> map(p).size()).sum();
    assertEquals(
        new Api(null).routes().size(), documented, "openapi.json documents a route the API lacks");
  }
}
