/* Alerts in Falco's output format (docs/monitor.md, "Alerts"): one JSON
 * object with time, rule, priority, output, source, tags, hostname and
 * output_fields, as Falco writes with json_output and Falcosidekick reads. */
#ifndef HARDRUN_MONITOR_ALERT_H
#define HARDRUN_MONITOR_ALERT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "json.h"

/* Falco's priorities, with the syslog level each maps to. */
enum hr_priority
{
  HR_PRIO_EMERGENCY,
  HR_PRIO_ALERT,
  HR_PRIO_CRITICAL,
  HR_PRIO_ERROR,
  HR_PRIO_WARNING,
  HR_PRIO_NOTICE,
  HR_PRIO_INFORMATIONAL,
  HR_PRIO_DEBUG,
};
const char *hr_priority_name (enum hr_priority p);

/* Who an alert is about: the container as its annotations name it. */
struct hr_who
{
  const char *id, *name, *image, *ns, *pod;   /* borrowed; may be NULL */
};

/* Fills WHO from a container ID and its ANNOTATIONS (containerd's CRI and
 * CRI-O/dockershim keys); the strings are borrowed from ANNOTATIONS. */
void hr_who_from_annotations (const char *id, const struct hr_json *annotations, struct hr_who *who);

/* The process an alert is about; -1 / NULL where unknown. */
struct hr_proc
{
  pid_t pid;
  int64_t uid;
  const char *exe, *cmdline;
};

/* Builds an alert. OUTPUT_DETAIL goes after the rule's name in "output";
 * EXTRA (may be NULL; taken) holds more output_fields. Returns NULL when
 * out of memory. */
struct hr_json *hr_alert_new (const char *rule, enum hr_priority prio, const char *hostname, const char *tags_csv,
                              const struct hr_who *who, const struct hr_proc *proc, const char *detail,
                              struct hr_json *extra);

#endif
