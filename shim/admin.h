/* hardrun's own commands, which never start anything:
 *
 *   hardrun [--hardrun-policy FILE] [--hardrun-profile P] explain [--json] BUNDLE|CONFIG
 *   hardrun policy check [FILE]
 *   hardrun policy show [PROFILE]
 *   hardrun why [--json] ID            (why.c)
 *
 * explain exits 0 when the config complies, 2 when hardrun would change
 * it, 3 when it would refuse it, 1 on error. */
#ifndef HARDRUN_ADMIN_H
#define HARDRUN_ADMIN_H

#include "cmdline.h"
#include "error.h"

#define HR_EXPLAIN_COMPLIANT 0
#define HR_EXPLAIN_CHANGED 2
#define HR_EXPLAIN_REFUSED 3

/* Returns the exit status (>= 0), or negative errno with ERR filled. */
int hr_admin_main (const struct hr_cmdline *cmd, struct hr_error *err);

#endif
