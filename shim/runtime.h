/* The real runtime: finding it and handing over to it. */
#ifndef HARDRUN_RUNTIME_H
#define HARDRUN_RUNTIME_H

#include <stddef.h>

#include "error.h"

/* Set in the runtime's environment; seeing it on entry means hardrun was
 * started by itself (a runtime path that leads back here). */
#define HR_LOOP_GUARD_ENV "HARDRUN_EXEC_GUARD"

/* Where the path came from, for messages. */
enum hr_runtime_source
{
  HR_RUNTIME_OPTION,            /* --hardrun-runtime */
  HR_RUNTIME_POLICY,            /* "runtime" in the policy file */
  HR_RUNTIME_BUILD,             /* configure --with-runtime */
  HR_RUNTIME_PATH,              /* PATH search: runc, then crun */
};

/* Resolves the runtime, in this order: EXPLICIT (from --hardrun-runtime),
 * FROM_POLICY, the build-time default, then a PATH search for "runc" and
 * then "crun". Candidates that are hardrun itself (same device and inode as
 * /proc/self/exe) are skipped in the PATH search and are an error when named
 * explicitly. Writes the absolute path into RET (SIZE bytes). */
int hr_runtime_find (const char *explicit_path, const char *from_policy, char *ret, size_t size,
                     enum hr_runtime_source *ret_source, struct hr_error *err);

/* execve()s PATH with ARGV and the current environment plus the loop guard.
 * Returns only on failure. */
int hr_runtime_exec (const char *path, char **argv, struct hr_error *err);

/* Runs PATH with ARGV, collecting its standard output (at most MAX bytes)
 * into *RET (owned, NUL-terminated). Returns the exit status (>= 0) or
 * negative errno. */
int hr_runtime_capture (const char *path, char **argv, size_t max, char **ret, size_t *ret_len,
                        struct hr_error *err);

/* Runs PATH with ARGV and the loop guard as a child that shares hardrun's
 * standard streams, and waits for it. Returns its exit status (>= 0; 128 +
 * the signal's number when a signal ended it) or negative errno. For the
 * commands whose output hardrun follows with its own lines. */
int hr_runtime_run (const char *path, char **argv, struct hr_error *err);

/* Asks the runtime at PATH about container ID under state root ROOT (NULL:
 * the runtime's default) with "state", its output discarded: 1 when it
 * answers, 0 when it does not (no such container), negative errno when it
 * cannot be asked. */
int hr_runtime_has_container (const char *path, const char *root, const char *id, struct hr_error *err);

#endif
