package io.vmtree.connector.vsphere;

import com.vmware.vim25.DynamicProperty;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.ObjectSpec;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertySpec;
import com.vmware.vim25.TaskInfo;
import com.vmware.vim25.TaskInfoState;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;

/**
 * Waits for vCenter tasks: polls {@code info} with a growing pause (50 ms, then ×1.5 up to 2 s),
 * one call per poll, and turns a task's fault into a {@link ConnectorException} naming the task.
 */
final class Tasks {
  private static final long FIRST_PAUSE_MILLIS = 50;
  private static final long LONGEST_PAUSE_MILLIS = 2_000;

  private Tasks() {}

  /** {@return the task's result (e.g. the new VM of a clone), once it succeeded} */
  static Object await(Vcenter vcenter, String what, ManagedObjectReference task) {
    long pause = FIRST_PAUSE_MILLIS;
    while (true) {
      sleep(pause, what, task);
      TaskInfo info = info(vcenter, what, task);
      if (info != null && info.getState() == TaskInfoState.success) {
        return info.getResult();
      }
      if (info != null && info.getState() == TaskInfoState.error) {
        if (info.getError() == null || info.getError().getFault() == null) {
          throw new ConnectorException(
              Kind.REJECTED,
              vcenter.settings().name()
                  + ": "
                  + what
                  + " failed (vCenter task "
                  + task.getVal()
                  + ")");
        }
        throw Faults.of(vcenter.settings().name(), what, info.getError().getFault(), task.getVal());
      }
      pause = Math.min(LONGEST_PAUSE_MILLIS, pause * 3 / 2);
    }
  }

  private static TaskInfo info(Vcenter vcenter, String what, ManagedObjectReference task) {
    return vcenter.call(
        what + " (vCenter task " + task.getVal() + ")",
        (vim, content) -> {
          PropertySpec property = new PropertySpec();
          property.setType("Task");
          property.setAll(false);
          property.setPathSet(new String[] {"info"});
          ObjectSpec object = new ObjectSpec();
          object.setObj(task);
          object.setSkip(false);
          PropertyFilterSpec filter = new PropertyFilterSpec();
          filter.setObjectSet(new ObjectSpec[] {object});
          filter.setPropSet(new PropertySpec[] {property});
          ObjectContent[] objects =
              vim.retrieveProperties(
                  content.getPropertyCollector(), new PropertyFilterSpec[] {filter});
          if (objects == null) {
            return null;
          }
          for (ObjectContent content1 : objects) {
            if (content1.getPropSet() != null) {
              for (DynamicProperty p : content1.getPropSet()) {
                if (p.getVal() instanceof TaskInfo info) {
                  return info;
                }
              }
            }
          }
          return null;
        });
  }

  private static void sleep(long millis, String what, ManagedObjectReference task) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(
          Kind.TRANSIENT, what + ": interrupted waiting for vCenter task " + task.getVal(), e);
    }
  }
}
