/* Who is calling: whether a create comes from containerd's CRI, so that
 * the io.kubernetes.cri.* annotations are containerd's and not the
 * caller's (hardrun-policy(5), ANNOTATION SOURCES). */
#ifndef HARDRUN_INVOCATION_H
#define HARDRUN_INVOCATION_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "policyfile.h"

/* True when ROOT (runc's --root) is one of the policy's cri.runtimeRoots
 * and ANNOTATIONS are consistent with a CRI pod: a sandbox's
 * io.kubernetes.cri.sandbox-id is its own ID; a container's names a
 * sandbox hardrun created under the same root, in the same pod. Otherwise
 * false, with the reason in WHY (SIZE bytes). STATE_DIR holds the records. */
bool hr_invocation_cri (const struct hr_policy *p, const char *root, const char *id, const struct hr_json *annotations,
                        const char *state_dir, char *why, size_t size);

#endif
