#include "config.h"
#include "pathname.h"

#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


bool
hr_path_normalize (const char *path, char *ret, size_t size)
{
  size_t len = 0;
  if (size < 2)
    return false;
  ret[len++] = '/';
  const char *p = path;
  while (*p)
    {
      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      const char *end = strchr (p, '/');
      size_t n = end ? (size_t) (end - p) : strlen (p);
      if (n == 1 && p[0] == '.')
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          while (len > 1 && ret[len - 1] != '/')
            len--;
          if (len > 1)
            len--;              /* drop the separator too */
        }
      else
        {
          if (len > 1)
            {
              if (len + 1 >= size)
                return false;
              ret[len++] = '/';
            }
          if (len + n >= size)
            return false;
          memcpy (ret + len, p, n);
          len += n;
        }
      p += n;
    }
  ret[len] = '\0';
  return true;
}

bool
hr_path_is_under (const char *path, const char *dir)
{
  if (strcmp (dir, "/") == 0)
    return true;
  size_t n = strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Puts TARGET in front of the unresolved rest *P of PENDING (SIZE bytes). */
int
hr_path_splice (char *pending, size_t size, char **p, const char *target, size_t tn)
{
  size_t rl = strlen (*p);
  if (tn + rl + 1 > size)
    return -ENAMETOOLONG;
  memmove (pending + tn, *p, rl + 1);
  memcpy (pending, target, tn);
  *p = pending;
  return 0;
}

/* Takes the next component of *P into COMP (NAME_MAX + 1 bytes): 0 at the
 * end, 1 with a component, -ENAMETOOLONG. */
int
hr_path_next_component (char **p, char *comp)
{
  while (**p == '/')
    (*p)++;
  if (**p == '\0')
    return 0;
  const char *end = strchrnul (*p, '/');
  size_t n = (size_t) (end - *p);
  if (n > NAME_MAX)
    return -ENAMETOOLONG;
  memcpy (comp, *p, n);
  comp[n] = '\0';
  *p += n;
  return 1;
}


static bool
under_any (const char *path, const char *const *dirs)
{
  for (size_t i = 0; dirs && dirs[i]; i++)
    if (hr_path_is_under (path, dirs[i]))
      return true;
  return false;
}

int
hr_path_resolve_in_root (const char *root, const char *path, const char *const *avoid, char **ret, char **ret_via,
                         struct hr_error *err)
{
  char pending[2 * PATH_MAX], comp[NAME_MAX + 1], cur[PATH_MAX] = "/";
  *ret = NULL;
  *ret_via = NULL;
  if (strlen (path) >= sizeof pending)
    return hr_error_set (err, ENAMETOOLONG, "path is too long");
  strcpy (pending, path);
  cleanup_close int rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  bool missing = rootfd < 0;    /* from here on, the rest is taken as written */
  char *p = pending;
  int links = 0, r;
  cleanup_free char *via = NULL;

  while ((r = hr_path_next_component (&p, comp)) > 0)
    {
      size_t len = strlen (cur);
      if (strcmp (comp, ".") == 0)
        continue;
      if (strcmp (comp, "..") == 0)
        {
          while (len > 1 && cur[len - 1] != '/')
            len--;
          cur[len > 1 ? len - 1 : 1] = '\0';
          continue;
        }
      if (len + 1 + strlen (comp) >= sizeof cur)
        return hr_error_set (err, ENAMETOOLONG, "path is too long");
      char cand[PATH_MAX];
      snprintf (cand, sizeof cand, "%s%s%s", cur, len > 1 ? "/" : "", comp);
      if (via == NULL && under_any (cand, avoid) && (via = strdup (cand)) == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
      struct stat st;
      if (!missing && fstatat (rootfd, cand + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
        missing = true;
      if (!missing && S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX];
          if (++links > HR_PATH_MAX_SYMLINKS)
            return hr_error_set (err, ELOOP, "too many symbolic links");
          ssize_t tn = readlinkat (rootfd, cand + 1, target, sizeof target);
          if (tn <= 0 || (size_t) tn >= sizeof target)
            return hr_error_set (err, tn < 0 ? errno : ENAMETOOLONG, "cannot read symbolic link \"%s\"", cand);
          if (hr_path_splice (pending, sizeof pending, &p, target, (size_t) tn) < 0)
            return hr_error_set (err, ENAMETOOLONG, "path is too long");
          if (target[0] == '/')
            strcpy (cur, "/");
          continue;
        }
      strcpy (cur, cand);
    }
  if (r < 0)
    return hr_error_set (err, -r, "a component is too long");
  if ((*ret = strdup (cur)) == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  *ret_via = via;
  via = NULL;
  return 0;
}
