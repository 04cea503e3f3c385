/* Where hardrun-hook writes: the audit sink of the policy that hardened the
 * container, kept in hardrun's state directory.
 *
 * hardrun-hook takes no path or free text from its argv (a spec can name it
 * with any argv when the hooks control is off): hardrun writes the sink,
 * {"file": PATH|null, "syslog": BOOL, "changed": CONTROLS}, to
 * <state_dir>/sinks/<key>.json and hands the hook only KEY, 16 hex digits.
 * A key that names no file hardrun wrote makes the hook write nothing.
 *
 * CONTROLS are the controls that changed the container, comma separated
 * ("user,rootfs"; "" for none), for the hint of the hook's exit watcher.
 * The first 8 digits of a key name the audit sink (FILE and SYSLOG), the
 * last 8 all three: one sink file per audit sink and set of changes. */
#ifndef HARDRUN_HOOKSINK_H
#define HARDRUN_HOOKSINK_H

#include <stdbool.h>

#include "error.h"

#define HR_HOOK_KEY_LEN 16

/* At most this long, a list of controls. */
#define HR_HOOK_CHANGED_MAX 256

/* The key of sink FILE (NULL: none), SYSLOG and CHANGED (NULL: "") into
 * RET (17 bytes). */
void hr_hook_sink_key (const char *file, bool syslog, const char *changed, char ret[HR_HOOK_KEY_LEN + 1]);

/* True when KEY is a key (16 lower-case hex digits) that names the same
 * audit sink as OTHER, whatever the changes. */
bool hr_hook_key_same_sink (const char *key, const char *other);

/* True when CHANGED is "" or a comma-separated list of control names
 * (policy/profile.h), each once, shorter than HR_HOOK_CHANGED_MAX. */
bool hr_hook_changed_valid (const char *changed);

/* Writes the sink file for FILE, SYSLOG and CHANGED (NULL: ""), unless it
 * is there already. */
int hr_hook_sink_write (const char *state_dir, const char *file, bool syslog, const char *changed,
                        struct hr_error *err);

/* Reads the sink KEY names: *RET_FILE owned (NULL: no file), *RET_CHANGED
 * owned (never NULL on success). -ENOENT when there is none, -EPERM when
 * the file is not hardrun's own (a regular file of hardrun's user with one
 * link, writable by no one else), -EINVAL for a malformed key or file. */
int hr_hook_sink_read (const char *state_dir, const char *key, char **ret_file, bool *ret_syslog,
                       char **ret_changed);

#endif
