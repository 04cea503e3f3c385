/* seccomp: the container runs under hardrun's syscall filter, resolved from
 * a profile file for the machine's architecture and the container's final
 * bounding set (the caps control has already run).
 *
 * A container without a filter gets hardrun's. A container with a filter
 * of its own is never loosened: its filter stays when it is already at
 * least as strict as hardrun's, else the two become one filter at least as
 * strict as both (seccomp_merge.c), which keeps a seccomp agent's listener
 * and its notify rules wherever hardrun's filter allows the call. What
 * cannot be combined exactly is refused, saying so.
 *
 * The result's shape, for the controls after this one: linux.seccomp is
 * hardrun's filter, the workload's kept, or the combination;
 * hr_seccomp_has_listener() tells whether it already has a workload's
 * listenerPath (a filter has one listener). */
#include "config.h"
#include "policy/seccomp.h"
#include "policy/seccomp_cache.h"
#include "policy/policy.h"
#include "policy/process.h"
#include "cleanup.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HARDRUN_DATADIR
#define HARDRUN_DATADIR "/usr/share/hardrun"
#endif

/* ------------------------------------------------------------------ */
/* Names: actions, operators, architectures                            */

struct action_def
{
  const char *name;
  uint32_t value;               /* SCMP_ACT_ERRNO / SCMP_ACT_TRACE: without the errno */
  bool takes_errno;             /* errnoRet is the errno (ERRNO) or the tracer's message (TRACE) */
  bool stops;                   /* stops the syscall: audit mode logs instead */
};

/* runc's names and meanings (libcontainer/seccomp). */
static const struct action_def actions[] = {
  { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false, true },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false, true },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false, true },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false, true },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0), true, true },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0), true, false },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false, false },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG, false, false },
  { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false, false },
};

static const struct
{
  const char *name;
  enum scmp_compare op;
} operators[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* The architectures runc accepts, with libseccomp's names for them. */
static const struct
{
  const char *oci;
  const char *libseccomp;
} arches[] = {
  { "SCMP_ARCH_X86", "x86" },
  { "SCMP_ARCH_X86_64", "x86_64" },
  { "SCMP_ARCH_X32", "x32" },
  { "SCMP_ARCH_ARM", "arm" },
  { "SCMP_ARCH_AARCH64", "aarch64" },
  { "SCMP_ARCH_MIPS", "mips" },
  { "SCMP_ARCH_MIPS64", "mips64" },
  { "SCMP_ARCH_MIPS64N32", "mips64n32" },
  { "SCMP_ARCH_MIPSEL", "mipsel" },
  { "SCMP_ARCH_MIPSEL64", "mipsel64" },
  { "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
  { "SCMP_ARCH_PPC", "ppc" },
  { "SCMP_ARCH_PPC64", "ppc64" },
  { "SCMP_ARCH_PPC64LE", "ppc64le" },
  { "SCMP_ARCH_S390", "s390" },
  { "SCMP_ARCH_S390X", "s390x" },
  { "SCMP_ARCH_RISCV64", "riscv64" },
  { "SCMP_ARCH_LOONGARCH64", "loongarch64" },
};

static const struct action_def *
action_find (const char *name)
{
  for (size_t i = 0; name && i < HR_ARRAY_SIZE (actions); i++)
    if (strcmp (actions[i].name, name) == 0)
      return &actions[i];
  return NULL;
}

static bool
operator_find (const char *name, enum scmp_compare *ret)
{
  for (size_t i = 0; name && i < HR_ARRAY_SIZE (operators); i++)
    if (strcmp (operators[i].name, name) == 0)
      {
        *ret = operators[i].op;
        return true;
      }
  return false;
}

static bool
arch_known (const char *name)
{
  for (size_t i = 0; name && i < HR_ARRAY_SIZE (arches); i++)
    if (strcmp (arches[i].oci, name) == 0)
      return true;
  return false;
}

/* libseccomp's token for an OCI architecture name; 0 when either hardrun
 * or this libseccomp does not know it. */
static uint32_t
arch_token (const char *name)
{
  for (size_t i = 0; name && i < HR_ARRAY_SIZE (arches); i++)
    if (strcmp (arches[i].oci, name) == 0)
      return seccomp_arch_resolve_name (arches[i].libseccomp);
  return 0;
}

const char *
hr_seccomp_native_arch (void)
{
#if defined(__x86_64__) && defined(__ILP32__)
  return "SCMP_ARCH_X32";
#elif defined(__x86_64__)
  return "SCMP_ARCH_X86_64";
#elif defined(__i386__)
  return "SCMP_ARCH_X86";
#elif defined(__aarch64__)
  return "SCMP_ARCH_AARCH64";
#elif defined(__arm__)
  return "SCMP_ARCH_ARM";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "SCMP_ARCH_PPC64LE";
#elif defined(__powerpc64__)
  return "SCMP_ARCH_PPC64";
#elif defined(__powerpc__)
  return "SCMP_ARCH_PPC";
#elif defined(__s390x__)
  return "SCMP_ARCH_S390X";
#elif defined(__s390__)
  return "SCMP_ARCH_S390";
#elif defined(__riscv) && __riscv_xlen == 64
  return "SCMP_ARCH_RISCV64";
#elif defined(__loongarch64)
  return "SCMP_ARCH_LOONGARCH64";
#elif defined(__mips__) && defined(_MIPS_SIM) && _MIPS_SIM == _ABI64
#if defined(__MIPSEL__)
  return "SCMP_ARCH_MIPSEL64";
#else
  return "SCMP_ARCH_MIPS64";
#endif
#elif defined(__mips__) && defined(_MIPS_SIM) && _MIPS_SIM == _ABIN32
#if defined(__MIPSEL__)
  return "SCMP_ARCH_MIPSEL64N32";
#else
  return "SCMP_ARCH_MIPS64N32";
#endif
#elif defined(__mips__)
#if defined(__MIPSEL__)
  return "SCMP_ARCH_MIPSEL";
#else
  return "SCMP_ARCH_MIPS";
#endif
#else
  return NULL;
#endif
}

/* ------------------------------------------------------------------ */
/* Shape                                                               */

/* An unsigned integer as Go decodes one: plain digits, no "-0". */
static bool
uint_value (const struct hr_json *v, uint64_t max, uint64_t *ret)
{
  uint64_t x;
  if (!hr_json_u64_value (v, &x) || v->u.str.s[0] == '-' || x > max)
    return false;
  *ret = x;
  return true;
}

/* Fails unless every key of OBJ is one of ALLOWED (Go's key match). */
static int
only_keys (const struct hr_json *obj, const char *const *allowed, const char *where, struct hr_error *err)
{
  for (size_t i = 0; i < obj->u.obj.len; i++)
    {
      bool known = false;
      for (const char *const *k = allowed; *k && !known; k++)
        known = hr_json_key_equal (obj->u.obj.keys[i], *k);
      if (!known)
        return hr_error_set (err, EINVAL, "%s%sunknown key \"%s\"", where, *where ? ": " : "", obj->u.obj.keys[i]);
    }
  return 0;
}

/* An array of at most MAX strings, or absent. */
static int
string_array (const struct hr_json *v, size_t max, const char *where, struct hr_error *err)
{
  if (v == NULL)
    return 0;
  if (!hr_json_is_array (v))
    return hr_error_set (err, EINVAL, "%s: expected an array of strings", where);
  if (v->u.arr.len > max)
    return hr_error_set (err, E2BIG, "%s: more than %zu entries", where, max);
  for (size_t i = 0; i < v->u.arr.len; i++)
    if (!hr_json_is_string (v->u.arr.items[i]))
      return hr_error_set (err, EINVAL, "%s[%zu]: expected a string", where, i);
  return 0;
}

static int
arch_array (const struct hr_json *v, const char *where, struct hr_error *err)
{
  int r = string_array (v, HR_SECCOMP_MAX_ARCHES, where, err);
  for (size_t i = 0; r == 0 && i < hr_json_len (v); i++)
    if (!arch_known (hr_json_string (hr_json_at (v, i))))
      return hr_error_set (err, EINVAL, "%s[%zu]: unknown architecture \"%s\"", where, i,
                           hr_json_string (hr_json_at (v, i)));
  return r;
}

/* The action of a rule (or the default, ERRNO_KEY "defaultErrnoRet") and
 * the libseccomp value runc would make of it. */
static int
check_action (const struct hr_json *obj, const char *action_key, const char *errno_key, bool allow_notify,
              const char *where, uint32_t *ret, struct hr_error *err)
{
  const struct hr_json *v = hr_json_get (obj, action_key);
  if (v == NULL)
    return hr_error_set (err, EINVAL, "%s%s\"%s\" is missing", where, *where ? ": " : "", action_key);
  const char *name = hr_json_string (v);
  if (name == NULL)
    return hr_error_set (err, EINVAL, "%s%s%s: expected a string", where, *where ? "." : "", action_key);
  const struct action_def *def = action_find (name);
  if (def == NULL)
    return hr_error_set (err, EINVAL, "%s%s%s: unknown action \"%s\"", where, *where ? "." : "", action_key, name);
  if (def->value == SCMP_ACT_NOTIFY && !allow_notify)
    return hr_error_set (err, EINVAL, "%s%s%s: SCMP_ACT_NOTIFY needs a seccomp agent; a profile cannot use it",
                         where, *where ? "." : "", action_key);
  const struct hr_json *e = hr_json_get (obj, errno_key);
  uint64_t n = EPERM;           /* runc's default for SCMP_ACT_ERRNO and SCMP_ACT_TRACE */
  if (e && !def->takes_errno)
    return hr_error_set (err, EINVAL, "%s%s%s: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one", where,
                         *where ? "." : "", errno_key);
  if (e && !uint_value (e, HR_SECCOMP_MAX_ERRNO, &n))
    return hr_error_set (err, EINVAL, "%s%s%s: expected an integer from 0 to %d", where, *where ? "." : "",
                         errno_key, HR_SECCOMP_MAX_ERRNO);
  *ret = def->takes_errno ? def->value | (uint32_t) n : def->value;
  return 0;
}

/* The args of a rule, as libseccomp comparisons. */
static int
check_args (const struct hr_json *args, bool strict, const char *where, struct scmp_arg_cmp *ret, unsigned *ret_n,
            struct hr_error *err)
{
  static const char *const arg_keys[] = { "index", "value", "valueTwo", "op", NULL };
  *ret_n = 0;
  if (args == NULL)
    return 0;
  if (!hr_json_is_array (args))
    return hr_error_set (err, EINVAL, "%s.args: expected an array", where);
  if (args->u.arr.len > HR_SECCOMP_MAX_ARGS)
    return hr_error_set (err, E2BIG, "%s.args: more than %d entries", where, HR_SECCOMP_MAX_ARGS);
  for (size_t j = 0; j < args->u.arr.len; j++)
    {
      const struct hr_json *arg = args->u.arr.items[j];
      char at[96];
      snprintf (at, sizeof at, "%s.args[%zu]", where, j);
      if (!hr_json_is_object (arg))
        return hr_error_set (err, EINVAL, "%s: expected an object", at);
      int r = strict ? only_keys (arg, arg_keys, at, err) : 0;
      if (r < 0)
        return r;
      uint64_t index, value, value_two = 0;
      enum scmp_compare op;
      const struct hr_json *v2 = hr_json_get (arg, "valueTwo");
      const char *opname = hr_json_string (hr_json_get (arg, "op"));
      if (!uint_value (hr_json_get (arg, "index"), HR_SECCOMP_MAX_ARGS - 1, &index))
        return hr_error_set (err, EINVAL, "%s.index: expected an integer from 0 to %d", at, HR_SECCOMP_MAX_ARGS - 1);
      if (!uint_value (hr_json_get (arg, "value"), UINT64_MAX, &value))
        return hr_error_set (err, EINVAL, "%s.value: expected an integer from 0 to 18446744073709551615", at);
      if (v2 && !uint_value (v2, UINT64_MAX, &value_two))
        return hr_error_set (err, EINVAL, "%s.valueTwo: expected an integer from 0 to 18446744073709551615", at);
      if (opname == NULL)
        return hr_error_set (err, EINVAL, "%s.op: expected a string", at);
      if (!operator_find (opname, &op))
        return hr_error_set (err, EINVAL, "%s.op: unknown operator \"%s\"", at, opname);
      ret[j] = (struct scmp_arg_cmp) { .arg = (unsigned) index, .op = op, .datum_a = value, .datum_b = value_two };
    }
  *ret_n = (unsigned) args->u.arr.len;
  return 0;
}

static int
check_names (const struct hr_json *names, const char *where, struct hr_error *err)
{
  if (names == NULL || !hr_json_is_array (names) || names->u.arr.len == 0)
    return hr_error_set (err, EINVAL, "%s.names: expected a non-empty array of strings", where);
  char at[64];
  snprintf (at, sizeof at, "%s.names", where);
  int r = string_array (names, HR_SECCOMP_MAX_NAMES, at, err);
  for (size_t i = 0; r == 0 && i < names->u.arr.len; i++)
    if (names->u.arr.items[i]->u.str.len == 0)
      return hr_error_set (err, EINVAL, "%s[%zu]: empty syscall name", at, i);
  return r;
}

/* includes / excludes of a profile rule. */
static int
check_filter (const struct hr_json *f, const char *where, struct hr_error *err)
{
  static const char *const filter_keys[] = { "caps", "arches", NULL };
  char at[96];
  if (f == NULL)
    return 0;
  if (!hr_json_is_object (f))
    return hr_error_set (err, EINVAL, "%s: expected an object", where);
  int r = only_keys (f, filter_keys, where, err);
  if (r < 0)
    return r;
  const struct hr_json *caps = hr_json_get (f, "caps");
  snprintf (at, sizeof at, "%s.caps", where);
  r = string_array (caps, HR_CAP_LAST + 1, at, err);
  for (size_t i = 0; r == 0 && i < hr_json_len (caps); i++)
    {
      const char *name = hr_json_string (hr_json_at (caps, i));
      int cap = hr_cap_from_name (name);
      if (cap < 0 || strcmp (hr_cap_name (cap), name) != 0)
        return hr_error_set (err, EINVAL, "%s[%zu]: unknown capability \"%s\"", at, i, name);
    }
  if (r < 0)
    return r;
  snprintf (at, sizeof at, "%s.arches", where);
  return arch_array (hr_json_get (f, "arches"), at, err);
}

int
hr_seccomp_profile_validate (const struct hr_json *profile, struct hr_error *err)
{
  static const char *const profile_keys[] = { "defaultAction", "defaultErrnoRet", "archMap", "syscalls", "comment", NULL };
  static const char *const archmap_keys[] = { "architecture", "subArchitectures", "comment", NULL };
  static const char *const rule_keys[] = { "names", "action", "errnoRet", "args", "includes", "excludes", "comment", NULL };
  uint32_t act;
  char at[64];

  if (!hr_json_is_object (profile))
    return hr_error_set (err, EINVAL, "expected a JSON object");
  int r = only_keys (profile, profile_keys, "", err);
  if (r < 0)
    return r;
  r = check_action (profile, "defaultAction", "defaultErrnoRet", false, "", &act, err);
  if (r < 0)
    return r;
  const struct hr_json *comment = hr_json_get (profile, "comment");
  if (comment && !hr_json_is_string (comment))
    return hr_error_set (err, EINVAL, "comment: expected a string");

  const struct hr_json *map = hr_json_get (profile, "archMap");
  if (map && !hr_json_is_array (map))
    return hr_error_set (err, EINVAL, "archMap: expected an array");
  if (hr_json_len (map) > HR_SECCOMP_MAX_ARCHES)
    return hr_error_set (err, E2BIG, "archMap: more than %d entries", HR_SECCOMP_MAX_ARCHES);
  for (size_t i = 0; i < hr_json_len (map); i++)
    {
      const struct hr_json *e = hr_json_at (map, i);
      snprintf (at, sizeof at, "archMap[%zu]", i);
      if (!hr_json_is_object (e))
        return hr_error_set (err, EINVAL, "%s: expected an object", at);
      r = only_keys (e, archmap_keys, at, err);
      if (r < 0)
        return r;
      const char *arch = hr_json_string (hr_json_get (e, "architecture"));
      if (arch == NULL)
        return hr_error_set (err, EINVAL, "%s.architecture: expected a string", at);
      if (!arch_known (arch))
        return hr_error_set (err, EINVAL, "%s.architecture: unknown architecture \"%s\"", at, arch);
      for (size_t k = 0; k < i; k++)
        if (strcmp (arch, hr_json_string (hr_json_get (hr_json_at (map, k), "architecture"))) == 0)
          return hr_error_set (err, EINVAL, "%s.architecture: \"%s\" is already in archMap[%zu]", at, arch, k);
      snprintf (at, sizeof at, "archMap[%zu].subArchitectures", i);
      r = arch_array (hr_json_get (e, "subArchitectures"), at, err);
      if (r < 0)
        return r;
    }

  const struct hr_json *rules = hr_json_get (profile, "syscalls");
  if (rules && !hr_json_is_array (rules))
    return hr_error_set (err, EINVAL, "syscalls: expected an array");
  if (hr_json_len (rules) > HR_SECCOMP_MAX_RULES)
    return hr_error_set (err, E2BIG, "syscalls: more than %d entries", HR_SECCOMP_MAX_RULES);
  for (size_t i = 0; i < hr_json_len (rules); i++)
    {
      const struct hr_json *rule = hr_json_at (rules, i);
      struct scmp_arg_cmp cmp[HR_SECCOMP_MAX_ARGS];
      unsigned ncmp;
      snprintf (at, sizeof at, "syscalls[%zu]", i);
      if (!hr_json_is_object (rule))
        return hr_error_set (err, EINVAL, "%s: expected an object", at);
      if ((r = only_keys (rule, rule_keys, at, err)) < 0
          || (r = check_names (hr_json_get (rule, "names"), at, err)) < 0
          || (r = check_action (rule, "action", "errnoRet", false, at, &act, err)) < 0
          || (r = check_args (hr_json_get (rule, "args"), true, at, cmp, &ncmp, err)) < 0)
        return r;
      char f[80];
      snprintf (f, sizeof f, "%s.includes", at);
      if ((r = check_filter (hr_json_get (rule, "includes"), f, err)) < 0)
        return r;
      snprintf (f, sizeof f, "%s.excludes", at);
      if ((r = check_filter (hr_json_get (rule, "excludes"), f, err)) < 0)
        return r;
      comment = hr_json_get (rule, "comment");
      if (comment && !hr_json_is_string (comment))
        return hr_error_set (err, EINVAL, "%s.comment: expected a string", at);
    }
  return 0;
}

/* Parses and validates the profile text BUF[0..LEN) of the file DISPLAY
 * names. */
static int
parse_profile (const char *buf, size_t len, const char *display, struct hr_json **ret, struct hr_error *err)
{
  cleanup_json struct hr_json *doc = NULL;
  int r = hr_json_parse (buf, len, display, &doc, err);
  if (r < 0)
    return r;
  r = hr_seccomp_profile_validate (doc, err);
  if (r < 0)
    return hr_error_prefix (err, "%s", display);
  *ret = steal_pointer (&doc);
  return 0;
}

/* Reads the profile at PATH; *RET (owned) holds its text. */
static int
read_profile (const char *path, const char *display, char **ret, size_t *ret_len, struct hr_error *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return hr_error_setsys (err, errno, "%s: cannot open", display);
  return hr_read_fd_limited (fd, display, HR_JSON_MAX_BYTES, ret, ret_len, err);
}

int
hr_seccomp_load_profile (const char *path, struct hr_json **ret, struct hr_error *err)
{
  char display[PATH_MAX + 32];
  snprintf (display, sizeof display, "seccomp profile \"%s\"", path);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r = read_profile (path, display, &buf, &len, err);
  return r < 0 ? r : parse_profile (buf, len, display, ret, err);
}

/* ------------------------------------------------------------------ */
/* Resolving                                                           */

static bool
list_has (const struct hr_json *list, const char *s)
{
  for (size_t i = 0; i < hr_json_len (list); i++)
    if (strcmp (hr_json_string (hr_json_at (list, i)), s) == 0)
      return true;
  return false;
}

/* Capability bits of a validated caps list. */
static uint64_t
caps_of (const struct hr_json *list)
{
  uint64_t mask = 0;
  for (size_t i = 0; i < hr_json_len (list); i++)
    mask |= UINT64_C (1) << hr_cap_from_name (hr_json_string (hr_json_at (list, i)));
  return mask;
}

/* Does rule apply on ARCH with bounding set CAPS? */
static bool
rule_applies (const struct hr_json *rule, const char *arch, uint64_t caps)
{
  const struct hr_json *inc = hr_json_get (rule, "includes");
  const struct hr_json *exc = hr_json_get (rule, "excludes");
  uint64_t need = caps_of (hr_json_get (inc, "caps"));
  const struct hr_json *only = hr_json_get (inc, "arches");
  if ((caps & need) != need || (caps & caps_of (hr_json_get (exc, "caps"))) != 0)
    return false;
  if (hr_json_len (only) > 0 && !list_has (only, arch))
    return false;
  return !list_has (hr_json_get (exc, "arches"), arch);
}

/* Copies SRC[KEY] into DST under KEY when present and not null. */
static int
copy_member (struct hr_json *dst, const struct hr_json *src, const char *key, struct hr_error *err)
{
  const struct hr_json *v = hr_json_get (src, key);
  return v ? hr_json_set (dst, key, hr_json_copy (v), err) : 0;
}

/* Sets DST's action from SRC's (ACTION_KEY, ERRNO_KEY), turned into
 * SCMP_ACT_LOG in audit mode when it stops the syscall. */
static int
set_action (struct hr_json *dst, const struct hr_json *src, const char *action_key, const char *errno_key, bool audit,
            struct hr_error *err)
{
  const struct hr_json *act = hr_json_get (src, action_key);
  if (audit && action_find (hr_json_string (act))->stops)
    return hr_json_set (dst, action_key, hr_json_new_string ("SCMP_ACT_LOG"), err);
  int r = hr_json_set (dst, action_key, hr_json_copy (act), err);
  return r < 0 ? r : copy_member (dst, src, errno_key, err);
}

/* hr_seccomp_resolve, and for each rule of the result the index of the
 * profile's rule it comes from (owned, in *RET_ORIGIN when not NULL). */
static int
resolve (const struct hr_json *profile, bool validated, const char *native, uint64_t caps, bool compat, bool audit,
         struct hr_json **ret, size_t **ret_origin, struct hr_error *err)
{
  int r = validated ? 0 : hr_seccomp_profile_validate (profile, err);
  if (r < 0)
    return r;
  if (!arch_known (native))
    return hr_error_set (err, EINVAL, "unknown architecture \"%s\"", native ? native : "");

  const struct hr_json *rules = hr_json_get (profile, "syscalls");
  cleanup_free size_t *origin = calloc (hr_json_len (rules) + 1, sizeof *origin);
  cleanup_json struct hr_json *out = hr_json_new_object ();
  if (origin == NULL || out == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  if ((r = set_action (out, profile, "defaultAction", "defaultErrnoRet", audit, err)) < 0
      || (r = hr_json_set (out, "architectures", hr_json_new_array (), err)) < 0
      || (r = hr_json_set (out, "syscalls", hr_json_new_array (), err)) < 0)
    return r;
  struct hr_json *archlist = hr_json_get (out, "architectures");
  struct hr_json *syscalls = hr_json_get (out, "syscalls");

  if ((r = hr_json_append (archlist, hr_json_new_string (native), err)) < 0)
    return r;
  const struct hr_json *map = compat ? hr_json_get (profile, "archMap") : NULL;
  for (size_t i = 0; i < hr_json_len (map); i++)
    {
      const struct hr_json *e = hr_json_at (map, i);
      if (strcmp (hr_json_string (hr_json_get (e, "architecture")), native) != 0)
        continue;
      const struct hr_json *subs = hr_json_get (e, "subArchitectures");
      for (size_t k = 0; k < hr_json_len (subs); k++)
        if (!list_has (archlist, hr_json_string (hr_json_at (subs, k)))
            && (r = hr_json_append (archlist, hr_json_copy (hr_json_at (subs, k)), err)) < 0)
          return r;
    }

  size_t n = 0;
  for (size_t i = 0; i < hr_json_len (rules); i++)
    {
      const struct hr_json *rule = hr_json_at (rules, i);
      if (!rule_applies (rule, native, caps))
        continue;
      struct hr_json *o = hr_json_new_object ();
      if ((r = hr_json_append (syscalls, o, err)) < 0
          || (r = copy_member (o, rule, "names", err)) < 0
          || (r = set_action (o, rule, "action", "errnoRet", audit, err)) < 0
          || (r = copy_member (o, rule, "args", err)) < 0)
        return r;
      origin[n++] = i;
    }
  *ret = steal_pointer (&out);
  if (ret_origin)
    *ret_origin = steal_pointer (&origin);
  return 0;
}

int
hr_seccomp_resolve (const struct hr_json *profile, const char *native_arch, uint64_t bounding_caps, unsigned flags,
                    struct hr_json **ret, struct hr_error *err)
{
  return resolve (profile, false, native_arch, bounding_caps, flags & HR_SECCOMP_COMPAT, flags & HR_SECCOMP_AUDIT, ret,
                  NULL, err);
}

/* ------------------------------------------------------------------ */
/* Checking with libseccomp                                            */

static void
filter_releasep (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}
#define cleanup_filter __attribute__ ((cleanup (filter_releasep)))

/* Compiles CTX into BPF and checks the kernel's size limit. */
static int
export_filter (scmp_filter_ctx ctx, struct hr_error *err)
{
  cleanup_close int fd = memfd_create ("hardrun-seccomp-check", MFD_CLOEXEC);
  bool sized = fd >= 0;
  if (fd < 0)
    fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hr_error_setsys (err, errno, "cannot open a file for the BPF program");
  int r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return hr_error_setsys (err, -r, "libseccomp cannot compile the filter");
  struct stat st;
  if (sized && fstat (fd, &st) < 0)
    return hr_error_setsys (err, errno, "stat of the BPF program");
  if (sized && (size_t) st.st_size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return hr_error_set (err, E2BIG, "the filter compiles to %zu BPF instructions, more than the kernel's %d",
                         (size_t) st.st_size / sizeof (struct sock_filter), BPF_MAXINSNS);
  return 0;
}

/* Adds SYSCALL's rule(s) the way runc does: all comparisons in one rule,
 * unless two compare the same argument; then one rule per comparison (an
 * "or"). */
static int
add_rule (scmp_filter_ctx ctx, uint32_t act, int syscall, const struct scmp_arg_cmp *cmp, unsigned n)
{
  bool repeated = false;
  for (unsigned i = 0; i < n; i++)
    for (unsigned k = 0; k < i; k++)
      repeated |= cmp[i].arg == cmp[k].arg;
  if (!repeated)
    return seccomp_rule_add_array (ctx, act, syscall, n, cmp);
  for (unsigned i = 0; i < n; i++)
    {
      int r = seccomp_rule_add_array (ctx, act, syscall, 1, &cmp[i]);
      if (r < 0)
        return r;
    }
  return 0;
}

struct decided
{
  int nr;                       /* the machine's syscall number (or libseccomp's pseudo number) */
  uint32_t act;
  size_t rule;
};

/* hr_seccomp_check; rule I is named syscalls[ORIGIN[I]] when ORIGIN is
 * given (the profile's numbering). Without COMPILE, stops before the BPF
 * program is generated: the rules are known and free of conflicts. */
static int
check_oci (const struct hr_json *oci, const size_t *origin, bool compile, struct hr_error *err)
{
  uint32_t def = 0, act = 0;
  uint32_t tokens[HR_SECCOMP_MAX_ARCHES];
  size_t ntokens = 0;
  char at[64];

  if (!hr_json_is_object (oci))
    return hr_error_set (err, EINVAL, "expected a JSON object");
  int r = check_action (oci, "defaultAction", "defaultErrnoRet", true, "", &def, err);
  if (r < 0)
    return r;

  const struct hr_json *list = hr_json_get (oci, "architectures");
  r = string_array (list, HR_SECCOMP_MAX_ARCHES, "architectures", err);
  if (r < 0)
    return r;
  for (size_t i = 0; i < hr_json_len (list); i++)
    {
      const char *name = hr_json_string (hr_json_at (list, i));
      if (!arch_known (name))
        return hr_error_set (err, EINVAL, "architectures[%zu]: unknown architecture \"%s\"", i, name);
      tokens[ntokens] = arch_token (name);
      if (tokens[ntokens] == 0)
        return hr_error_set (err, EINVAL, "architectures[%zu]: this libseccomp (%u.%u.%u) does not know \"%s\"", i,
                             seccomp_version ()->major, seccomp_version ()->minor, seccomp_version ()->micro, name);
      ntokens++;
    }
  if (ntokens == 0)
    tokens[ntokens++] = seccomp_arch_native ();

  cleanup_filter scmp_filter_ctx ctx = seccomp_init (def);
  if (ctx == NULL)
    return hr_error_set (err, EINVAL, "defaultAction: libseccomp cannot create a filter with it");
  /* Exactly the listed architectures: the machine's own goes first, so
   * that a filter for another byte order can be checked here too. */
  if ((r = seccomp_arch_remove (ctx, SCMP_ARCH_NATIVE)) < 0)
    return hr_error_setsys (err, -r, "libseccomp cannot remove the native architecture");
  for (size_t i = 0; i < ntokens; i++)
    {
      r = seccomp_arch_add (ctx, tokens[i]);
      if (r == -EDOM)
        return hr_error_set (err, EDOM, "architectures[%zu]: \"%s\" has another byte order than the ones before it", i,
                             hr_json_string (hr_json_at (list, i)));
      if (r < 0 && r != -EEXIST)
        return hr_error_setsys (err, -r, "architectures[%zu]: libseccomp cannot add it", i);
    }

  const struct hr_json *rules = hr_json_get (oci, "syscalls");
  if (rules && !hr_json_is_array (rules))
    return hr_error_set (err, EINVAL, "syscalls: expected an array");
  /* Syscalls already decided by a rule without conditions: libseccomp
   * silently drops any later rule for them with another action. */
  size_t ndecided = 0, capdecided = 0;
  cleanup_free struct decided *decided = NULL;
  for (size_t i = 0; i < hr_json_len (rules); i++)
    {
      const struct hr_json *rule = hr_json_at (rules, i);
      struct scmp_arg_cmp cmp[HR_SECCOMP_MAX_ARGS];
      unsigned ncmp;
      snprintf (at, sizeof at, "syscalls[%zu]", origin ? origin[i] : i);
      if (!hr_json_is_object (rule))
        return hr_error_set (err, EINVAL, "%s: expected an object", at);
      const struct hr_json *names = hr_json_get (rule, "names");
      if ((r = check_names (names, at, err)) < 0
          || (r = check_action (rule, "action", "errnoRet", true, at, &act, err)) < 0
          || (r = check_args (hr_json_get (rule, "args"), false, at, cmp, &ncmp, err)) < 0)
        return r;
      for (size_t k = 0; k < names->u.arr.len; k++)
        {
          const char *name = names->u.arr.items[k]->u.str.s;
          bool known = false;
          for (size_t a = 0; a < ntokens && !known; a++)
            known = seccomp_syscall_resolve_name_arch (tokens[a], name) != __NR_SCMP_ERROR;
          if (!known)
            return hr_error_set (err, EINVAL, "%s: unknown syscall \"%s\"", at, name);
          /* runc resolves names on the machine's own architecture and
           * skips those it cannot; libseccomp maps them to each filter
           * architecture. */
          int nr = seccomp_syscall_resolve_name (name);
          if (nr == __NR_SCMP_ERROR)
            continue;
          for (size_t d = 0; d < ndecided; d++)
            if (decided[d].nr == nr && decided[d].act != act)
              return hr_error_set (err, EEXIST, "%s: syscall \"%s\": syscalls[%zu] already decides it with another action",
                                   at, name, origin ? origin[decided[d].rule] : decided[d].rule);
          if (ncmp == 0)
            {
              if (ndecided == capdecided)
                {
                  size_t ncap = capdecided ? capdecided * 2 : 64;
                  struct decided *n = realloc (decided, ncap * sizeof *n);
                  if (n == NULL)
                    return hr_error_set (err, ENOMEM, "out of memory");
                  decided = n;
                  capdecided = ncap;
                }
              decided[ndecided++] = (struct decided) { .nr = nr, .act = act, .rule = i };
            }
          if (act == def)
            continue;           /* runc skips a rule equal to the default */
          r = add_rule (ctx, act, nr, cmp, ncmp);
          if (r == -EEXIST)
            return hr_error_set (err, EEXIST,
                                 "%s: syscall \"%s\": conflicts with an earlier rule for it with another action", at,
                                 name);
          if (r < 0)
            return hr_error_setsys (err, -r, "%s: syscall \"%s\": libseccomp refuses the rule", at, name);
        }
    }
  return compile ? export_filter (ctx, err) : 0;
}

/* libseccomp refuses actions the running kernel lacks (SCMP_ACT_LOG and
 * SCMP_ACT_KILL_PROCESS before Linux 4.14, SCMP_ACT_NOTIFY before 5.0), and
 * under valgrind it cannot probe the kernel at all. The filter is checked
 * for the kernel runc will load it on, not for this one: the check assumes
 * API level 5 and puts libseccomp's own answer back afterwards. hardrun
 * loads no filter itself. */
static int
check_with_api (const struct hr_json *oci, const size_t *origin, bool compile, struct hr_error *err)
{
  unsigned level = seccomp_api_get ();
  if (level < 5)
    seccomp_api_set (5);
  int r = check_oci (oci, origin, compile, err);
  if (level < 5)
    seccomp_api_set (level);
  return r;
}

int
hr_seccomp_check (const struct hr_json *oci_seccomp, struct hr_error *err)
{
  return check_with_api (oci_seccomp, NULL, true, err);
}

/* Resolves PROFILE for one case and checks it (COMPILE: see check_oci).
 * Skips a case whose set of rules was already checked for this
 * architecture (SEEN: one row of NRULES flags per checked case, *NSEEN
 * rows). */
static int
check_case (const struct hr_json *profile, const char *arch, uint64_t caps, bool audit, bool compile, bool *seen,
            size_t *nseen, const char *label, struct hr_error *err)
{
  const struct hr_json *rules = hr_json_get (profile, "syscalls");
  size_t nrules = hr_json_len (rules);
  bool *row = seen + *nseen * nrules;
  for (size_t i = 0; i < nrules; i++)
    row[i] = rule_applies (hr_json_at (rules, i), arch, caps);
  if (!audit)
    for (size_t s = 0; s < *nseen; s++)
      if (memcmp (seen + s * nrules, row, nrules * sizeof *row) == 0)
        return 0;
  if (!audit)
    (*nseen)++;

  cleanup_json struct hr_json *oci = NULL;
  cleanup_free size_t *origin = NULL;
  int r = resolve (profile, false, arch, caps, true, audit, &oci, &origin, err);
  if (r == 0)
    r = check_with_api (oci, origin, compile, err);
  if (r < 0)
    return hr_error_prefix (err, "%s%s with %s", arch, audit ? " in audit mode" : "", label);
  return 0;
}

int
hr_seccomp_check_profile (const struct hr_json *profile, struct hr_error *err)
{
  int r = hr_seccomp_profile_validate (profile, err);
  if (r < 0)
    return r;

  /* Names first, in the profile's numbering: unknown on every architecture
   * libseccomp knows. */
  const struct hr_json *rules = hr_json_get (profile, "syscalls");
  uint64_t named = 0;
  for (size_t i = 0; i < hr_json_len (rules); i++)
    {
      const struct hr_json *rule = hr_json_at (rules, i);
      const struct hr_json *names = hr_json_get (rule, "names");
      for (size_t k = 0; k < hr_json_len (names); k++)
        {
          const char *name = hr_json_string (hr_json_at (names, k));
          bool known = false;
          for (size_t a = 0; a < HR_ARRAY_SIZE (arches) && !known; a++)
            {
              uint32_t t = seccomp_arch_resolve_name (arches[a].libseccomp);
              known = t && seccomp_syscall_resolve_name_arch (t, name) != __NR_SCMP_ERROR;
            }
          if (!known)
            return hr_error_set (err, EINVAL, "syscalls[%zu]: unknown syscall \"%s\"", i, name);
        }
      named |= caps_of (hr_json_get (hr_json_get (rule, "includes"), "caps"));
      named |= caps_of (hr_json_get (hr_json_get (rule, "excludes"), "caps"));
    }

  const uint64_t all = (UINT64_C (1) << (HR_CAP_LAST + 1)) - 1;
  size_t nrules = hr_json_len (rules);
  /* none, all, and two per named capability */
  size_t ncases = 2 + 2 * (HR_CAP_LAST + 1);
  cleanup_free bool *seen = calloc (ncases * nrules + 1, sizeof *seen);
  if (seen == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");

  /* Every architecture with no capabilities and with all, compiled to BPF;
   * on the first one also each named capability alone and all but it, for
   * conflicts between rules (compiling these adds little and costs most). */
  const struct hr_json *map = hr_json_get (profile, "archMap");
  bool first = true;
  for (size_t i = 0; i < hr_json_len (map); i++)
    {
      const char *arch = hr_json_string (hr_json_get (hr_json_at (map, i), "architecture"));
      if (arch_token (arch) == 0)
        continue;               /* this libseccomp does not know it */
      size_t nseen = 0;
      if ((r = check_case (profile, arch, 0, false, true, seen, &nseen, "no capabilities", err)) < 0
          || (r = check_case (profile, arch, all, false, true, seen, &nseen, "all capabilities", err)) < 0
          || (r = check_case (profile, arch, 0, true, true, seen, &nseen, "no capabilities", err)) < 0
          || (r = check_case (profile, arch, all, true, true, seen, &nseen, "all capabilities", err)) < 0)
        return r;
      for (int c = 0; first && c <= HR_CAP_LAST; c++)
        {
          uint64_t bit = UINT64_C (1) << c;
          char label[64];
          if (!(named & bit))
            continue;
          snprintf (label, sizeof label, "only %s", hr_cap_name (c));
          if ((r = check_case (profile, arch, bit, false, false, seen, &nseen, label, err)) < 0)
            return r;
          snprintf (label, sizeof label, "all capabilities but %s", hr_cap_name (c));
          if ((r = check_case (profile, arch, all & ~bit, false, false, seen, &nseen, label, err)) < 0)
            return r;
        }
      first = false;
    }
  return 0;
}

/* ------------------------------------------------------------------ */
/* The control                                                         */

/* The profile in FILE resolved for NATIVE, CAPS and COMPAT: from the cache
 * when it has an entry for these very bytes, else parsed, validated,
 * resolved and stored. */
static int
resolve_cached (const char *state_dir, const char *file, const char *native, uint64_t caps, bool compat,
                struct hr_json **ret, struct hr_error *err)
{
  char display[PATH_MAX + 32];
  snprintf (display, sizeof display, "seccomp profile \"%s\"", file);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r = read_profile (file, display, &buf, &len, err);
  if (r < 0)
    return r;
  char key[512];
  bool keyed = state_dir && hr_seccomp_cache_key (buf, len, native, caps, compat, key, sizeof key) == 0;
  if (keyed && hr_seccomp_cache_get (state_dir, key, ret) == 0)
    return 0;

  cleanup_json struct hr_json *profile = NULL;
  r = parse_profile (buf, len, display, &profile, err);
  /* parse_profile() has validated it */
  if (r == 0)
    r = resolve (profile, true, native, caps, compat, false, ret, NULL, err);
  if (r == 0 && keyed)
    hr_seccomp_cache_put (state_dir, key, *ret);
  return r;
}

int
hr_ctl_seccomp (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *cur = hr_json_get (hr_json_get (spec, "linux"), "seccomp");
  /* runc takes an object without a default action and rules for none */
  if (cur && cur->type != HR_JSON_NULL && !hr_seccomp_is_filter (cur))
    cur = NULL;
  if (cur && cur->type == HR_JSON_NULL)
    cur = NULL;

  const char *native = hr_seccomp_native_arch ();
  if (native == NULL)
    {
      hr_refusal (a, "linux.seccomp", "hardrun does not know this machine's seccomp architecture");
      return 0;
    }

  cleanup_free char *path = NULL;
  const char *file = a->ctx->profile->seccomp_profile;
  if (file == NULL)
    {
      const char *dir = a->ctx->seccomp_dir ? a->ctx->seccomp_dir : HARDRUN_DATADIR "/seccomp";
      if (asprintf (&path, "%s/default.json", dir) < 0)
        return hr_error_set (err, ENOMEM, "out of memory");
      file = path;
    }

  uint64_t caps = hr_caps_from_list (hr_json_get_path (spec, "process.capabilities.bounding"), NULL);
  bool compat = a->ctx->profile->seccomp_compat_arches;
  cleanup_json struct hr_json *want = NULL;
  struct hr_error e = { 0 };
  int r = resolve_cached (a->ctx->state_dir, file, native, caps, compat, &want, &e);
  if (r < 0)
    {
      /* Audit mode never stops a container, not even for hardrun's own
       * broken installation. */
      if (a->mode == HR_MODE_AUDIT)
        {
          hr_refusal (a, "linux.seccomp", "%s", e.msg);
          return 0;
        }
      if (err)
        *err = e;
      return r;
    }

  if (cur && hr_json_equal (cur, want))
    return 0;
  if (cur == NULL)
    {
      if (!hr_violation (a, "linux.seccomp", "no seccomp filter where seccomp profile \"%s\" is required", file))
        return 0;
      struct hr_json *lnx = hr_json_ensure_object (spec, "linux");
      if (lnx == NULL)
        return hr_error_set (err, EINVAL, "\"linux\" is not an object");
      return hr_json_set (lnx, "seccomp", steal_pointer (&want), err);
    }

  /* The workload's own filter: never loosened. It stays when it already
   * is at least as strict as hardrun's, else the two are combined into one
   * filter at least as strict as both; a seccomp agent's listener and
   * notify rules stay where hardrun's filter allows the call. */
  cleanup_json struct hr_json *merged = NULL;
  char stricter[256];
  r = hr_seccomp_merge (want, cur, native, &merged, stricter, sizeof stricter, &e);
  if (r == -EINVAL || r == -EDOM || r == -E2BIG)
    {
      hr_refusal (a, "linux.seccomp", "%s; hardrun can neither keep the container's own filter nor combine it "
                  "with seccomp profile \"%s\" exactly, and does not replace it with a looser one", e.msg, file);
      return 0;
    }
  if (r < 0)
    {
      if (err)
        *err = e;
      return r;
    }
  /* With the 32-bit ABIs, libseccomp folds socket's rules into
   * socketcall's and may find them in conflict there: check what runc
   * would load, rather than let it fail later with less to say. */
  if (merged && hr_json_len (hr_json_get (merged, "architectures")) > 1
      && hr_seccomp_check (merged, &e) < 0)
    {
      hr_refusal (a, "linux.seccomp", "the combination of the container's own filter with seccomp profile \"%s\" "
                  "does not compile for its architectures: %s; hardrun does not replace the filter with a looser one",
                  file, e.msg);
      return 0;
    }
  if (merged == NULL)
    {
      hr_note (a, "linux.seccomp", "the container's own filter%s is at least as strict as seccomp profile \"%s\"; "
               "kept", hr_seccomp_has_listener (cur) ? " (with its seccomp agent)" : "", file);
      return 0;
    }
  const char *def = hr_json_string (hr_json_get (cur, "defaultAction"));
  char what[96] = "";
  if (def && (strcmp (def, "SCMP_ACT_ALLOW") == 0 || strcmp (def, "SCMP_ACT_LOG") == 0))
    snprintf (what, sizeof what, " (default action %s)", def);
  if (!hr_violation (a, "linux.seccomp", "the container's own filter%s%s is combined with seccomp profile \"%s\" "
                     "into one at least as strict as both%s%s", what, hr_seccomp_has_listener (cur) ? " (with its "
                     "seccomp agent)" : "", file, stricter[0] ? "; stricter than both for some arguments of " : "",
                     stricter))
    return 0;
  struct hr_json *lnx = hr_json_get (spec, "linux");
  return hr_json_set (lnx, "seccomp", steal_pointer (&merged), err);
}
