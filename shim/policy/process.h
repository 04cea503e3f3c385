/* Controls over a process object, shared by create (config.json's
 * "process") and exec (the process file or the exec flags). */
#ifndef HARDRUN_POLICY_PROCESS_H
#define HARDRUN_POLICY_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "policy/policy.h"

/* The capability sets of a process, in the kernel's numbering. */
enum hr_capset
{
  HR_CAPSET_BOUNDING,
  HR_CAPSET_EFFECTIVE,
  HR_CAPSET_INHERITABLE,
  HR_CAPSET_PERMITTED,
  HR_CAPSET_AMBIENT,
  HR_CAPSET_COUNT,
};
extern const char *const hr_capset_names[HR_CAPSET_COUNT];

/* Reads a capability list; unknown names set *RET_UNKNOWN. */
uint64_t hr_caps_from_list (const struct hr_json *list, bool *ret_unknown);
/* A list of canonical names for MASK, in capability order. */
struct hr_json *hr_caps_to_list (uint64_t mask);

/* user: uid/gid 0 become RUN_AS_UID/GID, gid 0 leaves additionalGids.
 * PREFIX names the process in findings ("process"). */
int hr_process_user (struct hr_apply *a, struct hr_json *process, const char *prefix, bool uid_ok_mapped,
                     bool gid_ok_mapped, uint32_t run_as_uid, uint32_t run_as_gid, struct hr_error *err);

/* caps: every set is cut to what CEILING allows (bit N = capability N), as
 * computed by the caller. A non-root process gets the kept capabilities in
 * all five sets so that they survive execve. */
int hr_process_caps (struct hr_apply *a, struct hr_json *process, const char *prefix, uint64_t keep,
                     struct hr_error *err);

/* no_new_privileges: process.noNewPrivileges becomes true. */
int hr_process_no_new_privileges (struct hr_apply *a, struct hr_json *process, const char *prefix,
                                  struct hr_error *err);

#endif
