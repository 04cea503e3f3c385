/* A hardening profile: a mode per control and each control's parameters.
 *
 * Built-in profiles: "restricted" (the default), "baseline", "audit" and
 * "privileged". A policy file may define more and may extend these. */
#ifndef HARDRUN_PROFILE_H
#define HARDRUN_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum hr_mode
{
  HR_MODE_OFF = 0,              /* the control does nothing */
  HR_MODE_AUDIT,                /* report only, change nothing */
  HR_MODE_ENFORCE,              /* rewrite to comply; refuse what cannot be fixed */
  HR_MODE_DENY,                 /* refuse any violation */
};

/* The controls, in the order they run: caps after user (kept capabilities
 * depend on the final uid), seccomp after caps (rules gated on capabilities
 * read the final bounding set). */
enum hr_control_id
{
  HR_CTL_USER,
  HR_CTL_CAPS,
  HR_CTL_NO_NEW_PRIVILEGES,
  HR_CTL_ROOTFS,
  HR_CTL_PATHS,
  HR_CTL_MOUNTS,
  HR_CTL_DEVICES,
  HR_CTL_NAMESPACES,
  HR_CTL_SYSCTLS,
  HR_CTL_HOOKS,
  HR_CTL_ANNOTATIONS,
  HR_CTL_PIDS,
  HR_CTL_SECCOMP,
  HR_CTL_APPARMOR,
  HR_CTL_SELINUX,
  HR_CTL_IMAGES,
  HR_CTL_COUNT,
};

struct hr_strlist
{
  char **v;                     /* owned strings */
  size_t n;
};

/* hooks: one allowed hook, judged by its whole command line. */
struct hr_hook_rule
{
  char *path;                   /* owned: absolute; compared after resolving symlinks */
  bool any_args;                /* no "args" given: any argv (the string form) */
  struct hr_strlist args;       /* one pattern per argv element (policy/hooks.c) */
  bool any_env;                 /* no "env" given in the string form: any environment */
  struct hr_strlist env;        /* every env entry must match one of these */
};

struct hr_hook_list
{
  struct hr_hook_rule *v;       /* owned */
  size_t n;
};

struct hr_profile
{
  char *name;                   /* owned */
  enum hr_mode mode[HR_CTL_COUNT];

  /* user */
  uint32_t run_as_uid;
  uint32_t run_as_gid;
  /* caps: bit N set = capability N may be kept */
  uint64_t caps_allowed;
  /* caps: keep an allowed capability only when every capability the
   * workload asked for is in the allowlist (PSS restricted: "drop ALL, add
   * at most NET_BIND_SERVICE"); otherwise keep the intersection */
  bool caps_strict_request;
  /* rootfs */
  struct hr_strlist tmpfs_paths;
  char *tmpfs_size;             /* owned, tmpfs "size=" value */
  /* hooks: the allowed hooks, by program, argv and environment */
  struct hr_hook_list hooks_allow;
  /* images: allowed image references (policy/images.c) */
  struct hr_strlist images_allow;
  /* mounts: sensitive host paths that may still be bound read-only */
  struct hr_strlist readonly_host_paths;
  /* sysctls: allowed names; a trailing "*" matches a prefix */
  struct hr_strlist sysctls;
  /* pids */
  int64_t pids_limit;
  /* seccomp: profile file (NULL: the installed default.json) */
  char *seccomp_profile;
  /* seccomp: also filter the profile's subArchitectures for this machine
   * (x86 and x32 on x86_64, arm on aarch64). Without them a 32-bit system
   * call meets libseccomp's bad-architecture action, which kills the
   * thread: the compat system call tables are closed. */
  bool seccomp_compat_arches;
  /* apparmor: profile name and the file that defines it */
  char *apparmor_profile;
  char *apparmor_file;
  /* selinux: process type and file (mount) type */
  char *selinux_type;
  char *selinux_file_type;
};

const char *hr_control_name (enum hr_control_id id);
/* Returns the control's id, or -1. */
int hr_control_from_name (const char *name);
const char *hr_mode_name (enum hr_mode m);
int hr_mode_from_name (const char *name);

/* Fills RET with built-in profile NAME. Returns -ENOENT if there is none. */
int hr_profile_builtin (const char *name, struct hr_profile *ret, struct hr_error *err);
/* The names of the built-in profiles, NULL-terminated. */
extern const char *const hr_builtin_profiles[];

int hr_profile_copy (const struct hr_profile *src, struct hr_profile *ret, struct hr_error *err);
void hr_profile_release (struct hr_profile *p);

int hr_strlist_add (struct hr_strlist *l, const char *s);
bool hr_strlist_contains (const struct hr_strlist *l, const char *s);
void hr_strlist_release (struct hr_strlist *l);

int hr_hook_list_add (struct hr_hook_list *l, const struct hr_hook_rule *rule);
void hr_hook_list_release (struct hr_hook_list *l);

/* Whether P is weaker than FLOOR: some control is in a weaker mode, or a
 * parameter allows more (policy/weaker.c). WHY (SIZE bytes) says where. */
bool hr_profile_weaker (const struct hr_profile *p, const struct hr_profile *floor, char *why, size_t size);

/* ---- capabilities ---- */
#define HR_CAP_LAST 40          /* CAP_CHECKPOINT_RESTORE */
/* "CAP_NET_RAW" -> 13; case-insensitive; -1 if unknown. */
int hr_cap_from_name (const char *name);
/* 13 -> "CAP_NET_RAW"; NULL if out of range. */
const char *hr_cap_name (int cap);

#endif
