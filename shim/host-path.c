/* Host paths resolved the way the runtime will resolve them (see host.h).
 *
 * A bind mount's source is a name that runc hands to mount(2) later, from
 * another process, after it has mounted the container's /proc and earlier
 * binds. Judging the name as written lets through anything that resolves
 * differently then: a procfs link (/proc/self/root, /proc/PID/fd/N), a name
 * that does not exist yet, a directory someone swaps for a symlink. So the
 * source is walked here component by component with O_PATH|O_NOFOLLOW,
 * symlinks are expanded by hand, and a symlink found in a procfs directory
 * (every "magic" link lives there) ends the walk. What the walk reaches is
 * then named twice: by its path, and by what it is (its mount's root in
 * /proc/self/mountinfo, so that a volume directory onto which an engine
 * bound the host's "/" is judged as "/"). */
#include "config.h"
#include "host.h"
#include "cleanup.h"
#include "pathname.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* Bound on the mount table read from /proc/self/mountinfo. */
#define MAX_MOUNTS 65536

static bool
on_procfs (int fd)
{
  struct statfs s;
  return fstatfs (fd, &s) == 0 && (unsigned long) s.f_type == (unsigned long) PROC_SUPER_MAGIC;
}

/* Walks PATH from "/"; *RET_FD is an O_PATH descriptor of what it names. */
static int
walk (const char *path, int *ret_fd, struct hr_error *err)
{
  char pending[2 * PATH_MAX], comp[NAME_MAX + 1];
  if (strlen (path) >= sizeof pending)
    return hr_error_set (err, ENAMETOOLONG, "path is too long");
  strcpy (pending, path);
  char *p = pending;
  int links = 0, r;
  cleanup_close int dir = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return hr_error_setsys (err, errno, "cannot open \"/\"");

  while ((r = hr_path_next_component (&p, comp)) > 0)
    {
      if (strcmp (comp, ".") == 0)
        continue;
      cleanup_close int fd = openat (dir, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      struct stat st;
      if (fd < 0 || fstat (fd, &st) < 0)
        return hr_error_setsys (err, errno, "\"%s\"", comp);
      if (S_ISLNK (st.st_mode))
        {
          if (on_procfs (dir))
            return hr_error_set (err, EXDEV, "\"%s\" is a procfs link", comp);
          if (++links > HR_PATH_MAX_SYMLINKS)
            return hr_error_set (err, ELOOP, "too many symbolic links");
          char target[PATH_MAX];
          ssize_t tn = readlinkat (fd, "", target, sizeof target);
          if (tn <= 0 || (size_t) tn >= sizeof target)
            return hr_error_set (err, tn < 0 ? errno : ENAMETOOLONG, "cannot read symbolic link \"%s\"", comp);
          if (hr_path_splice (pending, sizeof pending, &p, target, (size_t) tn) < 0)
            return hr_error_set (err, ENAMETOOLONG, "path is too long");
          if (target[0] == '/')
            {
              int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
              if (root < 0)
                return hr_error_setsys (err, errno, "cannot open \"/\"");
              close (dir);
              dir = root;
            }
          continue;
        }
      if (*p == '/' && !S_ISDIR (st.st_mode))
        return hr_error_set (err, ENOTDIR, "\"%s\" is not a directory", comp);
      close (dir);
      dir = steal_fd (&fd);
    }
  if (r < 0)
    return hr_error_set (err, -r, "a component is too long");
  *ret_fd = steal_fd (&dir);
  return 0;
}

/* ---- the mount table ---- */

struct mount
{
  unsigned long id;
  unsigned major, minor;
  char *root;                   /* the directory of its filesystem it shows */
  char *point;                  /* where it is mounted */
  char *layers;                 /* an overlay's lowerdir and upperdir, ':'-joined; else NULL */
};

static struct mount *mounts;
static size_t n_mounts;
static bool mounts_read;

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *
unescape (const char *s)
{
  char *d = malloc (strlen (s) + 1), *o = d;
  if (d == NULL)
    return NULL;
  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
        {
          *o++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
          s += 3;
        }
      else
        *o++ = *s;
    }
  *o = '\0';
  return d;
}

/* The value of option NAME ("lowerdir=") in an overlay's super options
 * OPTS, up to the next ',' that is not escaped, appended to OUT. */
static void
option_value (const char *opts, const char *name, char *out, size_t size)
{
  size_t n = strlen (name);
  for (const char *p = opts; p && *p; p = strchr (p, ','), p = p ? p + 1 : NULL)
    {
      if (strncmp (p, name, n) != 0)
        continue;
      size_t len = strlen (out);
      for (p += n; *p && *p != ',' && *p != '\n' && len + 2 < size; p++)
        {
          if (*p == '\\' && p[1])
            p++;
          out[len++] = *p;
        }
      out[len] = '\0';
      return;
    }
}

/* For an overlay mount's LINE of mountinfo, *RET (owned) is its lowerdir
 * and upperdir joined by ':': the host directories whose content it shows.
 * NULL for other filesystems. */
static int
overlay_layers (const char *line, char **ret)
{
  *ret = NULL;
  const char *sep = strstr (line, " - ");
  char fstype[64], source[PATH_MAX];
  static char opts[PATH_MAX * 8], out[PATH_MAX * 8];
  if (sep == NULL || strlen (sep) >= sizeof opts || sscanf (sep + 3, "%63s %4095s %s", fstype, source, opts) != 3
      || strcmp (fstype, "overlay") != 0)
    return 0;
  out[0] = '\0';
  option_value (opts, "lowerdir=", out, sizeof out);
  if (out[0] && strlen (out) + 1 < sizeof out)
    strcat (out, ":");
  option_value (opts, "upperdir=", out, sizeof out);
  cleanup_free char *u = unescape (out);
  if (u == NULL)
    return -ENOMEM;
  *ret = steal_pointer (&u);
  return 0;
}

/* Reads /proc/self/mountinfo once per process. */
static int
read_mounts (void)
{
  if (mounts_read)
    return 0;
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return -errno;
  cleanup_free char *line = NULL;
  size_t cap = 0, alloc = 0;
  while (getline (&line, &cap, f) > 0)
    {
      unsigned long id, parent;
      unsigned maj, min;
      char root[PATH_MAX * 4], point[PATH_MAX * 4];
      if (cap > sizeof root || sscanf (line, "%lu %lu %u:%u %s %s", &id, &parent, &maj, &min, root, point) != 6)
        continue;
      if (n_mounts == MAX_MOUNTS)
        return -E2BIG;
      if (n_mounts == alloc)
        {
          size_t na = alloc ? alloc * 2 : 64;
          struct mount *nm = realloc (mounts, na * sizeof *nm);
          if (nm == NULL)
            return -ENOMEM;
          mounts = nm;
          alloc = na;
        }
      struct mount *m = &mounts[n_mounts];
      m->id = id;
      m->major = maj;
      m->minor = min;
      m->root = unescape (root);
      m->point = unescape (point);
      m->layers = NULL;
      if (m->root == NULL || m->point == NULL || overlay_layers (line, &m->layers) < 0)
        {
          free (m->root);
          free (m->point);
          return -ENOMEM;
        }
      n_mounts++;
    }
  mounts_read = true;
  return 0;
}

/* DIR + "/" + REST without doubling the slash; REST starts with "/" or is "". */
static char *
join (const char *dir, const char *rest)
{
  char *s = NULL;
  if (strcmp (dir, "/") == 0)
    return strdup (*rest ? rest : "/");
  if (strcmp (rest, "/") == 0)
    return strdup (dir);
  if (asprintf (&s, "%s%s", dir, rest) < 0)
    return NULL;
  return s;
}

/* The path under which the first mount of the filesystem shows the object
 * that FD (at PATH) is; *RET_LAYERS (borrowed, may be NULL) the layers of
 * the overlay it is on. */
static char *
identity_of (int fd, const char *path, const char **ret_layers)
{
  *ret_layers = NULL;
  if (read_mounts () < 0)
    return NULL;
  struct statx stx;
  unsigned long mnt_id = 0;
  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) == 0 && (stx.stx_mask & STATX_MNT_ID))
    mnt_id = (unsigned long) stx.stx_mnt_id;

  /* The mount PATH is on: by its ID, else the last, longest mount point
   * above PATH (the one on top). */
  const struct mount *mine = NULL;
  for (size_t i = 0; i < n_mounts; i++)
    {
      const struct mount *m = &mounts[i];
      if (mnt_id ? m->id == mnt_id
                 : hr_path_is_under (path, m->point) && (mine == NULL || strlen (m->point) >= strlen (mine->point)))
        mine = m;
    }
  if (mine == NULL || !hr_path_is_under (path, mine->point))
    return NULL;
  *ret_layers = mine->layers;
  const char *rel = strcmp (mine->point, "/") == 0 ? path : path + strlen (mine->point);
  cleanup_free char *fspath = join (mine->root, rel);
  if (fspath == NULL)
    return NULL;

  /* The filesystem's main mount: the one showing the most of it (shortest
   * root), then the one mounted highest, then the first. */
  const struct mount *best = mine;
  for (size_t i = 0; i < n_mounts; i++)
    {
      const struct mount *m = &mounts[i];
      if (m->major != mine->major || m->minor != mine->minor || !hr_path_is_under (fspath, m->root))
        continue;
      size_t lr = strlen (m->root), lb = strlen (best->root);
      size_t pr = strlen (m->point), pb = strlen (best->point);
      if (lr < lb || (lr == lb && (pr < pb || (pr == pb && m->id < best->id))))
        best = m;
    }
  const char *brel = strcmp (best->root, "/") == 0 ? fspath : fspath + strlen (best->root);
  return join (best->point, brel);
}

/* A directory above PATH that someone other than root and hardrun's caller
 * could change, as a message, or NULL; *RET_UID is that someone when it is
 * one user, else -1. */
static char *
swappable_parent (const char *path, long *ret_uid)
{
  char dir[PATH_MAX], child[PATH_MAX];
  uid_t me = geteuid ();
  size_t len = strlen (path);
  *ret_uid = -1;
  if (len >= sizeof dir)
    return NULL;
  for (size_t i = 1; i < len; i++)
    {
      if (path[i] != '/')
        continue;
      /* DIR = path[0..i), CHILD = DIR and the component after it */
      memcpy (dir, path, i);
      dir[i] = '\0';
      const char *c = path + i + 1;
      size_t cl = strchrnul (c, '/') - c;
      memcpy (child, path, (size_t) (c - path) + cl);
      child[(size_t) (c - path) + cl] = '\0';
      char *msg = NULL;
      int r = 0;
      struct stat d, ch;
      if (lstat (dir, &d) < 0 || lstat (child, &ch) < 0)
        continue;
      bool sticky_ok = (d.st_mode & S_ISVTX) && (ch.st_uid == 0 || ch.st_uid == me);
      if (d.st_uid != 0 && d.st_uid != me)
        {
          r = asprintf (&msg, "\"%s\" belongs to uid %u", dir, (unsigned) d.st_uid);
          *ret_uid = (long) d.st_uid;
        }
      else if ((d.st_mode & S_IWOTH) && !sticky_ok)
        r = asprintf (&msg, "\"%s\" is writable by anyone", dir);
      else if ((d.st_mode & S_IWGRP) && d.st_gid != 0 && !sticky_ok)
        r = asprintf (&msg, "\"%s\" is writable by group %u", dir, (unsigned) d.st_gid);
      if (r < 0)
        return strdup ("a directory above it is not root's");
      if (msg)
        return msg;
    }
  return NULL;
}

int
hr_host_resolve (const char *path, struct hr_host_object *ret, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  if (path == NULL || path[0] != '/')
    return hr_error_set (err, EINVAL, "not an absolute path");
  cleanup_close int fd = -1;
  int r = walk (path, &fd, err);
  if (r < 0)
    return r;

  char link[64], buf[PATH_MAX];
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink (link, buf, sizeof buf);
  if (n <= 0 || (size_t) n >= sizeof buf || buf[0] != '/')
    return hr_error_set (err, n < 0 ? errno : ENAMETOOLONG, "cannot name what it leads to");
  buf[n] = '\0';

  struct stat st;
  if (fstat (fd, &st) < 0)
    return hr_error_setsys (err, errno, "cannot examine it");
  ret->type = st.st_mode & S_IFMT;
  ret->rdev_major = major (st.st_rdev);
  ret->rdev_minor = minor (st.st_rdev);
  ret->path = strdup (buf);
  const char *layers = NULL;
  ret->identity = identity_of (fd, buf, &layers);
  if (layers && (ret->layers = strdup (layers)) == NULL)
    {
      hr_host_object_release (ret);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  if (ret->identity == NULL && ret->path)
    ret->identity = strdup (buf);
  ret->swappable = swappable_parent (buf, &ret->swappable_uid);
  if (ret->path == NULL || ret->identity == NULL)
    {
      hr_host_object_release (ret);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}
