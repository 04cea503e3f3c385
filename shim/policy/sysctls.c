/* sysctls: only the profile's allowlist (by default Pod Security Standards'
 * safe set) may be set. */
#include "config.h"
#include "policy/policy.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static bool
allowed (const struct hr_strlist *l, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    {
      const char *p = l->v[i];
      size_t n = strlen (p);
      if (n > 0 && p[n - 1] == '*' ? strncmp (name, p, n - 1) == 0 : strcmp (name, p) == 0)
        return true;
    }
  return false;
}

int
hr_ctl_sysctls (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *sysctl = hr_json_get_path (spec, "linux.sysctl");
  (void) err;
  for (size_t i = hr_json_len (sysctl); i > 0; i--)
    {
      char *key = sysctl->u.obj.keys[i - 1];
      if (allowed (&a->ctx->profile->sysctls, key))
        continue;
      char field[300];
      snprintf (field, sizeof field, "linux.sysctl.%.256s", key);
      if (hr_violation (a, field, "sysctl \"%s\" is not allowed; removed", key))
        {
          char *copy = strdup (key);
          if (copy)
            hr_json_remove (sysctl, copy);
          free (copy);
        }
    }
  return 0;
}
