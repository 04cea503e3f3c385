/* Small helpers over a mount entry's "options" array. */
#ifndef HARDRUN_MOUNTOPT_H
#define HARDRUN_MOUNTOPT_H

#include <stdbool.h>
#include <errno.h>
#include <string.h>

#include "json.h"

static inline bool
hr_mount_has_option (const struct hr_json *mount, const char *opt)
{
  const struct hr_json *opts = hr_json_get (mount, "options");
  for (size_t i = 0; i < hr_json_len (opts); i++)
    {
      const char *o = hr_json_string (hr_json_at (opts, i));
      if (o && strcmp (o, opt) == 0)
        return true;
    }
  return false;
}

/* Appends OPT to the mount's options (creating the array). */
static inline int
hr_mount_add_option (struct hr_json *mount, const char *opt, struct hr_error *err)
{
  struct hr_json *opts = hr_json_ensure_array (mount, "options");
  if (opts == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  return hr_json_append (opts, hr_json_new_string (opt), err);
}

/* Removes every OPT from the mount's options; returns how many. */
static inline size_t
hr_mount_remove_option (struct hr_json *mount, const char *opt)
{
  struct hr_json *opts = hr_json_get (mount, "options");
  size_t removed = 0;
  for (size_t i = hr_json_len (opts); i > 0; i--)
    {
      const char *o = hr_json_string (hr_json_at (opts, i - 1));
      if (o && strcmp (o, opt) == 0)
        {
          hr_json_remove_at (opts, i - 1);
          removed++;
        }
    }
  return removed;
}

static inline bool
hr_mount_is_bind (const struct hr_json *mount)
{
  const char *type = hr_json_string (hr_json_get (mount, "type"));
  return (type && strcmp (type, "bind") == 0) || hr_mount_has_option (mount, "bind")
         || hr_mount_has_option (mount, "rbind");
}

#endif
