/* The exec ceiling: a process started in a running container may never be
 * more privileged than the container itself was made.
 *
 * The ceiling comes from the container record written at create time (see
 * record.h) or, for a container hardrun never saw, from the profile. */
#ifndef HARDRUN_POLICY_EXEC_H
#define HARDRUN_POLICY_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "policy/policy.h"

struct hr_ceiling
{
  bool from_record;             /* false: the profile's ceiling */
  uint32_t uid, gid;            /* identity that replaces root */
  uint64_t bounding;            /* capabilities that may be kept */
  bool strict_request;          /* profile rule: keep only if all asked are allowed */
  char *apparmor;               /* owned; NULL: none */
  char *selinux;                /* owned; NULL: none */
  char *rootfs;                 /* owned; NULL: unknown: the root filesystem on the host */
};

int hr_ceiling_from_record (const struct hr_json *record, struct hr_ceiling *ret, struct hr_error *err);
int hr_ceiling_from_profile (const struct hr_profile *p, struct hr_ceiling *ret, struct hr_error *err);
void hr_ceiling_release (struct hr_ceiling *c);

/* Holds a process object (exec --process FILE) to the ceiling. */
int hr_exec_apply_process (const struct hr_policy_ctx *ctx, const struct hr_ceiling *c, struct hr_json *process,
                           struct hr_report *report, struct hr_error *err);

/* An argv rebuilt from exec's flags. */
struct hr_exec_argv
{
  char **argv;                  /* owned array, NULL-terminated */
  char **owned;                 /* owned strings referenced from argv */
  size_t n_owned;
};
void hr_exec_argv_release (struct hr_exec_argv *a);

/* Holds exec's flags (--user, --cap, --additional-gids, --no-new-privs,
 * --apparmor, --process-label) to the ceiling. runc ignores them next to
 * --process, but another runtime may not, so they are held to it then too. *RET gets the argv to run
 * the runtime with; it equals CMD's when nothing changed. */
int hr_exec_apply_flags (const struct hr_policy_ctx *ctx, const struct hr_ceiling *c, const struct hr_cmdline *cmd,
                         struct hr_exec_argv *ret, struct hr_report *report, struct hr_error *err);

#endif
