/* mounts: no host runtime sockets, no sensitive host paths, no host block
 * devices; remaining binds are nosuid and nodev; no shared propagation. */
#include "config.h"
#include "policy/policy.h"
#include "policy/mountopt.h"
#include "policy/idmap.h"
#include "pathname.h"
#include "cleanup.h"
#include "host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

/* File names of container engines' API sockets. */
static const char *const socket_names[] = {
  "docker.sock", "containerd.sock", "containerd.sock.ttrpc", "crio.sock", "podman.sock",
  "dockershim.sock", "cri-dockerd.sock", "buildkitd.sock", "kubelet.sock", "system_bus_socket",
};

/* Where those sockets live: binding one of these, or any directory above
 * one, hands the container the host's runtime. */
static const char *const socket_paths[] = {
  "/run/docker.sock", "/var/run/docker.sock",
  "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
  "/run/crio/crio.sock", "/var/run/crio/crio.sock",
  "/run/podman/podman.sock", "/var/run/podman/podman.sock",
  "/run/dockershim.sock", "/var/run/dockershim.sock",
  /* D-Bus and systemd's private socket: root on them starts host units */
  "/run/dbus/system_bus_socket", "/var/run/dbus/system_bus_socket", "/run/systemd/private",
  "/var/run/systemd/private",
};

/* Host paths that must not be bound, nor anything below them: CIS 5.6's
 * list, with the host's programs and libraries wherever they live. */
static const char *const sensitive_trees[] = {
  "/etc", "/proc", "/sys", "/dev", "/boot", "/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/root",
  /* hardrun's own state (container records name the runtime hardrun execs
   * as root; the seccomp filter cache) and its audit trail */
  HARDRUN_STATE_DIR, "/var" HARDRUN_STATE_DIR, "/var/log/hardrun",
};

/* Engine state directories: the directories themselves and their first
 * level are refused; the engines' per-container files and volumes two or
 * more levels below are not (CRI binds the pod's /dev/shm from
 * /run/containerd/io.containerd.grpc.v1.cri/sandboxes/ID/shm, Docker its
 * /etc/hosts from /var/lib/docker/containers/ID/hosts). */
static const char *const state_dirs[] = {
  "/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "/var/lib/containers",
  "/var/lib/cri-o", "/run/runc", "/run/crun", "/run/docker", "/var/run/docker",
  "/run/containerd", "/var/run/containerd", "/run/containerd/s", "/var/run/containerd/s",
  "/run/crio", "/var/run/crio", "/run/podman", "/var/run/podman",
};

/* Filesystem types that mount nothing of the host's. */
static const char *const safe_types[] = {
  "bind", "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", "shm",
};

static bool
in_list (const char *s, const char *const *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (s, list[i]) == 0)
      return true;
  return false;
}

static const char *
base_name (const char *p)
{
  const char *s = strrchr (p, '/');
  return s ? s + 1 : p;
}

static const char why_socket[] = "a container runtime socket";
static const char why_socket_dir[] = "a container runtime socket or a directory holding one";

const char *
hr_host_path_why_sensitive (const char *path)
{
  if (strcmp (path, "/") == 0)
    return "the host's root filesystem";
  if (in_list (base_name (path), socket_names, HR_ARRAY_SIZE (socket_names)))
    return why_socket;
  for (size_t i = 0; i < HR_ARRAY_SIZE (socket_paths); i++)
    if (hr_path_is_under (socket_paths[i], path) || hr_path_is_under (path, socket_paths[i]))
      return why_socket_dir;
  for (size_t i = 0; i < HR_ARRAY_SIZE (sensitive_trees); i++)
    if (hr_path_is_under (path, sensitive_trees[i]) || hr_path_is_under (sensitive_trees[i], path))
      return "a sensitive host path";
  for (size_t i = 0; i < HR_ARRAY_SIZE (state_dirs); i++)
    {
      const char *d = state_dirs[i];
      size_t n = strlen (d);
      if (hr_path_is_under (d, path))
        return "a container engine's state directory";
      if (hr_path_is_under (path, d))
        {
          /* at least two components below the state directory */
          const char *rest = path + n;
          const char *second = rest[0] == '/' ? strchr (rest + 1, '/') : NULL;
          if (second == NULL || second[1] == '\0')
            return "a container engine's state directory";
        }
    }
  return NULL;
}

static bool
readonly_allowed (const struct hr_profile *p, const char *path, const struct hr_json *mount)
{
  if (!hr_mount_option_in_effect (mount, "ro"))
    return false;
  for (size_t i = 0; i < p->readonly_host_paths.n; i++)
    {
      char norm[PATH_MAX];
      if (hr_path_normalize (p->readonly_host_paths.v[i], norm, sizeof norm) && hr_path_is_under (path, norm))
        return true;
    }
  return false;
}

static int
check_bind (struct hr_apply *a, struct hr_json *m, size_t i, const char *dest_norm, struct hr_error *err)
{
  char field[64], norm[PATH_MAX], joined[PATH_MAX];
  const char *src = hr_json_string (hr_json_get (m, "source"));
#define SOURCE_FIELD() (snprintf (field, sizeof field, "mounts[%zu].source", i), field)
  if (src == NULL || *src == '\0')
    {
      hr_refusal (a, SOURCE_FIELD (), "bind mount at \"%s\" has no source", dest_norm);
      return 0;
    }
  /* runc takes a relative source from the bundle directory. */
  if (src[0] != '/')
    {
      snprintf (joined, sizeof joined, "%s/%s", a->ctx->bundle_dir ? a->ctx->bundle_dir : ".", src);
      src = joined;
    }
  if (!hr_path_normalize (src, norm, sizeof norm))
    {
      hr_refusal (a, SOURCE_FIELD (), "bind source is too long");
      return 0;
    }
  /* The kernel follows symlinks in the source: judge where it leads, and
   * the name as written. A source that is there but cannot be resolved
   * (a symlink loop, a directory hardrun may not search) could lead
   * anywhere. */
  cleanup_free char *resolved = hr_host_realpath (src);
  if (resolved == NULL && errno != ENOENT && errno != ENOTDIR)
    {
      hr_refusal (a, SOURCE_FIELD (), "bind source \"%s\" cannot be resolved: %s", norm, strerror (errno));
      return 0;
    }
  const char *why = hr_host_path_why_sensitive (norm);
  const char *what = norm;
  if (why == NULL && resolved)
    {
      why = hr_host_path_why_sensitive (resolved);
      what = resolved;
    }
  if (why == NULL && in_list (base_name (dest_norm), socket_names, HR_ARRAY_SIZE (socket_names)))
    {
      why = why_socket;
      what = norm;
    }
  /* A read-only mount still lets a process connect to a socket on it:
   * readonlyHostPaths never lets a runtime socket through. */
  bool socket = why == why_socket || why == why_socket_dir;
  if (why && (socket || !readonly_allowed (a->ctx->profile, what, m)))
    {
      hr_refusal (a, SOURCE_FIELD (), "bind mount of \"%s\" at \"%s\": %s", what, dest_norm, why);
      return 0;
    }

  static const char *const need[] = { "nosuid", "nodev" };
  for (size_t k = 0; k < HR_ARRAY_SIZE (need); k++)
    if (!hr_mount_option_in_effect (m, need[k])
        && (snprintf (field, sizeof field, "mounts[%zu].options", i),
            hr_violation (a, field, "bind mount at \"%s\" without \"%s\"; added", dest_norm, need[k])))
      {
        int r = hr_mount_force_option (m, need[k], err);
        if (r < 0)
          return r;
      }
  return 0;
}

static int
fix_propagation (struct hr_apply *a, struct hr_json *m, size_t i, const char *dest, struct hr_error *err)
{
  static const char *const from[] = { "shared", "rshared" };
  static const char *const to[] = { "private", "rprivate" };
  char field[64];
  for (size_t k = 0; k < 2; k++)
    if (hr_mount_has_option (m, from[k])
        && snprintf (field, sizeof field, "mounts[%zu].options", i) > 0
        && hr_violation (a, field, "mount at \"%s\" has \"%s\" propagation; made \"%s\"", dest, from[k], to[k]))
      {
        hr_mount_remove_option (m, from[k]);
        int r = hr_mount_add_option (m, to[k], err);
        if (r < 0)
          return r;
      }
  return 0;
}

int
hr_ctl_mounts (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *mounts = hr_json_get (spec, "mounts");
  int r;
  for (size_t i = 0; i < hr_json_len (mounts); i++)
    {
      struct hr_json *m = hr_json_at (mounts, i);
      char field[64], dest[PATH_MAX];
      const char *d = hr_json_string (hr_json_get (m, "destination"));
#define MOUNT_FIELD() (snprintf (field, sizeof field, "mounts[%zu]", i), field)
      if (!hr_json_is_object (m) || d == NULL || !hr_path_normalize (d, dest, sizeof dest))
        {
          hr_refusal (a, MOUNT_FIELD (), "mount without a usable destination");
          continue;
        }
      const char *type = hr_json_string (hr_json_get (m, "type"));
      if (hr_mount_is_bind (m))
        r = check_bind (a, m, i, dest, err);
      else if (type == NULL || !in_list (type, safe_types, HR_ARRAY_SIZE (safe_types)))
        {
          const char *src = hr_json_string (hr_json_get (m, "source"));
          hr_refusal (a, MOUNT_FIELD (), "mount of type \"%s\" (source \"%s\") at \"%s\" could reach host devices",
                      type ? type : "", src ? src : "", dest);
          r = 0;
        }
      else
        r = 0;
      if (r == 0)
        r = fix_propagation (a, m, i, dest, err);
      if (r == 0)
        r = hr_mount_idmap (a, spec, m, i, dest, err);
      if (r < 0)
        return r;
    }

  struct hr_json *linux_ = hr_json_get (spec, "linux");
  struct hr_json *prop = hr_json_get (linux_, "rootfsPropagation");
  const char *p = hr_json_string (prop);
  if (p && (strcmp (p, "shared") == 0 || strcmp (p, "rshared") == 0))
    {
      const char *to = p[0] == 'r' ? "rprivate" : "private";
      if (hr_violation (a, "linux.rootfsPropagation", "\"%s\" propagation; made \"%s\"", p, to))
        return hr_json_set_string_value (prop, to, err);
    }
  return 0;
}
