/* hardrun-hook's attestation of a started container (shim/attest.h):
 * reads the init process's status and mounts, and kills the container when
 * they do not match the hardened config. */
#ifndef HARDRUN_HOOK_ATTESTATION_H
#define HARDRUN_HOOK_ATTESTATION_H

#include <stddef.h>
#include <sys/types.h>

enum hr_hook_attest_result
{
  HR_HOOK_ATTEST_OK,
  HR_HOOK_ATTEST_GONE,          /* the process had already exited: nothing to check */
  HR_HOOK_ATTEST_UNUSABLE,      /* the expectation could not be read */
  HR_HOOK_ATTEST_KILLED,        /* mismatch: the container was killed; WHY says why */
};

/* Attests process PID against EXPECT (hr_attest_expect's text). */
enum hr_hook_attest_result hr_hook_attest (const char *expect, pid_t pid, char *why, size_t size);

#endif
