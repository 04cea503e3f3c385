/* update: a change of a running container's resources is held to the
 * controls that set its limits at create. The pids control keeps a limit
 * (never unlimited, never above what the container may have); the devices
 * control keeps device access to the default devices.
 *
 * runc 1.1 reads either the -r/--resources document (all other flags are
 * then ignored) or the flags; crun does the same. Pure: no I/O. */
#ifndef HARDRUN_POLICY_UPDATE_H
#define HARDRUN_POLICY_UPDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/policy.h"

struct hr_update_request
{
  /* borrowed: the -r document (a linux.resources object); NULL when the
   * flags apply */
  const struct hr_json *resources;
  /* --pids-limit, when the flags apply and it was given; as Go parsed it */
  bool pids_flag;
  int64_t pids_limit;
  /* the limit the container was created with (its record), 0 if unknown */
  int64_t created_pids_limit;
};

/* Judges REQ under CTX->profile's pids and devices controls. Fills REPORT
 * (release with hr_report_release); REPORT->refused when the update would
 * lift a limit. Returns negative errno only when hardrun itself fails. */
int hr_update_apply (const struct hr_policy_ctx *ctx, const struct hr_update_request *req, struct hr_report *report,
                     struct hr_error *err);

#endif
