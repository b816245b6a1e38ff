package io.vmtree.connector.proxmox;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.DeleteResult;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.PowerAction;
import io.vmtree.connector.VmSpec;
import io.vmtree.connector.proxmox.PveVms.VmRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;

/**
 * A session with one PVE cluster, acting on the entry's {@code node}. Every change is an async task
 * waited for to its end (see {@link PveTasks}); what each seam call does on PVE is in
 * docs/proxmox.md, "What each plan action does".
 */
final class ProxmoxSession implements HypervisorSession {
  /** Clones that fail on a PVE lock are tried this often here before the engine's own retries. */
  private static final int CLONE_ATTEMPTS = 4;

  /** Ids some other tool took between nextid and the clone are skipped this often. */
  private static final int ID_RACES = 20;

  private final PveSettings settings;
  private final PveClient client;
  private final PveTasks tasks;
  private final VmidAllocator ids;
  private final CloneGate gate;
  private final RefreshCache cache;
  private final Map<String, List<VmRef>> templates = new ConcurrentHashMap<>();
  private final Map<String, String> markers = new ConcurrentHashMap<>();
  private volatile boolean listed;

  ProxmoxSession(PveSettings settings, PveClient client, PveTasks tasks, RefreshCache cache) {
    this.settings = settings;
    this.client = client;
    this.tasks = tasks;
    this.ids = VmidAllocator.of(settings.clusterKey());
    this.gate = CloneGate.of(settings.clusterKey());
    this.cache = cache;
  }

  /**
   * One {@code GET /cluster/resources?type=vm}, plus {@code GET .../config} for the VMs whose row
   * changed since vmtree last read them (see {@link RefreshCache}, kept in the state directory).
   *
   * @throws ConnectorException UNREACHABLE when the entry's node is offline (its VMs report status
   *     {@code unknown})
   */
  @Override
  public List<LiveVm> list() {
    JsonNode rows = client.get("/cluster/resources", Map.of("type", "vm"));
    List<Integer> every = new ArrayList<>();
    Map<String, List<VmRef>> foundTemplates = new LinkedHashMap<>();
    List<LiveVm> vms = new ArrayList<>();
    List<JsonNode> toRead = new ArrayList<>();
    Set<Integer> present = new HashSet<>();
    // an offline node's VMs all read "unknown"; a VM pvestatd has not reported yet (just created)
    // does too, so only all of them unknown counts as the node being offline
    int onNode = 0;
    int unknownOnNode = 0;
    for (JsonNode row : rows) {
      int vmid = row.path("vmid").asInt(-1);
      if (vmid < 0) {
        continue;
      }
      every.add(vmid);
      if (!"qemu".equals(row.path("type").asString())) {
        continue; // containers are not vmtree's, but their ids are taken
      }
      String node = row.path("node").asString();
      RefreshCache.Summary summary = RefreshCache.Summary.of(row);
      if (summary.template()) {
        foundTemplates
            .computeIfAbsent(summary.name(), k -> new ArrayList<>())
            .add(new VmRef(node, vmid));
        continue;
      }
      if (node.equals(settings.node())) {
        onNode++;
        if ("unknown".equals(summary.status())) {
          unknownOnNode++;
        }
      }
      present.add(vmid);
      JsonNode known = cache.get(vmid, summary);
      if (known != null) {
        vms.add(PveVms.live(node, vmid, known, "running".equals(summary.status())));
      } else {
        toRead.add(row);
      }
    }
    ids.seen(every);
    if (onNode > 0 && unknownOnNode == onNode) {
      throw new ConnectorException(
          Kind.UNREACHABLE,
          settings.name()
              + ": node "
              + settings.node()
              + " is offline (the cluster reports its VMs' status as unknown)");
    }
    vms.addAll(readConfigs(toRead));
    cache.retain(present);
    cache.save();
    templates.clear();
    templates.putAll(foundTemplates);
    markers.clear();
    vms.forEach(vm -> rememberMarker(vm));
    listed = true;
    return vms;
  }

  private List<LiveVm> readConfigs(List<JsonNode> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, rows.size()), daemon());
    try {
      List<Future<LiveVm>> reads = new ArrayList<>();
      for (JsonNode row : rows) {
        reads.add(pool.submit(() -> readRow(row)));
      }
      List<LiveVm> vms = new ArrayList<>();
      for (Future<LiveVm> read : reads) {
        LiveVm vm = join(read);
        if (vm != null) {
          vms.add(vm);
        }
      }
      return vms;
    } finally {
      pool.shutdownNow();
    }
  }

  private LiveVm readRow(JsonNode row) {
    VmRef ref = new VmRef(row.path("node").asString(), row.path("vmid").asInt());
    try {
      JsonNode config = client.get(ref.path() + "/config", Map.of());
      LiveVm vm =
          PveVms.live(
              ref.node(), ref.vmid(), config, "running".equals(row.path("status").asString()));
      cache.put(ref.vmid(), RefreshCache.Summary.of(row), config);
      return vm;
    } catch (ConnectorException e) {
      if (e.kind() == Kind.NOT_FOUND) {
        return null; // removed between the listing and the read
      }
      throw e;
    }
  }

  @Override
  public LiveVm create(VmSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (!listed) {
      list(); // the marker index below comes from a listing
    }
    String existing = markers.get(spec.marker());
    if (existing != null) {
      try {
        return observe(PveVms.ref(settings.name(), existing));
      } catch (ConnectorException e) {
        if (e.kind() != Kind.NOT_FOUND) {
          throw e;
        }
        markers.remove(spec.marker(), existing);
      }
    }
    String tags = PveVms.tags(settings.name(), spec); // a bad tag fails before anything happens
    VmRef template = template(spec.baseImage());
    String storage = settings.storage() != null ? settings.storage() : "(" + template + ")";
    int vmid =
        gate.through(
            template.toString(),
            settings.clonesPerTemplate(),
            storage,
            settings.clonesPerStorage(),
            () -> cloneWithRetries(template, spec));
    VmRef ref = new VmRef(settings.node(), vmid);
    markers.put(spec.marker(), ref.toString());
    Map<String, String> config = PveVms.config(settings.name(), spec);
    config.put("tags", tags);
    tasks.await(client.post(ref.path() + "/config", config), "configuration of VM " + ref);
    if (spec.poweredOn()) {
      tasks.await(client.post(ref.path() + "/status/start", Map.of()), "start of VM " + ref);
    }
    return observe(ref);
  }

  /** {@return the template {@code baseImage} names: a template's name, or its VM id} */
  private VmRef template(String baseImage) {
    List<VmRef> found = templates.get(baseImage);
    if (found == null && baseImage.matches("\\d+")) {
      int vmid = Integer.parseInt(baseImage);
      found =
          templates.values().stream().flatMap(List::stream).filter(t -> t.vmid() == vmid).toList();
    }
    if (found == null || found.isEmpty()) {
      throw new ConnectorException(
          Kind.REJECTED,
          settings.name()
              + ": template \""
              + baseImage
              + "\" (base_image) not found: no VM template of that name or id on the cluster");
    }
    if (found.size() > 1) {
      throw new ConnectorException(
          Kind.REJECTED,
          settings.name()
              + ": base_image \""
              + baseImage
              + "\" names "
              + found.size()
              + " templates ("
              + found
              + "); give its VM id instead");
    }
    return found.get(0);
  }

  /**
   * Clones {@code template} to a new id: a full clone onto {@code storage}, into {@code pool},
   * carrying the marker from the start (so a deploy cut off here leaves a VM vmtree recognises).
   */
  private int cloneWithRetries(VmRef template, VmSpec spec) {
    int vmid = allocate();
    int races = 0;
    long delay = 500;
    for (int attempt = 1; ; attempt++) {
      Map<String, String> form = new LinkedHashMap<>();
      form.put("newid", Integer.toString(vmid));
      form.put("name", spec.name());
      form.put("full", "1");
      form.put("description", PveVms.description(spec));
      if (settings.storage() != null) {
        form.put("storage", settings.storage());
      }
      if (settings.pool() != null) {
        form.put("pool", settings.pool());
      }
      if (!template.node().equals(settings.node())) {
        form.put("target", settings.node());
      }
      JsonNode upid;
      try {
        upid = client.post(template.path() + "/clone", form);
      } catch (ConnectorException e) {
        if (e.getMessage().contains("already exists") && ++races <= ID_RACES) {
          ids.taken(vmid); // another tool took it after nextid said free
          vmid = allocate();
          continue;
        }
        throw e;
      }
      try {
        tasks.await(upid, "clone of template " + template + " to VM " + vmid);
        return vmid;
      } catch (ConnectorException e) {
        // a clone that lost a lock race removed what it had made (qemu-server clone_vm)
        if (e.kind() != Kind.CONFLICT || attempt >= CLONE_ATTEMPTS) {
          throw e;
        }
      }
      sleep(delay);
      delay *= 2;
    }
  }

  private int allocate() {
    return ids.allocate(settings.vmids(), this::isFree, settings.name());
  }

  /** {@return true when PVE says {@code vmid} is free: {@code GET /cluster/nextid?vmid=N}} */
  private boolean isFree(int vmid) {
    try {
      client.get("/cluster/nextid", Map.of("vmid", Integer.toString(vmid)));
      return true;
    } catch (ConnectorException e) {
      if (e.kind() == Kind.REJECTED && e.getMessage().contains("already exists")) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public LiveVm update(String vmId, VmSpec spec) {
    Objects.requireNonNull(spec, "spec");
    VmRef ref = PveVms.ref(settings.name(), vmId);
    Map<String, String> config = PveVms.config(settings.name(), spec);
    cache.forget(ref.vmid());
    tasks.await(client.post(ref.path() + "/config", config), "configuration of VM " + ref);
    boolean running = running(ref);
    if (spec.poweredOn() && !running) {
      tasks.await(client.post(ref.path() + "/status/start", Map.of()), "start of VM " + ref);
    } else if (!spec.poweredOn() && running) {
      tasks.await(client.post(ref.path() + "/status/stop", Map.of()), "stop of VM " + ref);
    }
    return observe(ref);
  }

  /**
   * Renames the VM, retags it with its new folder, rewrites its marker, and puts it in the pool.
   */
  @Override
  public LiveVm move(String vmId, VmSpec spec) {
    Objects.requireNonNull(spec, "spec");
    VmRef ref = PveVms.ref(settings.name(), vmId);
    Map<String, String> config = new LinkedHashMap<>();
    config.put("name", spec.name());
    config.put("tags", PveVms.tags(settings.name(), spec));
    config.put("description", PveVms.description(spec));
    cache.forget(ref.vmid());
    tasks.await(client.post(ref.path() + "/config", config), "configuration of VM " + ref);
    if (settings.pool() != null) {
      Map<String, String> pool = new LinkedHashMap<>();
      pool.put("vms", Integer.toString(ref.vmid()));
      pool.put("allow-move", "1");
      client.put("/pools/" + PveClient.segment(settings.pool()), pool);
    }
    markers.values().remove(ref.toString());
    markers.put(spec.marker(), ref.toString());
    return observe(ref);
  }

  @Override
  public LiveVm power(String vmId, PowerAction action) {
    Objects.requireNonNull(action, "action");
    VmRef ref = PveVms.ref(settings.name(), vmId);
    boolean running = running(ref);
    String call =
        switch (action) {
          case START -> running ? null : "start";
          case STOP -> running ? "stop" : null;
          case RESTART -> running ? "reboot" : "start";
        };
    if (call != null) {
      cache.forget(ref.vmid());
      tasks.await(client.post(ref.path() + "/status/" + call, Map.of()), call + " of VM " + ref);
    }
    return observe(ref);
  }

  /**
   * Stops the VM, then {@code DELETE}s it with {@code purge=1}. With {@code keepDisks}, its disks
   * are first handed to a new, diskless holder VM ({@code move_disk} with {@code target-vmid}),
   * because PVE frees every disk a VM owns when it is destroyed, detached ({@code unusedN}) or not.
   */
  @Override
  public DeleteResult delete(String vmId, boolean keepDisks) {
    VmRef ref = PveVms.ref(settings.name(), vmId);
    boolean running;
    try {
      running = running(ref);
    } catch (ConnectorException e) {
      if (e.kind() == Kind.NOT_FOUND) {
        return new DeleteResult(false, List.of());
      }
      throw e;
    }
    cache.forget(ref.vmid());
    if (running) {
      tasks.await(client.post(ref.path() + "/status/stop", Map.of()), "stop of VM " + ref);
    }
    List<String> kept = keepDisks ? handOverDisks(ref) : List.of();
    Map<String, String> query = new LinkedHashMap<>();
    query.put("purge", "1");
    query.put("destroy-unreferenced-disks", keepDisks ? "0" : "1");
    tasks.await(client.delete(ref.path(), query), "removal of VM " + ref);
    markers.values().remove(ref.toString());
    return new DeleteResult(true, kept);
  }

  private List<String> handOverDisks(VmRef ref) {
    JsonNode config = client.get(ref.path() + "/config", Map.of());
    LiveVm vm = PveVms.live(ref.node(), ref.vmid(), config, false);
    if (vm.disks().isEmpty()) {
      return List.of();
    }
    VmRef holder = new VmRef(ref.node(), allocate());
    Map<String, String> create = new LinkedHashMap<>();
    create.put("vmid", Integer.toString(holder.vmid()));
    create.put("name", (vm.name() + "-kept-disks").replaceAll("[^A-Za-z0-9.-]", "-"));
    create.put("tags", "vmtree-kept-disks");
    create.put(
        "description",
        "Disks vmtree kept when it removed VM "
            + ref
            + (vm.marker() == null ? "" : " (" + vm.marker() + ")")
            + ". Destroy this VM to free them.");
    tasks.await(
        client.post("/nodes/" + PveClient.segment(ref.node()) + "/qemu", create),
        "creation of disk holder VM " + holder);
    int index = 0;
    for (String disk : vm.disks()) {
      String key = disk.substring(0, disk.indexOf('='));
      Map<String, String> move = new LinkedHashMap<>();
      move.put("disk", key);
      move.put("target-vmid", Integer.toString(holder.vmid()));
      move.put("target-disk", "unused" + index++);
      tasks.await(
          client.post(ref.path() + "/move_disk", move),
          "hand-over of disk " + key + " of VM " + ref + " to VM " + holder);
    }
    JsonNode held = client.get(holder.path() + "/config", Map.of());
    List<String> kept = new ArrayList<>();
    held.properties()
        .forEach(
            e -> {
              if (e.getKey().startsWith("unused")) {
                kept.add(e.getValue().asString());
              }
            });
    return kept;
  }

  private boolean running(VmRef ref) {
    JsonNode status = client.get(ref.path() + "/status/current", Map.of());
    return "running".equals(status.path("status").asString());
  }

  /** {@return the VM as PVE reports it now: its config and its power state} */
  private LiveVm observe(VmRef ref) {
    JsonNode config = client.get(ref.path() + "/config", Map.of());
    LiveVm vm = PveVms.live(ref.node(), ref.vmid(), config, running(ref));
    rememberMarker(vm);
    return vm;
  }

  private void rememberMarker(LiveVm vm) {
    if (vm.marker() != null) {
      markers.put(vm.marker(), vm.id());
    }
  }

  @Override
  public long calls() {
    return client.calls();
  }

  @Override
  public void close() {
    client.close();
  }

  private static <T> T join(Future<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(Kind.TRANSIENT, "interrupted", e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "pve-refresh");
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(Kind.TRANSIENT, "interrupted", e);
    }
  }
}
