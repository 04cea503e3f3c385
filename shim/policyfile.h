/* The operator's policy file: profiles (which may extend one another),
 * selection rules, the audit sink and the real runtime.
 *
 * /etc/hardrun/policy.json by default, read with the same strict loader as
 * config.json. A missing default file means the built-in profiles with
 * "restricted" as the default; a file that exists but cannot be read or is
 * invalid is an error, so no container starts (fail closed). Errors name
 * the file, line and field: policy.json:12: "profiles.web.caps.allow[1]":
 * unknown capability "CAP_FOO". The format is in hardrun-policy(5). */
#ifndef HARDRUN_POLICYFILE_H
#define HARDRUN_POLICYFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "json.h"
#include "policy/profile.h"

struct hr_match_kv
{
  char *key;                    /* annotation name */
  char *pattern;                /* glob (fnmatch) */
};

/* Who may have written an annotation a rule reads (rule "trust"). */
enum
{
  HR_TRUST_CRI = 1,             /* io.kubernetes.cri.*, on containerd's CRI */
  HR_TRUST_POD = 2,             /* other annotations on containerd's CRI: the pod's author */
  HR_TRUST_CALLER = 4,          /* any annotation from another caller (podman, docker, ctr) */
};

struct hr_rule
{
  /* all given conditions must hold */
  struct hr_match_kv *annotations;
  size_t n_annotations;
  char *container_type;         /* "sandbox" or "container", or NULL */
  /* what it selects */
  char *profile;                /* a profile name, or NULL with select_annotation */
  /* the workload may pick its profile with this annotation, among ALLOWED */
  char *select_annotation;
  struct hr_strlist allowed;
  unsigned trust;               /* HR_TRUST_* bits; default CRI and POD */
  bool named_namespace;         /* match.namespace is one name, not a glob */
};

struct hr_policy
{
  char *file;                   /* owned; NULL for the built-in policy */
  char *runtime;                /* owned; NULL when not set */
  char *default_profile;        /* owned */
  struct hr_profile *profiles;  /* owned; extends resolved */
  size_t n_profiles;
  struct hr_rule *rules;        /* owned */
  size_t n_rules;
  char *audit_file;             /* owned; NULL: no file sink */
  bool audit_syslog;
  /* hardrun-monitor (docs/monitor.md): its socket, whether blocked attack
   * syscalls are handed to it when it listens, and whether the lifecycle
   * hook attests a started container */
  char *monitor_socket;         /* owned; NULL: HR_MONITOR_SOCKET */
  bool monitor_off;
  bool attest_off;
  char *floor;                  /* owned; NULL: none */
  struct hr_strlist cri_roots;  /* runtime roots (globs) of containerd's k8s.io namespace */
};

/* Loads PATH (NULL: the default path). EXPLICIT means the operator named the
 * file, so a missing file is an error too. */
int hr_policy_load (const char *path, bool explicit_path, struct hr_policy *ret, struct hr_error *err);

/* Parses a policy document (for tests and fuzzing). NAME, the file's path,
 * prefixes errors; a relative "profilesDir" is relative to NAME's directory. */
int hr_policy_parse (const char *buf, size_t len, const char *name, struct hr_policy *ret, struct hr_error *err);

void hr_policy_release (struct hr_policy *p);

/* The profile named NAME, or NULL. */
const struct hr_profile *hr_policy_profile (const struct hr_policy *p, const char *name);

/* Which profile applies, by precedence: EXPLICIT (--hardrun-profile), then
 * the invocation name (hardrun-NAME from ARGV0), then the rules over
 * ANNOTATIONS (config.json's, may be NULL), then the default. *RET_PROFILE
 * is borrowed from P; RET_RULE (SIZE bytes) says which rule chose. The
 * annotations are taken as containerd's CRI would write them. */
int hr_policy_select (const struct hr_policy *p, const char *explicit_name, const char *argv0,
                      const struct hr_json *annotations, const struct hr_profile **ret_profile, char *ret_rule,
                      size_t size, struct hr_error *err);

/* As hr_policy_select, knowing where the annotations come from: CRI is
 * true when the invocation comes from containerd's CRI (harden.c decides).
 * Rules read only annotations from sources they trust, and the floor
 * holds; RET_NOTE (NOTE_SIZE bytes, "" when none) says what was ignored or
 * raised. */
int hr_policy_select_trusted (const struct hr_policy *p, const char *explicit_name, const char *argv0,
                              const struct hr_json *annotations, bool cri, const struct hr_profile **ret_profile,
                              char *ret_rule, size_t size, char *ret_note, size_t note_size, struct hr_error *err);

/* Whether ROOT (runc's --root) is one of P's cri.runtimeRoots. */
bool hr_policy_cri_root (const struct hr_policy *p, const char *root);

/* The trust bit of annotation KEY on a CRI or another invocation. */
unsigned hr_annotation_source (const char *key, bool cri);

/* Serializes a profile as the policy file would define it (policy show). */
struct hr_json *hr_profile_to_json (const struct hr_profile *p);

#endif
