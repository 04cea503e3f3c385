/* notify: hands the container's blocked attack syscalls to hardrun-monitor
 * (docs/monitor.md). Runs after every control, on the final linux.seccomp:
 * each SCMP_ACT_ERRNO rule on a watched syscall becomes SCMP_ACT_NOTIFY,
 * listenerPath names the monitor's socket and listenerMetadata tells the
 * monitor which errno to answer, so that the container sees exactly what the
 * errno profile would have returned. Pure: the caller has already found the
 * monitor listening. */
#ifndef HARDRUN_POLICY_NOTIFY_H
#define HARDRUN_POLICY_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "json.h"

/* listenerMetadata: "hardrun/1 NAME=ERRNO NAME=ERRNO ..." */
#define HR_NOTIFY_META_PREFIX "hardrun/1"
#define HR_NOTIFY_META_MAX 2048

/* Is NAME one of the syscalls whose blocked use signals an attack? */
bool hr_notify_watched (const char *name);

/* The watched syscalls, NULL-terminated (documentation and tests). */
extern const char *const hr_notify_syscalls[];

enum hr_notify_result
{
  HR_NOTIFY_ON,                 /* the filter notifies the monitor */
  HR_NOTIFY_NO_FILTER,          /* no linux.seccomp: nothing to hand over */
  HR_NOTIFY_WORKLOAD_AGENT,     /* the workload's own agent (listenerPath or SCMP_ACT_NOTIFY) */
  HR_NOTIFY_NOTHING_WATCHED,    /* no errno rule on a watched syscall */
};

/* Rewrites SPEC's linux.seccomp for the monitor at SOCKET. *RET_RESULT says
 * what happened; *RET_COUNT (may be NULL) how many syscalls notify. A
 * syscall whose errno rules disagree on the errno is left as it is. */
int hr_notify_rewrite (struct hr_json *spec, const char *socket, enum hr_notify_result *ret_result,
                       size_t *ret_count, struct hr_error *err);

/* Undoes an earlier hr_notify_rewrite of SPEC (a config hardrun already
 * hardened, created again): when listenerMetadata is hardrun's, each
 * SCMP_ACT_NOTIFY rule gets back its errno and the listener goes, so that
 * the controls see the errno profile and a monitor that is down now fails
 * nothing. Sets *RET_UNDONE when it changed SPEC. */
int hr_notify_revert (struct hr_json *spec, bool *ret_undone, struct hr_error *err);

/* Parses listenerMetadata: the errno for NAME, or -1 when META does not
 * name it (or is not hardrun's). */
int hr_notify_meta_errno (const char *meta, const char *name);

#endif
