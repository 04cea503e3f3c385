/* The hardening pipeline of one command: spec in, policy applied, written
 * back, recorded. main() calls it between parsing and exec. */
#ifndef HARDRUN_HARDEN_H
#define HARDRUN_HARDEN_H

#include <stdbool.h>

#include "cmdline.h"
#include "error.h"
#include "policy/policy.h"
#include "policy/profile.h"
#include "policyfile.h"

struct hr_settings
{
  struct hr_policy policy;      /* owned: the policy file, or the built-ins */
  struct hr_profile profile;    /* owned: the selected profile, in force */
  char rule[160];               /* which rule selected it */
  char *datadir;                /* owned: where profiles/ data lives */
  char *state_dir;              /* owned */
  char *hook_path;              /* owned: hardrun-hook, or NULL if not found */
  char hook_key[24];            /* the audit sink's key hardrun-hook is given (hooksink.h) */
  bool cri;                     /* the invocation comes from containerd's CRI (invocation.h) */
  char note[768];               /* what the selection ignored or raised, or "" */
};

void hr_settings_release (struct hr_settings *s);

/* Loads the policy (--hardrun-policy or the default file; fails closed on
 * an invalid file) and locates hardrun's data and hook. The profile is
 * chosen later, when the container's annotations are known. */
int hr_settings_load (const struct hr_cmdline *cmd, struct hr_settings *ret, struct hr_error *err);

/* Selects the profile for CMD and ANNOTATIONS (policyfile.h precedence),
 * RECORDED_PROFILE (an exec's container record) taking the place of the
 * rules, into S->profile. */
int hr_settings_select (struct hr_settings *s, const struct hr_cmdline *cmd, const struct hr_json *annotations,
                        const char *recorded_profile, struct hr_error *err);

/* Hardens the bundle of a create, run or restore. On success the bundle's
 * config.json complies (or the mode only audits) and *RET_REPORT holds the
 * findings. A refused container is an error naming every refusal. */
int hr_harden_bundle (const struct hr_cmdline *cmd, struct hr_settings *s, struct hr_report *ret_report,
                      struct hr_error *err);

/* Holds an exec to the container's ceiling (policy/exec.h): rewrites the
 * --process file in place, or rebuilds the argv from exec's flags into
 * *RET_ARGV (release with hr_exec_argv_release; argv NULL when unchanged). */
struct hr_exec_argv;
int hr_harden_exec (const struct hr_cmdline *cmd, struct hr_settings *s, struct hr_report *ret_report,
                    struct hr_exec_argv *ret_argv, struct hr_error *err);

/* Appends the audit record of one decision (REFUSAL set when refused). */
void hr_harden_audit (const struct hr_cmdline *cmd, const struct hr_settings *s, const char *bundle,
                      const struct hr_json *annotations, const struct hr_report *rep, const struct hr_error *refusal);

/* Where hardrun's data files are: the configured data directory, or, when
 * running from a build tree, the tree's profiles. Returns a malloc'ed path. */
char *hr_find_datadir (void);

/* hardrun-hook: installed in libexecdir, or next to shim/ in a build tree. */
char *hr_find_hook (void);

#endif
