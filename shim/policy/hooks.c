/* hooks: OCI hooks run as root on the host, outside the container. Only
 * allowlisted programs may run: the engines' own (Docker's
 * "/proc/<pid>/exe libnetwork-setkey" resolves to dockerd) and hardrun's. */
#include "config.h"
#include "policy/policy.h"
#include "pathname.h"
#include "cleanup.h"
#include "host.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static const char *const kinds[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static bool
allowed (const struct hr_strlist *l, const char *norm, const char *resolved)
{
  for (size_t i = 0; i < l->n; i++)
    {
      char a[PATH_MAX];
      if (!hr_path_normalize (l->v[i], a, sizeof a))
        continue;
      if (resolved && strcmp (resolved, a) == 0)
        return true;
      if (resolved == NULL && strcmp (norm, a) == 0)
        return true;
    }
  return false;
}

int
hr_ctl_hooks (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *hooks = hr_json_get (spec, "hooks");
  (void) err;
  for (size_t k = 0; k < HR_ARRAY_SIZE (kinds); k++)
    {
      struct hr_json *list = hr_json_get (hooks, kinds[k]);
      for (size_t i = hr_json_len (list); i > 0; i--)
        {
          const char *path = hr_json_string (hr_json_get (hr_json_at (list, i - 1), "path"));
          char norm[PATH_MAX] = "";
          if (path)
            hr_path_normalize (path, norm, sizeof norm);
          /* The program that will run is where the path leads now. */
          cleanup_free char *resolved = path ? hr_host_realpath (path) : NULL;
          if (path && path[0] == '/' && allowed (&a->ctx->profile->hook_paths, norm, resolved))
            continue;
          char field[64];
          snprintf (field, sizeof field, "hooks.%s[%zu]", kinds[k], i - 1);
          if (hr_violation (a, field, "hook \"%s\" is not on the allowlist; removed", path ? path : ""))
            hr_json_remove_at (list, i - 1);
        }
    }
  return 0;
}
