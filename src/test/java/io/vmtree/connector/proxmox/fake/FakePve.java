package io.vmtree.connector.proxmox.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Proxmox VE API server for tests: HTTPS with a self-signed certificate, {@code /api2/json},
 * modelled on Proxmox's own sources (read from the public repositories, none of their code copied):
 *
 * <ul>
 *   <li>answers and errors: pve-http-server {@code src/PVE/APIServer/Formatter/Standard.pm} (the
 *       {@code {"data": ...}} envelope; on an error {@code data} null, {@code message}, and {@code
 *       errors} by parameter) and {@code src/PVE/APIServer/AnyEvent.pm} (the message also in the
 *       status line; 401 for a missing or bad ticket, token or CSRF token);
 *   <li>permissions: pve-access-control {@code src/PVE/RPCEnvironment.pm} and pve-common {@code
 *       src/PVE/Exception.pm} raise_perm_exc: 403 {@code Permission check failed (/vms/100,
 *       VM.Clone)}; parameter errors: raise_param_exc, 400 {@code Parameter verification failed.};
 *   <li>tickets: pve-access-control {@code src/PVE/AccessControl.pm} (two-hour lifetime), {@code
 *       POST /access/ticket} answering {@code ticket} and {@code CSRFPreventionToken};
 *   <li>VMs: qemu-server {@code src/PVE/API2/Qemu.pm}: {@code POST {vmid}/clone} (VM.Clone on the
 *       source, VM.Allocate on the new id, Datastore.AllocateSpace on the storage; "unable to
 *       create VM N: config file already exists"; the new config exists at once with {@code lock:
 *       clone}; a failed clone removes what it made), {@code POST {vmid}/config} (async, {@code
 *       qmconfig}; cores and memory of a running VM stay pending without hotplug), {@code
 *       status/start|stop| reboot}, {@code DELETE {vmid}} ("VM N is running - destroy failed"),
 *       {@code move_disk} with {@code target-vmid}; config errors "Configuration file
 *       'nodes/N/qemu-server/V.conf' does not exist";
 *   <li>cluster: pve-manager {@code PVE/API2/Cluster.pm}: {@code GET /cluster/resources?type=vm}
 *       (rows with vmid, node, name, status, maxcpu, maxmem in bytes, tags, lock, pool, template)
 *       and {@code GET /cluster/nextid?vmid=N} ("VM N already exists" as a parameter error, and
 *       nothing reserved);
 *   <li>tasks: pve-common {@code src/PVE/Tools.pm} / PVE::UPID ({@code
 *       UPID:node:pid:pstart:starttime:type:id:user:}, eight upper-case hex digits each) and
 *       pve-manager {@code PVE/API2/Tasks.pm} ({@code status}: running/stopped with {@code
 *       exitstatus}; {@code log}: lines {@code {n, t}} with {@code total});
 *   <li>locks: PVE::Tools::lock_file_full "can't lock file '/var/lock/qemu-server/lock-100.conf' -
 *       got timeout" for a VM's config, and the storage's lock (simplified: held for the whole
 *       copy) "can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout";
 *   <li>a node that is down: pveproxy answers 595 for calls it cannot proxy to it, and {@code
 *       /cluster/resources} reports that node's VMs with status {@code unknown}.
 * </ul>
 *
 * The current qemu-server takes only a shared lock on a stopped clone source; {@link
 * #exclusiveTemplateLock} models the exclusive one of older releases (and of a running source).
 */
public final class FakePve implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern VM_PATH = Pattern.compile("/nodes/([^/]+)/qemu/(\\d+)(/.*)?");
  private static final Pattern TASK_PATH =
      Pattern.compile("/nodes/([^/]+)/tasks/([^/]+)/(status|log)");
  private static final Pattern TAG = Pattern.compile("(?i)[a-z0-9_][a-z0-9_\\-+.]*");

  /** A VM or template: its config as PVE keeps it, and its power state. */
  static final class Vm {
    final int vmid;
    volatile String node;
    final Map<String, String> config = new LinkedHashMap<>();
    final Map<String, String> pending = new LinkedHashMap<>();
    volatile boolean running;
    volatile String pool;

    Vm(int vmid, String node) {
      this.vmid = vmid;
      this.node = node;
    }
  }

  /** A worker task: a UPID, its log, and how it ended. */
  static final class Task {
    final String upid;
    final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile String exitStatus;

    Task(String upid) {
      this.upid = upid;
    }
  }

  /** A failure injected into the next task of a type. */
  private record Injected(String type, String message) {}

  private final HttpsServer server;
  private final ExecutorService handlers = Executors.newFixedThreadPool(32);
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final Map<Integer, Vm> vms = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> volumes = new ConcurrentHashMap<>();
  private final Set<String> pools = ConcurrentHashMap.newKeySet();
  private final Set<String> nodes = ConcurrentHashMap.newKeySet();
  private final Set<String> offline = ConcurrentHashMap.newKeySet();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final Map<String, String> passwords = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> privileges = new ConcurrentHashMap<>();
  private final Map<String, long[]> tickets = new ConcurrentHashMap<>();
  private final Map<String, String> csrf = new ConcurrentHashMap<>();
  private final Map<String, String> ticketUser = new ConcurrentHashMap<>();
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();
  private final Map<Integer, Semaphore> vmLocks = new ConcurrentHashMap<>();
  private final Map<String, Semaphore> storageLocks = new ConcurrentHashMap<>();
  private final List<Injected> injected = new ArrayList<>();
  private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
  private final AtomicLong totalRequests = new AtomicLong();
  private final AtomicLong lockTimeouts = new AtomicLong();
  private final AtomicLong taskMillis = new AtomicLong();
  private final AtomicLong lockWaitMillis = new AtomicLong();
  private final Map<String, AtomicInteger> activeClones = new ConcurrentHashMap<>();
  private final AtomicInteger proxyErrors = new AtomicInteger();
  private volatile int proxyErrorStatus;
  private volatile String proxyErrorMessage;
  private final Map<String, AtomicInteger> maxClones = new ConcurrentHashMap<>();
  private final AtomicInteger pid = new AtomicInteger(0x1000);

  private volatile long cloneMillis = 20;
  private volatile long taskMillisEach = 2;
  private volatile long lockTimeoutMillis = 10_000;
  private volatile Duration ticketLifetime = Duration.ofHours(2);
  private volatile boolean exclusiveTemplateLock;

  private FakePve() throws IOException {
    FakePveCertificate cert = FakePveCertificate.get();
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.setHttpsConfigurator(new HttpsConfigurator(cert.context));
    server.setExecutor(handlers);
    server.createContext("/api2/json/", this::handle);
    server.start();
  }

  /** {@return a running server with node {@code pve1} and storage {@code local-lvm}} */
  public static FakePve start() {
    try {
      return new FakePve().node("pve1").storage("local-lvm");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the world, as a test sets it up ----

  /** {@return {@code 127.0.0.1:PORT}: the {@code host} of a hypervisor entry} */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** {@return the SHA-256 fingerprint of its certificate, AB:CD:...} */
  public String fingerprint() {
    return FakePveCertificate.get().fingerprint;
  }

  public FakePve node(String name) {
    nodes.add(name);
    return this;
  }

  public FakePve storage(String name) {
    volumes.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet());
    return this;
  }

  public FakePve pool(String name) {
    pools.add(name);
    return this;
  }

  /** Adds a template with one 8 GiB disk on {@code storage}. */
  public FakePve template(int vmid, String node, String name, String storage) {
    Vm vm = new Vm(vmid, node);
    String volume = storage + ":base-" + vmid + "-disk-0";
    volumes.get(storage).add(volume);
    vm.config.put("name", name);
    vm.config.put("cores", "2");
    vm.config.put("sockets", "1");
    vm.config.put("memory", "2048");
    vm.config.put("scsi0", volume + ",size=8G");
    vm.config.put("ide2", "none,media=cdrom");
    vm.config.put("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0");
    vm.config.put("template", "1");
    vms.put(vmid, vm);
    return this;
  }

  /** Adds a VM made by someone else (no marker). */
  public FakePve foreignVm(int vmid, String node, String name) {
    Vm vm = new Vm(vmid, node);
    vm.config.put("name", name);
    vm.config.put("cores", "1");
    vm.config.put("memory", "512");
    vms.put(vmid, vm);
    return this;
  }

  /** Every privilege vmtree needs, as docs/proxmox.md lists them. */
  public static final Set<String> VMTREE_ROLE =
      Set.of(
          "VM.Audit",
          "VM.Allocate",
          "VM.Clone",
          "VM.Config.CPU",
          "VM.Config.Memory",
          "VM.Config.Options",
          "VM.Config.Disk",
          "VM.PowerMgmt",
          "Datastore.AllocateSpace",
          "Datastore.Audit",
          "Pool.Audit",
          "Pool.Allocate",
          "Sys.Audit");

  /** An API token {@code USER@REALM!NAME} with {@code privileges} on every path. */
  public FakePve token(String tokenId, String secret, Set<String> privileges) {
    tokens.put(tokenId, secret);
    this.privileges.put(tokenId, Set.copyOf(privileges));
    return this;
  }

  /** A user {@code USER@REALM} with a password and {@code privileges} on every path. */
  public FakePve user(String user, String password, Set<String> privileges) {
    passwords.put(user, password);
    this.privileges.put(user, Set.copyOf(privileges));
    return this;
  }

  /** How long a clone holds the storage (and the template, when exclusive). */
  public FakePve cloneMillis(long millis) {
    cloneMillis = millis;
    return this;
  }

  /** How long other tasks run. */
  public FakePve taskMillis(long millis) {
    taskMillisEach = millis;
    return this;
  }

  /** How long a task waits for a lock before "got timeout". */
  public FakePve lockTimeoutMillis(long millis) {
    lockTimeoutMillis = millis;
    return this;
  }

  public FakePve ticketLifetime(Duration lifetime) {
    ticketLifetime = lifetime;
    return this;
  }

  public FakePve exclusiveTemplateLock(boolean exclusive) {
    exclusiveTemplateLock = exclusive;
    return this;
  }

  /** The next task of {@code type} (qmclone, qmconfig, qmstart, ...) fails with {@code message}. */
  public synchronized FakePve failNextTask(String type, String message) {
    injected.add(new Injected(type, message));
    return this;
  }

  public FakePve offline(String node, boolean down) {
    if (down) {
      offline.add(node);
    } else {
      offline.remove(node);
    }
    return this;
  }

  /** Changes a VM's config behind vmtree's back, as a person in the web UI would. */
  public void edit(int vmid, String key, String value) {
    Vm vm = vms.get(vmid);
    synchronized (vm) {
      vm.config.put(key, value);
    }
  }

  /**
   * Calls this server's API over HTTPS as another client would (a script, the web UI), with an API
   * token: a change made behind vmtree's back through PVE's own API, the way PVE records it (a
   * running VM's cores and memory stay pending, as on PVE).
   *
   * @return the answer's body
   * @throws IllegalStateException when the answer is not 200
   */
  public String call(String method, String path, Map<String, String> form, String tokenId) {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (k, v) ->
            body.append(body.length() == 0 ? "" : "&")
                .append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
    try {
      javax.net.ssl.SSLContext trustItself = javax.net.ssl.SSLContext.getInstance("TLS");
      trustItself.init(null, new javax.net.ssl.TrustManager[] {new TrustAny()}, null);
      java.net.http.HttpClient client =
          java.net.http.HttpClient.newBuilder().sslContext(trustItself).build();
      java.net.http.HttpResponse<String> answer =
          client.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("https://" + host() + "/api2/json" + path))
                  .header("Authorization", "PVEAPIToken=" + tokenId + "=" + tokens.get(tokenId))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .method(
                      method, java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException(method + " " + path + ": " + answer.body());
      }
      return answer.body();
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The test's own client trusts the test's own server (a self-signed certificate, 127.0.0.1). */
  private static final class TrustAny extends javax.net.ssl.X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

    @Override
    public void checkClientTrusted(
        java.security.cert.X509Certificate[] c, String a, java.net.Socket s) {}

    @Override
    public void checkServerTrusted(
        java.security.cert.X509Certificate[] c, String a, java.net.Socket s) {}

    @Override
    public void checkClientTrusted(
        java.security.cert.X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}

    @Override
    public void checkServerTrusted(
        java.security.cert.X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return new java.security.cert.X509Certificate[0];
    }
  }

  /**
   * The next {@code count} requests are answered {@code status} by the proxy, before any
   * authentication or routing, as pveproxy answers when its worker is gone or busy (502 {@code Bad
   * Gateway}, 503, 504 {@code Gateway Timeout}; pve-http-server AnyEvent.pm).
   */
  public FakePve proxyErrors(int count, int status, String message) {
    proxyErrors.set(count);
    proxyErrorStatus = status;
    proxyErrorMessage = message;
    return this;
  }

  public void setRunning(int vmid, boolean running) {
    vms.get(vmid).running = running;
  }

  // ---- what a test observes ----

  /** {@return every VM that is not a template: vmid to a copy of its config plus status} */
  public Map<Integer, Map<String, String>> vms() {
    Map<Integer, Map<String, String>> out = new TreeMap<>();
    vms.values().stream()
        .filter(vm -> !vm.config.containsKey("template"))
        .forEach(
            vm -> {
              synchronized (vm) {
                Map<String, String> copy = new LinkedHashMap<>(vm.config);
                copy.put("status", vm.running ? "running" : "stopped");
                copy.put("node", vm.node);
                if (vm.pool != null) {
                  copy.put("pool", vm.pool);
                }
                out.put(vm.vmid, copy);
              }
            });
    return out;
  }

  public Set<String> volumes(String storage) {
    return Set.copyOf(volumes.get(storage));
  }

  public long requests() {
    return totalRequests.get();
  }

  /** {@return requests by {@code METHOD /path} with numbers and UPIDs shown as {id}} */
  public Map<String, Long> requestsByEndpoint() {
    Map<String, Long> out = new TreeMap<>();
    requests.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public long lockTimeouts() {
    return lockTimeouts.get();
  }

  /** {@return the sum of the run times of every task so far, lock waits left out, in ms} */
  public long taskMillisTotal() {
    return taskMillis.get() - lockWaitMillis.get();
  }

  /**
   * {@return the most clones that ran at once from one template ("template:9000") or onto one
   * storage ("storage:local-lvm")}
   */
  public int maxConcurrentClones(String key) {
    AtomicInteger max = maxClones.get(key);
    return max == null ? 0 : max.get();
  }

  public void resetCounters() {
    requests.clear();
    totalRequests.set(0);
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
    workers.shutdownNow();
  }

  // ---- the API ----

  /** An API error: HTTP status, message, and parameter errors. */
  private static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final Map<String, String> errors;

    ApiError(int status, String message, Map<String, String> errors) {
      super(message);
      this.status = status;
      this.errors = errors;
    }
  }

  private static ApiError error(String message) {
    return new ApiError(500, message, Map.of());
  }

  private static ApiError paramError(String param, String message) {
    return new ApiError(400, "Parameter verification failed.", Map.of(param, message));
  }

  private record Request(String method, String path, Map<String, String> params, String who) {
    String get(String name) {
      return params.get(name);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      totalRequests.incrementAndGet();
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath().substring("/api2/json".length());
      requests
          .computeIfAbsent(
              method + " " + path.replaceAll("UPID:[^/]+", "{upid}").replaceAll("/\\d+", "/{id}"),
              k -> new AtomicLong())
          .incrementAndGet();
      Map<String, String> params = new LinkedHashMap<>();
      parseForm(exchange.getRequestURI().getRawQuery(), params);
      if (method.equals("POST") || method.equals("PUT")) {
        parseForm(
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), params);
      }
      if (proxyErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", null);
        body.put("message", proxyErrorMessage + "\n");
        send(exchange, proxyErrorStatus, body);
        return;
      }
      Object data;
      try {
        String who = path.equals("/access/ticket") ? null : authenticate(exchange, method);
        data = route(new Request(method, decode(path), params, who));
      } catch (ApiError e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", null);
        body.put("message", e.getMessage() + "\n");
        if (!e.errors.isEmpty()) {
          body.put("errors", e.errors);
        }
        send(exchange, e.status, body);
        return;
      }
      Map<String, Object> body = new HashMap<>();
      body.put("data", data);
      send(exchange, 200, body);
    }
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void parseForm(String text, Map<String, String> into) {
    if (text == null || text.isEmpty()) {
      return;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      into.put(key, value);
    }
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** {@return who calls: a token id or a user; 401 as pveproxy answers} */
  private String authenticate(HttpExchange exchange, String method) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null && authorization.startsWith("PVEAPIToken=")) {
      String value = authorization.substring("PVEAPIToken=".length());
      int eq = value.lastIndexOf('=');
      String id = eq < 0 ? value : value.substring(0, eq);
      String secret = eq < 0 ? "" : value.substring(eq + 1);
      if (!secret.equals(tokens.get(id))) {
        throw new ApiError(401, "authentication failure", Map.of());
      }
      return id;
    }
    String cookie = exchange.getRequestHeaders().getFirst("Cookie");
    if (cookie == null || !cookie.contains("PVEAuthCookie=")) {
      throw new ApiError(401, "No ticket", Map.of());
    }
    String ticket = cookie.substring(cookie.indexOf("PVEAuthCookie=") + 14).split(";")[0];
    long[] issued = tickets.get(ticket);
    if (issued == null || System.nanoTime() - issued[0] > ticketLifetime.toNanos()) {
      throw new ApiError(401, "invalid PVE ticket", Map.of());
    }
    if (!method.equals("GET")
        && !csrf.get(ticket).equals(exchange.getRequestHeaders().getFirst("CSRFPreventionToken"))) {
      throw new ApiError(401, "Permission denied - invalid csrf token", Map.of());
    }
    return ticketUser.get(ticket);
  }

  private void check(Request r, String path, String privilege) {
    if (!privileges.getOrDefault(r.who(), Set.of()).contains(privilege)) {
      throw new ApiError(
          403, "Permission check failed (" + path + ", " + privilege + ")", Map.of());
    }
  }

  private Object route(Request r) {
    String m = r.method();
    String p = r.path();
    if (m.equals("POST") && p.equals("/access/ticket")) {
      return ticket(r);
    }
    if (m.equals("GET") && p.equals("/version")) {
      return Map.of("version", "8.2.4", "release", "8.2", "repoid", "faa83925c9641325");
    }
    if (m.equals("GET") && p.equals("/cluster/resources")) {
      return resources(r);
    }
    if (m.equals("GET") && p.equals("/cluster/nextid")) {
      return nextid(r);
    }
    Matcher pool = Pattern.compile("/pools/([^/]+)").matcher(p);
    if (m.equals("PUT") && pool.matches()) {
      return updatePool(r, pool.group(1));
    }
    Matcher task = TASK_PATH.matcher(p);
    if (m.equals("GET") && task.matches()) {
      reachable(task.group(1));
      return task.group(3).equals("status") ? taskStatus(task.group(2)) : taskLog(r, task.group(2));
    }
    Matcher create = Pattern.compile("/nodes/([^/]+)/qemu").matcher(p);
    if (m.equals("POST") && create.matches()) {
      reachable(create.group(1));
      return createVm(r, create.group(1));
    }
    Matcher vm = VM_PATH.matcher(p);
    if (vm.matches()) {
      String node = vm.group(1);
      reachable(node);
      int vmid = Integer.parseInt(vm.group(2));
      String rest = vm.group(3) == null ? "" : vm.group(3);
      switch (m + " " + rest) {
        case "GET /config":
          return config(r, node, vmid);
        case "POST /config":
          return setConfig(r, node, vmid);
        case "POST /clone":
          return clone(r, node, vmid);
        case "GET /status/current":
          return current(r, node, vmid);
        case "POST /status/start":
        case "POST /status/stop":
        case "POST /status/reboot":
        case "POST /status/shutdown":
          return power(r, node, vmid, rest.substring("/status/".length()));
        case "POST /move_disk":
          return moveDisk(r, node, vmid);
        case "DELETE ":
          return destroy(r, node, vmid);
        default:
          break;
      }
    }
    throw new ApiError(501, "Method '" + m + " /api2/json" + p + "' not implemented", Map.of());
  }

  private void reachable(String node) {
    if (!nodes.contains(node)) {
      throw paramError("node", "no such cluster node '" + node + "'");
    }
    if (offline.contains(node)) {
      // pveproxy cannot proxy to a node that is down
      throw new ApiError(595, "Connection refused", Map.of());
    }
  }

  private Object ticket(Request r) {
    String user = r.get("username");
    String password = r.get("password");
    if (user == null || password == null || !password.equals(passwords.get(user))) {
      throw new ApiError(401, "authentication failure", Map.of());
    }
    String ticket =
        "PVE:"
            + user
            + ":"
            + Long.toHexString(System.currentTimeMillis() / 1000).toUpperCase()
            + "::"
            + UUID.randomUUID().toString().replace("-", "");
    String token =
        Long.toHexString(System.currentTimeMillis() / 1000).toUpperCase()
            + ":"
            + UUID.randomUUID().toString().replace("-", "");
    tickets.put(ticket, new long[] {System.nanoTime()});
    csrf.put(ticket, token);
    ticketUser.put(ticket, user);
    return Map.of(
        "ticket", ticket, "CSRFPreventionToken", token, "username", user, "cap", Map.of());
  }

  private Object resources(Request r) {
    String type = r.get("type");
    if (type != null && !Set.of("vm", "storage", "node", "sdn", "pool").contains(type)) {
      throw paramError(
          "type",
          "value '" + type + "' does not have a value in the enumeration 'vm, storage, node, sdn'");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    boolean audit = privileges.getOrDefault(r.who(), Set.of()).contains("VM.Audit");
    for (Vm vm : vms.values()) {
      if (!audit) {
        continue; // the listing shows only what the caller may audit
      }
      synchronized (vm) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", "qemu/" + vm.vmid);
        row.put("type", "qemu");
        row.put("vmid", vm.vmid);
        row.put("node", vm.node);
        row.put("name", vm.config.getOrDefault("name", "VM " + vm.vmid));
        boolean down = offline.contains(vm.node);
        row.put("status", down ? "unknown" : vm.running ? "running" : "stopped");
        row.put(
            "maxcpu",
            Integer.parseInt(vm.config.getOrDefault("sockets", "1"))
                * Integer.parseInt(vm.config.getOrDefault("cores", "1")));
        row.put("maxmem", Long.parseLong(vm.config.getOrDefault("memory", "512")) * 1024 * 1024);
        row.put("template", vm.config.containsKey("template") ? 1 : 0);
        if (vm.config.containsKey("tags")) {
          row.put("tags", vm.config.get("tags"));
        }
        if (vm.config.containsKey("lock")) {
          row.put("lock", vm.config.get("lock"));
        }
        if (vm.pool != null) {
          row.put("pool", vm.pool);
        }
        row.put("uptime", vm.running ? 100 : 0);
        rows.add(row);
      }
    }
    return rows;
  }

  private Object nextid(Request r) {
    String asked = r.get("vmid");
    if (asked != null) {
      int vmid = vmid(asked, "vmid");
      if (vms.containsKey(vmid)) {
        throw paramError("vmid", "VM " + vmid + " already exists");
      }
      return vmid;
    }
    for (int i = 100; ; i++) {
      if (!vms.containsKey(i)) {
        return i;
      }
    }
  }

  private static int vmid(String text, String param) {
    try {
      int id = Integer.parseInt(text);
      if (id >= 100 && id <= 999_999_999) {
        return id;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw paramError(param, "invalid format - value does not look like a valid VM ID");
  }

  private Vm vm(String node, int vmid) {
    Vm vm = vms.get(vmid);
    if (vm == null || !vm.node.equals(node)) {
      throw error(
          "Configuration file 'nodes/" + node + "/qemu-server/" + vmid + ".conf' does not exist");
    }
    return vm;
  }

  private Object config(Request r, String node, int vmid) {
    check(r, "/vms/" + vmid, "VM.Audit");
    Vm vm = vm(node, vmid);
    synchronized (vm) {
      Map<String, Object> out = new LinkedHashMap<>(vm.config);
      out.put("digest", Integer.toHexString(vm.config.hashCode()));
      return out;
    }
  }

  private Object current(Request r, String node, int vmid) {
    check(r, "/vms/" + vmid, "VM.Audit");
    Vm vm = vm(node, vmid);
    synchronized (vm) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("vmid", vmid);
      out.put("status", vm.running ? "running" : "stopped");
      out.put("qmpstatus", vm.running ? "running" : "stopped");
      out.put("name", vm.config.getOrDefault("name", "VM " + vmid));
      out.put("cpus", Integer.parseInt(vm.config.getOrDefault("cores", "1")));
      out.put("maxmem", Long.parseLong(vm.config.getOrDefault("memory", "512")) * 1024 * 1024);
      if (vm.config.containsKey("lock")) {
        out.put("lock", vm.config.get("lock"));
      }
      return out;
    }
  }

  private static final Set<String> CONFIG_KEYS =
      Set.of(
          "name", "cores", "sockets", "memory", "tags", "description", "delete", "digest", "vcpus");

  private Object setConfig(Request r, String node, int vmid) {
    Vm vm = vm(node, vmid);
    Map<String, String> changes = new LinkedHashMap<>();
    for (var e : r.params().entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (!CONFIG_KEYS.contains(key)) {
        throw paramError(
            key,
            "property is not defined in schema and the schema does not allow additional properties");
      }
      switch (key) {
        case "cores", "sockets" -> {
          check(r, "/vms/" + vmid, "VM.Config.CPU");
          integer(key, value, 1, 1024);
        }
        case "memory" -> {
          check(r, "/vms/" + vmid, "VM.Config.Memory");
          integer(key, value, 16, 8 * 1024 * 1024);
        }
        case "tags" -> {
          check(r, "/vms/" + vmid, "VM.Config.Options");
          for (String tag : value.split("[;, ]")) {
            if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
              throw paramError("tags", "invalid format - invalid characters in tag\n");
            }
          }
        }
        case "name" -> {
          check(r, "/vms/" + vmid, "VM.Config.Options");
          if (!value.matches("[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?")) {
            throw paramError("name", "invalid format - value does not look like a valid DNS name");
          }
        }
        case "description" -> {
          check(r, "/vms/" + vmid, "VM.Config.Options");
          if (value.length() > 8 * 1024) {
            throw paramError("description", "value may only be 8192 characters long");
          }
        }
        default -> {}
      }
      if (!key.equals("digest")) {
        changes.put(key, value);
      }
    }
    return worker(
        node,
        "qmconfig",
        Integer.toString(vmid),
        r.who(),
        task -> {
          lockVm(vmid, lockTimeoutMillis);
          try {
            pause(taskMillisEach);
            synchronized (vm) {
              if (vm.config.containsKey("lock")) {
                throw new IllegalStateException("VM is locked (" + vm.config.get("lock") + ")");
              }
              for (var c : changes.entrySet()) {
                boolean cold =
                    (c.getKey().equals("cores")
                            || c.getKey().equals("memory")
                            || c.getKey().equals("sockets"))
                        && vm.running;
                if (cold) {
                  vm.pending.put(c.getKey(), c.getValue()); // no cpu/memory hotplug by default
                } else if (c.getKey().equals("delete")) {
                  for (String k : c.getValue().split(",")) {
                    vm.config.remove(k);
                  }
                } else {
                  vm.config.put(c.getKey(), c.getValue());
                }
              }
            }
            task.log.add("update VM " + vmid + ": " + String.join(" ", changes.keySet()));
          } finally {
            unlockVm(vmid);
          }
        });
  }

  private static void integer(String key, String value, long min, long max) {
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return;
      }
      throw paramError(key, "value must have a minimum value of " + min);
    } catch (NumberFormatException e) {
      throw paramError(key, "type check ('integer') failed - got '" + value + "'");
    }
  }

  private Object clone(Request r, String node, int vmid) {
    check(r, "/vms/" + vmid, "VM.Clone");
    if (r.get("newid") == null) {
      throw paramError("newid", "property is missing and it is not optional");
    }
    int newid = vmid(r.get("newid"), "newid");
    String pool = r.get("pool");
    if (pool == null) {
      check(r, "/vms/" + newid, "VM.Allocate");
    } else {
      check(r, "/pool/" + pool, "VM.Allocate");
      if (!pools.contains(pool)) {
        throw new ApiError(
            403, "Permission check failed (pool '" + pool + "' does not exist)", Map.of());
      }
    }
    Vm source = vm(node, vmid);
    String storage = r.get("storage");
    boolean full =
        "1".equals(r.get("full"))
            || source.config.containsKey("template") && "1".equals(r.get("full"));
    if (storage != null && !full) {
      throw error("parameter 'storage' not allowed for linked clones");
    }
    String target = r.get("target") == null ? node : r.get("target");
    String sourceStorage;
    synchronized (source) {
      String disk = source.config.getOrDefault("scsi0", "");
      sourceStorage = disk.isEmpty() ? "local-lvm" : disk.substring(0, disk.indexOf(':'));
    }
    String onto = storage == null ? sourceStorage : storage;
    if (!volumes.containsKey(onto)) {
      throw paramError("storage", "storage '" + onto + "' does not exist");
    }
    check(r, "/storage/" + onto, "Datastore.AllocateSpace");
    if (!target.equals(node)) {
      reachable(target);
    }
    String name = r.get("name");
    String description = r.get("description");
    // the new config is created at once, locked (qemu-server writes "lock: clone")
    Vm made = new Vm(newid, target);
    synchronized (made) {
      made.config.put("lock", "clone");
    }
    if (vms.putIfAbsent(newid, made) != null) {
      throw error("unable to create VM " + newid + ": config file already exists");
    }
    return worker(
        node,
        "qmclone",
        Integer.toString(vmid),
        r.who(),
        task -> {
          boolean sourceLocked = false;
          boolean storageLocked = false;
          String templateKey = "template:" + vmid;
          String storageKey = "storage:" + onto;
          count(templateKey, +1);
          count(storageKey, +1);
          try {
            if (exclusiveTemplateLock) {
              lockVm(vmid, lockTimeoutMillis);
              sourceLocked = true;
            }
            task.log.add(
                "create full clone of drive scsi0 ("
                    + sourceStorage
                    + ":base-"
                    + vmid
                    + "-disk-0)");
            // the storage is locked while the volume is allocated; the copy runs outside it
            lockStorage(onto);
            storageLocked = true;
            pause(Math.min(cloneMillis, Math.max(5, cloneMillis / 20)));
            storageLocks.get(onto).release();
            storageLocked = false;
            pause(cloneMillis);
            failIfInjected("qmclone", task);
            String volume = onto + ":vm-" + newid + "-disk-0";
            volumes.get(onto).add(volume);
            synchronized (made) {
              synchronized (source) {
                source.config.forEach(
                    (k, v) -> {
                      if (!k.equals("template")
                          && !k.equals("name")
                          && !k.equals("description")
                          && !k.equals("scsi0")
                          && !k.equals("tags")) {
                        made.config.put(k, v);
                      }
                    });
              }
              made.config.put("scsi0", volume + ",size=8G");
              made.config.put(
                  "name", name == null ? "Copy-of-VM-" + source.config.get("name") : name);
              if (description != null) {
                made.config.put("description", description);
              }
              made.config.remove("lock");
              made.pool = pool;
            }
            task.log.add("transferred 8.0 GiB of 8.0 GiB (100.00%)");
          } catch (RuntimeException e) {
            // a failed clone removes its volumes and its config (qemu-server clone_vm)
            volumes.get(onto).remove(onto + ":vm-" + newid + "-disk-0");
            vms.remove(newid, made);
            throw new IllegalStateException("clone failed: " + e.getMessage(), e);
          } finally {
            count(templateKey, -1);
            count(storageKey, -1);
            if (storageLocked) {
              storageLocks.get(onto).release();
            }
            if (sourceLocked) {
              unlockVm(vmid);
            }
          }
        });
  }

  private void count(String key, int delta) {
    int now = activeClones.computeIfAbsent(key, k -> new AtomicInteger()).addAndGet(delta);
    maxClones.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
  }

  private Object createVm(Request r, String node) {
    int vmid = vmid(r.get("vmid"), "vmid");
    check(r, "/vms/" + vmid, "VM.Allocate");
    Vm vm = new Vm(vmid, node);
    vm.config.put("name", r.params().getOrDefault("name", "VM" + vmid));
    vm.config.put("memory", r.params().getOrDefault("memory", "512"));
    vm.config.put("cores", r.params().getOrDefault("cores", "1"));
    if (r.get("tags") != null) {
      vm.config.put("tags", r.get("tags"));
    }
    if (r.get("description") != null) {
      vm.config.put("description", r.get("description"));
    }
    if (vms.putIfAbsent(vmid, vm) != null) {
      throw error("unable to create VM " + vmid + ": config file already exists");
    }
    return worker(node, "qmcreate", Integer.toString(vmid), r.who(), task -> pause(taskMillisEach));
  }

  private Object power(Request r, String node, int vmid, String action) {
    check(r, "/vms/" + vmid, "VM.PowerMgmt");
    Vm vm = vm(node, vmid);
    if (action.equals("start") && vm.running) {
      throw error("VM " + vmid + " already running");
    }
    String type =
        switch (action) {
          case "start" -> "qmstart";
          case "stop" -> "qmstop";
          case "reboot" -> "qmreboot";
          default -> "qmshutdown";
        };
    return worker(
        node,
        type,
        Integer.toString(vmid),
        r.who(),
        task -> {
          lockVm(vmid, lockTimeoutMillis);
          try {
            pause(taskMillisEach);
            failIfInjected(type, task);
            synchronized (vm) {
              if (vm.config.containsKey("lock")) {
                throw new IllegalStateException("VM is locked (" + vm.config.get("lock") + ")");
              }
              boolean wasRunning = vm.running;
              vm.running = !type.equals("qmstop") && !type.equals("qmshutdown");
              if (vm.running && (!wasRunning || type.equals("qmreboot"))) {
                vm.config.putAll(vm.pending); // pending changes apply at start
                vm.pending.clear();
              }
            }
          } finally {
            unlockVm(vmid);
          }
        });
  }

  private Object moveDisk(Request r, String node, int vmid) {
    Vm vm = vm(node, vmid);
    check(r, "/vms/" + vmid, "VM.Config.Disk");
    String disk = r.get("disk");
    int target = vmid(r.get("target-vmid"), "target-vmid");
    check(r, "/vms/" + target, "VM.Config.Disk");
    String targetDisk = r.params().getOrDefault("target-disk", disk);
    Vm to = vm(node, target);
    return worker(
        node,
        "qmmove",
        Integer.toString(vmid),
        r.who(),
        task -> {
          lockVm(vmid, lockTimeoutMillis);
          try {
            synchronized (vm) {
              String value = vm.config.get(disk);
              if (value == null) {
                throw new IllegalStateException("disk '" + disk + "' does not exist");
              }
              String volume = value.split(",")[0];
              String storage = volume.substring(0, volume.indexOf(':'));
              String prefix = storage + ":vm-" + target + "-disk-";
              int free = 0;
              while (volumes.get(storage).contains(prefix + free)) {
                free++;
              }
              String renamed = prefix + free;
              volumes.get(storage).remove(volume);
              volumes.get(storage).add(renamed);
              vm.config.remove(disk);
              synchronized (to) {
                to.config.put(targetDisk, renamed);
              }
              task.log.add(
                  "reassigning disk '" + disk + "' to VM " + target + " as '" + targetDisk + "'");
            }
          } finally {
            unlockVm(vmid);
          }
        });
  }

  private Object destroy(Request r, String node, int vmid) {
    check(r, "/vms/" + vmid, "VM.Allocate");
    Vm vm = vm(node, vmid);
    if (vm.running) {
      throw error("VM " + vmid + " is running - destroy failed");
    }
    return worker(
        node,
        "qmdestroy",
        Integer.toString(vmid),
        r.who(),
        task -> {
          lockVm(vmid, lockTimeoutMillis);
          try {
            pause(taskMillisEach);
            failIfInjected("qmdestroy", task);
            synchronized (vm) {
              // every volume the VM owns goes, attached or unusedN (qemu-server destroy_vm)
              String prefix = ":vm-" + vmid + "-disk-";
              volumes.values().forEach(set -> set.removeIf(v -> v.contains(prefix)));
              vms.remove(vmid);
            }
            task.log.add("purging VM " + vmid + " from related configurations..");
          } finally {
            unlockVm(vmid);
          }
        });
  }

  private Object updatePool(Request r, String pool) {
    check(r, "/pool/" + pool, "Pool.Allocate");
    if (!pools.contains(pool)) {
      throw error("pool '" + pool + "' does not exist");
    }
    for (String id : r.params().getOrDefault("vms", "").split("[,;\\s]")) {
      if (id.isEmpty()) {
        continue;
      }
      Vm vm = vms.get(vmid(id, "vms"));
      if (vm == null) {
        throw error("no such VM ID '" + id + "'");
      }
      if ("1".equals(r.get("delete"))) {
        vm.pool = null;
      } else {
        if (vm.pool != null && !vm.pool.equals(pool) && !"1".equals(r.get("allow-move"))) {
          throw error("VM " + id + " belongs already to pool '" + vm.pool + "'");
        }
        vm.pool = pool;
      }
    }
    return null;
  }

  // ---- tasks and locks ----

  private interface Work {
    void run(Task task);
  }

  /** Starts a worker as pvedaemon's fork_worker does; {@return its UPID} */
  private String worker(String node, String type, String id, String user, Work work) {
    long start = System.currentTimeMillis() / 1000;
    String upid =
        String.format(
            "UPID:%s:%08X:%08X:%08X:%s:%s:%s:",
            node, pid.incrementAndGet(), 0x2A00000 + pid.get(), start, type, id, user);
    Task task = new Task(upid);
    tasks.put(upid, task);
    workers.execute(
        () -> {
          long began = System.nanoTime();
          try {
            work.run(task);
            task.log.add("TASK OK");
            task.exitStatus = "OK";
          } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            task.log.add(message);
            task.log.add("TASK ERROR: " + message);
            task.exitStatus = message;
          } finally {
            taskMillis.addAndGet((System.nanoTime() - began) / 1_000_000);
          }
        });
    return upid;
  }

  private Object taskStatus(String upid) {
    Task task = tasks.get(upid);
    if (task == null) {
      throw error("no such task");
    }
    String[] f = upid.split(":");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("upid", upid);
    out.put("node", f[1]);
    out.put("pid", Integer.parseInt(f[2], 16));
    out.put("pstart", Integer.parseInt(f[3], 16));
    out.put("starttime", Long.parseLong(f[4], 16));
    out.put("type", f[5]);
    out.put("id", f[6]);
    out.put("user", f[7]);
    String exit = task.exitStatus;
    out.put("status", exit == null ? "running" : "stopped");
    if (exit != null) {
      out.put("exitstatus", exit);
    }
    return out;
  }

  private Object taskLog(Request r, String upid) {
    Task task = tasks.get(upid);
    if (task == null) {
      throw error("no such task");
    }
    int start = Integer.parseInt(r.params().getOrDefault("start", "0"));
    int limit = Integer.parseInt(r.params().getOrDefault("limit", "50"));
    List<Map<String, Object>> lines = new ArrayList<>();
    List<String> log;
    synchronized (task.log) {
      log = List.copyOf(task.log);
    }
    for (int i = start; i < Math.min(log.size(), start + limit); i++) {
      lines.add(Map.of("n", i + 1, "t", log.get(i)));
    }
    return lines;
  }

  private synchronized void failIfInjected(String type, Task task) {
    for (int i = 0; i < injected.size(); i++) {
      if (injected.get(i).type().equals(type)) {
        String message = injected.remove(i).message();
        task.log.add("injected failure follows");
        throw new IllegalStateException(message);
      }
    }
  }

  private void lockVm(int vmid, long timeoutMillis) {
    Semaphore lock = vmLocks.computeIfAbsent(vmid, k -> new Semaphore(1, true));
    if (!acquire(lock, timeoutMillis)) {
      lockTimeouts.incrementAndGet();
      throw new IllegalStateException(
          "can't lock file '/var/lock/qemu-server/lock-" + vmid + ".conf' - got timeout");
    }
  }

  private void unlockVm(int vmid) {
    vmLocks.get(vmid).release();
  }

  private void lockStorage(String storage) {
    Semaphore lock = storageLocks.computeIfAbsent(storage, k -> new Semaphore(1, true));
    if (!acquire(lock, lockTimeoutMillis)) {
      lockTimeouts.incrementAndGet();
      throw new IllegalStateException(
          "can't lock file '/var/lock/pve-manager/pve-storage-" + storage + "' - got timeout");
    }
  }

  private boolean acquire(Semaphore lock, long timeoutMillis) {
    long start = System.nanoTime();
    try {
      return lock.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lockWaitMillis.addAndGet((System.nanoTime() - start) / 1_000_000);
    }
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted by signal");
    }
  }
}
