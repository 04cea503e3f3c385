/* update: no resource update lifts a limit hardrun holds (see update.h). */
#include "config.h"
#include "policy/update.h"
#include "policy/devices.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The highest pids limit the container may have: the profile's, or the one
 * it was created with when that was higher (the pids control accepts any
 * limit a spec sets). */
static int64_t
pids_ceiling (const struct hr_profile *p, const struct hr_update_request *req)
{
  return req->created_pids_limit > p->pids_limit ? req->created_pids_limit : p->pids_limit;
}

/* runc and crun leave the limit as it is for 0 and make any negative value
 * "max". */
static void
judge_pids_limit (struct hr_apply *a, const struct hr_update_request *req, const char *field, int64_t limit)
{
  int64_t ceiling = pids_ceiling (a->ctx->profile, req);
  if (limit < 0)
    hr_refusal (a, field, "%s %" PRId64 " would remove the pids limit (at most %" PRId64 ")", field, limit,
                ceiling);
  else if (limit > ceiling)
    hr_refusal (a, field, "%s %" PRId64 " is above the container's pids limit of at most %" PRId64, field, limit,
                ceiling);
}

static void
judge_pids (struct hr_apply *a, const struct hr_update_request *req)
{
  if (a->ctx->profile->pids_limit <= 0)
    return;                     /* the profile sets no limit */
  if (req->resources == NULL)
    {
      if (req->pids_flag)
        judge_pids_limit (a, req, "--pids-limit", req->pids_limit);
      return;
    }
  const struct hr_json *pids = hr_json_get (req->resources, "pids");
  const struct hr_json *v = hr_json_get (pids, "limit");
  int64_t limit;
  if (v && !hr_json_int_value (v, INT64_MIN, INT64_MAX, &limit))
    hr_refusal (a, "pids.limit", "pids.limit is not an integer");
  else if (v)
    judge_pids_limit (a, req, "pids.limit", limit);
  /* cgroup v2 files written as they are, after everything else */
  const struct hr_json *unified = hr_json_get (req->resources, "unified");
  for (size_t i = 0; hr_json_is_object (unified) && i < unified->u.obj.len; i++)
    if (strncmp (unified->u.obj.keys[i], "pids.", 5) == 0)
      hr_refusal (a, "unified", "unified \"%s\" is held by the pids limit", unified->u.obj.keys[i]);
}

static void
judge_devices (struct hr_apply *a, const struct hr_update_request *req)
{
  /* runc 1.1 skips devices on update; crun writes them to the cgroup */
  const struct hr_json *rules = hr_json_get (req->resources, "devices");
  char field[64];
  for (size_t i = 0; i < hr_json_len (rules); i++)
    if (hr_device_rule_allows_more (hr_json_at (rules, i)))
      {
        snprintf (field, sizeof field, "devices[%zu]", i);
        hr_refusal (a, field, "%s: device cgroup rule allows more than the default devices", field);
      }
  const struct hr_json *unified = hr_json_get (req->resources, "unified");
  for (size_t i = 0; hr_json_is_object (unified) && i < unified->u.obj.len; i++)
    if (strncmp (unified->u.obj.keys[i], "devices.", 8) == 0)
      hr_refusal (a, "unified", "unified \"%s\" is held by the device rules", unified->u.obj.keys[i]);
}

int
hr_update_apply (const struct hr_policy_ctx *ctx, const struct hr_update_request *req, struct hr_report *report,
                 struct hr_error *err)
{
  memset (report, 0, sizeof *report);
  if (req->resources && !hr_json_is_object (req->resources))
    return hr_error_set (err, EINVAL, "resources: expected a JSON object");
  struct hr_apply a = { .ctx = ctx, .control = HR_CTL_PIDS, .mode = ctx->profile->mode[HR_CTL_PIDS],
                        .report = report };
  if (a.mode != HR_MODE_OFF)
    judge_pids (&a, req);
  a.control = HR_CTL_DEVICES;
  a.mode = ctx->profile->mode[HR_CTL_DEVICES];
  if (a.mode != HR_MODE_OFF && req->resources)
    judge_devices (&a, req);
  if (report->oom)
    return hr_error_set (err, ENOMEM, "out of memory");
  return 0;
}
