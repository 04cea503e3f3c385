/* no_new_privileges: execve can never raise privileges (setuid binaries,
 * file capabilities). */
#include "config.h"
#include "policy/policy.h"
#include "policy/process.h"

#include <stdio.h>
#include <string.h>

int
hr_process_no_new_privileges (struct hr_apply *a, struct hr_json *process, const char *prefix,
                              struct hr_error *err)
{
  const struct hr_json *v = hr_json_get (process, "noNewPrivileges");
  if (v && v->type == HR_JSON_TRUE)
    return 0;
  char field[128];
  snprintf (field, sizeof field, "%s.noNewPrivileges", prefix);
  if (!hr_violation (a, field, "was %s; set to true", v ? "false" : "unset"))
    return 0;
  return hr_json_set (process, "noNewPrivileges", hr_json_new_bool (true), err);
}

int
hr_ctl_no_new_privileges (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *process = hr_json_get (spec, "process");
  if (process == NULL)
    return 0;
  return hr_process_no_new_privileges (a, process, "process", err);
}
