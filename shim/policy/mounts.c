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
#include <sys/stat.h>

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

const char *
hr_runtime_socket_of_group (uint32_t gid)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (socket_paths); i++)
    {
      uint32_t g;
      if (hr_host_socket_group (socket_paths[i], &g) && g == gid)
        return socket_paths[i];
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

/* Programs the engines bind into a container as its init (docker run
 * --init, podman run --init): host files under /usr, allowed read-only. */
static const char *const init_binaries[] = {
  "/usr/bin/docker-init", "/usr/libexec/docker/docker-init", "/usr/bin/catatonit",
  "/usr/libexec/podman/catatonit", "/usr/bin/tini", "/usr/bin/tini-static",
};

/* Character devices a bind may carry: harmless, and nodev is forced on
 * every bind anyway. */
static bool
harmless_char_device (unsigned major, unsigned minor)
{
  return (major == 1 && (minor == 3 || minor == 5 || minor == 7 || minor == 8 || minor == 9))
         || (major == 5 && minor == 0);
}

char *
hr_host_dir_resolved (const char *base, const char *path)
{
  char joined[PATH_MAX];
  if (path == NULL || *path == '\0')
    return NULL;
  if (path[0] != '/')
    {
      if (base == NULL || base[0] != '/')
        return NULL;
      snprintf (joined, sizeof joined, "%s/%s", base, path);
      path = joined;
    }
  struct hr_host_object o = { 0 };
  if (hr_host_resolve (path, &o, NULL) < 0)
    return NULL;
  char *ret = hr_steal_pointer (&o.path);
  hr_host_object_release (&o);
  return ret;
}

const char *
hr_host_object_why_sensitive (const struct hr_host_object *o, const char **what)
{
  const char *why = hr_host_path_why_sensitive (o->path);
  *what = o->path;
  if (why == NULL && strcmp (o->identity, o->path) != 0)
    {
      why = hr_host_path_why_sensitive (o->identity);
      *what = o->identity;
    }
  /* an overlay shows its layers: one of the host's tree is as good as it */
  for (const char *l = o->layers; why == NULL && l && *l;)
    {
      static char layer[PATH_MAX];
      size_t n = strcspn (l, ":");
      if (n < sizeof layer)
        {
          memcpy (layer, l, n);
          layer[n] = '\0';
          if ((why = hr_host_path_why_sensitive (layer)) != NULL)
            *what = layer;
        }
      l += n + (l[n] == ':');
    }
  if (why == NULL && o->type == S_IFBLK)
    why = "a block device";
  else if (why == NULL && o->type == S_IFCHR && !harmless_char_device (o->rdev_major, o->rdev_minor))
    why = "a device";
  return why;
}

bool
hr_swappable_only_by_container (struct hr_apply *a, const struct hr_json *spec, const struct hr_host_object *o)
{
  if (o->swappable_uid < 0)
    return false;
  struct hr_idmap uid, gid;
  const char *joined = NULL;
  if (hr_container_userns (spec, &uid, &gid, &joined, NULL) != 1)
    return false;
  for (size_t k = 0; k < uid.n; k++)
    if (o->swappable_uid >= uid.r[k].outside && o->swappable_uid < uid.r[k].outside + uid.r[k].size)
      {
        hr_note (a, "mounts", "\"%s\": %s, one of the ids of the container's own user namespace, which does not "
                 "run before its mounts are made", o->path, o->swappable);
        return true;
      }
  return false;
}

/* Refuses the bind source NORM when PATH (its name or where it leads) is
 * inside the resolved root filesystem ROOT. */
static bool
in_root (struct hr_apply *a, const char *field, const char *norm, const char *path, const char *root)
{
  if (root == NULL || !hr_path_is_under (path, root))
    return false;
  hr_refusal (a, field, "bind source \"%s\" is inside the container's root filesystem \"%s\": the image's "
              "content decides where it leads", norm, root);
  return true;
}

/* Where a bind source leads, judged as the kernel will see it when runc
 * mounts it: see host-path.c. ROOT and BUNDLE are the resolved root
 * filesystem and bundle directory (NULL when they do not resolve). */
static int
check_bind (struct hr_apply *a, const struct hr_json *spec, struct hr_json *m, size_t i, const char *dest_norm,
            const char *root, const char *bundle, struct hr_error *err)
{
  char field[64], norm[PATH_MAX], joined[PATH_MAX];
  const char *src = hr_json_string (hr_json_get (m, "source"));
  snprintf (field, sizeof field, "mounts[%zu].source", i);
  if (src == NULL || *src == '\0')
    {
      hr_refusal (a, field, "bind mount at \"%s\" has no source", dest_norm);
      return 0;
    }
  /* runc takes a relative source from the bundle directory. */
  bool relative = src[0] != '/';
  if (relative)
    {
      /* A bundle that does not resolve is explain's stand-in: the name is
       * judged as written, and the source then does not resolve. */
      snprintf (joined, sizeof joined, "%s/%s", bundle ? bundle : a->ctx->bundle_dir ? a->ctx->bundle_dir : "/",
                src);
      src = joined;
    }
  if (!hr_path_normalize (src, norm, sizeof norm))
    {
      hr_refusal (a, field, "bind source is too long");
      return 0;
    }

  /* The name as written: a runtime socket by name, a sensitive tree. */
  const char *why_name = hr_host_path_why_sensitive (norm);
  if (why_name == NULL && in_list (base_name (dest_norm), socket_names, HR_ARRAY_SIZE (socket_names)))
    why_name = why_socket;

  /* The image is untrusted content: a source in it (or under a mount the
   * runtime makes in it first: those are all below the root) is whatever
   * the image's symlinks and the container's own /proc make of it, by
   * the time the runtime mounts it. */
  if (in_root (a, field, norm, norm, root))
    return 0;

  /* What the kernel will mount. A source that is not there now is judged
   * by nothing: runc resolves it later, after earlier mounts and the
   * container's /proc have changed what the name means. */
  struct hr_error e2 = { 0 };
  __attribute__ ((cleanup (hr_host_object_release))) struct hr_host_object o = { 0 };
  int r = hr_host_resolve (src, &o, &e2);
  if (r < 0 && why_name)
    {
      hr_refusal (a, field, "bind mount of \"%s\" at \"%s\": %s", norm, dest_norm, why_name);
      return 0;
    }
  if (r == -ENOENT || r == -ENOTDIR)
    {
      hr_refusal (a, field, "bind source \"%s\" does not exist (%s): the runtime would resolve it later, "
                  "after earlier mounts", norm, e2.msg);
      return 0;
    }
  if (r == -EXDEV)
    {
      hr_refusal (a, field, "bind source \"%s\" is reached through a procfs link (%s): where it leads depends "
                  "on the process that resolves it", norm, e2.msg);
      return 0;
    }
  if (r < 0)
    {
      hr_refusal (a, field, "bind source \"%s\" cannot be resolved: %s", norm, e2.msg);
      return 0;
    }

  /* Both the name and the object must pass; a sensitive one only
   * read-only where the profile allows it, a runtime socket never (a
   * read-only mount still lets a process connect to it). The engines'
   * init programs pass read-only. */
  const char *what_obj = NULL;
  const char *why_obj = hr_host_object_why_sensitive (&o, &what_obj);
  bool init = o.type == S_IFREG && hr_mount_option_in_effect (m, "ro")
              && in_list (o.path, init_binaries, HR_ARRAY_SIZE (init_binaries));
  const struct
  {
    const char *why, *what;
  } judged[] = { { why_name, norm }, { why_obj, what_obj } };
  for (size_t k = 0; k < HR_ARRAY_SIZE (judged); k++)
    {
      const char *why = judged[k].why, *what = judged[k].what;
      bool socket = why == why_socket || why == why_socket_dir;
      if (why == NULL || init || (!socket && readonly_allowed (a->ctx->profile, what, m)))
        continue;
      if (what == o.identity && strcmp (o.identity, o.path) != 0)
        hr_refusal (a, field, "bind mount of \"%s\" at \"%s\": what is mounted there is the host's \"%s\": %s", norm,
                    dest_norm, what, why);
      else if (what != norm && what != o.path && what != o.identity)
        hr_refusal (a, field, "bind mount of \"%s\" at \"%s\": the overlay mounted there shows the host's \"%s\": %s",
                    norm, dest_norm, what, why);
      else
        hr_refusal (a, field, "bind mount of \"%s\" at \"%s\": %s", what, dest_norm, why);
      return 0;
    }
  if (relative && (bundle == NULL || !hr_path_is_under (o.path, bundle)))
    {
      hr_refusal (a, field, "relative bind source \"%s\" leads out of the bundle, to \"%s\"", norm, o.path);
      return 0;
    }
  if (in_root (a, field, norm, o.path, root))
    return 0;
  if (o.swappable && !hr_swappable_only_by_container (a, spec, &o))
    {
      hr_refusal (a, field, "bind source \"%s\": %s, who could replace it with a symlink before the runtime mounts "
                  "it", o.path, o.swappable);
      return 0;
    }
  /* Bind what was judged: the name without its symlinks. */
  const char *written = hr_json_string (hr_json_get (m, "source"));
  if (strcmp (o.path, written) != 0
      && hr_violation (a, field, "bind source \"%s\" leads to \"%s\"; bound by that path", written, o.path)
      && (r = hr_json_set_string_value (hr_json_get (m, "source"), o.path, err)) < 0)
    return r;

  static const char *const need[] = { "nosuid", "nodev" };
  for (size_t k = 0; k < HR_ARRAY_SIZE (need); k++)
    if (!hr_mount_option_in_effect (m, need[k])
        && (snprintf (field, sizeof field, "mounts[%zu].options", i),
            hr_violation (a, field, "bind mount at \"%s\" without \"%s\"; added", dest_norm, need[k])))
      {
        r = hr_mount_force_option (m, need[k], err);
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
  const char *bundle = a->ctx->bundle_host, *root = a->ctx->rootfs_host;
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
        r = check_bind (a, spec, m, i, dest, root, bundle, err);
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
