/* Attestation: after a container starts, its init process must really be
 * what the hardened config says (docs/monitor.md, "Attestation"). hardrun
 * writes the expectation into the lifecycle hook's arguments at create;
 * hardrun-hook checks /proc/PID/status and /proc/PID/mountinfo against it at
 * poststart, and kills the container on a mismatch. Both halves are pure
 * functions of text, so that the unit tests cover them. */
#ifndef HARDRUN_ATTEST_H
#define HARDRUN_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

struct hr_attest
{
  int64_t uid, gid;             /* host ids; -1: not checked */
  uint64_t caps[5];             /* bounding, effective, inheritable, permitted, ambient (process.h order) */
  bool nnp;                     /* NoNewPrivs must be 1 */
  bool seccomp;                 /* Seccomp must be 2 */
  bool readonly_root;           /* the root mount must be read-only */
};

/* The longest expectation, its NUL included. */
#define HR_ATTEST_MAX 160

/* The expectation for SPEC (a hardened config.json) as one compact token of
 * numbers and flags, no path and no free text (it rides on hardrun-hook's
 * argv, hookargs.h):
 *   "uid=N,gid=N,caps=B:E:I:P:A,nnp=0|1,seccomp=0|1,ro=0|1"
 * ids decimal up to 4294967295 or -1 (not checked), caps lower-case hex
 * without leading zeros. Returns false when SPEC has no process to attest
 * or the token does not fit SIZE. */
bool hr_attest_expect (const struct hr_json *spec, char *buf, size_t size);

/* Parses that token strictly: fields in that order, nothing before, between
 * or after them; false for anything else. */
bool hr_attest_parse (const char *arg, struct hr_attest *ret);

/* Checks a process's /proc/PID/status (STATUS) and /proc/PID/mountinfo
 * (MOUNTINFO, may be NULL when the root is not checked) against EXPECT.
 * Returns true when it complies; otherwise WHY (SIZE bytes) lists every
 * mismatch: "Uid 0 where 65534 is required; CapEff 00000000a80425fb
 * exceeds 0000000000000000". */
bool hr_attest_check (const struct hr_attest *expect, const char *status, const char *mountinfo, char *why,
                      size_t size);

#endif
