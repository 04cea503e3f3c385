/* seccomp: profiles resolved into linux.seccomp, checked with libseccomp,
 * and the control that installs them. */
#include "config.h"
#include "tap.h"
#include "cleanup.h"
#include "json.h"
#include "policy/policy.h"
#include "policy/profile.h"
#include "policy/seccomp.h"
#include "policy/seccomp_cache.h"
#include "hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAP(n) (UINT64_C (1) << (n))
#define CAP_NET_BIND_SERVICE 10
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define ALL_CAPS ((UINT64_C (1) << (HR_CAP_LAST + 1)) - 1)

static const char *srcdir;
static char default_path[4096];
static char seccomp_dir[4096];

static struct hr_json *
parse (const char *text)
{
  struct hr_error err = { 0 };
  struct hr_json *v = NULL;
  if (hr_json_parse (text, strlen (text), "test", &v, &err) < 0)
    {
      diag ("cannot parse test JSON: %s", err.msg);
      return NULL;
    }
  return v;
}

/* Compact text of V, or "(error)". Owned by the caller. */
static char *
text_of (const struct hr_json *v)
{
  char *s = NULL;
  size_t len;
  if (v == NULL || hr_json_serialize (v, false, &s, &len, NULL) < 0)
    return strdup ("(error)");
  return s;
}

/* A small profile in the format of profiles/seccomp/default.json. */
static const char small_profile[] = "{"
  "\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
  "\"archMap\": ["
  "  {\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},"
  "  {\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]}],"
  "\"syscalls\": ["
  "  {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"io\"},"
  "  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
  "  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,"
  "   \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
  "  {\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_PTRACE\"]}},"
  "  {\"names\": [\"arch_prctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": [\"SCMP_ARCH_X86_64\"]}},"
  "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
  "   \"args\": [{\"index\": 0, \"value\": 18446744073709551615, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
  "  {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"arches\": [\"SCMP_ARCH_AARCH64\"]}},"
  "  {\"names\": [\"kexec_load\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}"
  "]}";

#define OUT_HEAD "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
#define OUT_RW "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}"
#define OUT_MOUNT_ALLOW "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\"}"
#define OUT_MOUNT_EPERM "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}"
#define OUT_PTRACE "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\"}"
#define OUT_ARCH_PRCTL "{\"names\":[\"arch_prctl\"],\"action\":\"SCMP_ACT_ALLOW\"}"
#define OUT_PERSONALITY                                                                                       \
  "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"                        \
  "\"value\":18446744073709551615,\"valueTwo\":0,\"op\":\"SCMP_CMP_EQ\"}]}"
#define OUT_CLONE "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\"}"
#define OUT_KEXEC "{\"names\":[\"kexec_load\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}"
#define OUT_X86_ARCHES "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"

struct resolve_case
{
  const char *what;
  const char *arch;
  uint64_t caps;
  unsigned flags;
  const char *want;
};

#define COMPAT HR_SECCOMP_COMPAT
#define AUDIT (HR_SECCOMP_AUDIT | HR_SECCOMP_COMPAT)

static const struct resolve_case resolve_cases[] = {
  { "x86_64, no capabilities", "SCMP_ARCH_X86_64", 0, COMPAT,
    OUT_HEAD OUT_X86_ARCHES "\"syscalls\":[" OUT_RW "," OUT_MOUNT_EPERM "," OUT_ARCH_PRCTL "," OUT_PERSONALITY ","
    OUT_CLONE "," OUT_KEXEC "]}" },
  { "x86_64, CAP_SYS_ADMIN: mount allowed, the EPERM rule left out", "SCMP_ARCH_X86_64", CAP (CAP_SYS_ADMIN), COMPAT,
    OUT_HEAD OUT_X86_ARCHES "\"syscalls\":[" OUT_RW "," OUT_MOUNT_ALLOW "," OUT_ARCH_PRCTL "," OUT_PERSONALITY ","
    OUT_CLONE "," OUT_KEXEC "]}" },
  { "x86_64, CAP_SYS_PTRACE: ptrace allowed", "SCMP_ARCH_X86_64", CAP (CAP_SYS_PTRACE), COMPAT,
    OUT_HEAD OUT_X86_ARCHES "\"syscalls\":[" OUT_RW "," OUT_MOUNT_EPERM "," OUT_PTRACE "," OUT_ARCH_PRCTL ","
    OUT_PERSONALITY "," OUT_CLONE "," OUT_KEXEC "]}" },
  { "x86_64 without compat architectures: itself alone", "SCMP_ARCH_X86_64", 0, 0,
    OUT_HEAD "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":[" OUT_RW "," OUT_MOUNT_EPERM "," OUT_ARCH_PRCTL ","
    OUT_PERSONALITY "," OUT_CLONE "," OUT_KEXEC "]}" },
  { "aarch64 without compat architectures: itself alone", "SCMP_ARCH_AARCH64", 0, 0,
    OUT_HEAD "\"architectures\":[\"SCMP_ARCH_AARCH64\"],\"syscalls\":[" OUT_RW "," OUT_MOUNT_EPERM ","
    OUT_PERSONALITY "," OUT_KEXEC "]}" },
  { "aarch64: its sub-architecture, no x86-only or aarch64-excluded rule", "SCMP_ARCH_AARCH64", 0, COMPAT,
    OUT_HEAD "\"architectures\":[\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"],\"syscalls\":[" OUT_RW ","
    OUT_MOUNT_EPERM "," OUT_PERSONALITY "," OUT_KEXEC "]}" },
  { "s390x, not in archMap: itself alone", "SCMP_ARCH_S390X", 0, COMPAT,
    OUT_HEAD "\"architectures\":[\"SCMP_ARCH_S390X\"],\"syscalls\":[" OUT_RW "," OUT_MOUNT_EPERM ","
    OUT_PERSONALITY "," OUT_CLONE "," OUT_KEXEC "]}" },
  { "audit: what stops a syscall logs instead", "SCMP_ARCH_X86_64", 0, AUDIT,
    "{\"defaultAction\":\"SCMP_ACT_LOG\"," OUT_X86_ARCHES "\"syscalls\":[" OUT_RW ","
    "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_LOG\"}," OUT_ARCH_PRCTL "," OUT_PERSONALITY "," OUT_CLONE ","
    "{\"names\":[\"kexec_load\"],\"action\":\"SCMP_ACT_LOG\"}]}" },
};

static void
test_resolve (void)
{
  cleanup_json struct hr_json *profile = parse (small_profile);
  for (size_t i = 0; i < HR_ARRAY_SIZE (resolve_cases); i++)
    {
      const struct resolve_case *c = &resolve_cases[i];
      struct hr_error err = { 0 };
      cleanup_json struct hr_json *out = NULL;
      int r = hr_seccomp_resolve (profile, c->arch, c->caps, c->flags, &out, &err);
      ok (r == 0, "resolve: %s", c->what);
      if (r < 0)
        diag ("%s", err.msg);
      cleanup_free char *got = text_of (out);
      check_str (got, c->want);
      /* What the resolver writes, libseccomp accepts. */
      r = out ? hr_seccomp_check (out, &err) : -EINVAL;
      ok (r == 0, "check accepts the result: %s", c->what);
      if (r < 0)
        diag ("%s", err.msg);
    }

  /* The number survives as text, not through a double. */
  struct hr_error err = { 0 };
  cleanup_json struct hr_json *out = NULL;
  hr_seccomp_resolve (profile, "SCMP_ARCH_X86_64", 0, false, &out, &err);
  const struct hr_json *value = NULL;
  const struct hr_json *rules = hr_json_get (out, "syscalls");
  for (size_t i = 0; i < hr_json_len (rules); i++)
    if (hr_json_get (hr_json_at (rules, i), "args"))
      value = hr_json_get (hr_json_at (hr_json_get (hr_json_at (rules, i), "args"), 0), "value");
  check_str (value && value->type == HR_JSON_NUMBER ? value->u.str.s : NULL, "18446744073709551615");

  check_int (hr_seccomp_resolve (profile, "SCMP_ARCH_VAX", 0, false, &out, &err), ==, -EINVAL);
  check_contains (err.msg, "unknown architecture \"SCMP_ARCH_VAX\"");
  check_int (hr_seccomp_resolve (profile, NULL, 0, false, &out, &err), ==, -EINVAL);

#if defined(__x86_64__) && !defined(__ILP32__)
  check_str (hr_seccomp_native_arch (), "SCMP_ARCH_X86_64");
#elif defined(__aarch64__)
  check_str (hr_seccomp_native_arch (), "SCMP_ARCH_AARCH64");
#else
  ok (hr_seccomp_native_arch () != NULL, "native architecture known");
#endif
}

struct bad_case
{
  const char *json;
  const char *msg;
};

#define RULE(...) "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[" __VA_ARGS__ "]}"

/* Profiles whose shape is wrong. */
static const struct bad_case bad_profiles[] = {
  { "[]", "expected a JSON object" },
  { "{\"syscalls\":[]}", "\"defaultAction\" is missing" },
  { "{\"defaultAction\":\"SCMP_ACT_DENY\"}", "defaultAction: unknown action \"SCMP_ACT_DENY\"" },
  { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}", "defaultErrnoRet: only SCMP_ACT_ERRNO" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":4096}", "defaultErrnoRet: expected an integer from 0 to 4095" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[]}", "unknown key \"flags\"" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"amd64\"}]}",
    "archMap[0].architecture: unknown architecture \"amd64\"" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\","
    "\"subArchitectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_I386\"]}]}",
    "archMap[0].subArchitectures[1]: unknown architecture \"SCMP_ARCH_I386\"" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"exclude\":{\"caps\":[\"CAP_SYS_ADMIN\"]}}"),
    "syscalls[0]: unknown key \"exclude\"" },
  { RULE ("{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}"), "syscalls[0].names: expected a non-empty array" },
  { RULE ("{\"name\":\"read\",\"action\":\"SCMP_ACT_ALLOW\"}"), "syscalls[0]: unknown key \"name\"" },
  { RULE ("{\"names\":[\"read\"]}"), "syscalls[0]: \"action\" is missing" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}"), "syscalls[0].action: SCMP_ACT_NOTIFY needs a seccomp agent" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}"), "syscalls[0].errnoRet: only SCMP_ACT_ERRNO" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}"),
    "syscalls[0].args[0].index: expected an integer from 0 to 5" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]}"),
    "syscalls[0].args[0].value: expected an integer from 0 to 18446744073709551615" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":18446744073709551616,\"op\":\"SCMP_CMP_EQ\"}]}"),
    "syscalls[0].args[0].value: expected an integer" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\",\"value2\":1}]}"),
    "syscalls[0].args[0]: unknown key \"value2\"" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_LIKE\"}]}"),
    "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_LIKE\"" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
          "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_WIZARD\"]}}"),
    "syscalls[1].includes.caps[0]: unknown capability \"CAP_SYS_WIZARD\"" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4.8\"}}"),
    "syscalls[0].includes: unknown key \"minKernel\"" },
  { RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"arches\":[\"arm64\"]}}"),
    "syscalls[0].excludes.arches[0]: unknown architecture \"arm64\"" },
};

static void
test_profile_shape (void)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (bad_profiles); i++)
    {
      cleanup_json struct hr_json *p = parse (bad_profiles[i].json);
      cleanup_json struct hr_json *out = NULL;
      struct hr_error err = { 0 };
      int r = hr_seccomp_profile_validate (p, &err);
      ok (r < 0, "profile %zu refused", i);
      check_contains (err.msg, bad_profiles[i].msg);
      /* The resolver refuses it too. */
      ok (hr_seccomp_resolve (p, "SCMP_ARCH_X86_64", 0, false, &out, &err) < 0 && out == NULL,
          "profile %zu: resolve refuses it", i);
    }
}

#define OCI(arches, ...)                                                                                      \
  "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"architectures\":[" arches "],"           \
  "\"syscalls\":[" __VA_ARGS__ "]}"
#define X86 "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\""

/* linux.seccomp objects libseccomp (or runc) would not load as meant. */
static const struct bad_case bad_oci[] = {
  { OCI (X86, "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"write\",\"foo\"],\"action\":\"SCMP_ACT_ALLOW\"}"),
    "syscalls[1]: unknown syscall \"foo\"" },
  { OCI (X86, "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_PERMIT\"}"), "syscalls[0].action: unknown action \"SCMP_ACT_PERMIT\"" },
  { OCI (X86, "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQUAL\"}]}"),
    "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_EQUAL\"" },
  { OCI ("\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_PDP11\"", "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}"),
    "architectures[1]: unknown architecture \"SCMP_ARCH_PDP11\"" },
  { "{\"defaultAction\":\"SCMP_ACT_BLOCK\"}", "defaultAction: unknown action \"SCMP_ACT_BLOCK\"" },
  { OCI (X86, "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}"),
    "syscalls[1]: syscall \"mount\": syscalls[0] already decides it with another action" },
  { OCI (X86, "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
              "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}"),
    "syscalls[1]: syscall \"mount\": conflicts with an earlier rule for it with another action" },
};

static void
test_check (void)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (bad_oci); i++)
    {
      cleanup_json struct hr_json *p = parse (bad_oci[i].json);
      struct hr_error err = { 0 };
      ok (hr_seccomp_check (p, &err) < 0, "linux.seccomp %zu refused", i);
      check_contains (err.msg, bad_oci[i].msg);
    }

  /* Two conditions on one argument: runc adds one rule per condition. */
  cleanup_json struct hr_json *two = parse (OCI (X86, "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                                                      "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                                                      "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]}"));
  struct hr_error err = { 0 };
  check_int (hr_seccomp_check (two, &err), ==, 0);

  /* A rule equal to the default is skipped, as runc skips it. */
  cleanup_json struct hr_json *same = parse (OCI (X86, "{\"names\":[\"io_uring_setup\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}"));
  check_int (hr_seccomp_check (same, &err), ==, 0);

  /* hr_seccomp_check_profile names the profile's rule and the case. */
  cleanup_json struct hr_json *unknown = parse (RULE ("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                                                      "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
                                                      "{\"names\":[\"write\",\"foo\"],\"action\":\"SCMP_ACT_ALLOW\"}"));
  check_int (hr_seccomp_check_profile (unknown, &err), ==, -EINVAL);
  check_str (err.msg, "syscalls[2]: unknown syscall \"foo\"");

  cleanup_json struct hr_json *conflict = parse (
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}],\"syscalls\":["
    "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_PTRACE\"]}},"
    "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}}]}");
  check_int (hr_seccomp_check_profile (conflict, &err), ==, -EEXIST);
  check_str (err.msg, "SCMP_ARCH_X86_64 with only CAP_SYS_PTRACE: syscalls[2]: syscall \"ptrace\": syscalls[1] already "
                      "decides it with another action");

  cleanup_json struct hr_json *small = parse (small_profile);
  err = (struct hr_error) { 0 };
  check_int (hr_seccomp_check_profile (small, &err), ==, 0);
  if (err.msg[0])
    diag ("%s", err.msg);
}

static void
test_default_profile (void)
{
  struct hr_error err = { 0 };
  cleanup_json struct hr_json *profile = NULL;
  int r = hr_seccomp_load_profile (default_path, &profile, &err);
  ok (r == 0, "profiles/seccomp/default.json loads");
  if (r < 0)
    {
      diag ("%s", err.msg);
      return;
    }

  const uint64_t sets[] = { 0, ALL_CAPS };
  for (size_t i = 0; i < HR_ARRAY_SIZE (sets); i++)
    {
      cleanup_json struct hr_json *out = NULL;
      r = hr_seccomp_resolve (profile, "SCMP_ARCH_X86_64", sets[i], false, &out, &err);
      ok (r == 0, "default.json resolves for x86_64 with %s capabilities", sets[i] ? "all" : "no");
      r = out ? hr_seccomp_check (out, &err) : -EINVAL;
      ok (r == 0, "libseccomp accepts default.json for x86_64 with %s capabilities", sets[i] ? "all" : "no");
      if (r < 0)
        diag ("%s", err.msg);
      size_t nrules = hr_json_len (hr_json_get (out, "syscalls")), nnames = 0;
      for (size_t k = 0; k < nrules; k++)
        nnames += hr_json_len (hr_json_get (hr_json_at (hr_json_get (out, "syscalls"), k), "names"));
      diag ("default.json on x86_64, %s capabilities: %zu rules, %zu syscall names", sets[i] ? "all" : "no", nrules,
            nnames);
      ok (nrules > 0, "rules resolved");
    }

  r = hr_seccomp_check_profile (profile, &err);
  ok (r == 0, "default.json passes hr_seccomp_check_profile on every architecture it maps");
  if (r < 0)
    diag ("%s", err.msg);

  /* Loading: errors name the file. */
  cleanup_json struct hr_json *none = NULL;
  check_int (hr_seccomp_load_profile ("/nonexistent/seccomp.json", &none, &err), ==, -ENOENT);
  check_contains (err.msg, "seccomp profile \"/nonexistent/seccomp.json\": cannot open");
  char tmp[] = "/tmp/test-seccomp-XXXXXX";
  int fd = mkstemp (tmp);
  ok (fd >= 0, "temporary file");
  if (fd >= 0)
    {
      static const char bad[] = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_OK\"}]}";
      ok (write (fd, bad, sizeof bad - 1) == (ssize_t) sizeof bad - 1, "write profile");
      close (fd);
      check_int (hr_seccomp_load_profile (tmp, &none, &err), ==, -EINVAL);
      char want[128];
      snprintf (want, sizeof want, "seccomp profile \"%s\": syscalls[0].action: unknown action \"SCMP_ACT_OK\"", tmp);
      check_str (err.msg, want);
      unlink (tmp);
    }
  check_int (hr_seccomp_load_profile ("/tmp", &none, &err), <, 0);
  ok (none == NULL, "nothing returned on failure");
}

/* ---- the control ---- */

struct ctl_run
{
  struct hr_report report;
  int r;
  struct hr_error err;
};

/* What run_control gives the control besides the profile. */
static const char *ctl_state_dir;       /* the filter cache's home, or NULL */
static bool ctl_compat;                 /* compatArchitectures */

static void
run_control (enum hr_mode mode, const char *seccomp_profile, struct hr_json *spec, struct ctl_run *ret)
{
  struct hr_profile profile;
  struct hr_error err = { 0 };
  memset (ret, 0, sizeof *ret);
  if (hr_profile_builtin ("restricted", &profile, &err) < 0)
    {
      ret->r = -EINVAL;
      ret->err = err;
      return;
    }
  free (profile.seccomp_profile);
  profile.seccomp_profile = seccomp_profile ? strdup (seccomp_profile) : NULL;
  profile.seccomp_compat_arches = ctl_compat;
  struct hr_policy_ctx ctx
    = { .profile = &profile, .container_id = "test", .seccomp_dir = seccomp_dir, .state_dir = ctl_state_dir };
  struct hr_apply a = { .ctx = &ctx, .control = HR_CTL_SECCOMP, .mode = mode, .report = &ret->report };
  ret->r = hr_ctl_seccomp (&a, spec, &ret->err);
  hr_profile_release (&profile);
}

/* linux.seccomp as hardrun installs it for bounding set CAPS. */
static struct hr_json *
expected (uint64_t caps)
{
  struct hr_error err = { 0 };
  cleanup_json struct hr_json *profile = NULL;
  struct hr_json *out = NULL;
  if (hr_seccomp_load_profile (default_path, &profile, &err) < 0
      || hr_seccomp_resolve (profile, hr_seccomp_native_arch (), caps, false, &out, &err) < 0)
    diag ("%s", err.msg);
  return out;
}

#define SPEC(seccomp)                                                                                         \
  "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"capabilities\":{\"bounding\":"                  \
  "[\"CAP_NET_BIND_SERVICE\"]}},\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]" seccomp "}}"

static void
test_control (void)
{
  struct ctl_run run;
  cleanup_json struct hr_json *want = expected (CAP (CAP_NET_BIND_SERVICE));

  /* enforce: installs the resolved profile */
  cleanup_json struct hr_json *spec = parse (SPEC (""));
  run_control (HR_MODE_ENFORCE, NULL, spec, &run);
  check_int (run.r, ==, 0);
  check_int (run.report.n, ==, 1);
  if (run.report.n == 1)
    {
      check_int (run.report.items[0].action, ==, HR_ACT_CHANGED);
      check_str (run.report.items[0].field, "linux.seccomp");
      check_contains (run.report.items[0].message, "no seccomp filter where seccomp profile");
      check_contains (run.report.items[0].message, "default.json");
    }
  ok (want && hr_json_equal (hr_json_get_path (spec, "linux.seccomp"), want), "enforce: linux.seccomp installed");
  hr_report_release (&run.report);

  /* idempotent: a second run finds it compliant and changes nothing */
  cleanup_free char *before = text_of (spec);
  run_control (HR_MODE_ENFORCE, NULL, spec, &run);
  check_int (run.r, ==, 0);
  check_int (run.report.n, ==, 0);
  cleanup_free char *after = text_of (spec);
  check_str (after, before);
  hr_report_release (&run.report);

  /* and so does a config.json that went through a file in between */
  cleanup_json struct hr_json *reread = parse (before);
  run_control (HR_MODE_DENY, NULL, reread, &run);
  check_int (run.report.n, ==, 0);
  hr_report_release (&run.report);

  /* the bounding set decides which rules apply */
  cleanup_json struct hr_json *admin = parse (
    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_NOT_A_CAP\"]}},\"linux\":{\"seccomp\":null}}");
  cleanup_json struct hr_json *want_admin = expected (CAP (CAP_SYS_ADMIN));
  run_control (HR_MODE_ENFORCE, NULL, admin, &run);
  check_int (run.r, ==, 0);
  ok (want_admin && hr_json_equal (hr_json_get_path (admin, "linux.seccomp"), want_admin),
      "enforce: rules for CAP_SYS_ADMIN, unknown capability names ignored");
  ok (!hr_json_equal (want_admin, want), "CAP_SYS_ADMIN changes the filter");
  hr_report_release (&run.report);

  /* no "linux" at all */
  cleanup_json struct hr_json *bare = parse ("{\"ociVersion\":\"1.0.2\"}");
  cleanup_json struct hr_json *want_none = expected (0);
  run_control (HR_MODE_ENFORCE, NULL, bare, &run);
  check_int (run.r, ==, 0);
  ok (want_none && hr_json_equal (hr_json_get_path (bare, "linux.seccomp"), want_none), "enforce: \"linux\" created");
  hr_report_release (&run.report);

  /* audit: a finding, and the spec stays as it was */
  cleanup_json struct hr_json *allow = parse (SPEC (",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"));
  cleanup_free char *allow_before = text_of (allow);
  run_control (HR_MODE_AUDIT, NULL, allow, &run);
  check_int (run.r, ==, 0);
  check_int (run.report.n, ==, 1);
  if (run.report.n == 1)
    {
      check_int (run.report.items[0].action, ==, HR_ACT_AUDIT);
      check_contains (run.report.items[0].message, "(default action SCMP_ACT_ALLOW) is combined");
    }
  cleanup_free char *allow_after = text_of (allow);
  check_str (allow_after, allow_before);
  ok (!run.report.changed && !run.report.refused, "audit: neither changed nor refused");
  hr_report_release (&run.report);

  /* a stricter filter of the workload's own: kept in every mode */
  cleanup_json struct hr_json *other = parse (SPEC (",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
                                                    "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"));
  cleanup_free char *other_before = text_of (other);
  for (int m = 0; m < 2; m++)
    {
      run_control (m ? HR_MODE_DENY : HR_MODE_ENFORCE, NULL, other, &run);
      check_int (run.r, ==, 0);
      ok (!run.report.refused && !run.report.changed, "%s: a stricter filter of the workload's own is kept",
          m ? "deny" : "enforce");
      if (run.report.n == 1)
        check_contains (run.report.items[0].message, "at least as strict");
      cleanup_free char *other_after = text_of (other);
      check_str (other_after, other_before);
      hr_report_release (&run.report);
    }

  /* a looser one: refused under deny, combined under enforce */
  cleanup_json struct hr_json *looser = parse (SPEC (",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                                                     "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"));
  cleanup_free char *looser_before = text_of (looser);
  run_control (HR_MODE_DENY, NULL, looser, &run);
  ok (run.r == 0 && run.report.refused, "deny: a looser filter is refused");
  cleanup_free char *looser_after = text_of (looser);
  check_str (looser_after, looser_before);
  hr_report_release (&run.report);
  run_control (HR_MODE_ENFORCE, NULL, looser, &run);
  ok (run.r == 0 && run.report.changed && !run.report.refused, "enforce: a looser filter is combined with hardrun's");
  if (run.report.n == 1)
    check_contains (run.report.items[0].message, "at least as strict as both");
  hr_report_release (&run.report);

  /* seccomp agents keep their listener; hardrun's denial of mount holds */
  static const char *const agents[] = {
    SPEC (",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"listenerPath\":\"/run/agent.sock\","
          "\"syscalls\":[{\"names\":[\"mount\",\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
    SPEC (",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\","
          "\"syscalls\":[{\"names\":[\"mount\",\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (agents); i++)
    {
      cleanup_json struct hr_json *agent = parse (agents[i]);
      run_control (HR_MODE_ENFORCE, NULL, agent, &run);
      check_int (run.r, ==, 0);
      ok (run.report.changed && !run.report.refused && run.report.n == 1, "notify %zu: combined", i);
      if (run.report.n == 1)
        check_contains (run.report.items[0].message, "(with its seccomp agent) is combined");
      const struct hr_json *sc = hr_json_get_path (agent, "linux.seccomp");
      ok (hr_seccomp_has_listener (sc), "notify %zu: the listener stays", i);
      hr_report_release (&run.report);
    }

  /* the profile's own seccomp file */
  char tmp[] = "/tmp/test-seccomp-XXXXXX";
  int fd = mkstemp (tmp);
  if (fd >= 0)
    {
      ok (write (fd, small_profile, sizeof small_profile - 1) == (ssize_t) sizeof small_profile - 1, "write profile");
      close (fd);
      cleanup_json struct hr_json *custom = parse (SPEC (""));
      run_control (HR_MODE_ENFORCE, tmp, custom, &run);
      check_int (run.r, ==, 0);
      cleanup_json struct hr_json *small = parse (small_profile);
      cleanup_json struct hr_json *want_small = NULL;
      struct hr_error err = { 0 };
      hr_seccomp_resolve (small, hr_seccomp_native_arch (), CAP (CAP_NET_BIND_SERVICE), false, &want_small, &err);
      ok (want_small && hr_json_equal (hr_json_get_path (custom, "linux.seccomp"), want_small),
          "enforce: the profile's own seccomp file");
      if (run.report.n == 1)
        check_contains (run.report.items[0].message, tmp);
      hr_report_release (&run.report);
      unlink (tmp);
    }

  /* a missing profile file: hardrun fails, except in audit mode */
  cleanup_json struct hr_json *missing = parse (SPEC (""));
  run_control (HR_MODE_ENFORCE, "/nonexistent/profile.json", missing, &run);
  check_int (run.r, ==, -ENOENT);
  check_contains (run.err.msg, "seccomp profile \"/nonexistent/profile.json\": cannot open");
  hr_report_release (&run.report);
  run_control (HR_MODE_AUDIT, "/nonexistent/profile.json", missing, &run);
  check_int (run.r, ==, 0);
  ok (run.report.n == 1 && run.report.items[0].action == HR_ACT_AUDIT, "audit: a missing profile is a finding");
  ok (hr_json_get_path (missing, "linux.seccomp") == NULL, "audit: nothing installed");
  hr_report_release (&run.report);
}


/* ---- the cache of resolved filters ---- */

/* The one entry in DIR/seccomp, as "DIR/seccomp/NAME" in BUF; false if
 * there is not exactly one. */
static bool
only_entry (const char *dir, char *buf, size_t size)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/seccomp", dir);
  DIR *d = opendir (path);
  if (d == NULL)
    return false;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir (d)))
    if (e->d_name[0] != '.' && n++ == 0)
      snprintf (buf, size, "%s/%s", path, e->d_name);
  closedir (d);
  return n == 1;
}

static bool
put_file (const char *path, const char *text, mode_t mode)
{
  unlink (path);
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return false;
  bool ok = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  fchmod (fd, mode);
  close (fd);
  return ok;
}

static char *
read_text (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  char *buf = calloc (1, 1 << 20);
  ssize_t n = buf ? read (fd, buf, (1 << 20) - 1) : -1;
  close (fd);
  if (n < 0)
    {
      free (buf);
      return NULL;
    }
  return buf;
}

/* Runs the control in enforce mode on an empty spec and returns the
 * installed filter's text. */
static char *
installed (const char *seccomp_profile)
{
  struct ctl_run run;
  cleanup_json struct hr_json *spec = parse ("{\"process\":{\"capabilities\":{\"bounding\":[]}}}");
  run_control (HR_MODE_ENFORCE, seccomp_profile, spec, &run);
  if (run.r < 0)
    diag ("%s", run.err.msg);
  hr_report_release (&run.report);
  return run.r < 0 ? NULL : text_of (hr_json_get_path (spec, "linux.seccomp"));
}

static void
test_cache (void)
{
  char dir[] = "/tmp/test-seccomp-cache-XXXXXX";
  if (mkdtemp (dir) == NULL)
    {
      ok (false, "mkdtemp");
      return;
    }
  cleanup_json struct hr_json *want = expected (0);
  cleanup_free char *want_text = text_of (want);
  char entry[4096] = "";

  /* no state directory: no cache, same result */
  ctl_state_dir = NULL;
  cleanup_free char *plain = installed (NULL);
  check_str (plain, want_text);

  /* a miss resolves and stores one entry */
  ctl_state_dir = dir;
  cleanup_free char *first = installed (NULL);
  check_str (first, want_text);
  ok (only_entry (dir, entry, sizeof entry), "one entry after the first create");
  struct stat st;
  ok (stat (entry, &st) == 0 && (st.st_mode & 0777) == 0600, "the entry is 0600");
  cleanup_free char *stored = read_text (entry);
  cleanup_free char *key_part = stored ? strndup (stored, strcspn (stored, ",")) : NULL;

  /* a hit: an entry rewritten under the same key is what gets installed */
  char forged[4096];
#define FORGED "{\"defaultAction\":\"SCMP_ACT_KILL\",\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":[]}"
  snprintf (forged, sizeof forged, "%s," FORGED "]", key_part ? key_part : "[\"\"");
  ok (put_file (entry, forged, 0600), "rewrite the entry");
  cleanup_free char *hit = installed (NULL);
  check_str (hit, FORGED);

  /* misses: another key under the name, a torn entry, an entry others may
   * write, a directory others may write; each resolves afresh */
  char shapeless[4096];
  snprintf (shapeless, sizeof shapeless, "%s,{\"defaultAction\":\"SCMP_ACT_KILL\"}]", key_part ? key_part : "[\"\"");
  static const char *const bad[] = {
    "[\"hardrun another key\"," FORGED "]",
    NULL, /* the forged entry cut short */
    NULL, /* the forged entry, group-writable */
    NULL, /* the right key, but no architectures or rules */
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (bad); i++)
    {
      char cut[4096];
      snprintf (cut, sizeof cut, "%.*s", (int) strlen (forged) - 3, forged);
      const char *text = bad[i] ? bad[i] : i == 1 ? cut : i == 3 ? shapeless : forged;
      ok (put_file (entry, text, i == 2 ? 0620 : 0600), "plant bad entry %zu", i);
      cleanup_free char *got = installed (NULL);
      ok (got && strcmp (got, want_text) == 0, "bad entry %zu: a miss, the profile resolved", i);
      cleanup_free char *again = read_text (entry);
      ok (again && stored && strcmp (again, stored) == 0, "bad entry %zu: replaced by a good one", i);
    }
  char seccomp_sub[4096];
  snprintf (seccomp_sub, sizeof seccomp_sub, "%s/seccomp", dir);
  ok (put_file (entry, forged, 0600) && chmod (seccomp_sub, 0770) == 0, "a group-writable cache directory");
  cleanup_free char *open_dir = installed (NULL);
  check_str (open_dir, want_text);
  chmod (seccomp_sub, 0700);
  unlink (entry);

  /* compat architectures are another entry */
  ctl_compat = true;
  cleanup_free char *compat = installed (NULL);
  ctl_compat = false;
  cleanup_json struct hr_json *profile = NULL;
  cleanup_json struct hr_json *want_compat = NULL;
  struct hr_error err = { 0 };
  if (hr_seccomp_load_profile (default_path, &profile, &err) == 0)
    hr_seccomp_resolve (profile, hr_seccomp_native_arch (), 0, HR_SECCOMP_COMPAT, &want_compat, &err);
  cleanup_free char *want_compat_text = text_of (want_compat);
  check_str (compat, want_compat_text);
  cleanup_free char *native_again = installed (NULL);
  check_str (native_again, want_text);

  /* an edited profile file is a miss */
  char prof[4096];
  snprintf (prof, sizeof prof, "%s/profile.json", dir);
  ok (put_file (prof, small_profile, 0644), "write a profile");
  cleanup_free char *small1 = installed (prof);
  cleanup_json struct hr_json *small = parse (small_profile);
  cleanup_json struct hr_json *want_small = NULL;
  hr_seccomp_resolve (small, hr_seccomp_native_arch (), 0, 0, &want_small, &err);
  cleanup_free char *want_small_text = text_of (want_small);
  check_str (small1, want_small_text);
  ok (put_file (prof, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}", 0644), "edit the profile");
  cleanup_free char *small2 = installed (prof);
  ok (small2 && strstr (small2, "read") == NULL, "the edited profile is resolved, not the cached one");
  unlink (prof);

  /* bounded: a full directory is emptied before the next entry, and the
   * temporary file of a writer that died goes with it */
  ok (hr_seccomp_cache_clear (dir) == 0, "clear the cache");
  for (int i = 0; i < HR_SECCOMP_CACHE_MAX; i++)
    {
      char f[4200];
      snprintf (f, sizeof f, "%s/seccomp/%02d.json", dir, i);
      put_file (f, "[]", 0600);
    }
  char stale[4200];
  snprintf (stale, sizeof stale, "%s/seccomp/.0123456789abcdef.json.1.tmp", dir);
  put_file (stale, "[", 0600);
  cleanup_free char *after_full = installed (NULL);
  check_str (after_full, want_text);
  ok (only_entry (dir, entry, sizeof entry), "a full cache is emptied and refilled");
  ok (access (stale, F_OK) < 0, "a dead writer's temporary file is swept with it");

  /* put and get by key; a put leaves the entry alone in the directory */
  ok (hr_seccomp_cache_clear (dir) == 0, "clear the cache");
  cleanup_json struct hr_json *filter = parse (FORGED);
  check_int (hr_seccomp_cache_put (dir, "test key", filter), ==, 0);
  cleanup_json struct hr_json *back = NULL;
  check_int (hr_seccomp_cache_get (dir, "test key", &back), ==, 0);
  ok (back && hr_json_equal (back, filter), "the entry reads back");
  char key_name[64];
  snprintf (key_name, sizeof key_name, "/%016" PRIx64 ".json", hr_fnv1a ("test key"));
  ok (only_entry (dir, entry, sizeof entry) && strstr (entry, key_name), "no temporary file left beside it");
  cleanup_json struct hr_json *none = NULL;
  check_int (hr_seccomp_cache_get (dir, "another key", &none), ==, -ENOENT);

  /* the key follows the profile's bytes, not its file */
  char k1[512], k2[512], k3[512];
  ok (hr_seccomp_cache_key ("{}", 2, "SCMP_ARCH_X86_64", 0, false, k1, sizeof k1) == 0
      && hr_seccomp_cache_key ("[]", 2, "SCMP_ARCH_X86_64", 0, false, k2, sizeof k2) == 0
      && hr_seccomp_cache_key ("{}", 2, "SCMP_ARCH_X86_64", 0, true, k3, sizeof k3) == 0,
      "keys");
  ok (strcmp (k1, k2) != 0 && strcmp (k1, k3) != 0, "other bytes, other compat setting: other keys");

  ok (hr_seccomp_cache_clear (dir) == 0, "clear the cache");
  ok (rmdir (dir) == 0, "nothing else left in the state directory");
  ctl_state_dir = NULL;
}

int
main (void)
{
  srcdir = getenv ("HARDRUN_SRCDIR");
  if (srcdir == NULL || *srcdir == '\0')
    srcdir = ".";
  snprintf (seccomp_dir, sizeof seccomp_dir, "%s/profiles/seccomp", srcdir);
  snprintf (default_path, sizeof default_path, "%s/default.json", seccomp_dir);
  if (access (default_path, R_OK) < 0)
    skip_all ("profiles/seccomp/default.json not found; set HARDRUN_SRCDIR");
  if (hr_seccomp_native_arch () == NULL)
    skip_all ("hardrun does not know this machine's seccomp architecture");

  test_resolve ();
  test_profile_shape ();
  test_check ();
  test_default_profile ();
  test_control ();
  test_cache ();
  return done_testing ();
}
