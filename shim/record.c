#include "config.h"
#include "record.h"
#include "hash.h"
#include "cleanup.h"
#include "spec.h"
#include "writeback.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool
hr_record_id_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strcmp (id, ".") == 0 || strcmp (id, "..") == 0 || strlen (id) > 1024)
    return false;
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'
          || *p == '+' || *p == '.' || *p == '-'))
      return false;
  return true;
}

static int
record_dir (const char *state_dir, const char *root, char *buf, size_t size)
{
  int n = snprintf (buf, size, "%s/containers/%016" PRIx64, state_dir, hr_fnv1a (root ? root : ""));
  return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

static int
mkdir_p (const char *path, mode_t mode)
{
  char tmp[PATH_MAX];
  if (strlen (path) >= sizeof tmp)
    return -ENAMETOOLONG;
  strcpy (tmp, path);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        if (mkdir (tmp, mode) < 0 && errno != EEXIST)
          return -errno;
        *p = '/';
      }
  if (mkdir (tmp, mode) < 0 && errno != EEXIST)
    return -errno;
  return 0;
}

static int
copy_member (struct hr_json *dst, const struct hr_json *src, const char *key, struct hr_error *err)
{
  const struct hr_json *v = hr_json_get (src, key);
  if (v == NULL)
    return 0;
  return hr_json_set (dst, key, hr_json_copy (v), err);
}

/* Records outlive containers that the runtime deletes by itself ("run"
 * without -d deletes its container on exit, with no "delete" through
 * hardrun). Removes the records in DIR whose container has no state
 * directory under ROOT any more. Only old ones: a record is written before
 * the runtime creates the container. */
#define STALE_RECORD_SECONDS 600

static void
remove_stale (const char *dir, const char *root)
{
  if (root == NULL || root[0] != '/')
    return;                     /* the runtime's default root: unknown here */
  cleanup_close int rfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rfd < 0 || dfd < 0)
    {
      if (dfd >= 0)
        close (dfd);
      return;
    }
  DIR *d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return;
    }
  time_t now = time (NULL);
  struct dirent *e;
  while ((e = readdir (d)))
    {
      char id[256];
      size_t n = strlen (e->d_name);
      struct stat st;
      if (e->d_name[0] == '.' || n <= 5 || n - 5 >= sizeof id || strcmp (e->d_name + n - 5, ".json") != 0)
        continue;
      memcpy (id, e->d_name, n - 5);
      id[n - 5] = '\0';
      if (!hr_record_id_valid (id) || fstatat (dirfd (d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
          || now - st.st_mtime < STALE_RECORD_SECONDS)
        continue;
      if (fstatat (rfd, id, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
        unlinkat (dirfd (d), e->d_name, 0);
    }
  closedir (d);
}

int
hr_record_write (const char *state_dir, const char *root, const char *id, const struct hr_json *spec,
                 const char *profile, const char *bundle, const char *runtime, struct hr_error *err)
{
  char dir[PATH_MAX], tmp[PATH_MAX + 64], path[PATH_MAX + 64];
  if (!hr_record_id_valid (id))
    return hr_error_set (err, EINVAL, "container ID \"%s\" is not valid", id ? id : "");
  if (record_dir (state_dir, root, dir, sizeof dir) < 0)
    return hr_error_set (err, ENAMETOOLONG, "state directory path too long");
  int r = mkdir_p (dir, 0700);
  if (r < 0)
    return hr_error_setsys (err, -r, "cannot create \"%s\"", dir);
  remove_stale (dir, root);

  cleanup_json struct hr_json *rec = hr_json_new_object ();
  struct hr_json *proc = hr_json_new_object ();
  if (rec == NULL || proc == NULL || hr_json_set (rec, "process", proc, err) < 0)
    return hr_error_set (err, ENOMEM, "out of memory");
  const struct hr_json *sp = hr_json_get (spec, "process");
  static const char *const keys[] = { "user", "capabilities", "noNewPrivileges", "apparmorProfile", "selinuxLabel" };
  for (size_t i = 0; i < HR_ARRAY_SIZE (keys); i++)
    if ((r = copy_member (proc, sp, keys[i], err)) < 0)
      return r;
  /* the pids limit it was made with: an update may not go above it */
  int64_t pids = 0;
  if (hr_json_int_value (hr_json_get_path (spec, "linux.resources.pids.limit"), 1, INT64_MAX, &pids)
      && (r = hr_json_set (rec, "pidsLimit", hr_json_new_i64 (pids), err)) < 0)
    return r;
  if ((r = hr_json_set (rec, "profile", hr_json_new_string (profile ? profile : ""), err)) < 0
      || (r = hr_json_set (rec, "bundle", hr_json_new_string (bundle ? bundle : ""), err)) < 0
      || (r = copy_member (rec, hr_json_get (spec, "root"), "path", err)) < 0
      || (r = hr_json_set (rec, "runtime", hr_json_new_string (runtime ? runtime : ""), err)) < 0)
    return r;
  /* the pod a CRI sandbox belongs to: its containers must name the same
   * (harden.c, hr_invocation_cri) */
  const struct hr_json *ann = hr_json_get (spec, "annotations");
  const char *ns = hr_json_string (hr_json_get (ann, "io.kubernetes.cri.sandbox-namespace"));
  const char *pod = hr_json_string (hr_json_get (ann, "io.kubernetes.cri.sandbox-name"));
  if (ns && pod)
    {
      struct hr_json *po = hr_json_new_object ();
      if (po == NULL || hr_json_set (rec, "pod", po, err) < 0 || hr_json_set (po, "namespace", hr_json_new_string (ns), err) < 0
          || hr_json_set (po, "name", hr_json_new_string (pod), err) < 0)
        return hr_error_set (err, ENOMEM, "out of memory");
    }

  cleanup_free char *data = NULL;
  size_t len = 0;
  if ((r = hr_json_serialize (rec, false, &data, &len, err)) < 0)
    return r;
  snprintf (tmp, sizeof tmp, "%s/.%s.%d.tmp", dir, id, (int) getpid ());
  snprintf (path, sizeof path, "%s/%s.json", dir, id);
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return hr_error_setsys (err, errno, "cannot create \"%s\"", tmp);
  r = hr_write_all (fd, data, len);
  if (r == 0 && rename (tmp, path) < 0)
    r = -errno;
  if (r < 0)
    {
      unlink (tmp);
      return hr_error_setsys (err, -r, "cannot write \"%s\"", path);
    }
  return 0;
}

int
hr_record_load (const char *state_dir, const char *root, const char *id, struct hr_json **ret,
                struct hr_error *err)
{
  char dir[PATH_MAX], path[PATH_MAX + 64];
  *ret = NULL;
  if (!hr_record_id_valid (id))
    return hr_error_set (err, EINVAL, "container ID \"%s\" is not valid", id ? id : "");
  if (record_dir (state_dir, root, dir, sizeof dir) < 0)
    return hr_error_set (err, ENAMETOOLONG, "state directory path too long");
  snprintf (path, sizeof path, "%s/%s.json", dir, id);
  cleanup_close int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return 0;
      return hr_error_setsys (err, errno, "cannot open container record \"%s\"", path);
    }
  /* hardrun's own file, or nothing to go by: a record names the exec
   * ceiling and the runtime hardrun execs as root */
  struct stat st;
  if (fstat (fd, &st) < 0)
    return hr_error_setsys (err, errno, "container record \"%s\"", path);
  if (!S_ISREG (st.st_mode) || st.st_uid != geteuid () || (st.st_mode & 022) != 0 || st.st_nlink != 1)
    return hr_error_set (err, EPERM,
                         "container record \"%s\" is not hardrun's own (a regular file of its user, writable by "
                         "nobody else, with one link)",
                         path);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r = hr_read_fd_limited (fd, path, 1024 * 1024, &buf, &len, err);
  if (r < 0)
    return r;
  return hr_json_parse (buf, len, path, ret, err);
}

int
hr_record_runtime (const char *state_dir, const char *root, const char *id, char **ret)
{
  *ret = NULL;
  cleanup_json struct hr_json *rec = NULL;
  struct hr_error e = { 0 };
  if (hr_record_load (state_dir, root, id, &rec, &e) < 0 || rec == NULL)
    return -ENOENT;
  /* Records from before hardrun kept the runtime have none: the policy
   * decides. "" is a policy that named none. */
  const char *rt = hr_json_string (hr_json_get (rec, "runtime"));
  if (rt == NULL)
    return -ENOENT;
  if (*rt && (*ret = strdup (rt)) == NULL)
    return -ENOMEM;
  return 0;
}

int
hr_record_remove (const char *state_dir, const char *root, const char *id)
{
  char dir[PATH_MAX], path[PATH_MAX + 64];
  if (!hr_record_id_valid (id) || record_dir (state_dir, root, dir, sizeof dir) < 0)
    return -EINVAL;
  snprintf (path, sizeof path, "%s/%s.json", dir, id);
  return unlink (path) < 0 ? -errno : 0;
}
