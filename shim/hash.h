/* FNV-1a, 64 bits: spreads names over files and directories. Not a
 * security boundary: whoever uses it keeps the whole name to compare, or
 * keeps the files in a directory only root can write. */
#ifndef HARDRUN_HASH_H
#define HARDRUN_HASH_H

#include <stdint.h>

static inline uint64_t
hr_fnv1a (const char *s)
{
  uint64_t h = UINT64_C (1469598103934665603);
  for (; *s; s++)
    {
      h ^= (unsigned char) *s;
      h *= UINT64_C (1099511628211);
    }
  return h;
}

#endif
