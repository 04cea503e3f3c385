/* Profiles: names, built-ins, copies. */
#include "config.h"
#include "policy/profile.h"
#include "cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const control_names[HR_CTL_COUNT] = {
  [HR_CTL_USER] = "user",
  [HR_CTL_CAPS] = "caps",
  [HR_CTL_NO_NEW_PRIVILEGES] = "no_new_privileges",
  [HR_CTL_ROOTFS] = "rootfs",
  [HR_CTL_PATHS] = "paths",
  [HR_CTL_MOUNTS] = "mounts",
  [HR_CTL_DEVICES] = "devices",
  [HR_CTL_NAMESPACES] = "namespaces",
  [HR_CTL_SYSCTLS] = "sysctls",
  [HR_CTL_HOOKS] = "hooks",
  [HR_CTL_ANNOTATIONS] = "annotations",
  [HR_CTL_PIDS] = "pids",
  [HR_CTL_SECCOMP] = "seccomp",
  [HR_CTL_APPARMOR] = "apparmor",
  [HR_CTL_SELINUX] = "selinux",
  [HR_CTL_IMAGES] = "images",
};

const char *
hr_control_name (enum hr_control_id id)
{
  return (unsigned) id < HR_CTL_COUNT ? control_names[id] : "unknown";
}

int
hr_control_from_name (const char *name)
{
  for (int i = 0; i < HR_CTL_COUNT; i++)
    if (strcmp (control_names[i], name) == 0)
      return i;
  return -1;
}

static const char *const mode_names[] = { "off", "audit", "enforce", "deny" };

const char *
hr_mode_name (enum hr_mode m)
{
  return (unsigned) m < HR_ARRAY_SIZE (mode_names) ? mode_names[m] : "unknown";
}

int
hr_mode_from_name (const char *name)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (mode_names); i++)
    if (strcmp (mode_names[i], name) == 0)
      return (int) i;
  return -1;
}

/* ---- capabilities: the kernel's numbering (linux/capability.h) ---- */
static const char *const cap_names[HR_CAP_LAST + 1] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
  "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
  "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};

int
hr_cap_from_name (const char *name)
{
  for (int i = 0; i <= HR_CAP_LAST; i++)
    if (strcasecmp (cap_names[i], name) == 0)
      return i;
  return -1;
}

const char *
hr_cap_name (int cap)
{
  return cap >= 0 && cap <= HR_CAP_LAST ? cap_names[cap] : NULL;
}

/* ---- string lists ---- */
int
hr_strlist_add (struct hr_strlist *l, const char *s)
{
  char **n = realloc (l->v, (l->n + 1) * sizeof (char *));
  if (n == NULL)
    return -ENOMEM;
  l->v = n;
  l->v[l->n] = strdup (s);
  if (l->v[l->n] == NULL)
    return -ENOMEM;
  l->n++;
  return 0;
}

bool
hr_strlist_contains (const struct hr_strlist *l, const char *s)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->v[i], s) == 0)
      return true;
  return false;
}

void
hr_strlist_release (struct hr_strlist *l)
{
  for (size_t i = 0; i < l->n; i++)
    free (l->v[i]);
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

static int
strlist_copy (const struct hr_strlist *src, struct hr_strlist *dst)
{
  for (size_t i = 0; i < src->n; i++)
    if (hr_strlist_add (dst, src->v[i]) < 0)
      return -ENOMEM;
  return 0;
}

static int
dup_opt (const char *s, char **ret)
{
  *ret = NULL;
  if (s == NULL)
    return 0;
  *ret = strdup (s);
  return *ret ? 0 : -ENOMEM;
}

/* ---- hook rules ---- */
int
hr_hook_list_add (struct hr_hook_list *l, const struct hr_hook_rule *rule)
{
  struct hr_hook_rule *n = realloc (l->v, (l->n + 1) * sizeof *n);
  if (n == NULL)
    return -ENOMEM;
  l->v = n;
  struct hr_hook_rule *h = &l->v[l->n];
  *h = (struct hr_hook_rule) { .any_args = rule->any_args, .any_env = rule->any_env };
  h->path = strdup (rule->path);
  int r = h->path ? 0 : -ENOMEM;
  r |= strlist_copy (&rule->args, &h->args);
  r |= strlist_copy (&rule->env, &h->env);
  l->n++;                       /* released with the list, whole or not */
  return r ? -ENOMEM : 0;
}

void
hr_hook_list_release (struct hr_hook_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      free (l->v[i].path);
      hr_strlist_release (&l->v[i].args);
      hr_strlist_release (&l->v[i].env);
    }
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

/* ---- built-ins ---- */
const char *const hr_builtin_profiles[] = { "restricted", "baseline", "audit", "privileged", NULL };

#define CAPBIT(c) (UINT64_C (1) << (c))

/* PSS baseline's allowed additions: Docker's default set minus NET_RAW. */
static const uint64_t baseline_caps
  = CAPBIT (29) /* AUDIT_WRITE */ | CAPBIT (0) /* CHOWN */ | CAPBIT (1) /* DAC_OVERRIDE */
  | CAPBIT (3) /* FOWNER */ | CAPBIT (4) /* FSETID */ | CAPBIT (5) /* KILL */
  | CAPBIT (27) /* MKNOD */ | CAPBIT (10) /* NET_BIND_SERVICE */ | CAPBIT (31) /* SETFCAP */
  | CAPBIT (6) /* SETGID */ | CAPBIT (8) /* SETPCAP */ | CAPBIT (7) /* SETUID */
  | CAPBIT (18) /* SYS_CHROOT */;

/* Pod Security Standards' safe sysctls. */
static const char *const safe_sysctls[] = {
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
  "net.ipv4.tcp_slow_start_after_idle",
  "net.ipv4.tcp_notsent_lowat",
};

/* Engines' own hooks. Docker 20.10 and later add to every container with
 * a network of its own the prestart hook
 *   path "/proc/<dockerd's pid>/exe" (which resolves to dockerd),
 *   args ["libnetwork-setkey", "-exec-root=<exec root>", <container ID>,
 *         <the network controller's ID, cut to 12 hex digits>],
 * and no env (moby daemon/oci_linux.go, withLibnetwork). */
static const char *const docker_paths[] = {
  "/usr/bin/dockerd",
  "/usr/sbin/dockerd",
  "/usr/local/bin/dockerd",
};
static const char *const docker_setkey_args[] = { "libnetwork-setkey", "-exec-root=/*", "{id}", "{hex:12}" };

static const char *const default_tmpfs[] = { "/tmp", "/run", "/var/tmp" };

int
hr_profile_builtin (const char *name, struct hr_profile *ret, struct hr_error *err)
{
  enum hr_mode all;
  if (strcmp (name, "restricted") == 0 || strcmp (name, "baseline") == 0)
    all = HR_MODE_ENFORCE;
  else if (strcmp (name, "audit") == 0)
    all = HR_MODE_AUDIT;
  else if (strcmp (name, "privileged") == 0)
    all = HR_MODE_OFF;
  else
    return hr_error_set (err, ENOENT, "no built-in profile \"%s\"", name);

  memset (ret, 0, sizeof *ret);
  for (int i = 0; i < HR_CTL_COUNT; i++)
    ret->mode[i] = all;
  /* an image allowlist is the node's own: no built-in profile has one */
  ret->mode[HR_CTL_IMAGES] = HR_MODE_OFF;
  ret->run_as_uid = 65534;
  ret->run_as_gid = 65534;
  ret->caps_allowed = CAPBIT (10); /* NET_BIND_SERVICE */
  ret->caps_strict_request = true;
  ret->pids_limit = 4096;
  int r = 0;
  if (strcmp (name, "baseline") == 0)
    {
      ret->mode[HR_CTL_USER] = HR_MODE_OFF;
      ret->mode[HR_CTL_ROOTFS] = HR_MODE_OFF;
      ret->caps_allowed = baseline_caps;
      ret->caps_strict_request = false;
      ret->seccomp_compat_arches = true;
    }
  r |= dup_opt (name, &ret->name);
  r |= dup_opt ("65536k", &ret->tmpfs_size);
  r |= dup_opt (HARDRUN_APPARMOR_PROFILE, &ret->apparmor_profile);
  r |= dup_opt ("container_t", &ret->selinux_type);
  r |= dup_opt ("container_file_t", &ret->selinux_file_type);
  for (size_t i = 0; i < HR_ARRAY_SIZE (default_tmpfs); i++)
    r |= hr_strlist_add (&ret->tmpfs_paths, default_tmpfs[i]);
  for (size_t i = 0; i < HR_ARRAY_SIZE (docker_paths); i++)
    {
      struct hr_hook_rule h = { .path = (char *) docker_paths[i] };
      for (size_t k = 0; k < HR_ARRAY_SIZE (docker_setkey_args); k++)
        r |= hr_strlist_add (&h.args, docker_setkey_args[k]);
      r |= hr_hook_list_add (&ret->hooks_allow, &h);
      hr_strlist_release (&h.args);
    }
  for (size_t i = 0; i < HR_ARRAY_SIZE (safe_sysctls); i++)
    r |= hr_strlist_add (&ret->sysctls, safe_sysctls[i]);
  if (r)
    {
      hr_profile_release (ret);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

int
hr_profile_copy (const struct hr_profile *src, struct hr_profile *ret, struct hr_error *err)
{
  *ret = *src;
  ret->tmpfs_paths = (struct hr_strlist) { 0 };
  ret->hooks_allow = (struct hr_hook_list) { 0 };
  ret->images_allow = (struct hr_strlist) { 0 };
  ret->readonly_host_paths = (struct hr_strlist) { 0 };
  ret->sysctls = (struct hr_strlist) { 0 };
  int r = 0;
  r |= dup_opt (src->name, &ret->name);
  r |= dup_opt (src->tmpfs_size, &ret->tmpfs_size);
  r |= dup_opt (src->seccomp_profile, &ret->seccomp_profile);
  r |= dup_opt (src->apparmor_profile, &ret->apparmor_profile);
  r |= dup_opt (src->apparmor_file, &ret->apparmor_file);
  r |= dup_opt (src->selinux_type, &ret->selinux_type);
  r |= dup_opt (src->selinux_file_type, &ret->selinux_file_type);
  r |= strlist_copy (&src->tmpfs_paths, &ret->tmpfs_paths);
  for (size_t i = 0; i < src->hooks_allow.n; i++)
    r |= hr_hook_list_add (&ret->hooks_allow, &src->hooks_allow.v[i]);
  r |= strlist_copy (&src->images_allow, &ret->images_allow);
  r |= strlist_copy (&src->readonly_host_paths, &ret->readonly_host_paths);
  r |= strlist_copy (&src->sysctls, &ret->sysctls);
  if (r)
    {
      hr_profile_release (ret);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

void
hr_profile_release (struct hr_profile *p)
{
  if (p == NULL)
    return;
  free (p->name);
  free (p->tmpfs_size);
  free (p->seccomp_profile);
  free (p->apparmor_profile);
  free (p->apparmor_file);
  free (p->selinux_type);
  free (p->selinux_file_type);
  hr_strlist_release (&p->tmpfs_paths);
  hr_hook_list_release (&p->hooks_allow);
  hr_strlist_release (&p->images_allow);
  hr_strlist_release (&p->readonly_host_paths);
  hr_strlist_release (&p->sysctls);
  memset (p, 0, sizeof *p);
}
