/* Small helpers over a mount entry's "options" array. */
#ifndef HARDRUN_MOUNTOPT_H
#define HARDRUN_MOUNTOPT_H

#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
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

/* The option that undoes OPT and the other way round ("ro" and "rw"), or
 * NULL. */
static inline const char *
hr_mount_option_inverse (const char *opt)
{
  static const char *const pairs[][2] = {
    { "ro", "rw" }, { "nosuid", "suid" }, { "nodev", "dev" }, { "noexec", "exec" },
  };
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
    {
      if (strcmp (opt, pairs[i][0]) == 0)
        return pairs[i][1];
      if (strcmp (opt, pairs[i][1]) == 0)
        return pairs[i][0];
    }
  return NULL;
}

/* Is OPT in effect? runc and crun read the options in order, so a later
 * "rw", "suid", "dev" or "exec" undoes an earlier "ro", "nosuid", "nodev"
 * or "noexec". Then they apply the recursive attributes ("rro", "rrw",
 * "rnosuid", "rsuid", ...) with mount_setattr(2), which clears before it
 * sets: "rrw" undoes "ro" wherever it stands, and "rro" sets it. */
static inline bool
hr_mount_option_in_effect (const struct hr_json *mount, const char *opt)
{
  const char *inverse = hr_mount_option_inverse (opt);
  const struct hr_json *opts = hr_json_get (mount, "options");
  bool on = false, rec_set = false, rec_clear = false;
  for (size_t i = 0; i < hr_json_len (opts); i++)
    {
      const char *o = hr_json_string (hr_json_at (opts, i));
      if (o == NULL)
        continue;
      if (strcmp (o, opt) == 0)
        on = true;
      else if (inverse && strcmp (o, inverse) == 0)
        on = false;
      else if (o[0] == 'r' && strcmp (o + 1, opt) == 0)
        rec_set = true;
      else if (inverse && o[0] == 'r' && strcmp (o + 1, inverse) == 0)
        rec_clear = true;
    }
  return rec_set || (on && !rec_clear);
}

/* Makes OPT the last word: every OPT, its inverse and the recursive
 * inverse ("rrw" for "ro") go, OPT is appended. */
static inline int
hr_mount_force_option (struct hr_json *mount, const char *opt, struct hr_error *err)
{
  const char *inverse = hr_mount_option_inverse (opt);
  hr_mount_remove_option (mount, opt);
  if (inverse)
    {
      char rec_inverse[16];
      snprintf (rec_inverse, sizeof rec_inverse, "r%s", inverse);
      hr_mount_remove_option (mount, inverse);
      hr_mount_remove_option (mount, rec_inverse);
    }
  return hr_mount_add_option (mount, opt, err);
}

static inline bool
hr_mount_is_bind (const struct hr_json *mount)
{
  const char *type = hr_json_string (hr_json_get (mount, "type"));
  return (type && strcmp (type, "bind") == 0) || hr_mount_has_option (mount, "bind")
         || hr_mount_has_option (mount, "rbind");
}

#endif
