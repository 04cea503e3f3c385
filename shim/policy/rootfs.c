/* rootfs: the root filesystem is read-only; writable scratch space comes
 * from size-limited tmpfs mounts at the profile's paths. */
#include "config.h"
#include "policy/policy.h"
#include "policy/mountopt.h"
#include "pathname.h"
#include "cleanup.h"
#include "host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Index at which a mount at DEST must go so that it comes before every
 * mount below it (or the end); -1 if a mount at DEST exists already. */
static long
tmpfs_position (const struct hr_json *mounts, const char *dest)
{
  size_t n = hr_json_len (mounts);
  long first_below = -1;
  for (size_t i = 0; i < n; i++)
    {
      const char *d = hr_json_string (hr_json_get (hr_json_at (mounts, i), "destination"));
      char norm[PATH_MAX];
      if (d == NULL || !hr_path_normalize (d, norm, sizeof norm))
        continue;
      if (strcmp (norm, dest) == 0)
        return -1;
      if (first_below < 0 && hr_path_is_under (norm, dest))
        first_below = (long) i;
    }
  return first_below >= 0 ? first_below : (long) n;
}

static struct hr_json *
new_tmpfs (const char *dest, const char *size)
{
  struct hr_json *m = hr_json_new_object ();
  struct hr_json *opts = hr_json_new_array ();
  char sizeopt[64];
  snprintf (sizeopt, sizeof sizeopt, "size=%s", size);
  if (m == NULL || opts == NULL)
    goto fail;
  if (hr_json_set (m, "destination", hr_json_new_string (dest), NULL) < 0
      || hr_json_set (m, "type", hr_json_new_string ("tmpfs"), NULL) < 0
      || hr_json_set (m, "source", hr_json_new_string ("tmpfs"), NULL) < 0)
    goto fail;
  static const char *const o[] = { "nosuid", "nodev", "mode=1777" };
  for (size_t i = 0; i < 3; i++)
    if (hr_json_append (opts, hr_json_new_string (o[i]), NULL) < 0)
      {
        opts = NULL;
        goto fail;
      }
  if (hr_json_append (opts, hr_json_new_string (sizeopt), NULL) < 0)
    {
      opts = NULL;
      goto fail;
    }
  if (hr_json_set (m, "options", opts, NULL) < 0)
    {
      opts = NULL;
      goto fail;
    }
  return m;
fail:
  hr_json_free (opts);
  hr_json_free (m);
  return NULL;
}

/* The root filesystem is a host directory the container gets whole: it is
 * judged as a bind source is, by the name as written and by what the
 * kernel will find there (see host-path.c): it must exist, be reached
 * through no procfs link, be no sensitive host directory by name or by
 * what is mounted on it, and lie below no directory others could change. */
static void
check_root_path (struct hr_apply *a, const struct hr_json *spec)
{
  const char *path = hr_json_string (hr_json_get_path (spec, "root.path"));
  char joined[PATH_MAX], norm[PATH_MAX];
  if (path == NULL || *path == '\0')
    return;
  /* runc takes a relative root.path from the bundle directory. */
  /* A bundle that does not resolve is explain's stand-in (hardrun itself
   * read config.json from the bundle): the name is judged as written. */
  const char *bundle = a->ctx->bundle_host ? a->ctx->bundle_host : a->ctx->bundle_dir ? a->ctx->bundle_dir : ".";
  snprintf (joined, sizeof joined, "%s%s%s", path[0] == '/' ? "" : bundle, path[0] == '/' ? "" : "/", path);
  const char *why = NULL, *what = NULL;
  if (hr_path_normalize (joined, norm, sizeof norm) && (why = hr_host_path_why_sensitive (norm)) != NULL)
    what = norm;
  struct hr_host_object o = { 0 };
  struct hr_error e2 = { 0 };
  int r = why ? 0 : hr_host_resolve (joined, &o, &e2);
  if (r == -EXDEV)
    hr_refusal (a, "root.path", "root filesystem \"%s\" is reached through a procfs link (%s)", norm, e2.msg);
  else if (r < 0 && r != -ENOENT && r != -ENOTDIR)
    hr_refusal (a, "root.path", "root filesystem \"%s\" cannot be resolved: %s", norm, e2.msg);
  else if (r == 0 && why == NULL)
    why = hr_host_object_why_sensitive (&o, &what);
  if (why && o.path && what == o.identity)
    hr_refusal (a, "root.path", "root filesystem \"%s\": what is mounted there is the host's \"%s\": %s", norm, what,
                why);
  else if (why)
    hr_refusal (a, "root.path", "root filesystem \"%s\": %s", what, why);
  else if (r == 0 && o.swappable && !hr_swappable_only_by_container (a, spec, &o))
    hr_refusal (a, "root.path", "root filesystem \"%s\": %s, who could replace it with a symlink before the "
                "runtime mounts it", o.path, o.swappable);
  hr_host_object_release (&o);
}

int
hr_ctl_rootfs (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  const struct hr_json *ro = hr_json_get_path (spec, "root.readonly");
  int r;
  check_root_path (a, spec);
  if (ro == NULL || ro->type != HR_JSON_TRUE)
    {
      if (!hr_violation (a, "root.readonly", "root filesystem is writable; made read-only"))
        return 0;
      struct hr_json *root = hr_json_ensure_object (spec, "root");
      if (root == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
      if ((r = hr_json_set (root, "readonly", hr_json_new_bool (true), err)) < 0)
        return r;
    }

  /* A read-only root needs writable scratch space where programs expect
   * it, unless the engine or the user mounted something there already. */
  const struct hr_profile *p = a->ctx->profile;
  struct hr_json *mounts = hr_json_get (spec, "mounts");
  for (size_t i = 0; i < p->tmpfs_paths.n; i++)
    {
      char dest[PATH_MAX];
      if (!hr_path_normalize (p->tmpfs_paths.v[i], dest, sizeof dest))
        continue;
      long at = mounts ? tmpfs_position (mounts, dest) : 0;
      if (at < 0)
        continue;
      if (!hr_violation (a, "mounts", "no writable scratch space at \"%s\"; added a tmpfs (size %s)", dest,
                         p->tmpfs_size))
        continue;
      if (mounts == NULL && (mounts = hr_json_ensure_array (spec, "mounts")) == NULL)
        return hr_error_set (err, EINVAL, "\"mounts\" is not an array");
      if ((r = hr_json_insert (mounts, (size_t) at, new_tmpfs (dest, p->tmpfs_size), err)) < 0)
        return r;
    }
  return 0;
}
