/* hardrun why: what hardrun did to a container and how it ended, from the
 * audit trail (hardrun's decision and the lifecycle hook's records).
 *
 *   hardrun [--hardrun-policy FILE] why [--json] ID */
#ifndef HARDRUN_WHY_H
#define HARDRUN_WHY_H

#include "cmdline.h"
#include "error.h"

/* Returns 0 when a record of ID was found, negative errno otherwise. */
int hr_why_main (const struct hr_cmdline *cmd, struct hr_error *err);

#endif
