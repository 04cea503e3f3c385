/* Path names compared the way the kernel will resolve them. */
#ifndef HARDRUN_PATHNAME_H
#define HARDRUN_PATHNAME_H

#include <stdbool.h>
#include <stddef.h>

/* Lexically normalizes PATH into RET (SIZE bytes): a relative path is taken
 * from "/", "//" and "/./" collapse, a trailing "/" goes, and ".." removes
 * the previous component (never above "/"). Returns false if it does not
 * fit. */
bool hr_path_normalize (const char *path, char *ret, size_t size);

/* True if normalized PATH is DIR itself or below it (both normalized). */
bool hr_path_is_under (const char *path, const char *dir);

#endif
