/* "update": the resources a running container is changed to, held to its
 * profile before the runtime applies them (policy/update.h). */
#ifndef HARDRUN_UPDATE_H
#define HARDRUN_UPDATE_H

#include "cmdline.h"
#include "error.h"
#include "harden.h"
#include "policy/policy.h"

/* Judges the update CMD asks for under the container's profile (its
 * record's, else the policy's). The resources come from -r FILE, or from
 * standard input for "-r -": those are read here, and standard input is
 * replaced by a copy of what was read, so the runtime reads the same bytes
 * that were judged. A refused update is an error naming every refusal. */
int hr_harden_update (const struct hr_cmdline *cmd, struct hr_settings *s, struct hr_report *ret_report,
                      struct hr_error *err);

#endif
