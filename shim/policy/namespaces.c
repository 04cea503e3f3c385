/* namespaces: the container has its own pid, ipc, uts, mount and network
 * namespaces, and its own cgroup namespace where the kernel has one. A namespace joined by path must not be the host's: that is
 * decided by the namespace's inode, never by the path string. */
#include "config.h"
#include "policy/policy.h"
#include "cleanup.h"
#include "host.h"
#include "pathname.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char *const required[] = { "pid", "ipc", "uts", "mount", "network" };

/* A namespace path's directory is resolved as a bind source is: never
 * through a procfs link (/proc/self, /proc/PID/root/...: what they name
 * depends on who resolves them), never in the container's own root
 * filesystem (the image's content). The file itself is a procfs link
 * (/proc/PID/ns/net) or a bind-mounted nsfs file (/run/netns/X). */
static bool
namespace_path_trusted (struct hr_apply *a, const char *field, const char *path)
{
  char dir[PATH_MAX];
  const char *slash = strrchr (path, '/');
  if (path[0] != '/' || slash == NULL || (size_t) (slash - path) >= sizeof dir)
    {
      hr_refusal (a, field, "namespace path \"%s\" is not an absolute path", path);
      return false;
    }
  memcpy (dir, path, (size_t) (slash - path));
  dir[slash - path] = '\0';
  if (dir[0] == '\0')
    strcpy (dir, "/");
  struct hr_host_object o = { 0 };
  struct hr_error e = { 0 };
  int r = hr_host_resolve (dir, &o, &e);
  bool ok = true;
  if (r == -EXDEV)
    {
      hr_refusal (a, field, "namespace path \"%s\" is reached through a procfs link (%s)", path, e.msg);
      ok = false;
    }
  else if (r == 0 && a->ctx->rootfs_host && hr_path_is_under (o.path, a->ctx->rootfs_host))
    {
      hr_refusal (a, field, "namespace path \"%s\" is inside the container's root filesystem", path);
      ok = false;
    }
  hr_host_object_release (&o);
  return ok;
}

/* Appends a new namespace of TYPE to linux.namespaces. */
static int
add_namespace (struct hr_json *spec, const char *type, struct hr_error *err)
{
  struct hr_json *l = hr_json_ensure_object (spec, "linux");
  struct hr_json *ns = l ? hr_json_ensure_array (l, "namespaces") : NULL;
  if (ns == NULL)
    return hr_error_set (err, EINVAL, "\"linux.namespaces\" is not an array");
  struct hr_json *entry = hr_json_new_object ();
  int r = hr_json_set (entry, "type", hr_json_new_string (type), err);
  if (r < 0)
    {
      hr_json_free (entry);
      return r;
    }
  return hr_json_append (ns, entry, err);
}

int
hr_ctl_namespaces (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *linux_ = hr_json_get (spec, "linux");
  struct hr_json *ns = hr_json_get (linux_, "namespaces");
  char field[64];
  bool have[HR_ARRAY_SIZE (required)] = { false };

  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const struct hr_json *e = hr_json_at (ns, i);
      const char *type = hr_json_string (hr_json_get (e, "type"));
      const char *path = hr_json_string (hr_json_get (e, "path"));
      snprintf (field, sizeof field, "linux.namespaces[%zu]", i);
      if (type == NULL)
        {
          hr_refusal (a, field, "namespace without a type");
          continue;
        }
      for (size_t k = 0; k < HR_ARRAY_SIZE (required); k++)
        if (strcmp (type, required[k]) == 0)
          have[k] = true;
      if (path == NULL || *path == '\0')
        continue;
      bool is_host = false;
      struct hr_error e2 = { 0 };
      if (hr_host_namespace_is_host (type, path, &is_host, &e2) < 0)
        {
          hr_refusal (a, field, "cannot tell whether \"%s\" is the host's %s namespace: %s", path, type, e2.msg);
          continue;
        }
      if (is_host)
        hr_refusal (a, field, "joins the host's %s namespace through \"%s\"", type, path);
      else
        namespace_path_trusted (a, field, path);
    }

  /* The cgroup namespace hides the host's cgroup paths (/proc/self/cgroup,
   * mountinfo); runc 1.0+ and crun make one on cgroup v1 and v2, where the
   * kernel has it. */
  bool have_cgroup = false;
  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const char *type = hr_json_string (hr_json_get (hr_json_at (ns, i), "type"));
      have_cgroup |= type && strcmp (type, "cgroup") == 0;
    }
  if (!have_cgroup && hr_host_has_namespace ("cgroup")
      && hr_violation (a, "linux.namespaces", "uses the host's cgroup namespace; given its own"))
    {
      int r = add_namespace (spec, "cgroup", err);
      if (r < 0)
        return r;
    }

  for (size_t k = 0; k < HR_ARRAY_SIZE (required); k++)
    {
      if (have[k])
        continue;
      if (strcmp (required[k], "network") == 0)
        {
          /* A new, empty network namespace would silently cut the
           * container off: refuse instead. */
          hr_refusal (a, "linux.namespaces", "uses the host's network namespace");
          continue;
        }
      if (!hr_violation (a, "linux.namespaces", "uses the host's %s namespace; given its own", required[k]))
        continue;
      int r = add_namespace (spec, required[k], err);
      if (r < 0)
        return r;
    }
  return 0;
}
