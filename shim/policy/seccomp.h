/* seccomp profiles: hardrun's syscall filter, kept in a file that is
 * resolved for one container into a plain OCI "linux.seccomp" object.
 *
 * A profile (profiles/seccomp/default.json) is the OCI object plus what the
 * engines' profiles add, with architectures named the OCI way:
 *
 *   { "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
 *     "archMap": [ { "architecture": "SCMP_ARCH_X86_64",
 *                    "subArchitectures": [ "SCMP_ARCH_X86", "SCMP_ARCH_X32" ] } ],
 *     "syscalls": [ { "names": [ "read" ], "action": "SCMP_ACT_ALLOW",
 *                     "errnoRet": 1, "args": [ { "index": 0, "value": 1, "op": "SCMP_CMP_EQ" } ],
 *                     "includes": { "caps": [ "CAP_SYS_ADMIN" ], "arches": [ "SCMP_ARCH_X86_64" ] },
 *                     "excludes": { "caps": [ ... ], "arches": [ ... ] },
 *                     "comment": "..." } ] }
 *
 * A rule applies to a container when every capability of includes.caps is in
 * its final bounding set and none of excludes.caps is, when includes.arches
 * (if given) lists the machine's architecture and excludes.arches does not.
 * Unknown keys are errors, so that a misspelt "excludes" cannot silently
 * widen a rule. Numbers keep their exact text from file to config.json. */
#ifndef HARDRUN_POLICY_SECCOMP_H
#define HARDRUN_POLICY_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "json.h"

/* Limits on a profile, beyond the JSON limits. */
#define HR_SECCOMP_MAX_RULES 4096
#define HR_SECCOMP_MAX_NAMES 1024       /* names of one rule */
#define HR_SECCOMP_MAX_ARCHES 32        /* archMap entries, architectures */
#define HR_SECCOMP_MAX_ARGS 6           /* args of one rule: one per syscall argument */
#define HR_SECCOMP_MAX_ERRNO 4095       /* the kernel's MAX_ERRNO */

/* The machine's architecture as the OCI names it ("SCMP_ARCH_X86_64"),
 * decided when hardrun is compiled; NULL for one hardrun does not know. */
const char *hr_seccomp_native_arch (void);

/* Checks the shape of a profile: types, known actions, operators,
 * architectures and capability names, limits. Messages name the member:
 * syscalls[12].action: unknown action "SCMP_ACT_FOO". */
int hr_seccomp_profile_validate (const struct hr_json *profile, struct hr_error *err);

/* Reads the profile at PATH (at most HR_JSON_MAX_BYTES), parses and
 * validates it. Stores an owned tree in *RET. Messages start with
 * seccomp profile "PATH". */
int hr_seccomp_load_profile (const char *path, struct hr_json **ret, struct hr_error *err);

/* Flags of hr_seccomp_resolve. */
#define HR_SECCOMP_AUDIT 1u     /* actions that stop a syscall become SCMP_ACT_LOG */
#define HR_SECCOMP_COMPAT 2u    /* filter the subArchitectures too */

/* Resolves PROFILE for a container into an OCI linux.seccomp object:
 * defaultAction, defaultErrnoRet, architectures (NATIVE_ARCH, and with
 * HR_SECCOMP_COMPAT its subArchitectures from archMap) and the applicable
 * rules as {names, action, errnoRet, args}.
 * BOUNDING_CAPS has bit N set for capability N in the final bounding set.
 * HR_SECCOMP_AUDIT turns every action that would stop a syscall
 * (SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD,
 * SCMP_ACT_TRAP), default included, into SCMP_ACT_LOG and drops its errno,
 * so that nothing fails and the kernel logs. Stores an owned tree in *RET. */
int hr_seccomp_resolve (const struct hr_json *profile, const char *native_arch, uint64_t bounding_caps,
                        unsigned flags, struct hr_json **ret, struct hr_error *err);

/* Checks an OCI linux.seccomp object with libseccomp, as runc would load
 * it: every architecture, action and operator is known, every syscall name
 * is known on at least one listed architecture, and the filter compiles
 * into a BPF program the kernel accepts (at most 4096 instructions). Rules
 * whose action equals the default action are skipped, as runc skips them.
 * Messages name the rule: syscalls[12]: unknown syscall "foo". Costly: for
 * "policy check" and tests, not for every container. */
int hr_seccomp_check (const struct hr_json *oci_seccomp, struct hr_error *err);

/* Validates PROFILE, checks that every syscall name is known to
 * libseccomp, then resolves it for every archMap architecture libseccomp
 * knows and checks the result with no capabilities and with all, in normal
 * and in audit mode. On the first such architecture it also checks the
 * rules (without compiling) for each capability the profile names alone and
 * for all but it, where conflicts between capability-gated rules show.
 * Messages name the profile's rule and the case:
 * SCMP_ARCH_AARCH64 with all capabilities: syscalls[12]: ... */
int hr_seccomp_check_profile (const struct hr_json *profile, struct hr_error *err);

/* Whether linux.seccomp SECCOMP hands system calls to a seccomp agent of the
 * workload's (a non-empty listenerPath). A filter has one listener: a
 * later control that wants hardrun's own agent must not add a second. */
bool hr_seccomp_has_listener (const struct hr_json *seccomp);

/* Whether linux.seccomp SECCOMP is a filter at all: runc takes an object
 * without a default action and without rules for none. */
bool hr_seccomp_is_filter (const struct hr_json *seccomp);

/* Combines the container's own linux.seccomp OWN with hardrun's resolved
 * filter OURS (both OCI objects) into one filter at least as strict as both
 * (seccomp_merge.c says how). NATIVE is the machine's architecture. On
 * success *RET is a new owned object, or NULL when OWN already is at least
 * as strict as OURS and is kept as it is. The result keeps OWN's
 * listenerPath, listenerMetadata and flags (but for
 * SECCOMP_FILTER_FLAG_SPEC_ALLOW). STRICTER (SIZE bytes, may be NULL)
 * receives the quoted names of the calls the result decides more strictly
 * than both filters would, for some arguments, since no exact combination
 * was found; empty when none. Fails with -EINVAL when OWN is malformed and
 * -EDOM, naming the call, when a call cannot be combined at all. */
int hr_seccomp_merge (const struct hr_json *ours, const struct hr_json *own, const char *native,
                      struct hr_json **ret, char *stricter, size_t size, struct hr_error *err);

#endif
