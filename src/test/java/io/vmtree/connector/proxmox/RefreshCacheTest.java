package io.vmtree.connector.proxmox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.VmSpec;
import io.vmtree.connector.proxmox.fake.FakePve;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The refresh cache kept in the state directory: a new session (a new process) of an unchanged
 * cluster refreshes with one call, and the cache is never trusted beyond what it can know.
 */
class RefreshCacheTest {
  private static final String TOKEN = "vmtree@pve!apply";

  @TempDir Path state;

  private final String secret = "tok-" + UUID.randomUUID();
  private final String password = "pw-" + UUID.randomUUID();
  private final FakePve pve =
      FakePve.start()
          .template(9000, "pve1", "debian-12", "local-lvm")
          .token(TOKEN, secret, FakePve.VMTREE_ROLE)
          .user("vmtree@pve", password, FakePve.VMTREE_ROLE);
  private final Map<String, String> environment = new HashMap<>();

  @AfterEach
  void stop() {
    pve.close();
  }

  /** A new connector and session each time: nothing but the file carries over, as between runs. */
  private HypervisorSession session(Path stateDir, Map<String, Object> overrides) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("host", pve.host());
    settings.put("node", "pve1");
    settings.put("storage", "local-lvm");
    settings.put("token_id", TOKEN);
    settings.put("token_secret", "${env:PVE_TOKEN}");
    settings.put("fingerprint", pve.fingerprint());
    settings.put("vmid_range", "10000-10999");
    settings.putAll(overrides);
    settings.values().removeIf(v -> v == null);
    HypervisorConfig config =
        new HypervisorConfig(
            "pve",
            "proxmox",
            settings,
            text ->
                text.equals("${env:PVE_TOKEN}")
                    ? secret
                    : text.equals("${env:PVE_PASSWORD}") ? password : text,
            stateDir);
    return new ProxmoxConnector(
            new PveClient.Retries(4, Duration.ofMillis(20)),
            Duration.ofMillis(5),
            new PrintStream(OutputStream.nullOutputStream()),
            environment::get)
        .connect(config);
  }

  private HypervisorSession session() {
    return session(state, Map.of());
  }

  private static VmSpec spec(String name, String description, boolean on) {
    return new VmSpec(
        name, List.of("lab"), "/lab/" + name, "debian-12", 1, 1024, on, Map.of(), description);
  }

  private Path cacheFile() {
    return state.resolve("cache/proxmox/pve.json");
  }

  /** {@return the VMs of a refresh in a new session, and how many calls it made} */
  private record Refresh(List<LiveVm> vms, long calls) {}

  private Refresh refresh() {
    try (HypervisorSession session = session()) {
      List<LiveVm> vms = session.list().stream().sorted(Comparator.comparing(LiveVm::id)).toList();
      return new Refresh(vms, session.calls());
    }
  }

  private List<LiveVm> deployTwo() {
    try (HypervisorSession session = session()) {
      session.create(spec("a", "the first", true));
      session.create(spec("b", null, false));
    }
    Refresh cold = refresh();
    assertEquals(3, cold.calls(), "the listing and both configs: nothing cached yet");
    return cold.vms();
  }

  @Test
  void aNewSessionRefreshingAnUnchangedClusterMakesOneCall() throws IOException {
    List<LiveVm> read = deployTwo();

    Refresh warm = refresh();
    assertEquals(1, warm.calls(), "the listing alone");
    assertEquals(read, warm.vms(), "the cached VMs are the VMs read");
    JsonNode file = JsonMapper.builder().build().readTree(cacheFile().toFile());
    assertEquals(RefreshCache.FORMAT, file.path("format").asInt());
    assertEquals(pve.host(), file.path("cluster").asString());
    assertTrue(file.path("vms").has("pve1/10000"), file::toString);
  }

  @Test
  void theCacheHoldsNoSecretAndNoConfigFieldVmtreeDoesNotRead() throws IOException {
    deployTwo();
    // cloud-init's password is in a VM's config; vmtree does not read it, so never keeps it
    pve.edit(10000, "cipassword", "ci-" + secret);
    pve.edit(10000, "memory", "2048"); // so the config is read again
    Map<String, Object> login = new HashMap<>();
    login.put("token_id", null);
    login.put("token_secret", null);
    login.put("user", "vmtree@pve");
    login.put("password", "${env:PVE_PASSWORD}");
    try (HypervisorSession session = session(state, login)) {
      assertEquals(2, session.list().size());
      assertEquals(4, session.calls(), "login, listing, both configs: the token's cache unused");
    }
    assertEquals(3, refresh().calls(), "nor is the user's cache the token's");
    assertEquals(1, refresh().calls());

    String text = Files.readString(cacheFile(), StandardCharsets.UTF_8);
    assertFalse(text.contains(secret), "the token secret in the cache");
    assertFalse(text.contains(password), "the password in the cache");
    assertFalse(text.contains("cipassword"), text);
  }

  @Test
  void aChangeThatShowsInTheListingIsReadAgainInANewSession() {
    deployTwo();
    // behind vmtree's back, through PVE's API: b is stopped, so cores apply at once
    pve.call("POST", "/nodes/pve1/qemu/10001/config", Map.of("cores", "3"), TOKEN);

    Refresh after = refresh();
    assertEquals(2, after.calls(), "the listing and the changed VM's config");
    assertEquals(3, after.vms().get(1).vcpu());
    assertEquals(1, refresh().calls());
  }

  @Test
  void vmtreesOwnChangeOfTheNotesAloneIsReadBackByTheNextProcess() {
    deployTwo();
    try (HypervisorSession session = session()) {
      session.update("pve1/10000", spec("a", "notes changed by vmtree", true));
    }
    // the listing row did not change; the update forgot the VM in the file before changing it
    Refresh after = refresh();
    assertEquals(2, after.calls());
    assertEquals("notes changed by vmtree", after.vms().get(0).description());
  }

  @Test
  void aChangeOfTheNotesAloneBehindVmtreesBackIsSeenOnAFullRefresh() {
    deployTwo();
    String marked =
        pve.vms().get(10000).get("description").replace("the first", "edited in the web UI");
    pve.call("POST", "/nodes/pve1/qemu/10000/config", Map.of("description", marked), TOKEN);

    // the documented limit: nothing in the listing row says so
    assertEquals("the first", refresh().vms().get(0).description());

    environment.put(ProxmoxConnector.FULL_REFRESH, "1");
    Refresh full = refresh();
    assertEquals(3, full.calls(), "VMTREE_PROXMOX_FULL_REFRESH=1 reads every config");
    assertEquals("edited in the web UI", full.vms().get(0).description());
    environment.clear();
    Refresh warm = refresh();
    assertEquals(1, warm.calls(), "and leaves the cache warm");
    assertEquals("edited in the web UI", warm.vms().get(0).description());
  }

  @Test
  void aCorruptForeignOrUnreadableFileIsAFullRefreshNeverAnError() throws IOException {
    List<LiveVm> read = deployTwo();
    String good = Files.readString(cacheFile());

    Files.writeString(cacheFile(), "{\"format\": 1, \"cluster\": \"" + pve.host() + "\", \"vms\"");
    Refresh afterCorrupt = refresh();
    assertEquals(3, afterCorrupt.calls());
    assertEquals(read, afterCorrupt.vms());
    assertEquals(1, refresh().calls(), "rewritten whole");

    Files.writeString(cacheFile(), good.replace("\"format\":1", "\"format\":99"));
    assertEquals(3, refresh().calls(), "a file of another format");

    Files.writeString(cacheFile(), good.replace(pve.host(), "pve.other.example:8006"));
    assertEquals(3, refresh().calls(), "a file of another cluster behind the same name");

    Files.writeString(cacheFile(), good.replace("\"pve1/10000\"", "\"pve9/10000\""));
    assertEquals(3, refresh().calls(), "an entry that is not what vmtree writes");

    Files.delete(cacheFile());
    Files.createDirectory(cacheFile()); // unreadable as a file, and cannot be replaced
    Files.writeString(cacheFile().resolve("something"), "");
    Refresh afterDirectory = refresh();
    assertEquals(3, afterDirectory.calls());
    assertEquals(read, afterDirectory.vms());
    try (var left = Files.list(cacheFile().getParent())) {
      assertEquals(List.of(cacheFile()), left.toList(), "no temp file left behind");
    }
  }

  @Test
  void nothingIsWrittenBeforeTheStateDirectoryExists() {
    Path missing = state.resolve("not-yet");
    try (HypervisorSession session = session(missing, Map.of())) {
      session.list();
    }
    assertFalse(Files.exists(missing));
  }
}
