/* What hardrun asks of the host. Policy code reaches the host only through
 * these functions, so it stays testable without root and without the LSMs:
 * the production definitions are in host.c; unit tests link host-fake.c
 * instead, which answers from variables the test sets. */
#ifndef HARDRUN_HOST_H
#define HARDRUN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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

/* Is PATH a socket whose group GID may write it? *RET_GID is its group
 * (false when PATH is no socket). */
bool hr_host_socket_group (const char *path, uint32_t *ret_gid);

/* ---- host objects (host-path.c) ---- */

/* What a host path names once it is resolved the way the kernel resolves a
 * bind mount's source: component by component from "/", following
 * symlinks, never through procfs' links (/proc/self, /proc/PID/root,
 * /proc/PID/fd/N: where those lead depends on the process that resolves
 * them, and runc resolves later, as another process, after mounting the
 * container's own /proc). */
struct hr_host_object
{
  char *path;                   /* owned: where it leads (no symlinks, no "..") */
  /* owned: the same object named at the first mount of its filesystem
   * ("/" for a bind of the host's root onto a volume's _data): what it
   * is, whatever it is called. Equal to PATH when nothing is bound. */
  char *identity;
  /* owned, NULL if none: a directory above PATH that someone other than
   * root and hardrun's caller could change (replace PATH with a symlink)
   * between hardrun's check and the runtime's mount, and who */
  char *swappable;
  /* the user who could, when it is one user (an owner), else -1 */
  long swappable_uid;
  /* owned, NULL if none: when it is on an overlay, the overlay's lower
   * and upper directories joined by ':', whose content it shows */
  char *layers;
  unsigned type;                /* S_IFMT bits */
  unsigned rdev_major, rdev_minor;      /* a device node's number */
};

static inline void
hr_host_object_release (struct hr_host_object *o)
{
  free (o->path);
  free (o->identity);
  free (o->swappable);
  free (o->layers);
  o->path = o->identity = o->swappable = o->layers = NULL;
}

/* Resolves PATH (absolute) into *RET. Fails with -ENOENT or -ENOTDIR when it
 * does not exist, -EXDEV when it is reached through a procfs link, -ELOOP
 * for too many symlinks, another negative errno when it cannot be examined;
 * ERR says which component. */
int hr_host_resolve (const char *path, struct hr_host_object *ret, struct hr_error *err);

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
