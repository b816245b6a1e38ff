package io.vmtree.tree;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code lifecycle} block of a descriptor (SPEC §2). Kept in state once applied, so that
 * protection still holds after the file is deleted.
 *
 * @param ignoreChanges parameters whose live drift is reported but never reconciled
 */
public record Lifecycle(
    boolean preventDestroy, boolean keepDisks, List<String> ignoreChanges, boolean allowReboot) {
  /** Every switch off, nothing ignored. */
  public static final Lifecycle DEFAULT = new Lifecycle(false, false, List.of(), false);

  public Lifecycle {
    ignoreChanges = List.copyOf(ignoreChanges);
  }

  /** {@return its fields under the names a descriptor file gives them, in that order} */
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("prevent_destroy", preventDestroy);
    fields.put("keep_disks", keepDisks);
    fields.put("ignore_changes", ignoreChanges);
    fields.put("allow_reboot", allowReboot);
    return fields;
  }
}
