/* Id mappings: a user namespace's uid_map/gid_map, and the idmapped mounts
 * built on them. */
#ifndef HARDRUN_POLICY_IDMAP_H
#define HARDRUN_POLICY_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

/* The kernel takes at most 340 lines in a uid_map. */
#define HR_IDMAP_MAX 340

struct hr_idmap_range
{
  int64_t inside, outside, size;
};

struct hr_idmap
{
  size_t n;
  struct hr_idmap_range r[HR_IDMAP_MAX];
};

/* LIST: a JSON array of {containerID, hostID, size}; an absent or null
 * member is 0, as Go decodes it. False when LIST is no array, holds more
 * than HR_IDMAP_MAX entries, or a value is no uint32. */
bool hr_idmap_from_json (const struct hr_json *list, struct hr_idmap *ret);
/* TEXT: /proc/PID/uid_map lines ("inside outside size"). */
bool hr_idmap_from_text (const char *text, struct hr_idmap *ret);
/* The outside id of INSIDE, or -1 when it is not mapped. */
int64_t hr_idmap_outside (const struct hr_idmap *m, int64_t inside);

/* The maps of the user namespace the container's process will live in:
 * the spec's own (linux.uidMappings, a "user" namespace without a path),
 * or those of the namespace it joins, read from the host. *RET_JOINED
 * names the joined namespace's path (borrowed from SPEC), or NULL.
 * Returns 1 with the maps filled, 0 when the container gets no user
 * namespace, negative errno when the maps cannot be had. */
int hr_container_userns (const struct hr_json *spec, struct hr_idmap *ret_uid, struct hr_idmap *ret_gid,
                         const char **ret_joined, struct hr_error *err);

/* mounts: an idmapped mount (options "idmap", "idmap=uids=...;gids=..."
 * as crun reads them, "ridmap", or per-mount uidMappings/gidMappings of
 * runtime-spec 1.1) shows the files of on-disk ids as other ids. It is
 * refused when its mapping reaches id 0 on either side: host root's files
 * shown as another owner, or another owner's files shown as host root's.
 * M is mounts[I] of SPEC, DEST its normalized destination. */
int hr_mount_idmap (struct hr_apply *a, const struct hr_json *spec, const struct hr_json *m, size_t i,
                    const char *dest, struct hr_error *err);

#endif
