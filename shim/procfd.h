/* exec's process file given as a descriptor: "/dev/fd/N" or
 * "/proc/self/fd/N", as bash's process substitution, a pipe or an engine's
 * inherited descriptor passes it. The descriptor is taken as what it is (a
 * pipe cannot be rewritten in place): its contents are read once, and the
 * runtime is handed an equivalent at the same number, a sealed memfd
 * holding the hardened (or unchanged) document, so that its argv stays as
 * received. Ordinary paths keep the no-symlink rule of spec.h. */
#ifndef HARDRUN_PROCFD_H
#define HARDRUN_PROCFD_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* The descriptor number PATH names ("/dev/fd/N", "/proc/self/fd/N" or
 * "/proc/thread-self/fd/N", N plain decimal digits), or -1 when PATH is an
 * ordinary path. */
int hr_procfd_number (const char *path);

/* Reads what the runtime would read from descriptor FD when it opens
 * /proc/self/fd/FD: a regular file from its start, a pipe or FIFO to its
 * end, at most MAX bytes. Stores an owned, NUL-terminated buffer in *RET.
 * DISPLAY names the file in messages. */
int hr_procfd_read (int fd, const char *display, size_t max, char **ret, size_t *ret_len, struct hr_error *err);

/* Puts a sealed, read-only memfd holding DATA (LEN bytes) at descriptor FD,
 * without close-on-exec, in place of what was there. */
int hr_procfd_handover (int fd, const char *data, size_t len, const char *display, struct hr_error *err);

#endif
