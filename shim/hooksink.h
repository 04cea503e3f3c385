/* Where hardrun-hook writes: the audit sink of the policy that hardened the
 * container, kept in hardrun's state directory.
 *
 * hardrun-hook takes no path or free text from its argv (a spec can name it
 * with any argv when the hooks control is off): hardrun writes the sink,
 * {"file": PATH|null, "syslog": BOOL}, to <state_dir>/sinks/<key>.json and
 * hands the hook only KEY, 16 hex digits. A key that names no file hardrun
 * wrote makes the hook write nothing. */
#ifndef HARDRUN_HOOKSINK_H
#define HARDRUN_HOOKSINK_H

#include <stdbool.h>

#include "error.h"

#define HR_HOOK_KEY_LEN 16

/* The key of sink FILE (NULL: none) and SYSLOG into RET (17 bytes). */
void hr_hook_sink_key (const char *file, bool syslog, char ret[HR_HOOK_KEY_LEN + 1]);

/* Writes the sink file for FILE and SYSLOG, unless it is there already. */
int hr_hook_sink_write (const char *state_dir, const char *file, bool syslog, struct hr_error *err);

/* Reads the sink KEY names: *RET_FILE owned (NULL: no file). -ENOENT when
 * there is none, -EPERM when the file is not hardrun's own (a regular file
 * of hardrun's user with one link, writable by no one else), -EINVAL for a
 * malformed key or file. */
int hr_hook_sink_read (const char *state_dir, const char *key, char **ret_file, bool *ret_syslog);

#endif
