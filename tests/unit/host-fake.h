/* The host as unit tests see it: host-fake.c defines every function of
 * host.h and answers from the variables below, which a test sets.
 * hr_fake_reset() puts everything back to its defaults and frees the
 * tables. */
#ifndef HARDRUN_HOST_FAKE_H
#define HARDRUN_HOST_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"

/* Default: false, as on a host without the LSM. */
extern bool hr_fake_apparmor_enabled;
extern bool hr_fake_selinux_enabled;
/* Default: the 41 capabilities 0..40. */
extern uint64_t hr_fake_bounding_caps;

/* ---- AppArmor profiles ---- */
/* Marks profile NAME as loaded in the kernel. */
void hr_fake_apparmor_add_loaded (const char *name);
/* Calls of hr_host_apparmor_load() since the last reset. */
extern unsigned hr_fake_apparmor_load_calls;
/* What hr_host_apparmor_load() does: with 0 (the default) it succeeds and
 * marks loaded the profile hr_fake_apparmor_load_defines names, or, when
 * that is NULL (the default), the profile named like FILE's last component;
 * otherwise it fails with this errno. */
extern int hr_fake_apparmor_load_error;
extern const char *hr_fake_apparmor_load_defines;
/* The FILE of the last hr_host_apparmor_load() call, or NULL. */
const char *hr_fake_apparmor_last_file (void);

/* ---- namespaces ---- */
/* hr_host_namespace_is_host(_, PATH) answers IS_HOST. Paths not set are
 * not the host's, except that paths starting with "/nonexistent" fail with
 * ENOENT. The type is checked as on the host. */
void hr_fake_set_host_namespace (const char *path, bool is_host);

/* ---- realpath ---- */
/* hr_host_realpath(PATH) returns a copy of TARGET; fails with ENOENT when
 * TARGET is NULL (the path is missing) and with ELOOP when it is "!ELOOP"
 * (there, but it cannot be resolved). Paths not set resolve to themselves. */
void hr_fake_set_realpath (const char *path, const char *target);

/* ---- root filesystems ---- */
/* hr_host_rootfs_subdirs lists the "dir" entries set directly below. */
/* hr_host_rootfs_lookup(ROOTFS, P) answers from entries set for ROOTFS + P:
 * "dir MODE UID GID" (octal mode), "file" or "symlink". A missing path
 * takes the nearest ancestor that is set; ROOTFS itself must be set (else
 * the lookup fails with ENOENT, as for a rootfs that cannot be read). */
void hr_fake_set_image_entry (const char *hostpath, const char *what);

/* ---- host objects ---- */
/* hr_host_resolve(PATH) takes where PATH leads from hr_fake_set_realpath
 * (and fails the same way; "!EXDEV": through a procfs link); paths not set
 * lead to their normalized selves, a directory. By what it leads to: */
/* its identity (default: itself) */
void hr_fake_set_identity (const char *path, const char *identity);
/* a directory above it that others could change (default: none) */
void hr_fake_set_swappable (const char *path, const char *why);
/* the layers of the overlay it is on, ':'-joined (default: none) */
void hr_fake_set_layers (const char *path, const char *layers);
/* its type: 'b' or 'c' (a device node with that number), 'f' (a regular
 * file), 'd' (a directory, the default) */
void hr_fake_set_type (const char *path, char type, unsigned major, unsigned minor);

/* ---- sockets ---- */
/* PATH is a socket that group GID may write. */
void hr_fake_set_socket_group (const char *path, unsigned gid);

/* ---- joined user namespaces ---- */
/* hr_host_userns_maps(PATH) answers UID_MAP and GID_MAP (uid_map text).
 * Paths not set fail with ENOENT. */
void hr_fake_set_userns_maps (const char *path, const char *uid_map, const char *gid_map);
/* Calls of hr_host_userns_maps() since the last reset. */
extern unsigned hr_fake_userns_calls;
/* hr_host_has_namespace("cgroup"). Default: false, so that cases written
 * before the cgroup namespace was added stay as they are. */
extern bool hr_fake_has_cgroupns;

void hr_fake_reset (void);

#endif
