/* hardrun's side of hardrun-monitor (docs/monitor.md): the probe at create,
 * the seccomp rewrite when the monitor listens, and the events hardrun
 * itself raises (a refused container, an exec held to its ceiling, a
 * dropped hook). Everything here is best effort and never blocks: a monitor
 * that is down, slow or full changes nothing but the alerts. */
#ifndef HARDRUN_MONITOR_CLIENT_H
#define HARDRUN_MONITOR_CLIENT_H

#include <stdbool.h>

#include "error.h"
#include "json.h"
#include "policy/policy.h"
#include "policyfile.h"

#ifndef HARDRUN_STATE_DIR
#define HARDRUN_STATE_DIR "/run/hardrun"
#endif
#define HR_MONITOR_SOCKET HARDRUN_STATE_DIR "/monitor.sock"
/* Largest event hardrun sends (the monitor reads at most this much). */
#define HR_MONITOR_MAX_EVENT (64 * 1024)

/* The byte the monitor sends on every connection it accepts. */
#define HR_MONITOR_GREETING "H"
/* How long the probe waits for it: a monitor too busy to greet within
 * this is treated as down (the container gets the plain errno profile). */
#define HR_MONITOR_PROBE_MS 100

/* The monitor's socket under policy P. */
const char *hr_monitor_socket (const struct hr_policy *p);

/* Does a monitor accept connections at PATH and greet? One non-blocking
 * connect, and a wait of at most HR_MONITOR_PROBE_MS for the greeting. */
bool hr_monitor_listening (const char *path);

/* Sends EVENT (one JSON object) to the monitor at PATH without waiting:
 * -EAGAIN when its backlog or buffer is full, -ECONNREFUSED/-ENOENT when
 * it is down. */
int hr_monitor_send (const char *path, const struct hr_json *event);

/* An event object: {"hardrunEvent": RULE, "container": {"id": ID}, "message": MSG}. */
struct hr_json *hr_monitor_event (const char *rule, const char *id, const char *msg);

/* At create: when policy P has monitoring on and the monitor listens,
 * hands SPEC's blocked attack syscalls to it (policy/notify.h) and reports
 * what happened into REPORT under the seccomp control. */
int hr_monitor_harden (const struct hr_policy *p, struct hr_json *spec, struct hr_report *report,
                       struct hr_error *err);

/* Before the controls: undoes hardrun's own notify rewrite of an earlier
 * pass over SPEC (policy/notify.h), reported as a change of the seccomp
 * control so that the result is written back. */
int hr_monitor_unharden (struct hr_json *spec, struct hr_report *report, struct hr_error *err);

/* After a decision: the events REPORT and REFUSAL call for, sent to the
 * monitor of policy P. EXEC says the decision was about an exec. */
void hr_monitor_decision (const struct hr_policy *p, const char *id, bool exec, const struct hr_json *annotations,
                          const struct hr_report *report, const char *refusal);

#endif
