/* Where hardrun-hook writes: the audit sink of the policy that hardened the
 * container, and the hardrun-monitor socket it tells of a failed
 * attestation, kept in hardrun's state directory.
 *
 * hardrun-hook takes no path or free text from its argv (a spec can name it
 * with any argv when the hooks control is off; hookargs.h): hardrun writes
 * the sink, {"file": PATH|null, "syslog": BOOL[, "monitor": PATH]}, to
 * <state_dir>/sinks/<key>.json and hands the hook only KEY, 16 hex digits,
 * a hash of all three. A key that names no file hardrun wrote makes the
 * hook write nothing. */
#ifndef HARDRUN_HOOKSINK_H
#define HARDRUN_HOOKSINK_H

#include <stdbool.h>

#include "error.h"

#define HR_HOOK_KEY_LEN 16

struct hr_hook_sink
{
  char *file;                   /* the audit file, absolute; NULL: none */
  bool syslog;                  /* records to syslog too */
  char *monitor;                /* hardrun-monitor's socket, absolute; NULL: none */
};

/* The key of sink S into RET (17 bytes). A sink without a monitor has the
 * key it had before the monitor was part of it. */
void hr_hook_sink_key (const struct hr_hook_sink *s, char ret[HR_HOOK_KEY_LEN + 1]);

/* Writes the sink file for S, unless it is there already. */
int hr_hook_sink_write (const char *state_dir, const struct hr_hook_sink *s, struct hr_error *err);

/* Reads the sink KEY names into RET (its strings owned: release with
 * hr_hook_sink_release). -ENOENT when there is none, -EPERM when the file
 * is not hardrun's own (a regular file of hardrun's user with one link,
 * writable by no one else), -EINVAL for a malformed key or file, or one
 * whose content is not its key's. */
int hr_hook_sink_read (const char *state_dir, const char *key, struct hr_hook_sink *ret);

void hr_hook_sink_release (struct hr_hook_sink *s);

#endif
