/* What the fuzz targets share: the libFuzzer entry point, named invariants
 * that abort (so that libFuzzer, or replay.c, reports the input), and a few
 * readers that look at a spec the way runc will.
 *
 * An invariant has a short name ("caps-within-allowlist"). Setting
 * HARDRUN_FUZZ_IGNORE to a comma-separated list of names skips those
 * invariants, so that a long run can go on past a bug already reported. */
#ifndef HARDRUN_FUZZ_H
#define HARDRUN_FUZZ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Is invariant NAME skipped through HARDRUN_FUZZ_IGNORE? */
static inline bool
fuzz_ignored (const char *name)
{
  const char *list = getenv ("HARDRUN_FUZZ_IGNORE");
  size_t n = strlen (name);
  while (list && *list)
    {
      const char *end = strchr (list, ',');
      size_t len = end ? (size_t) (end - list) : strlen (list);
      if (len == n && memcmp (list, name, n) == 0)
        return true;
      list = end ? end + 1 : NULL;
    }
  return false;
}

static inline void __attribute__ ((noreturn, format (printf, 4, 5)))
fuzz_fail_ (const char *name, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "\nfuzz: invariant \"%s\" failed (%s:%d): ", name, file, line);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\n");
  fflush (stderr);
  abort ();
}

/* Aborts with NAME and a message unless COND holds. */
#define FUZZ_INVARIANT(name, cond, ...)                                                     \
  do                                                                                        \
    {                                                                                       \
      if (!(cond) && !fuzz_ignored (name))                                                  \
        fuzz_fail_ ((name), __FILE__, __LINE__, __VA_ARGS__);                               \
    }                                                                                       \
  while (0)

/* ---- a spec as runc reads it ---- */

/* Go's strconv.Atoi on 64 bits followed by runc's uint32() conversion, on
 * S[0..len). False when Atoi would fail. */
static inline bool
fuzz_go_atoi_u32 (const char *s, size_t len, uint32_t *ret)
{
  size_t i = 0;
  bool neg = false;
  uint64_t v = 0;
  if (len > 0 && (s[0] == '+' || s[0] == '-'))
    {
      neg = s[0] == '-';
      i = 1;
    }
  if (i == len)
    return false;
  for (; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return false;
      if (v > (UINT64_C (1) << 63) / 10)
        return false;
      v = v * 10 + (uint64_t) (s[i] - '0');
    }
  if (v > (neg ? UINT64_C (1) << 63 : (UINT64_C (1) << 63) - 1))
    return false;
  *ret = (uint32_t) (neg ? (uint64_t) 0 - v : v);
  return true;
}

/* An integer member as runc's uint32 field: absent or null is 0. */
static inline int64_t
fuzz_u32_member (const struct hr_json *obj, const char *key)
{
  int64_t v = 0;
  hr_json_int_value (hr_json_get (obj, key), 0, UINT32_MAX, &v);
  return v;
}

/* The effect of a mount's "options" on the flags hardrun promises, the way
 * runc 1.1 applies them: in order, later words overriding earlier ones,
 * then the recursive ("rro", "rnosuid", ...) attributes, which the kernel
 * clears first and sets second. */
enum
{
  FUZZ_MNT_RDONLY = 1,
  FUZZ_MNT_NOSUID = 2,
  FUZZ_MNT_NODEV = 4,
  FUZZ_MNT_NOEXEC = 8,
};

static inline unsigned
fuzz_mount_flags (const struct hr_json *mount)
{
  static const struct
  {
    const char *word;
    bool clear;
    unsigned flag;
  } words[] = {
    { "ro", false, FUZZ_MNT_RDONLY },     { "rw", true, FUZZ_MNT_RDONLY },
    { "nosuid", false, FUZZ_MNT_NOSUID }, { "suid", true, FUZZ_MNT_NOSUID },
    { "nodev", false, FUZZ_MNT_NODEV },   { "dev", true, FUZZ_MNT_NODEV },
    { "noexec", false, FUZZ_MNT_NOEXEC }, { "exec", true, FUZZ_MNT_NOEXEC },
  };
  const struct hr_json *opts = hr_json_get (mount, "options");
  unsigned flags = 0, rec_set = 0, rec_clr = 0;
  for (size_t i = 0; i < hr_json_len (opts); i++)
    {
      const char *o = hr_json_string (hr_json_at (opts, i));
      if (o == NULL)
        continue;
      bool rec = o[0] == 'r' && o[1] != '\0' && strcmp (o, "ro") != 0 && strcmp (o, "rw") != 0;
      const char *w = rec ? o + 1 : o;
      for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        {
          if (strcmp (w, words[k].word) != 0)
            continue;
          if (rec && words[k].clear)
            rec_clr |= words[k].flag;
          else if (rec)
            rec_set |= words[k].flag;
          else if (words[k].clear)
            flags &= ~words[k].flag;
          else
            flags |= words[k].flag;
        }
    }
  return (flags & ~rec_clr) | rec_set;
}

/* The flags any word of the mount's options sets ("nosuid", "rnosuid"),
 * whatever comes after it. */
static inline unsigned
fuzz_mount_flags_named (const struct hr_json *mount)
{
  static const struct
  {
    const char *word;
    unsigned flag;
  } words[] = {
    { "ro", FUZZ_MNT_RDONLY }, { "rro", FUZZ_MNT_RDONLY }, { "nosuid", FUZZ_MNT_NOSUID }, { "rnosuid", FUZZ_MNT_NOSUID },
    { "nodev", FUZZ_MNT_NODEV }, { "rnodev", FUZZ_MNT_NODEV }, { "noexec", FUZZ_MNT_NOEXEC }, { "rnoexec", FUZZ_MNT_NOEXEC },
  };
  const struct hr_json *opts = hr_json_get (mount, "options");
  unsigned named = 0;
  for (size_t i = 0; i < hr_json_len (opts); i++)
    {
      const char *o = hr_json_string (hr_json_at (opts, i));
      for (size_t k = 0; o && k < sizeof words / sizeof words[0]; k++)
        if (strcmp (o, words[k].word) == 0)
          named |= words[k].flag;
    }
  return named;
}

#endif
