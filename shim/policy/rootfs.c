/* rootfs: the root filesystem is read-only; writable scratch space comes
 * from tmpfs mounts at the profile's paths: size-limited, noexec, owned by
 * the process, holding what the image had there, and only where the spec
 * mounts nothing and the runtime can mount. */
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
 * mount below it (or the end); -1 if a mount at DEST or above it exists
 * already: a volume the spec mounts always wins. */
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
      if (strcmp (norm, dest) == 0 || (strcmp (norm, "/") != 0 && hr_path_is_under (dest, norm)))
        return -1;
      if (first_below < 0 && hr_path_is_under (norm, dest))
        first_below = (long) i;
    }
  return first_below >= 0 ? first_below : (long) n;
}

/* How one scratch tmpfs is made. */
struct scratch
{
  const char *dest;
  const char *size;
  uint32_t uid, gid;            /* the process's: the tmpfs is its own */
  uint32_t mode;
  bool copyup;                  /* keep what the image has there */
};

static int
add_option (struct hr_json *opts, const char *o)
{
  return hr_json_append (opts, hr_json_new_string (o), NULL);
}

/* The mount entry for S: noexec, nosuid, nodev and size-limited, as
 * Docker's --tmpfs; owned by the process (uid=, gid=; runc 1.1 gives a
 * tmpfs over an existing directory that directory's mode, crun takes
 * mode=, so mode= says the image's mode too); "tmpcopyup" (runc and crun
 * alike) copies the image's directory into it. */
static struct hr_json *
new_tmpfs (const struct scratch *s)
{
  struct hr_json *m = hr_json_new_object ();
  struct hr_json *opts = hr_json_new_array ();
  char buf[4][64];
  snprintf (buf[0], sizeof buf[0], "mode=%04o", (unsigned) s->mode);
  snprintf (buf[1], sizeof buf[1], "size=%s", s->size);
  snprintf (buf[2], sizeof buf[2], "uid=%u", (unsigned) s->uid);
  snprintf (buf[3], sizeof buf[3], "gid=%u", (unsigned) s->gid);
  if (m == NULL || opts == NULL)
    goto fail;
  if (hr_json_set (m, "destination", hr_json_new_string (s->dest), NULL) < 0
      || hr_json_set (m, "type", hr_json_new_string ("tmpfs"), NULL) < 0
      || hr_json_set (m, "source", hr_json_new_string ("tmpfs"), NULL) < 0)
    goto fail;
  static const char *const fixed[] = { "nosuid", "nodev", "noexec" };
  for (size_t i = 0; i < HR_ARRAY_SIZE (fixed); i++)
    if (add_option (opts, fixed[i]) < 0)
      goto fail;
  for (size_t i = 0; i < HR_ARRAY_SIZE (buf); i++)
    if (add_option (opts, buf[i]) < 0)
      goto fail;
  if (s->copyup && add_option (opts, "tmpcopyup") < 0)
    goto fail;
  if (hr_json_set (m, "options", opts, NULL) < 0)
    {
      opts = NULL;              /* hr_json_set frees what it fails to take */
      goto fail;
    }
  return m;
fail:
  hr_json_free (opts);
  hr_json_free (m);
  return NULL;
}

/* The user namespace of the spec: whether there is one, and the host uid
 * its root maps to (-1 when not known: joined by path, or unmapped). */
static bool
user_namespace (const struct hr_json *spec, int64_t *ret_root_host_uid)
{
  const struct hr_json *linux_ = hr_json_get (spec, "linux");
  const struct hr_json *ns = hr_json_get (linux_, "namespaces");
  bool has = false, joined = false;
  *ret_root_host_uid = -1;
  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const char *t = hr_json_string (hr_json_get (hr_json_at (ns, i), "type"));
      const char *path = hr_json_string (hr_json_get (hr_json_at (ns, i), "path"));
      if (t && strcmp (t, "user") == 0)
        {
          has = true;
          joined = path && path[0];
        }
    }
  const struct hr_json *maps = hr_json_get (linux_, "uidMappings");
  for (size_t i = 0; has && !joined && i < hr_json_len (maps); i++)
    {
      const struct hr_json *m = hr_json_at (maps, i);
      int64_t cid = 0, hid = 0, size = 0;
      hr_json_int_value (hr_json_get (m, "containerID"), 0, UINT32_MAX, &cid);
      hr_json_int_value (hr_json_get (m, "hostID"), 0, UINT32_MAX, &hid);
      hr_json_int_value (hr_json_get (m, "size"), 0, UINT32_MAX, &size);
      if (cid == 0 && size > 0)
        *ret_root_host_uid = hid;
    }
  return has;
}

/* The root filesystem's host directory: root.path as hr_policy_apply
 * resolved it (from the bundle when relative), or NULL. */
static const char *
rootfs_dir (const struct hr_apply *a)
{
  return a->ctx->rootfs_host;
}

/* Whether the runtime can mount at S->dest, and how the image has it
 * there. Returns false (with a note) where it cannot: the runtime creates a
 * missing mount point as the container's root, which in a user namespace
 * is an unprivileged host user who may not write the parent directory. A
 * root filesystem that cannot be examined (explain without a bundle) gets
 * the tmpfs as it is. */
static bool
scratch_fits (struct hr_apply *a, const struct hr_json *spec, struct scratch *s)
{
  const char *rootfs = rootfs_dir (a);
  if (rootfs == NULL)
    return true;
  struct hr_host_entry e;
  struct hr_error lerr = { 0 };
  if (hr_host_rootfs_lookup (rootfs, s->dest, &e, &lerr) < 0)
    return true;
  if (e.exists && !e.is_dir)
    {
      hr_note (a, "mounts", "no tmpfs at \"%s\": the image has a file there", s->dest);
      return false;
    }
  if (e.exists)
    {
      s->copyup = true;
      if (e.known)
        s->mode = e.mode;
      return true;
    }
  int64_t root_uid;
  if (!user_namespace (spec, &root_uid))
    return true;
  /* e describes the nearest directory that exists */
  bool writable = (e.mode & 0002) || (root_uid >= 0 && e.uid == (uint64_t) root_uid && (e.mode & 0200));
  if (!writable)
    {
      hr_note (a, "mounts", "no tmpfs at \"%s\": the image lacks it, and the runtime cannot create it in "
               "the user namespace", s->dest);
      return false;
    }
  return true;
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

/* Did the user control move the process off uid 0? Then it stands in for
 * the root the image was made for. */
static bool
user_moved_off_root (const struct hr_report *rep)
{
  for (size_t i = 0; i < rep->n; i++)
    if (rep->items[i].control == HR_CTL_USER && rep->items[i].action == HR_ACT_CHANGED
        && strcmp (rep->items[i].field, "process.user.uid") == 0)
      return true;
  return false;
}

static bool
mount_at (const struct hr_json *mounts, const char *dest)
{
  for (size_t i = 0; i < hr_json_len (mounts); i++)
    {
      const char *d = hr_json_string (hr_json_get (hr_json_at (mounts, i), "destination"));
      char norm[PATH_MAX];
      if (d && hr_path_normalize (d, norm, sizeof norm) && strcmp (norm, dest) == 0)
        return true;
    }
  return false;
}

#define MAX_NESTED 32

/* The directories one level below OUTER's destination that the copy would
 * not leave writable to the process as the image meant them to be get a
 * tmpfs of their own, the process's, with their contents:
 *   - a world-writable one (as the official postgres image's 3777
 *     /run/postgresql): runc before 1.1.10 copies directories up under its
 *     caller's umask and loses the write bits (runc#3991);
 *   - any other, when the process was moved off root: the process stands
 *     in for the root the image was made for, who could write them all
 *     (nginx's /var/cache/nginx, root's; Debian's /var/log/lighttpd,
 *     www-data's).
 * Inserted at AT, right after OUTER, before any mount below them. */
static int
add_nested (struct hr_apply *a, struct hr_json *mounts, size_t at, const char *rootfs, const struct scratch *outer,
            bool took_root, struct hr_error *err)
{
  struct hr_host_subdir sub[MAX_NESTED];
  size_t n = 0;
  struct hr_error lerr = { 0 };
  if (hr_host_rootfs_subdirs (rootfs, outer->dest, sub, MAX_NESTED, &n, &lerr) < 0)
    return 0;
  if (n > MAX_NESTED)
    {
      hr_note (a, "mounts", "\"%s\" has %zu directories in the image; only the first %d were examined", outer->dest,
               n, MAX_NESTED);
      n = MAX_NESTED;
    }
  for (size_t i = 0; i < n; i++)
    {
      const char *why = NULL;
      if (sub[i].uid == outer->uid)
        continue;
      if (sub[i].mode & 0002)
        why = "writable by every user in the image";
      else if (took_root)
        why = "root's to write in the image, and the process takes root's place";
      if (why == NULL)
        continue;
      char dest[PATH_MAX];
      if (snprintf (dest, sizeof dest, "%s/%s", outer->dest, sub[i].name) >= (int) sizeof dest
          || mount_at (mounts, dest))
        continue;
      struct scratch s = *outer;
      s.dest = dest;
      s.mode = sub[i].mode;
      s.copyup = true;
      if (!hr_violation (a, "mounts", "\"%s\" is %s; added a tmpfs (size %s, owner %u:%u, mode %04o, noexec, with "
                         "the image's contents)", dest, why, s.size, (unsigned) s.uid, (unsigned) s.gid,
                         (unsigned) s.mode))
        continue;
      struct hr_json *m = new_tmpfs (&s);
      if (m == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
      int r = hr_json_insert (mounts, at++, m, err);
      if (r < 0)
        return r;
    }
  return 0;
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
  const char *rootfs = rootfs_dir (a);
  bool took_root = user_moved_off_root (a->report);
  const struct hr_profile *p = a->ctx->profile;
  struct hr_json *mounts = hr_json_get (spec, "mounts");
  int64_t uid = 0, gid = 0;
  hr_json_int_value (hr_json_get_path (spec, "process.user.uid"), 0, UINT32_MAX, &uid);
  hr_json_int_value (hr_json_get_path (spec, "process.user.gid"), 0, UINT32_MAX, &gid);
  for (size_t i = 0; i < p->tmpfs_paths.n; i++)
    {
      char dest[PATH_MAX];
      if (!hr_path_normalize (p->tmpfs_paths.v[i], dest, sizeof dest) || strcmp (dest, "/") == 0)
        continue;
      long at = mounts ? tmpfs_position (mounts, dest) : 0;
      if (at < 0)
        continue;
      struct scratch s = {
        .dest = dest, .size = p->tmpfs_size, .uid = (uint32_t) uid, .gid = (uint32_t) gid,
        .mode = (strcmp (dest, "/tmp") == 0 || strcmp (dest, "/var/tmp") == 0) ? 01777 : 0755,
      };
      if (!scratch_fits (a, spec, &s))
        continue;
      if (!hr_violation (a, "mounts", "no writable scratch space at \"%s\"; added a tmpfs (size %s, owner %u:%u, "
                         "mode %04o, noexec%s)", dest, p->tmpfs_size, (unsigned) s.uid, (unsigned) s.gid,
                         (unsigned) s.mode, s.copyup ? ", with the image's contents" : ""))
        continue;
      if (mounts == NULL && (mounts = hr_json_ensure_array (spec, "mounts")) == NULL)
        return hr_error_set (err, EINVAL, "\"mounts\" is not an array");
      struct hr_json *m = new_tmpfs (&s);
      if (m == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
      if ((r = hr_json_insert (mounts, (size_t) at, m, err)) < 0)
        return r;
      if (s.copyup && rootfs && (r = add_nested (a, mounts, (size_t) at + 1, rootfs, &s, took_root, err)) < 0)
        return r;
    }
  return 0;
}
