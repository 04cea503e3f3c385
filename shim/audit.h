/* The audit trail: one JSON line per decision (and, from hardrun's hook,
 * per container start and stop), appended with O_APPEND in a single
 * write() so concurrent writers never interleave partial lines; and/or the
 * same line to syslog. */
#ifndef HARDRUN_AUDIT_H
#define HARDRUN_AUDIT_H

#include <stdbool.h>

#include "cmdline.h"
#include "error.h"
#include "json.h"
#include "policy/policy.h"

struct hr_audit_sink
{
  const char *file;             /* borrowed; NULL: no file */
  bool syslog;
};

struct hr_decision
{
  const struct hr_cmdline *cmd;          /* borrowed */
  const char *bundle;                    /* borrowed, may be NULL */
  const char *profile;                   /* borrowed */
  const char *rule;                      /* borrowed: which rule chose the profile */
  const struct hr_json *annotations;     /* borrowed, may be NULL */
  const struct hr_report *report;        /* borrowed, may be NULL */
  const struct hr_profile *modes;        /* borrowed: the modes in force */
  const char *error;                     /* borrowed: set when hardrun refused or failed */
  bool unchecked;                        /* ERROR is why the spec went to the runtime unchecked */
};

/* Builds the record of D (owned by the caller). */
struct hr_json *hr_audit_record (const struct hr_decision *d);

/* Appends one record (serialized as one line) to the sinks. */
int hr_audit_write (const struct hr_audit_sink *sink, const struct hr_json *record, struct hr_error *err);

#endif
