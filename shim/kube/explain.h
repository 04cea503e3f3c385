/* hardrun explain --kubernetes [--json|--sarif] [--no-apparmor]
 *                 [--runtime-default-seccomp FILE] FILE...
 *
 * Returns the exit status (0 compliant, 2 would change, 3 would refuse),
 * or negative errno with ERR filled. */
#ifndef HARDRUN_KUBE_EXPLAIN_H
#define HARDRUN_KUBE_EXPLAIN_H

#include "cmdline.h"
#include "error.h"

int hr_kube_explain (const struct hr_cmdline *cmd, struct hr_error *err);

#endif
