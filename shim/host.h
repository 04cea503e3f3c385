/* What hardrun asks of the host. Policy code reaches the host only through
 * these functions, so it stays testable without root and without the LSMs:
 * the production definitions are in host.c; unit tests link host-fake.c
 * instead, which answers from variables the test sets. */
#ifndef HARDRUN_HOST_H
#define HARDRUN_HOST_H

#include <stdbool.h>
#include <stddef.h>
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

/* What an image holds at a path: see hr_host_rootfs_lookup. */
struct hr_host_entry
{
  bool exists;                  /* the path is there (or a symlink on the way, which the runtime follows) */
  bool is_dir;                  /* ... and is a directory (assumed for a symlink) */
  bool known;                   /* mode, uid and gid are the path's own */
  uint32_t mode, uid, gid;      /* the path's; when it is missing, its nearest existing ancestor's */
};

/* Looks PATH (absolute, normalized) up in the root filesystem ROOTFS (a
 * host directory) one component at a time, never following a symlink.
 * Fails (negative errno) when ROOTFS cannot be opened. */
int hr_host_rootfs_lookup (const char *rootfs, const char *path, struct hr_host_entry *ret, struct hr_error *err);

/* A directory directly below a path in a root filesystem. */
struct hr_host_subdir
{
  char name[256];
  uint32_t mode, uid, gid;
};

/* Fills RET (MAX entries) with the directories (not symlinks) directly
 * below PATH (absolute, normalized, a directory reached without symlinks)
 * in ROOTFS, among its first 4096 entries; *RET_N is how many there are,
 * which may exceed MAX. */
int hr_host_rootfs_subdirs (const char *rootfs, const char *path, struct hr_host_subdir *ret, size_t max,
                            size_t *ret_n, struct hr_error *err);

/* Resolves PATH on the host, following symlinks (realpath). Returns a
 * malloc'ed string, or NULL (errno set) if it does not resolve. */
char *hr_host_realpath (const char *path);

#endif
