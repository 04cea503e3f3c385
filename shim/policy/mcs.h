/* The SELinux MCS registry: which category pair each pod holds.
 *
 * Containers run at "s0:cX,cY"; two pods with the same pair could read each
 * other's files, so hardrun hands out each pair to one pod only. The
 * reservations live in STATE_DIR/selinux-mcs, one line each:
 *
 *   c12,c873 <pod key>
 *
 * Readers and writers take an exclusive flock on STATE_DIR/selinux-mcs.lock
 * (the registry itself is replaced by rename, so it cannot carry the lock).
 * A change is written to selinux-mcs.tmp, synced and renamed over the
 * registry: a crash leaves the old or the new registry, never half of one.
 * A registry that does not parse is an error, never silently dropped: losing
 * a reservation could hand its pair to a second pod. */
#ifndef HARDRUN_POLICY_MCS_H
#define HARDRUN_POLICY_MCS_H

#include "error.h"

#define HR_MCS_CATEGORIES 1024       /* c0 .. c1023 */
#define HR_MCS_MAX_ENTRIES 65536     /* reservations in one registry */
#define HR_MCS_MAX_KEY 255           /* bytes of a pod key */

#define HR_MCS_REGISTRY "selinux-mcs"

/* Reserves a pair for POD_KEY: the pair POD_KEY already holds, or a random
 * pair no other pod holds, with *RET_C1 < *RET_C2 < HR_MCS_CATEGORIES.
 * STATE_DIR is created (one level) if missing. POD_KEY is 1 to
 * HR_MCS_MAX_KEY printable ASCII characters without spaces. */
int hr_mcs_reserve (const char *state_dir, const char *pod_key, unsigned *ret_c1, unsigned *ret_c2,
                    struct hr_error *err);

/* Gives back POD_KEY's pair. Releasing a key that holds none succeeds. */
int hr_mcs_release (const char *state_dir, const char *pod_key, struct hr_error *err);

#endif
