/* Applying a profile to a spec: every control checks, reports, and (in
 * enforce mode) rewrites. The findings are the report; the spec is changed in
 * place. Pure: no I/O except through host.h. */
#ifndef HARDRUN_POLICY_H
#define HARDRUN_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "json.h"
#include "policy/profile.h"

enum hr_action
{
  HR_ACT_CHANGED,               /* enforce: the spec was rewritten */
  HR_ACT_AUDIT,                 /* audit: a violation, left as it was */
  HR_ACT_REFUSED,               /* the container is refused */
  HR_ACT_NOTE,                  /* information, e.g. an LSM the host lacks */
};

struct hr_finding
{
  enum hr_control_id control;
  enum hr_action action;
  char *field;                  /* owned: JSON path, e.g. "process.user.uid" */
  char *message;                /* owned */
};

struct hr_report
{
  struct hr_finding *items;     /* owned */
  size_t n, cap;
  bool refused;                 /* some control refused the container */
  bool changed;                 /* the spec was rewritten */
  bool oom;                     /* a finding could not be recorded */
};

void hr_report_release (struct hr_report *r);
const char *hr_action_name (enum hr_action a);

/* Writes "control: message; control: message" of the refusals into BUF;
 * when cut to SIZE, it ends "... (refused by control control ...)". */
void hr_report_refusals (const struct hr_report *r, char *buf, size_t size);

/* What the controls may know besides the spec. */
struct hr_policy_ctx
{
  const struct hr_profile *profile;   /* borrowed */
  const char *container_id;           /* borrowed, may be NULL */
  const char *bundle_dir;             /* borrowed: relative mount sources start here */
  const char *seccomp_dir;            /* borrowed: where seccomp profiles live */
  const char *apparmor_dir;           /* borrowed: where AppArmor profiles live */
  const char *state_dir;              /* borrowed: hardrun's state (SELinux MCS registry) */
  /* Set by hr_policy_apply for the controls: the bundle directory and
   * root.path resolved on the host (see host.h), NULL where they do not
   * resolve. */
  const char *bundle_host;
  const char *rootfs_host;
  const char *hook_path;              /* borrowed: hardrun-hook as hardrun adds it, or NULL */
  const char *hook_key;               /* borrowed: the audit sink key hardrun-hook is given, or NULL */
  bool cri;                           /* the invocation comes from containerd's CRI (harden.c) */
  bool judge_only;                    /* explain: judge, but load nothing into the kernel */
};

/* One control at work: what it gets and where it reports. */
struct hr_apply
{
  const struct hr_policy_ctx *ctx;
  enum hr_control_id control;
  enum hr_mode mode;
  struct hr_report *report;
};

/* Records a fixable violation of the current control. Returns true when the
 * control should rewrite the spec (enforce mode). */
bool hr_violation (struct hr_apply *a, const char *field, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Records a violation that cannot be fixed by rewriting: refused in enforce
 * and deny modes, reported in audit mode. */
void hr_refusal (struct hr_apply *a, const char *field, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Records information that is not a violation. */
void hr_note (struct hr_apply *a, const char *field, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Why the host path PATH (normalized) may be neither bound into a container
 * nor be its root filesystem, or NULL (policy/mounts.c). */
const char *hr_host_path_why_sensitive (const char *path);

/* The runtime socket (of the known ones, policy/mounts.c) that group GID
 * may write, or NULL: such a group is as good as root on the host. Asked
 * of the host once per process. */
const char *hr_runtime_socket_of_group (uint32_t gid);

/* Why the resolved host object O may not be bound, judged by its path and
 * by its identity (what is mounted there), or NULL; *WHAT is the name that
 * decided (policy/mounts.c). */
struct hr_host_object;
const char *hr_host_object_why_sensitive (const struct hr_host_object *o, const char **what);

/* Refuses a working directory CWD (FIELD names it) that is under /proc or
 * runc's /dev links into it, as written or once the symlinks of the root
 * filesystem ROOT (a host path, NULL when unknown) are followed
 * (policy/paths.c). */
void hr_cwd_check (struct hr_apply *a, const char *field, const char *cwd, const char *root);

/* True when the only one who could swap O (see host.h) is a user of the
 * container's own user namespace (an engine prepares directories for
 * it, as Podman does its userdata): that container does not run before
 * the runtime has mounted. Notes it (policy/mounts.c). */
bool hr_swappable_only_by_container (struct hr_apply *a, const struct hr_json *spec,
                                     const struct hr_host_object *o);

/* PATH (relative ones from BASE) resolved on the host; owned, NULL when it
 * does not resolve (policy/mounts.c). */
char *hr_host_dir_resolved (const char *base, const char *path);

typedef int (*hr_control_fn) (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);

/* The controls (policy/<name>.c). Each takes a whole spec (config.json). */
int hr_ctl_user (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_caps (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_no_new_privileges (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_rootfs (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_paths (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_mounts (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_devices (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_namespaces (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_sysctls (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_hooks (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_annotations (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_pids (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_seccomp (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_apparmor (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_selinux (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);
int hr_ctl_images (struct hr_apply *a, struct hr_json *spec, struct hr_error *err);

/* Whether S matches the hook argv or env pattern PAT (policy/hooks.c):
 * an fnmatch(3) glob where "{id}" is ID and "{hex:N}" N hex digits. */
bool hr_hook_pattern_matches (const char *pat, const char *s, const char *id);

/* Whether image reference REF is on ALLOW (policy/images.c). */
bool hr_image_allowed (const struct hr_strlist *allow, const char *ref);

/* Applies every control of CTX->profile to SPEC (a whole config.json) in
 * order. Fills REPORT (release with hr_report_release). Returns negative errno
 * only when hardrun itself fails; a refused container is REPORT->refused. */
int hr_policy_apply (const struct hr_policy_ctx *ctx, struct hr_json *spec, struct hr_report *report,
                     struct hr_error *err);

#endif
