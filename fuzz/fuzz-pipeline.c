/* fuzz-pipeline: config.json through the whole create pipeline.
 *
 * Input: a config.json. It is parsed, validated (hr_spec_validate) and
 * hardened with the built-in "restricted" profile against the fake host of
 * the unit tests (tests/unit/host-fake.c), set up as a host with AppArmor
 * whose own namespaces are /proc/1/ns/X and /proc/self/ns/X. The seccomp
 * profile is the source tree's profiles/seccomp/default.json.
 *
 * A container the profile does not refuse is serialized, parsed again and
 * must then hold what the profile promises, read the way runc reads it
 * (Go's key matching, later mount options overriding earlier ones):
 *
 *   output-valid            it still validates
 *   user-not-root           process.user.uid is not 0, unless a user
 *                           namespace of its own maps container root away
 *   group-not-root          the same for the gid; no supplementary group 0
 *   joined-userns-root      the same, when the mappings that would map root
 *                           away are those of a user namespace joined by
 *                           path (which keeps its own)
 *   no-host-root-mapping    the process's uid and gid do not map to host 0
 *   caps-within-allowlist   "capabilities" is there, every set holds at
 *                           most CAP_NET_BIND_SERVICE
 *   no-new-privileges       process.noNewPrivileges is true
 *   apparmor-confined       process.apparmorProfile is a real profile
 *   root-readonly           root.readonly is true
 *   scratch-tmpfs           /tmp, /run and /var/tmp have mounts
 *   masked-paths            Docker's masked and read-only paths are listed
 *   sys-readonly            /sys and /sys/fs/cgroup end up read-only
 *   proc-flags              /proc ends up nosuid, noexec and nodev
 *   sysfs-anywhere-readonly every sysfs and cgroup mount ends up read-only
 *   proc-anywhere-flags     every proc mount ends up nosuid, noexec, nodev
 *   bind-flags              every bind mount ends up nosuid and nodev
 *   bind-source-judged      every bind source that runs resolves (as the
 *                           fake host answers), is bound by the path it
 *                           resolves to, and neither that path nor what is
 *                           mounted there is sensitive, inside the root
 *                           filesystem, or swappable
 *   cwd-not-proc            process.cwd is not under /proc or /dev/fd
 *   mount-option-overridden one of the five above, where the options name
 *                           the flag but a later word undoes it
 *   no-shared-propagation   no mount and not the rootfs propagates shared
 *   devices                 only the default character devices, and a
 *                           device cgroup that denies everything else
 *   namespaces              own pid, ipc, uts, mount and network namespaces,
 *                           none joined from the host
 *   sysctls, hooks,         only allowlisted sysctls and hooks, no annotation
 *   annotations             that changes the runtime's behaviour
 *   pids-limit              linux.resources.pids.limit is positive
 *   seccomp-present         linux.seccomp is there and not allow-by-default
 *   idempotent              hardening the output again changes nothing and
 *                           refuses nothing
 *
 * A refusal, or an error of hardrun's, is an accepted outcome: runc is then
 * never run. */
#include "config.h"
#include "fuzz.h"
#include "cleanup.h"
#include "host-fake.h"
#include "host.h"
#include "json.h"
#include "pathname.h"
#include "spec.h"
#include "policy/policy.h"
#include "policy/process.h"
#include "policy/profile.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef FUZZ_SRCDIR
#error "FUZZ_SRCDIR must name the source tree"
#endif

#define CAP_NET_BIND_SERVICE 10

static struct hr_profile restricted;
static const struct hr_policy_ctx ctx = {
  .profile = &restricted,
  .container_id = "fuzz",
  .bundle_dir = "/run/fuzz/bundle",
  .seccomp_dir = FUZZ_SRCDIR "/profiles/seccomp",
  .apparmor_dir = FUZZ_SRCDIR "/profiles/apparmor",
  .state_dir = "/nonexistent/hardrun-fuzz-state",
};

static const char *const ns_files[] = { "pid", "net", "mnt", "ipc", "uts", "user", "cgroup", "time" };

/* The fake host: AppArmor on; the host's namespaces are /proc/1/ns/X and
 * /proc/self/ns/X; one symlink that leads to the Docker socket; and one
 * source of each family that must not be bound: a missing one, one
 * through a procfs link, a volume onto which "/" is mounted, a block
 * device, one others could swap, one that leads into the bundle's rootfs. */
static void
fake_host (void)
{
  hr_fake_reset ();
  hr_fake_apparmor_enabled = true;
  for (size_t i = 0; i < HR_ARRAY_SIZE (ns_files); i++)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/1/ns/%s", ns_files[i]);
      hr_fake_set_host_namespace (path, true);
      snprintf (path, sizeof path, "/proc/self/ns/%s", ns_files[i]);
      hr_fake_set_host_namespace (path, true);
    }
  hr_fake_set_realpath ("/srv/data/sock", "/run/docker.sock");
  hr_fake_set_realpath ("/srv/link-to-etc", "/etc");
  hr_fake_set_realpath ("/srv/missing", NULL);
  hr_fake_set_realpath ("/srv/pid1-root", "!EXDEV");
  hr_fake_set_identity ("/var/lib/docker/volumes/v/_data", "/");
  hr_fake_set_type ("/srv/blk", 'b', 8, 0);
  hr_fake_set_swappable ("/srv/shared/vol", "\"/srv/shared\" is writable by anyone");
  hr_fake_set_realpath ("/srv/into-root", "/run/fuzz/bundle/rootfs/x");
}

/* bind-source-judged: SRC resolves as the fake host answers, is bound by
 * that path, and neither it nor what is mounted there is sensitive, in the
 * root filesystem ROOTFS, or swappable. */
static void
check_bind_source (const struct hr_json *m, size_t i, const char *rootfs)
{
  const char *src = hr_json_string (hr_json_get (m, "source"));
  struct hr_host_object o = { 0 };
  const char *what = NULL;
  bool ok = src && src[0] == '/' && hr_host_resolve (src, &o, NULL) == 0 && strcmp (o.path, src) == 0
            && !hr_path_is_under (o.path, rootfs) && o.swappable == NULL;
  const char *why = ok ? hr_host_object_why_sensitive (&o, &what) : NULL;
  /* restricted lets no sensitive path through read-only */
  FUZZ_INVARIANT ("bind-source-judged", ok && why == NULL, "mounts[%zu]: bind source \"%s\" is not what was judged%s%s",
                  i, src ? src : "(none)", why ? ": " : "", why ? why : "");
  hr_host_object_release (&o);
}

/* ---- readers ---- */

static const char *
str_member (const struct hr_json *obj, const char *key)
{
  return hr_json_string (hr_json_get (obj, key));
}

static bool
normalized (const char *path, char *buf)
{
  return path && hr_path_normalize (path, buf, PATH_MAX);
}

static bool
list_has_path (const struct hr_json *list, const char *want)
{
  char norm[PATH_MAX];
  for (size_t i = 0; i < hr_json_len (list); i++)
    if (normalized (hr_json_string (hr_json_at (list, i)), norm) && strcmp (norm, want) == 0)
      return true;
  return false;
}

static bool
has_userns_entry (const struct hr_json *linux_)
{
  const struct hr_json *ns = hr_json_get (linux_, "namespaces");
  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const char *t = str_member (hr_json_at (ns, i), "type");
      if (t && strcmp (t, "user") == 0)
        return true;
    }
  return false;
}

/* Does the container get a user namespace of its own, whose mappings are
 * the spec's? (One joined by path has the mappings it already has.) */
static bool
has_own_userns (const struct hr_json *linux_)
{
  const struct hr_json *ns = hr_json_get (linux_, "namespaces");
  bool own = false;
  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const char *t = str_member (hr_json_at (ns, i), "type");
      const char *path = str_member (hr_json_at (ns, i), "path");
      if (t && strcmp (t, "user") == 0)
        {
          if (path && path[0])
            return false;
          own = true;
        }
    }
  return own;
}

/* The host id container id ID maps to under MAPS; -1 when unmapped. */
static int64_t
host_id (const struct hr_json *maps, int64_t id)
{
  for (size_t i = 0; i < hr_json_len (maps); i++)
    {
      const struct hr_json *m = hr_json_at (maps, i);
      int64_t cid = fuzz_u32_member (m, "containerID");
      int64_t hid = fuzz_u32_member (m, "hostID");
      int64_t size = fuzz_u32_member (m, "size");
      if (id >= cid && id < cid + size)
        return hid + (id - cid);
    }
  return -1;
}

static bool
is_bind (const struct hr_json *m)
{
  const char *type = str_member (m, "type");
  const struct hr_json *opts = hr_json_get (m, "options");
  if (type && strcmp (type, "bind") == 0)
    return true;
  for (size_t i = 0; i < hr_json_len (opts); i++)
    {
      const char *o = hr_json_string (hr_json_at (opts, i));
      if (o && (strcmp (o, "bind") == 0 || strcmp (o, "rbind") == 0))
        return true;
    }
  return false;
}

static bool
shared_propagation (const char *s)
{
  return s && (strcmp (s, "shared") == 0 || strcmp (s, "rshared") == 0);
}

/* ---- the promises ---- */

static void
check_process (const struct hr_json *spec)
{
  const struct hr_json *process = hr_json_get (spec, "process");
  const struct hr_json *linux_ = hr_json_get (spec, "linux");
  if (process == NULL)
    return;                     /* nothing will run */
  const struct hr_json *user = hr_json_get (process, "user");
  int64_t uid = fuzz_u32_member (user, "uid"), gid = fuzz_u32_member (user, "gid");
  bool userns = has_own_userns (linux_);
  const struct hr_json *uid_maps = hr_json_get (linux_, "uidMappings");
  const struct hr_json *gid_maps = hr_json_get (linux_, "gidMappings");

  /* Mappings that would map root away, in a user namespace joined by
   * path, which keeps its own: a failure of its own kind. */
  bool joined_mapped = !userns && has_userns_entry (linux_) && host_id (uid_maps, 0) > 0;
  FUZZ_INVARIANT (joined_mapped ? "joined-userns-root" : "user-not-root",
                  uid != 0 || (userns && host_id (uid_maps, 0) > 0),
                  "process.user.uid is 0 and no user namespace of its own maps it away");
  bool joined_gid_mapped = !userns && has_userns_entry (linux_) && host_id (gid_maps, 0) > 0;
  FUZZ_INVARIANT (joined_gid_mapped ? "joined-userns-root" : "group-not-root",
                  gid != 0 || (userns && host_id (gid_maps, 0) > 0),
                  "process.user.gid is 0 and no user namespace maps it away");
  if (!(userns && host_id (gid_maps, 0) > 0))
    {
      const struct hr_json *groups = hr_json_get (user, "additionalGids");
      for (size_t i = 0; i < hr_json_len (groups); i++)
        {
          int64_t g = -1;
          hr_json_int_value (hr_json_at (groups, i), 0, UINT32_MAX, &g);
          FUZZ_INVARIANT (joined_gid_mapped ? "joined-userns-root" : "group-not-root", g != 0,
                          "process.user.additionalGids[%zu] is 0", i);
        }
    }
  if (userns)
    {
      FUZZ_INVARIANT ("no-host-root-mapping", host_id (uid_maps, uid) != 0,
                      "process uid %lld maps to host uid 0", (long long) uid);
      FUZZ_INVARIANT ("no-host-root-mapping", host_id (gid_maps, gid) != 0,
                      "process gid %lld maps to host gid 0", (long long) gid);
    }

  const struct hr_json *caps = hr_json_get (process, "capabilities");
  FUZZ_INVARIANT ("caps-within-allowlist", hr_json_is_object (caps),
                  "no process.capabilities: the process keeps every capability root has");
  for (int s = 0; s < HR_CAPSET_COUNT; s++)
    {
      const struct hr_json *list = hr_json_get (caps, hr_capset_names[s]);
      for (size_t i = 0; i < hr_json_len (list); i++)
        {
          const char *name = hr_json_string (hr_json_at (list, i));
          FUZZ_INVARIANT ("caps-within-allowlist", name && strcmp (name, "CAP_NET_BIND_SERVICE") == 0,
                          "process.capabilities.%s[%zu] is \"%s\"", hr_capset_names[s], i, name ? name : "(not a string)");
        }
    }

  const struct hr_json *nnp = hr_json_get (process, "noNewPrivileges");
  FUZZ_INVARIANT ("no-new-privileges", nnp && nnp->type == HR_JSON_TRUE, "process.noNewPrivileges is not true");

  const char *aa = str_member (process, "apparmorProfile");
  FUZZ_INVARIANT ("apparmor-confined", aa && aa[0] && strcmp (aa, "unconfined") != 0,
                  "process.apparmorProfile is \"%s\" on a host with AppArmor", aa ? aa : "(none)");
}

/* The mount must end up with every flag of WANT. When the options name
 * the flag but a later word undoes it, the failure is the invariant
 * "mount-option-overridden" rather than NAME. */
#define MOUNT_INVARIANT(name, want, ...)                                                              \
  FUZZ_INVARIANT ((named & (want)) == (want) ? "mount-option-overridden" : (name), (flags & (want)) == (want), \
                  __VA_ARGS__)

static void
check_filesystem (const struct hr_json *spec)
{
  const struct hr_json *ro = hr_json_get_path (spec, "root.readonly");
  FUZZ_INVARIANT ("root-readonly", ro && ro->type == HR_JSON_TRUE, "root.readonly is not true");

  const struct hr_json *mounts = hr_json_get (spec, "mounts");
  static const char *const scratch[] = { "/tmp", "/run", "/var/tmp" };
  for (size_t k = 0; k < HR_ARRAY_SIZE (scratch); k++)
    {
      bool found = false;
      char norm[PATH_MAX];
      for (size_t i = 0; i < hr_json_len (mounts) && !found; i++)
        found = normalized (str_member (hr_json_at (mounts, i), "destination"), norm) && strcmp (norm, scratch[k]) == 0;
      FUZZ_INVARIANT ("scratch-tmpfs", found, "nothing is mounted at \"%s\" under a read-only root", scratch[k]);
    }

  char rootfs[PATH_MAX];
  const char *root_path = str_member (hr_json_get (spec, "root"), "path");
  snprintf (rootfs, sizeof rootfs, "%s%s%s", root_path && root_path[0] == '/' ? "" : ctx.bundle_dir,
            root_path && root_path[0] == '/' ? "" : "/", root_path ? root_path : "");
  char cwd[PATH_MAX];
  if (normalized (str_member (hr_json_get (spec, "process"), "cwd"), cwd))
    FUZZ_INVARIANT ("cwd-not-proc", !hr_path_is_under (cwd, "/proc") && !hr_path_is_under (cwd, "/dev/fd"),
                    "process.cwd \"%s\" reaches the host through procfs", cwd);
  for (size_t i = 0; i < hr_json_len (mounts); i++)
    {
      const struct hr_json *m = hr_json_at (mounts, i);
      const char *type = str_member (m, "type");
      char dest[PATH_MAX];
      if (!normalized (str_member (m, "destination"), dest))
        continue;
      unsigned flags = fuzz_mount_flags (m), named = fuzz_mount_flags_named (m);
      const unsigned proc_flags = FUZZ_MNT_NOSUID | FUZZ_MNT_NOEXEC | FUZZ_MNT_NODEV;
      const unsigned bind_flags = FUZZ_MNT_NOSUID | FUZZ_MNT_NODEV;
      if (strcmp (dest, "/sys") == 0 || strcmp (dest, "/sys/fs/cgroup") == 0)
        MOUNT_INVARIANT ("sys-readonly", FUZZ_MNT_RDONLY, "mounts[%zu] at \"%s\" is writable", i, dest);
      if (strcmp (dest, "/proc") == 0 && type && strcmp (type, "proc") == 0)
        MOUNT_INVARIANT ("proc-flags", proc_flags, "mounts[%zu]: /proc lacks nosuid, noexec or nodev", i);
      if (type && (strcmp (type, "sysfs") == 0 || strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0))
        MOUNT_INVARIANT ("sysfs-anywhere-readonly", FUZZ_MNT_RDONLY, "mounts[%zu]: a writable %s at \"%s\"", i, type,
                         dest);
      if (type && strcmp (type, "proc") == 0)
        MOUNT_INVARIANT ("proc-anywhere-flags", proc_flags, "mounts[%zu]: proc at \"%s\" lacks nosuid, noexec or nodev",
                         i, dest);
      if (is_bind (m))
        {
          MOUNT_INVARIANT ("bind-flags", bind_flags, "mounts[%zu]: bind mount at \"%s\" lacks nosuid or nodev", i,
                           dest);
          check_bind_source (m, i, rootfs);
        }
      const struct hr_json *opts = hr_json_get (m, "options");
      for (size_t k = 0; k < hr_json_len (opts); k++)
        FUZZ_INVARIANT ("no-shared-propagation", !shared_propagation (hr_json_string (hr_json_at (opts, k))),
                        "mounts[%zu] at \"%s\" propagates shared", i, dest);
    }
  FUZZ_INVARIANT ("no-shared-propagation", !shared_propagation (str_member (hr_json_get (spec, "linux"), "rootfsPropagation")),
                  "linux.rootfsPropagation is shared");

  static const char *const masked[] = {
    "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
    "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
    "/proc/timer_stats", "/sys/devices/virtual/powercap", "/sys/firmware",
  };
  static const char *const readonly[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" };
  const struct hr_json *linux_ = hr_json_get (spec, "linux");
  for (size_t k = 0; k < HR_ARRAY_SIZE (masked); k++)
    FUZZ_INVARIANT ("masked-paths", list_has_path (hr_json_get (linux_, "maskedPaths"), masked[k]),
                    "\"%s\" is not masked", masked[k]);
  for (size_t k = 0; k < HR_ARRAY_SIZE (readonly); k++)
    FUZZ_INVARIANT ("masked-paths", list_has_path (hr_json_get (linux_, "readonlyPaths"), readonly[k]),
                    "\"%s\" is not read-only", readonly[k]);
}

static bool
default_char_device (int64_t major, int64_t minor)
{
  static const int64_t allowed[][2] = { { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 } };
  if (major == 136 && minor >= 0)
    return true;
  for (size_t i = 0; i < HR_ARRAY_SIZE (allowed); i++)
    if (allowed[i][0] == major && allowed[i][1] == minor)
      return true;
  return false;
}

static int64_t
num_or_wildcard (const struct hr_json *obj, const char *key)
{
  int64_t v = -1;
  const struct hr_json *n = hr_json_get (obj, key);
  if (n && !hr_json_int_value (n, INT64_MIN, INT64_MAX, &v))
    return INT64_MIN;
  return v;
}

static void
check_devices (const struct hr_json *spec)
{
  const struct hr_json *linux_ = hr_json_get (spec, "linux");
  const struct hr_json *devices = hr_json_get (linux_, "devices");
  for (size_t i = 0; i < hr_json_len (devices); i++)
    {
      const struct hr_json *d = hr_json_at (devices, i);
      const char *type = str_member (d, "type");
      FUZZ_INVARIANT ("devices", type && strcmp (type, "c") == 0
                                   && default_char_device (num_or_wildcard (d, "major"), num_or_wildcard (d, "minor")),
                      "linux.devices[%zu] (\"%s\") is not a default character device", i, str_member (d, "path"));
    }

  const struct hr_json *rules = hr_json_get_path (spec, "linux.resources.devices");
  FUZZ_INVARIANT ("devices", hr_json_len (rules) > 0, "no device cgroup rules");
  for (size_t i = 0; i < hr_json_len (rules); i++)
    {
      const struct hr_json *rule = hr_json_at (rules, i);
      const struct hr_json *allow = hr_json_get (rule, "allow");
      const char *type = str_member (rule, "type");
      const char *access = str_member (rule, "access");
      int64_t major = num_or_wildcard (rule, "major"), minor = num_or_wildcard (rule, "minor");
      if (i == 0)
        FUZZ_INVARIANT ("devices",
                        allow && allow->type == HR_JSON_FALSE && (type == NULL || strcmp (type, "a") == 0) && major == -1
                          && minor == -1 && (access == NULL || access[0] == '\0' || strcmp (access, "rwm") == 0),
                        "linux.resources.devices[0] does not deny everything");
      else if (allow && allow->type == HR_JSON_TRUE)
        FUZZ_INVARIANT ("devices", type && strcmp (type, "c") == 0 && ((major == 136 && minor == -1) || (minor >= 0 && default_char_device (major, minor))),
                        "linux.resources.devices[%zu] allows more than the default devices", i);
    }
}

static void
check_namespaces (const struct hr_json *spec)
{
  static const char *const required[] = { "pid", "ipc", "uts", "mount", "network" };
  const struct hr_json *ns = hr_json_get_path (spec, "linux.namespaces");
  for (size_t k = 0; k < HR_ARRAY_SIZE (required); k++)
    {
      bool found = false;
      for (size_t i = 0; i < hr_json_len (ns) && !found; i++)
        {
          const char *t = str_member (hr_json_at (ns, i), "type");
          found = t && strcmp (t, required[k]) == 0;
        }
      FUZZ_INVARIANT ("namespaces", found, "the container shares the host's %s namespace", required[k]);
    }
  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const char *t = str_member (hr_json_at (ns, i), "type");
      const char *path = str_member (hr_json_at (ns, i), "path");
      bool is_host = false;
      if (t && path && path[0] && hr_host_namespace_is_host (t, path, &is_host, NULL) == 0)
        FUZZ_INVARIANT ("namespaces", !is_host, "linux.namespaces[%zu] joins the host's %s namespace", i, t);
    }
}

static void
check_host_interfaces (const struct hr_json *spec)
{
  const struct hr_json *sysctl = hr_json_get_path (spec, "linux.sysctl");
  for (size_t i = 0; i < hr_json_len (sysctl); i++)
    FUZZ_INVARIANT ("sysctls", hr_strlist_contains (&restricted.sysctls, sysctl->u.obj.keys[i]),
                    "sysctl \"%s\" is set", sysctl->u.obj.keys[i]);

  static const char *const kinds[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
  };
  const struct hr_json *hooks = hr_json_get (spec, "hooks");
  for (size_t k = 0; k < HR_ARRAY_SIZE (kinds); k++)
    {
      const struct hr_json *list = hr_json_get (hooks, kinds[k]);
      for (size_t i = 0; i < hr_json_len (list); i++)
        {
          const char *path = str_member (hr_json_at (list, i), "path");
          char *resolved = path ? hr_host_realpath (path) : NULL;
          bool ok = false;
          for (size_t h = 0; path && path[0] == '/' && resolved && h < restricted.hooks_allow.n; h++)
            ok |= strcmp (restricted.hooks_allow.v[h].path, resolved) == 0;
          free (resolved);
          FUZZ_INVARIANT ("hooks", ok, "hooks.%s[%zu] runs \"%s\" on the host", kinds[k], i, path ? path : "(none)");
        }
    }

  const struct hr_json *ann = hr_json_get (spec, "annotations");
  for (size_t i = 0; i < hr_json_len (ann); i++)
    {
      const char *key = ann->u.obj.keys[i];
      FUZZ_INVARIANT ("annotations",
                      strncasecmp (key, "run.oci.", 8) != 0 && strncasecmp (key, "org.systemd.property.", 21) != 0
                        && strcasecmp (key, "org.criu.config") != 0,
                      "annotation \"%s\" is kept", key);
    }

  int64_t limit = 0;
  hr_json_int_value (hr_json_get_path (spec, "linux.resources.pids.limit"), INT64_MIN, INT64_MAX, &limit);
  FUZZ_INVARIANT ("pids-limit", limit > 0, "linux.resources.pids.limit is not positive");

  const struct hr_json *seccomp = hr_json_get_path (spec, "linux.seccomp");
  const char *def = str_member (seccomp, "defaultAction");
  FUZZ_INVARIANT ("seccomp-present",
                  hr_json_is_object (seccomp) && def && strcmp (def, "SCMP_ACT_ALLOW") != 0 && strcmp (def, "SCMP_ACT_LOG") != 0,
                  "linux.seccomp is %s", seccomp ? "allow-by-default" : "absent");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static bool ready;
  if (!ready)
    {
      if (hr_profile_builtin ("restricted", &restricted, NULL) < 0)
        abort ();
      ready = true;
    }
  fake_host ();

  struct hr_json *spec = NULL, *again = NULL;
  struct hr_report rep = { 0 };
  struct hr_error err = { 0 };
  char *out = NULL;
  size_t len = 0;

  if (hr_json_parse ((const char *) data, size, "config.json", &spec, &err) < 0)
    return 0;
  if (hr_spec_validate (spec, "config.json", &err) < 0)
    goto done;
  int r = hr_policy_apply (&ctx, spec, &rep, &err);
  if (getenv ("HARDRUN_FUZZ_VERBOSE"))
    {
      char why[1024];
      hr_report_refusals (&rep, why, sizeof why);
      fprintf (stderr, "fuzz-pipeline: %s%s\n", r < 0 ? "error: " : rep.refused ? "refused: " : "hardened",
               r < 0 ? err.msg : rep.refused ? why : "");
    }
  if (r < 0 || rep.refused)
    goto done;

  r = hr_json_serialize (spec, false, &out, &len, &err);
  FUZZ_INVARIANT ("output-serializes", r == 0, "%s", err.msg);
  if (r < 0)
    goto done;
  r = hr_json_parse (out, len, "config.json", &again, &err);
  FUZZ_INVARIANT ("output-parses", r == 0, "%s", err.msg);
  if (r < 0)
    goto done;
  r = hr_spec_validate (again, "config.json", &err);
  FUZZ_INVARIANT ("output-valid", r == 0, "%s", err.msg);

  check_process (again);
  check_filesystem (again);
  check_devices (again);
  check_namespaces (again);
  check_host_interfaces (again);

  hr_report_release (&rep);
  r = hr_policy_apply (&ctx, again, &rep, &err);
  FUZZ_INVARIANT ("idempotent", r == 0, "hardening the output failed: %s", err.msg);
  for (size_t i = 0; r == 0 && i < rep.n; i++)
    FUZZ_INVARIANT ("idempotent", rep.items[i].action != HR_ACT_CHANGED && rep.items[i].action != HR_ACT_REFUSED,
                    "hardening the output again: %s \"%s\" (%s): %s", hr_action_name (rep.items[i].action),
                    rep.items[i].field, hr_control_name (rep.items[i].control), rep.items[i].message);
done:
  free (out);
  hr_json_free (again);
  hr_json_free (spec);
  hr_report_release (&rep);
  return 0;
}
