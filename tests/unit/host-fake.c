/* The host probe for unit tests (see host-fake.h). */
#include "config.h"
#include "host-fake.h"
#include "cleanup.h"
#include "pathname.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ALL_CAPS ((UINT64_C (1) << 41) - 1)

bool hr_fake_apparmor_enabled = false;
bool hr_fake_selinux_enabled = false;
uint64_t hr_fake_bounding_caps = ALL_CAPS;
unsigned hr_fake_apparmor_load_calls = 0;
int hr_fake_apparmor_load_error = 0;
const char *hr_fake_apparmor_load_defines = NULL;

/* A small table of strings to (string, flag); tests set a handful. */
struct entry
{
  char *key;
  char *value;
  bool flag;
};

struct table
{
  struct entry *v;
  size_t n;
};

static struct table loaded_profiles, namespaces, realpaths, identities, swappables, devices, sockets, layers, userns_uid,
  userns_gid, image;
unsigned hr_fake_userns_calls = 0;
bool hr_fake_has_cgroupns = false;
static char *last_file;

static char *
xstrdup (const char *s)
{
  char *d = s ? strdup (s) : NULL;
  if (s && d == NULL)
    abort ();
  return d;
}

static struct entry *
table_find (const struct table *t, const char *key)
{
  for (size_t i = 0; i < t->n; i++)
    if (strcmp (t->v[i].key, key) == 0)
      return &t->v[i];
  return NULL;
}

static void
table_set (struct table *t, const char *key, const char *value, bool flag)
{
  struct entry *e = table_find (t, key);
  if (e == NULL)
    {
      struct entry *nv = realloc (t->v, (t->n + 1) * sizeof *nv);
      if (nv == NULL)
        abort ();
      t->v = nv;
      e = &t->v[t->n++];
      e->key = xstrdup (key);
      e->value = NULL;
    }
  free (e->value);
  e->value = xstrdup (value);
  e->flag = flag;
}

static void
table_clear (struct table *t)
{
  for (size_t i = 0; i < t->n; i++)
    {
      free (t->v[i].key);
      free (t->v[i].value);
    }
  free (t->v);
  t->v = NULL;
  t->n = 0;
}

void
hr_fake_reset (void)
{
  hr_fake_apparmor_enabled = false;
  hr_fake_selinux_enabled = false;
  hr_fake_bounding_caps = ALL_CAPS;
  hr_fake_apparmor_load_calls = 0;
  hr_fake_apparmor_load_error = 0;
  hr_fake_apparmor_load_defines = NULL;
  table_clear (&loaded_profiles);
  table_clear (&namespaces);
  table_clear (&realpaths);
  table_clear (&image);
  table_clear (&identities);
  table_clear (&swappables);
  table_clear (&devices);
  table_clear (&sockets);
  table_clear (&layers);
  table_clear (&userns_uid);
  table_clear (&userns_gid);
  hr_fake_userns_calls = 0;
  hr_fake_has_cgroupns = false;
  free (last_file);
  last_file = NULL;
}

/* ---- AppArmor ---- */

bool
hr_host_apparmor_enabled (void)
{
  return hr_fake_apparmor_enabled;
}

void
hr_fake_apparmor_add_loaded (const char *name)
{
  table_set (&loaded_profiles, name, NULL, true);
}

bool
hr_host_apparmor_profile_loaded (const char *name)
{
  return table_find (&loaded_profiles, name) != NULL;
}

const char *
hr_fake_apparmor_last_file (void)
{
  return last_file;
}

int
hr_host_apparmor_load (const char *file, struct hr_error *err)
{
  hr_fake_apparmor_load_calls++;
  free (last_file);
  last_file = xstrdup (file);
  if (hr_fake_apparmor_load_error != 0)
    return hr_error_set (err, hr_fake_apparmor_load_error,
                         "cannot load AppArmor profile file \"%s\": apparmor_parser exited with status 1", file);
  const char *name = hr_fake_apparmor_load_defines;
  if (name == NULL)
    {
      const char *slash = strrchr (file, '/');
      name = slash ? slash + 1 : file;
    }
  hr_fake_apparmor_add_loaded (name);
  return 0;
}

/* ---- SELinux ---- */

bool
hr_host_selinux_enabled (void)
{
  return hr_fake_selinux_enabled;
}

/* ---- namespaces ---- */

void
hr_fake_set_host_namespace (const char *path, bool is_host)
{
  table_set (&namespaces, path, NULL, is_host);
}

int
hr_host_namespace_is_host (const char *type, const char *path, bool *ret, struct hr_error *err)
{
  static const char *const types[] = { "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time" };
  bool known = false;
  for (size_t i = 0; i < HR_ARRAY_SIZE (types); i++)
    if (strcmp (types[i], type) == 0)
      known = true;
  if (!known)
    return hr_error_set (err, EINVAL, "unknown namespace type \"%s\"", type);
  const struct entry *e = table_find (&namespaces, path);
  if (e != NULL)
    {
      *ret = e->flag;
      return 0;
    }
  if (strncmp (path, "/nonexistent", strlen ("/nonexistent")) == 0)
    return hr_error_setsys (err, ENOENT, "cannot examine namespace \"%s\"", path);
  *ret = false;
  return 0;
}

/* ---- capabilities ---- */

uint64_t
hr_host_bounding_caps (void)
{
  return hr_fake_bounding_caps;
}

/* ---- realpath ---- */

void
hr_fake_set_realpath (const char *path, const char *target)
{
  table_set (&realpaths, path, target, target != NULL);
}

char *
hr_host_realpath (const char *path)
{
  const struct entry *e = table_find (&realpaths, path);
  if (e == NULL)
    return xstrdup (path);
  if (e->value == NULL)
    {
      errno = ENOENT;
      return NULL;
    }
  /* "!ELOOP": there, but it cannot be resolved */
  if (strcmp (e->value, "!ELOOP") == 0)
    {
      errno = ELOOP;
      return NULL;
    }
  return xstrdup (e->value);
}

/* ---- root filesystems ---- */

void
hr_fake_set_image_entry (const char *hostpath, const char *what)
{
  table_set (&image, hostpath, what, true);
}

static void
fake_entry (const char *what, struct hr_host_entry *e)
{
  unsigned mode = 0, uid = 0, gid = 0;
  if (sscanf (what, "dir %o %u %u", &mode, &uid, &gid) == 3)
    {
      e->mode = mode;
      e->uid = uid;
      e->gid = gid;
    }
}

int
hr_host_rootfs_lookup (const char *rootfs, const char *path, struct hr_host_entry *ret, struct hr_error *err)
{
  char key[PATH_MAX];
  memset (ret, 0, sizeof *ret);
  const struct entry *root = table_find (&image, rootfs);
  if (root == NULL)
    return hr_error_setsys (err, ENOENT, "root filesystem \"%s\"", rootfs);
  fake_entry (root->value, ret);
  /* every ancestor, from the top, as the real walk goes */
  size_t len = strlen (path);
  for (size_t i = 1; i <= len; i++)
    {
      if (i < len && path[i] != '/')
        continue;
      snprintf (key, sizeof key, "%s%.*s", rootfs, (int) i, path);
      const struct entry *e = table_find (&image, key);
      if (e == NULL)
        return 0;
      if (strncmp (e->value, "dir", 3) != 0)
        {
          ret->exists = true;
          ret->is_dir = strcmp (e->value, "symlink") == 0;
          return 0;
        }
      fake_entry (e->value, ret);
    }
  ret->exists = ret->is_dir = ret->known = true;
  return 0;
}

int
hr_host_rootfs_subdirs (const char *rootfs, const char *path, struct hr_host_subdir *ret, size_t max,
                        size_t *ret_n, struct hr_error *err)
{
  char prefix[PATH_MAX];
  snprintf (prefix, sizeof prefix, "%s%s/", rootfs, path);
  if (table_find (&image, rootfs) == NULL)
    return hr_error_setsys (err, ENOENT, "root filesystem \"%s\"", rootfs);
  size_t n = 0, plen = strlen (prefix);
  for (size_t i = 0; i < image.n; i++)
    {
      const struct entry *e = &image.v[i];
      unsigned mode, uid, gid;
      if (strncmp (e->key, prefix, plen) != 0 || strchr (e->key + plen, '/')
          || sscanf (e->value, "dir %o %u %u", &mode, &uid, &gid) != 3)
        continue;
      if (n < max)
        {
          snprintf (ret[n].name, sizeof ret[n].name, "%s", e->key + plen);
          ret[n].mode = mode;
          ret[n].uid = uid;
          ret[n].gid = gid;
        }
      n++;
    }
  *ret_n = n;
  return 0;
}

/* ---- host objects ---- */

void
hr_fake_set_identity (const char *path, const char *identity)
{
  table_set (&identities, path, identity, true);
}

void
hr_fake_set_swappable (const char *path, const char *why)
{
  table_set (&swappables, path, why, true);
}

void
hr_fake_set_layers (const char *path, const char *l)
{
  table_set (&layers, path, l, true);
}

void
hr_fake_set_type (const char *path, char type, unsigned major, unsigned minor)
{
  char v[32];
  snprintf (v, sizeof v, "%c %u %u", type, major, minor);
  table_set (&devices, path, v, true);
}

int
hr_host_resolve (const char *path, struct hr_host_object *ret, struct hr_error *err)
{
  char norm[PATH_MAX];
  memset (ret, 0, sizeof *ret);
  if (path == NULL || path[0] != '/' || !hr_path_normalize (path, norm, sizeof norm))
    return hr_error_set (err, EINVAL, "not an absolute path");
  const struct entry *e = table_find (&realpaths, path);
  if (e == NULL)
    e = table_find (&realpaths, norm);
  const char *to = e ? e->value : norm;
  if (to == NULL)
    return hr_error_set (err, ENOENT, "\"%s\": No such file or directory", path);
  if (strcmp (to, "!ELOOP") == 0)
    return hr_error_set (err, ELOOP, "too many symbolic links");
  if (strcmp (to, "!EXDEV") == 0)
    return hr_error_set (err, EXDEV, "a procfs link");
  const struct entry *id = table_find (&identities, to);
  const struct entry *sw = table_find (&swappables, to);
  const struct entry *dev = table_find (&devices, to);
  const struct entry *lay = table_find (&layers, to);
  ret->layers = lay ? xstrdup (lay->value) : NULL;
  ret->path = xstrdup (to);
  ret->identity = xstrdup (id ? id->value : to);
  ret->swappable = sw ? xstrdup (sw->value) : NULL;
  /* "... belongs to uid N" names one user */
  const char *owner = sw ? strstr (sw->value, "belongs to uid ") : NULL;
  ret->swappable_uid = owner ? strtol (owner + 15, NULL, 10) : -1;
  ret->type = S_IFDIR;
  if (dev)
    {
      char t;
      if (sscanf (dev->value, "%c %u %u", &t, &ret->rdev_major, &ret->rdev_minor) == 3)
        ret->type = t == 'b' ? S_IFBLK : t == 'c' ? S_IFCHR : t == 'f' ? S_IFREG : S_IFDIR;
    }
  return 0;
}

/* ---- sockets ---- */

void
hr_fake_set_socket_group (const char *path, unsigned gid)
{
  char v[16];
  snprintf (v, sizeof v, "%u", gid);
  table_set (&sockets, path, v, true);
}

bool
hr_host_socket_group (const char *path, uint32_t *ret_gid)
{
  const struct entry *e = table_find (&sockets, path);
  if (e == NULL)
    return false;
  *ret_gid = (uint32_t) strtoul (e->value, NULL, 10);
  return true;
}

/* ---- joined user namespaces ---- */

void
hr_fake_set_userns_maps (const char *path, const char *uid_map, const char *gid_map)
{
  table_set (&userns_uid, path, uid_map, true);
  table_set (&userns_gid, path, gid_map, true);
}

int
hr_host_userns_maps (const char *path, char **ret_uid_map, char **ret_gid_map, struct hr_error *err)
{
  hr_fake_userns_calls++;
  const struct entry *u = table_find (&userns_uid, path), *g = table_find (&userns_gid, path);
  if (u == NULL || g == NULL)
    return hr_error_setsys (err, ENOENT, "cannot open user namespace \"%s\"", path);
  *ret_uid_map = xstrdup (u->value ? u->value : "");
  *ret_gid_map = xstrdup (g->value ? g->value : "");
  return 0;
}

bool
hr_host_has_namespace (const char *type)
{
  if (strcmp (type, "cgroup") == 0)
    return hr_fake_has_cgroupns;
  return true;
}
