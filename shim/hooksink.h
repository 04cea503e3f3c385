/* Where hardrun-hook writes: the audit sink of the policy that hardened the
 * container, the hardrun-monitor socket it tells of a failed attestation,
 * and the controls that changed the container, kept in hardrun's state
 * directory.
 *
 * hardrun-hook takes no path or free text from its argv (a spec can name it
 * with any argv when the hooks control is off; hookargs.h): hardrun writes
 * the sink, {"file": PATH|null, "syslog": BOOL[, "monitor": PATH],
 * "changed": CONTROLS}, to <state_dir>/sinks/<key>.json and hands the hook
 * only KEY, 16 hex digits. A key that names no file hardrun wrote makes the
 * hook write nothing.
 *
 * CONTROLS are the controls that changed the container, comma separated
 * ("user,rootfs"; "" for none), for the hint of the hook's exit watcher.
 * The first 8 digits of a key name the audit sink (FILE, SYSLOG and
 * MONITOR), the last 8 all four: one sink file per audit sink and set of
 * changes. */
#ifndef HARDRUN_HOOKSINK_H
#define HARDRUN_HOOKSINK_H

#include <stdbool.h>

#include "error.h"

#define HR_HOOK_KEY_LEN 16

/* At most this long, a list of controls. */
#define HR_HOOK_CHANGED_MAX 256

struct hr_hook_sink
{
  char *file;                   /* the audit file, absolute; NULL: none */
  bool syslog;                  /* records to syslog too */
  char *monitor;                /* hardrun-monitor's socket, absolute; NULL: none */
  char *changed;                /* the controls that changed the container; NULL: "" */
};

/* The key of sink S into RET (17 bytes). */
void hr_hook_sink_key (const struct hr_hook_sink *s, char ret[HR_HOOK_KEY_LEN + 1]);

/* True when KEY is a key (16 lower-case hex digits) that names the same
 * audit sink (file, syslog, monitor) as OTHER, whatever the changes. */
bool hr_hook_key_same_sink (const char *key, const char *other);

/* True when CHANGED is "" or a comma-separated list of control names
 * (policy/profile.h), each once, shorter than HR_HOOK_CHANGED_MAX. */
bool hr_hook_changed_valid (const char *changed);

/* Writes the sink file for S, unless it is there already. */
int hr_hook_sink_write (const char *state_dir, const struct hr_hook_sink *s, struct hr_error *err);

/* Reads the sink KEY names into RET (its strings owned, CHANGED never NULL:
 * release with hr_hook_sink_release). -ENOENT when there is none, -EPERM
 * when the file is not hardrun's own (a regular file of hardrun's user with
 * one link, writable by no one else), -EINVAL for a malformed key or file,
 * or one whose content is not its key's. */
int hr_hook_sink_read (const char *state_dir, const char *key, struct hr_hook_sink *ret);

void hr_hook_sink_release (struct hr_hook_sink *s);

#endif
