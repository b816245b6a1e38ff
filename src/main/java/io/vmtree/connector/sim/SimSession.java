package io.vmtree.connector.sim;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.DeleteResult;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.PowerAction;
import io.vmtree.connector.VmSpec;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A session with a sim hypervisor: its world seen through a network that costs {@code latency_ms} a
 * call, loses calls at {@code fail_rate} (always before they take effect, so a retry is safe),
 * refuses calls beyond {@code max_parallel}, and fails every call while the world is down.
 *
 * <p>{@code latency_ms} is what a call costs its caller, the hypervisor's own work included, as
 * with a real hypervisor: the world changes when the call starts and the answer arrives when {@code
 * latency_ms} has passed. The world's disk work is therefore part of the latency (it shows only
 * when it takes longer), and a caller killed while it waits for the answer leaves the change made,
 * as a client losing its connection to a real hypervisor does: that is the case crash recovery
 * adopts VMs for.
 */
final class SimSession implements HypervisorSession {
  private final SimSettings settings;
  private final SimWorld world;
  private final Random random;
  private final Semaphore slots;
  private final AtomicLong calls = new AtomicLong();

  SimSession(SimSettings settings, SimWorld world) {
    this.settings = settings;
    this.world = world;
    this.random = new Random(settings.seed());
    this.slots = new Semaphore(settings.maxParallel());
  }

  @Override
  public List<LiveVm> list() {
    return call(() -> world.list().stream().map(SimVm::toLive).toList());
  }

  @Override
  public LiveVm create(VmSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return call(
        () -> {
          if (spec.baseImage().startsWith("missing-")) {
            world.refuseWhenDown();
            throw new ConnectorException(
                Kind.REJECTED, settings.name() + ": image " + spec.baseImage() + " not found");
          }
          return world.create(SimVm.of(spec)).toLive();
        });
  }

  @Override
  public LiveVm update(String vmId, VmSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return change(vmId, vm -> vm.withConfig(spec));
  }

  @Override
  public LiveVm move(String vmId, VmSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return change(vmId, vm -> vm.withPlacement(spec));
  }

  /** A restart leaves the VM running, whether it ran before or not. */
  @Override
  public LiveVm power(String vmId, PowerAction action) {
    Objects.requireNonNull(action, "action");
    return change(vmId, vm -> vm.withPoweredOn(action != PowerAction.STOP));
  }

  @Override
  public DeleteResult delete(String vmId, boolean keepDisks) {
    return call(
        () ->
            world
                .delete(vmId, keepDisks)
                .map(vm -> new DeleteResult(true, keepDisks ? vm.disks() : List.of()))
                .orElseGet(() -> new DeleteResult(false, List.of())));
  }

  @Override
  public long calls() {
    return calls.get();
  }

  @Override
  public void close() {
    world.close();
  }

  private LiveVm change(String vmId, UnaryOperator<SimVm> edit) {
    return call(
        () ->
            world
                .update(vmId, edit)
                .orElseThrow(
                    () ->
                        new ConnectorException(
                            Kind.NOT_FOUND, settings.name() + ": vm " + vmId + " not found"))
                .toLive());
  }

  private <T> T call(Supplier<T> effect) {
    calls.incrementAndGet();
    if (!slots.tryAcquire()) {
      throw failure(
          Kind.CONFLICT, "more than max_parallel=" + settings.maxParallel() + " calls at once");
    }
    long sent = System.nanoTime();
    long latency = TimeUnit.MILLISECONDS.toNanos(settings.latencyMs());
    try {
      // the world, opened as a hypervisor, refuses the effect while down; with failures to inject,
      // it is asked first, so that a down hypervisor still answers unreachable to every call
      if (settings.failRate() > 0) {
        world.refuseWhenDown();
        if (random.nextDouble() < settings.failRate()) {
          throw failure(Kind.TRANSIENT, "injected failure (fail_rate " + settings.failRate() + ")");
        }
      }
      T result = effect.get();
      waitUntil(sent + latency); // the answer on its way
      return result;
    } catch (SimWorld.Down e) {
      throw answered(sent + latency, failure(Kind.UNREACHABLE, e.getMessage()));
    } catch (SimWorldException e) {
      throw answered(sent + latency, failure(Kind.REJECTED, e.getMessage(), e));
    } catch (ConnectorException e) {
      throw answered(sent + latency, e);
    } finally {
      slots.release();
    }
  }

  /** {@return {@code error}, once the answer that carries it has arrived} */
  private ConnectorException answered(long deadline, ConnectorException error) {
    if (!Thread.currentThread().isInterrupted()) {
      try {
        waitUntil(deadline);
      } catch (ConnectorException interrupted) {
        // the error itself is the better answer
      }
    }
    return error;
  }

  private void waitUntil(long deadline) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(Kind.TRANSIENT, "call interrupted");
    }
  }

  private ConnectorException failure(Kind kind, String message) {
    return new ConnectorException(kind, settings.name() + ": " + message);
  }

  private ConnectorException failure(Kind kind, String message, Throwable cause) {
    return new ConnectorException(kind, settings.name() + ": " + message, cause);
  }
}
