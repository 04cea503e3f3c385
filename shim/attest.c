/* Attestation: see attest.h. */
#include "config.h"
#include "attest.h"
#include "policy/process.h"   /* enum hr_capset */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a decimal number at **P up to the next "," or the end: no sign,
 * no leading zero, at most MAX. */
static bool
take_dec (const char **p, uint64_t max, uint64_t *ret)
{
  const char *s = *p;
  uint64_t v = 0;
  size_t n = 0;
  for (; s[n] >= '0' && s[n] <= '9'; n++)
    {
      if (n >= 10 || (n > 0 && s[0] == '0'))
        return false;
      v = v * 10 + (uint64_t) (s[n] - '0');
    }
  if (n == 0 || v > max)
    return false;
  *p = s + n;
  *ret = v;
  return true;
}

/* A host id: "-1" (not checked) or a number up to UINT32_MAX. */
static bool
take_id (const char **p, int64_t *ret)
{
  uint64_t v;
  if (strncmp (*p, "-1", 2) == 0)
    {
      *p += 2;
      *ret = -1;
      return true;
    }
  if (!take_dec (p, UINT32_MAX, &v))
    return false;
  *ret = (int64_t) v;
  return true;
}

/* A capability mask: 1 to 16 lower-case hex digits, no leading zero. */
static bool
take_hex (const char **p, uint64_t *ret)
{
  const char *s = *p;
  uint64_t v = 0;
  size_t n = 0;
  for (; (s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f'); n++)
    {
      if (n >= 16 || (n > 0 && s[0] == '0'))
        return false;
      v = v << 4 | (uint64_t) (s[n] <= '9' ? s[n] - '0' : s[n] - 'a' + 10);
    }
  if (n == 0)
    return false;
  *p = s + n;
  *ret = v;
  return true;
}

static bool
take_lit (const char **p, const char *lit)
{
  size_t n = strlen (lit);
  if (strncmp (*p, lit, n) != 0)
    return false;
  *p += n;
  return true;
}

static bool
take_flag (const char **p, const char *name, bool *ret)
{
  if (!take_lit (p, name) || (**p != '0' && **p != '1'))
    return false;
  *ret = **p == '1';
  (*p)++;
  return true;
}

bool
hr_attest_parse (const char *arg, struct hr_attest *ret)
{
  struct hr_attest a = { 0 };
  const char *p = arg;
  if (arg == NULL || strnlen (arg, HR_ATTEST_MAX) >= HR_ATTEST_MAX)
    return false;
  if (!take_lit (&p, "uid=") || !take_id (&p, &a.uid) || !take_lit (&p, ",gid=") || !take_id (&p, &a.gid)
      || !take_lit (&p, ",caps="))
    return false;
  for (int i = 0; i < 5; i++)
    if ((i > 0 && !take_lit (&p, ":")) || !take_hex (&p, &a.caps[i]))
      return false;
  if (!take_flag (&p, ",nnp=", &a.nnp) || !take_flag (&p, ",seccomp=", &a.seccomp)
      || !take_flag (&p, ",ro=", &a.readonly_root) || *p != '\0')
    return false;
  *ret = a;
  return true;
}

/* The text after "KEY:\t" on its line of STATUS, or NULL. */
static const char *
field (const char *status, const char *key)
{
  size_t n = strlen (key);
  for (const char *p = status; p && *p; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    if (strncmp (p, key, n) == 0 && p[n] == ':')
      return p + n + 1 + strspn (p + n + 1, " \t");
  return NULL;
}

static void __attribute__ ((format (printf, 4, 5)))
add (char *why, size_t size, size_t *off, const char *fmt, ...)
{
  if (*off >= size)
    return;
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (why + *off, size - *off, fmt, ap);
  va_end (ap);
  if (n > 0)
    *off += (size_t) n;
}

#define SEP (off ? "; " : "")

/* Uid:/Gid: lines hold real, effective, saved and filesystem ids. FIELDS:
 * how many must match (without no_new_privs a set-user-ID program may
 * change all but the real id). */
static void
check_ids (const char *status, const char *key, int64_t want, int fields, char *why, size_t size, size_t *pos)
{
  size_t off = *pos;
  if (want < 0)
    return;
  const char *v = field (status, key);
  long long id[4];
  if (v == NULL || sscanf (v, "%lld %lld %lld %lld", &id[0], &id[1], &id[2], &id[3]) != 4)
    {
      add (why, size, pos, "%s%s: unreadable", SEP, key);
      return;
    }
  for (int i = 0; i < fields; i++)
    if (id[i] != want)
      {
        add (why, size, pos, "%s%s %lld where %" PRId64 " is required", SEP, key, id[i], want);
        return;
      }
}

/* Is the topmost mount on "/" in MOUNTINFO read-only? */
static bool
root_readonly (const char *mountinfo)
{
  bool ro = false, seen = false;
  for (const char *p = mountinfo; p && *p; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    {
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... */
      char point[8], opts[256];
      if (sscanf (p, "%*s %*s %*s %*s %7s %255s", point, opts) != 2 || strcmp (point, "/") != 0)
        continue;
      seen = true;
      ro = strncmp (opts, "ro", 2) == 0 && (opts[2] == ',' || opts[2] == '\0');
    }
  return seen && ro;
}

bool
hr_attest_check (const struct hr_attest *e, const char *status, const char *mountinfo, char *why, size_t size)
{
  size_t off = 0;
  why[0] = '\0';
  check_ids (status, "Uid", e->uid, e->nnp ? 4 : 1, why, size, &off);
  check_ids (status, "Gid", e->gid, e->nnp ? 4 : 1, why, size, &off);
  /* What the kernel lets a process hold after execve (capabilities(7)):
   * bounding and ambient only shrink; with no_new_privs the permitted set
   * cannot grow past what the runtime set, else execve may add the
   * bounding and inheritable sets (root, file capabilities); effective is
   * within permitted; inheritable grows only within bounding, and only
   * with CAP_SETPCAP. */
  const uint64_t *c = e->caps;
  uint64_t prm = e->nnp ? c[HR_CAPSET_PERMITTED] : c[HR_CAPSET_BOUNDING] | c[HR_CAPSET_INHERITABLE]
    | c[HR_CAPSET_PERMITTED];
  uint64_t inh = c[HR_CAPSET_BOUNDING] & (UINT64_C (1) << 8) ? c[HR_CAPSET_BOUNDING] | c[HR_CAPSET_INHERITABLE]
    : c[HR_CAPSET_INHERITABLE];
  static const struct
  {
    const char *key;
    int set;
  } sets[] = { { "CapBnd", HR_CAPSET_BOUNDING }, { "CapAmb", HR_CAPSET_AMBIENT }, { "CapPrm", -1 },
               { "CapEff", -1 }, { "CapInh", -2 } };
  for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
    {
      uint64_t limit = sets[i].set >= 0 ? c[sets[i].set] : sets[i].set == -1 ? prm : inh;
      const char *v = field (status, sets[i].key);
      char *end = NULL;
      unsigned long long have = v ? strtoull (v, &end, 16) : 0;
      if (v == NULL || end == v)
        add (why, size, &off, "%s%s: unreadable", SEP, sets[i].key);
      else if (have & ~limit)
        add (why, size, &off, "%s%s %016llx exceeds %016" PRIx64, SEP, sets[i].key, have, limit);
    }
  const char *v = field (status, "NoNewPrivs");
  if (e->nnp && (v == NULL || v[0] != '1'))
    add (why, size, &off, "%sNoNewPrivs is not set", SEP);
  v = field (status, "Seccomp");
  if (e->seccomp && (v == NULL || v[0] != '2'))
    add (why, size, &off, "%sno seccomp filter (Seccomp %c)", SEP, v ? v[0] : '?');
  if (e->readonly_root && (mountinfo == NULL || !root_readonly (mountinfo)))
    add (why, size, &off, "%sthe root filesystem is writable", SEP);
  return off == 0;
}
