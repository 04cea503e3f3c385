/* Path names compared the way the kernel will resolve them. */
#ifndef HARDRUN_PATHNAME_H
#define HARDRUN_PATHNAME_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Lexically normalizes PATH into RET (SIZE bytes): a relative path is taken
 * from "/", "//" and "/./" collapse, a trailing "/" goes, and ".." removes
 * the previous component (never above "/"). Returns false if it does not
 * fit. */
bool hr_path_normalize (const char *path, char *ret, size_t size);

/* True if normalized PATH is DIR itself or below it (both normalized). */
bool hr_path_is_under (const char *path, const char *dir);

/* The kernel's own limit on symlinks followed in one lookup. */
#define HR_PATH_MAX_SYMLINKS 40

/* Takes the next component of *P (skipping slashes) into COMP, which holds
 * NAME_MAX + 1 bytes: returns 1 with a component, 0 at the end,
 * -ENAMETOOLONG. */
int hr_path_next_component (char **p, char *comp);

/* Puts the symlink target TARGET (TN bytes) in front of the unresolved rest
 * *P of PENDING (SIZE bytes); *P then points at PENDING. */
int hr_path_splice (char *pending, size_t size, char **p, const char *target, size_t tn);

/* Resolves PATH inside the directory ROOT as the runtime resolves a path in
 * the container (symlinks are taken from ROOT, ".." stops at ROOT), as far
 * as it exists there; the rest is appended as written. *RET (owned) is the
 * path in the container; *RET_VIA (owned, may be NULL) is the first
 * container path the walk entered under one of the directories in AVOID
 * (NULL-terminated). */
int hr_path_resolve_in_root (const char *root, const char *path, const char *const *avoid, char **ret,
                             char **ret_via, struct hr_error *err);

#endif
