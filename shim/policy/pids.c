/* pids: a process-count limit, the fork-bomb guard, when none or an
 * unlimited one is set. */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <inttypes.h>

int
hr_ctl_pids (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  int64_t limit = 0;
  const struct hr_json *v = hr_json_get_path (spec, "linux.resources.pids.limit");
  if (v)
    hr_json_int_value (v, INT64_MIN, INT64_MAX, &limit);
  if (limit > 0)
    return 0;
  int64_t want = a->ctx->profile->pids_limit;
  if (want <= 0)
    return 0;
  if (!hr_violation (a, "linux.resources.pids.limit", "%s; set to %" PRId64, v ? "unlimited" : "no limit", want))
    return 0;
  struct hr_json *l = hr_json_ensure_object (spec, "linux");
  struct hr_json *res = l ? hr_json_ensure_object (l, "resources") : NULL;
  struct hr_json *pids = res ? hr_json_ensure_object (res, "pids") : NULL;
  if (pids == NULL)
    return hr_error_set (err, EINVAL, "\"linux.resources.pids\" is not an object");
  return hr_json_set (pids, "limit", hr_json_new_i64 (want), err);
}
