/* annotations: those that change the runtime's behaviour go: crun's
 * "run.oci.*" (run.oci.seccomp_bpf_data replaces the whole seccomp filter),
 * "org.criu.config" and "org.systemd.property.*". */
#include "config.h"
#include "policy/policy.h"
#include "cleanup.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

static const char *const prefixes[] = { "run.oci.", "org.systemd.property." };
static const char *const exact[] = { "org.criu.config" };

static bool
unsafe (const char *key)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (prefixes); i++)
    if (strncasecmp (key, prefixes[i], strlen (prefixes[i])) == 0)
      return true;
  for (size_t i = 0; i < HR_ARRAY_SIZE (exact); i++)
    if (strcasecmp (key, exact[i]) == 0)
      return true;
  return false;
}

int
hr_ctl_annotations (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *ann = hr_json_get (spec, "annotations");
  (void) err;
  for (size_t i = hr_json_len (ann); i > 0; i--)
    {
      const char *key = ann->u.obj.keys[i - 1];
      if (!unsafe (key))
        continue;
      char field[300];
      snprintf (field, sizeof field, "annotations.%.256s", key);
      if (hr_violation (a, field, "annotation \"%s\" changes the runtime's behaviour; removed", key))
        {
          char *copy = strdup (key);
          if (copy)
            hr_json_remove (ann, copy);
          free (copy);
        }
    }
  return 0;
}
