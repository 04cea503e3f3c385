/* The hardening pipeline of one command: spec in, policy applied, written
 * back, recorded. main() calls it between parsing and exec. */
#ifndef HARDRUN_HARDEN_H
#define HARDRUN_HARDEN_H

#include <stdbool.h>

#include "cmdline.h"
#include "error.h"
#include "policy/policy.h"
#include "policy/profile.h"

struct hr_settings
{
  struct hr_profile profile;    /* owned: the selected profile */
  char *profile_rule;           /* owned: which rule selected it */
  char *datadir;                /* owned: where profiles/ data lives */
  char *state_dir;              /* owned */
  char *runtime;                /* owned: "runtime" from the policy, or NULL */
};

void hr_settings_release (struct hr_settings *s);

/* Selects the profile for CMD: --hardrun-profile, then the invocation name
 * (hardrun-NAME), then the default "restricted". */
int hr_settings_load (const struct hr_cmdline *cmd, struct hr_settings *ret, struct hr_error *err);

/* Hardens the bundle of a create, run or restore. On success the bundle's
 * config.json complies (or the mode only audits) and *RET_REPORT holds the
 * findings. A refused container is an error naming every refusal. */
int hr_harden_bundle (const struct hr_cmdline *cmd, const struct hr_settings *s, struct hr_report *ret_report,
                      struct hr_error *err);

/* Holds an exec to the container's ceiling (policy/exec.h): rewrites the
 * --process file in place, or rebuilds the argv from exec's flags into
 * *RET_ARGV (release with hr_exec_argv_release; argv NULL when unchanged). */
struct hr_exec_argv;
int hr_harden_exec (const struct hr_cmdline *cmd, const struct hr_settings *s, struct hr_report *ret_report,
                    struct hr_exec_argv *ret_argv, struct hr_error *err);

/* Where hardrun's data files are: the configured data directory, or, when
 * running from a build tree, the tree's profiles. Returns a malloc'ed path. */
char *hr_find_datadir (void);

#endif
