/* A stand-in for hardrun-monitor during an exec. runc and crun hand the
 * seccomp notify descriptor of an exec'd process to the container's
 * listenerPath, and fail the exec when nothing listens there. When the
 * container was created with the monitor (its config.json carries
 * hardrun's listenerMetadata) and no monitor greets now, hardrun leaves a
 * short-lived listener at that path for the runtime: it takes the
 * descriptors and closes them, so that the exec'd process's watched
 * syscalls fail with ENOSYS (never allowed), and it goes after 10 s. It
 * does not greet, so no create mistakes it for the monitor, and a monitor
 * starting meanwhile waits for it (docs/monitor.md). */
#ifndef HARDRUN_MONITOR_STANDIN_H
#define HARDRUN_MONITOR_STANDIN_H

#include "json.h"
#include "policyfile.h"

/* RECORD: the container's record (record.h), or NULL; POLICY: the policy
 * in force (its monitor is probed first). Best effort. */
void hr_monitor_standin (const struct hr_policy *policy, const struct hr_json *record);

#endif
