/* A cache of resolved seccomp filters.
 *
 * Resolving hardrun's seccomp profile for a container (read and parse about
 * 30 KB, validate, pick the rules for the architecture and the bounding
 * set) is most of the work of a create. The result depends only on the
 * profile file, the architecture, the bounding set and whether the compat
 * architectures are filtered, so it is kept, compact, in
 * <state_dir>/seccomp/<hash>.json, with the whole key inside: a file is
 * used only when its key matches exactly, a hash collision is a miss.
 *
 * The key names the profile by its size and a hash of its bytes, as read
 * for this create (so an edited profile is a miss however fast the edit),
 * and hardrun's own binary by device, inode, size, modification and change
 * time (so an upgrade is a miss). The directory and its files must belong
 * to hardrun's effective user and be writable by nobody else, and an entry
 * must look like a filter; anything else is a miss, never an error. */
#ifndef HARDRUN_SECCOMP_CACHE_H
#define HARDRUN_SECCOMP_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "json.h"

/* Entries kept before the directory is emptied and refilled. */
#define HR_SECCOMP_CACHE_MAX 64

/* Formats the key for the profile text DATA[0..LEN) into BUF. Returns
 * -ENAMETOOLONG if it does not fit. */
int hr_seccomp_cache_key (const char *data, size_t len, const char *native, uint64_t caps, bool compat, char *buf,
                          size_t size);

/* The cached filter for KEY in *RET (owned), or NULL. Returns 0 on a hit,
 * -ENOENT on a miss of any kind. */
int hr_seccomp_cache_get (const char *state_dir, const char *key, struct hr_json **ret);

/* Stores FILTER under KEY. Best effort: returns negative errno, and a
 * failure leaves no partial file under the entry's name. */
int hr_seccomp_cache_put (const char *state_dir, const char *key, const struct hr_json *filter);

/* Removes every entry and the directory. */
int hr_seccomp_cache_clear (const char *state_dir);

#endif
