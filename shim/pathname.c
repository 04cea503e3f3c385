#include "config.h"
#include "pathname.h"

#include <string.h>

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
