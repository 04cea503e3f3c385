/* What hardrun asks of the host. Policy code reaches the host only through
 * these functions, so it stays testable without root and without the LSMs:
 * the production definitions are in host.c; unit tests link host-fake.c
 * instead, which answers from variables the test sets. */
#ifndef HARDRUN_HOST_H
#define HARDRUN_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* AppArmor (libapparmor aa_is_enabled). */
bool hr_host_apparmor_enabled (void);
/* Is profile NAME loaded in the kernel? */
bool hr_host_apparmor_profile_loaded (const char *name);
/* Loads (or replaces) the profiles in FILE with apparmor_parser. */
int hr_host_apparmor_load (const char *file, struct hr_error *err);

/* SELinux (libselinux is_selinux_enabled). */
bool hr_host_selinux_enabled (void);

/* Is the namespace file PATH the host's namespace of TYPE (an OCI
 * namespace type: "network", "pid", ...)? Decided by device and inode
 * against /proc/1/ns/X where readable and hardrun's own /proc/self/ns/X.
 * Fails (negative errno) when PATH cannot be examined. */
int hr_host_namespace_is_host (const char *type, const char *path, bool *ret, struct hr_error *err);

/* The capabilities the host can grant (hardrun's own bounding set). */
uint64_t hr_host_bounding_caps (void);

/* Resolves PATH on the host, following symlinks (realpath). Returns a
 * malloc'ed string, or NULL (errno set) if it does not resolve. */
char *hr_host_realpath (const char *path);

/* The uid_map and gid_map of the user namespace file PATH (a joined
 * namespace: /proc/PID/ns/user or a bind mount of one), as hardrun's own
 * namespace reads them: lines of "inside outside count", the outside ids
 * being host ids. Malloc'ed strings in *RET_UID_MAP and *RET_GID_MAP
 * (host_ns.c). Fails (negative errno) when PATH is no user namespace
 * or cannot be examined. */
int hr_host_userns_maps (const char *path, char **ret_uid_map, char **ret_gid_map, struct hr_error *err);

/* Can the kernel give a container its own namespace of TYPE (an OCI type:
 * "cgroup", "time", ...)? True when /proc/self/ns has it (host_ns.c). */
bool hr_host_has_namespace (const char *type);

#endif
