/* A workload's own seccomp filter combined with hardrun's: for each case,
 * the outcome (kept, combined, refused) and, for a combined filter, its
 * decision for a grid of system calls and first arguments checked against
 * both inputs: never below either, and equal to the stricter of the two
 * except for the calls reported as decided more strictly. */
#include "config.h"
#include "cleanup.h"
#include "policy/seccomp.h"
#include "tap.h"
#include "json-text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *srcdir;

/* ---- a small evaluator of OCI filters, as the kernel would rank them ---- */

static int
rank_of (const char *action)
{
  static const char *const order[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_NOTIFY",
                                       "SCMP_ACT_ERRNO", "SCMP_ACT_TRAP", "SCMP_ACT_KILL_THREAD",
                                       "SCMP_ACT_KILL_PROCESS" };
  if (action && strcmp (action, "SCMP_ACT_KILL") == 0)
    return 6;
  for (int i = 0; action && i < 8; i++)
    if (strcmp (order[i], action) == 0)
      return i;
  return -1;
}

static uint64_t
num (const struct hr_json *v)
{
  uint64_t x = 0;
  if (v)
    hr_json_u64_value (v, &x);
  return x;
}

static bool
arg_matches (const struct hr_json *arg, uint64_t x)
{
  const char *op = hr_json_string (hr_json_get (arg, "op"));
  uint64_t v = num (hr_json_get (arg, "value")), two = num (hr_json_get (arg, "valueTwo"));
  if (num (hr_json_get (arg, "index")) != 0)
    return true;                /* the grid varies the first argument only */
  if (strcmp (op, "SCMP_CMP_EQ") == 0)
    return x == v;
  if (strcmp (op, "SCMP_CMP_NE") == 0)
    return x != v;
  if (strcmp (op, "SCMP_CMP_LT") == 0)
    return x < v;
  if (strcmp (op, "SCMP_CMP_LE") == 0)
    return x <= v;
  if (strcmp (op, "SCMP_CMP_GT") == 0)
    return x > v;
  if (strcmp (op, "SCMP_CMP_GE") == 0)
    return x >= v;
  return (x & v) == two;
}

/* The highest rank among the rules of FILTER matching (NAME, X), or its
 * default; *ERRNO_RET the errno of a rule of that rank (defaults: EPERM). */
static int
decide (const struct hr_json *filter, const char *name, uint64_t x, uint64_t *errno_ret)
{
  const char *def = hr_json_string (hr_json_get (filter, "defaultAction"));
  const struct hr_json *def_errno = hr_json_get (filter, "defaultErrnoRet");
  int best = -1;
  uint64_t e = EPERM;
  const struct hr_json *rules = hr_json_get (filter, "syscalls");
  for (size_t i = 0; i < hr_json_len (rules); i++)
    {
      const struct hr_json *rule = hr_json_at (rules, i);
      const struct hr_json *names = hr_json_get (rule, "names");
      bool named = false;
      for (size_t k = 0; k < hr_json_len (names) && !named; k++)
        named = strcmp (hr_json_string (hr_json_at (names, k)), name) == 0;
      if (!named)
        continue;
      const char *act = hr_json_string (hr_json_get (rule, "action"));
      const struct hr_json *rule_errno = hr_json_get (rule, "errnoRet");
      /* runc skips a rule equal to the default */
      if (strcmp (act, def) == 0 && num (rule_errno) == num (def_errno))
        continue;
      bool match = true;
      const struct hr_json *args = hr_json_get (rule, "args");
      for (size_t k = 0; k < hr_json_len (args) && match; k++)
        match = arg_matches (hr_json_at (args, k), x);
      if (match && rank_of (act) > best)
        {
          best = rank_of (act);
          e = rule_errno ? num (rule_errno) : EPERM;
        }
    }
  if (best < 0)
    {
      best = rank_of (def);
      e = def_errno ? num (def_errno) : EPERM;
    }
  *errno_ret = e;
  return best;
}

/* ---- the cases ---- */

enum outcome
{
  KEPT,
  COMBINED,
  REFUSED,
  MALFORMED,
};

struct want_call
{
  const char *name;
  uint64_t arg;
  const char *action;
  int errno_ret;                /* 0: do not check */
};

struct merge_case
{
  const char *what;
  const char *own;              /* JSON, ' for " */
  enum outcome outcome;
  const char *message;          /* a part of the refusal or of the stricter list */
  struct want_call calls[8];
  const char *has;              /* a path that must be present in the result */
  const char *lacks;            /* a value that must not appear in it */
};

static const struct merge_case cases[] = {
  { "runc's test: an ALLOW default with mkdir denied, errno 100 kept, hardrun's denials kept",
    "{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86','SCMP_ARCH_X32'],"
    "'syscalls':[{'names':['mkdir','mkdirat'],'action':'SCMP_ACT_ERRNO','errnoRet':100}]}",
    COMBINED, NULL,
    { { "mkdir", 0, "SCMP_ACT_ERRNO", 100 }, { "unshare", 0, "SCMP_ACT_ERRNO", 1 }, { "read", 0, "SCMP_ACT_ALLOW", 0 },
      { "socket", 40, "SCMP_ACT_ERRNO", 1 }, { "socket", 2, "SCMP_ACT_ALLOW", 0 },
      { "no_such_call", 0, "SCMP_ACT_ERRNO", 38 } } },
  { "a tight allowlist is kept as it is",
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['read','write','exit_group','execve','brk','mmap'],"
    "'action':'SCMP_ACT_ALLOW'}]}",
    KEPT, NULL, { { NULL, 0, NULL, 0 } } },
  { "Docker's default profile, resolved, is kept: same argument rules, in another form",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'architectures':['SCMP_ARCH_X86_64'],"
    "'syscalls':[{'names':['read','write','mkdir'],'action':'SCMP_ACT_ALLOW'},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':12,'op':'SCMP_CMP_LT'}]},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':13,'op':'SCMP_CMP_EQ'}]},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':39,'op':'SCMP_CMP_EQ'}]},"
    "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':0,'op':'SCMP_CMP_EQ'}]},"
    "{'names':['clone'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':2114060288,'op':'SCMP_CMP_MASKED_EQ'}]},"
    "{'names':['clone3'],'action':'SCMP_ACT_ERRNO','errnoRet':38}]}",
    KEPT, NULL, { { NULL, 0, NULL, 0 } } },
  { "Docker's profile with ptrace allowed: hardrun's denial of ptrace is added",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'syscalls':[{'names':['read','ptrace'],"
    "'action':'SCMP_ACT_ALLOW'},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':12,'op':'SCMP_CMP_LT'}]}]}",
    COMBINED, NULL,
    { { "ptrace", 0, "SCMP_ACT_ERRNO", 0 }, { "read", 0, "SCMP_ACT_ALLOW", 0 }, { "socket", 2, "SCMP_ACT_ALLOW", 0 },
      { "socket", 13, "SCMP_ACT_ERRNO", 1 }, { "write", 0, "SCMP_ACT_ERRNO", 1 } } },
  { "Docker's current socket rules (< 38, 39, > 40, compared on 64 bits) combine exactly with hardrun's masks",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW'},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':38,'op':'SCMP_CMP_LT'}]},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':39,'op':'SCMP_CMP_EQ'}]},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':40,'op':'SCMP_CMP_GT'}]}]}",
    COMBINED, NULL,
    { { "socket", 2, "SCMP_ACT_ALLOW", 0 }, { "socket", 38, "SCMP_ACT_ERRNO", 1 }, { "socket", 40, "SCMP_ACT_ERRNO", 1 },
      { "socket", (UINT64_C (1) << 32) + 40, "SCMP_ACT_ERRNO", 1 }, { "socket", 46, "SCMP_ACT_ERRNO", 0 },
      { "socket", 41, "SCMP_ACT_ALLOW", 0 } } },
  { "runc's ENOSYS test: socket cut by protocol (argument 2) and by family (argument 0): every pair of rules",
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':2,'value':3840,'valueTwo':0,"
    "'op':'SCMP_CMP_MASKED_EQ'}]}]}",
    COMBINED, NULL,
    { { "socket", 1, "SCMP_ACT_ALLOW", 0 }, { "socket", 38, "SCMP_ACT_ERRNO", 1 }, { "socket", 40, "SCMP_ACT_ERRNO", 1 },
      { "socket", 46, "SCMP_ACT_ERRNO", 0 }, { "write", 0, "SCMP_ACT_ALLOW", 0 } },
    "syscalls" },
  { "Podman's profile without CAP_AUDIT_WRITE: NETLINK_AUDIT refused by protocol, family 16 cut out of a mask",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'syscalls':[{'names':['read','socketcall'],"
    "'action':'SCMP_ACT_ALLOW'},{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':22,'args':[{'index':0,'value':16,'op':'SCMP_CMP_EQ'},"
    "{'index':2,'value':9,'op':'SCMP_CMP_EQ'}]},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':2,'value':9,'op':'SCMP_CMP_NE'}]},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':16,'op':'SCMP_CMP_NE'}]},"
    "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':2,'value':9,'op':'SCMP_CMP_NE'}]}]}",
    COMBINED, NULL,
    /* the grid's third argument always matches: NETLINK_AUDIT */
    { { "socket", 1, "SCMP_ACT_ALLOW", 0 }, { "socket", 16, "SCMP_ACT_ERRNO", 22 }, { "socket", 40, "SCMP_ACT_ERRNO", 1 },
      { "socket", 46, "SCMP_ACT_ERRNO", 38 } },
    "syscalls" },
  { "a seccomp agent: notify where hardrun allows, hardrun's denial where it denies, listener kept",
    "{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/run/agent.sock','listenerMetadata':'bar',"
    "'syscalls':[{'names':['mkdir','mount'],'action':'SCMP_ACT_NOTIFY'}]}",
    COMBINED, NULL,
    { { "mkdir", 0, "SCMP_ACT_NOTIFY", 0 }, { "mount", 0, "SCMP_ACT_ERRNO", 1 }, { "read", 0, "SCMP_ACT_ALLOW", 0 } },
    "listenerPath" },
  { "a KILL default and nothing else is kept",
    "{'defaultAction':'SCMP_ACT_KILL'}", KEPT, NULL, { { NULL, 0, NULL, 0 } } },
  { "a KILL_PROCESS default with socket allowed: decided more strictly than both for socket",
    "{'defaultAction':'SCMP_ACT_KILL_PROCESS','syscalls':[{'names':['socket','read'],'action':'SCMP_ACT_ALLOW'}]}",
    COMBINED, "\"socket\"",
    { { "socket", 2, "SCMP_ACT_ALLOW", 0 }, { "socket", 40, "SCMP_ACT_ERRNO", 1 }, { "read", 0, "SCMP_ACT_ALLOW", 0 },
      { "write", 0, "SCMP_ACT_KILL_PROCESS", 0 } } },
  { "an argument rule hardrun's cannot be combined with exactly is refused, naming the call",
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['socket'],'action':'SCMP_ACT_ALLOW',"
    "'args':[{'index':0,'value':3,'op':'SCMP_CMP_GT'}]}]}",
    REFUSED, "\"socket\"", { { NULL, 0, NULL, 0 } } },
  { "a stricter filter that turns off the speculation mitigation loses that flag",
    "{'defaultAction':'SCMP_ACT_ERRNO','flags':['SECCOMP_FILTER_FLAG_SPEC_ALLOW','SECCOMP_FILTER_FLAG_LOG'],"
    "'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW'}]}",
    COMBINED, NULL, { { "read", 0, "SCMP_ACT_ALLOW", 0 }, { "write", 0, "SCMP_ACT_ERRNO", 1 } },
    "flags", "SECCOMP_FILTER_FLAG_SPEC_ALLOW" },
  { "a rule comparing one argument twice (OR to runc, AND to crun) is never used to cut regions",
    "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['personality'],'action':'SCMP_ACT_ERRNO',"
    "'args':[{'index':0,'value':1,'op':'SCMP_CMP_GE'},{'index':0,'value':5,'op':'SCMP_CMP_LE'}]}]}",
    REFUSED, "\"personality\"", { { NULL, 0, NULL, 0 } } },
  { "an unknown action is malformed",
    "{'defaultAction':'SCMP_ACT_BOGUS'}", MALFORMED, "unknown action", { { NULL, 0, NULL, 0 } } },
  { "a non-numeric errno is malformed",
    "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','errnoRet':'x'}]}",
    MALFORMED, "errnoRet", { { NULL, 0, NULL, 0 } } },
  { "an unknown operator is malformed",
    "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO',"
    "'args':[{'index':0,'value':1,'op':'SCMP_CMP_ABOUT'}]}]}",
    MALFORMED, "unknown operator", { { NULL, 0, NULL, 0 } } },
};

static struct hr_json *
parse_quoted (const char *text)
{
  return hr_test_json ("case", text);
}

static const uint64_t grid[] = { 0, 1, 2, 3, 11, 12, 13, 16, 31, 32, 36, 37, 38, 39, 40, 41, 45, 46, 47, 100,
                                 (UINT64_C (1) << 32) + 3, (UINT64_C (1) << 32) + 38, UINT64_MAX - 1,
                                 0x20000, 0x10000000, 0x7E020000, (UINT64_C (1) << 32) + 40, UINT64_MAX };

/* Every call either filter names (and one neither does), over the grid. */
static void
check_semantics (const char *what, const struct hr_json *ours, const struct hr_json *own, const struct hr_json *got,
                 const char *stricter)
{
  const struct hr_json *lists[] = { hr_json_get (ours, "syscalls"), hr_json_get (own, "syscalls") };
  size_t bad = 0, checked = 0;
  for (size_t l = 0; l < 2; l++)
    for (size_t i = 0; i <= hr_json_len (lists[l]); i++)
      {
        const struct hr_json *names = i < hr_json_len (lists[l]) ? hr_json_get (hr_json_at (lists[l], i), "names")
                                                                 : NULL;
        size_t n = names ? hr_json_len (names) : 1;
        for (size_t k = 0; k < n; k++)
          {
            const char *name = names ? hr_json_string (hr_json_at (names, k)) : "no_such_call";
            char quoted[128];
            snprintf (quoted, sizeof quoted, "\"%s\"", name);
            for (size_t g = 0; g < HR_ARRAY_SIZE (grid); g++)
              {
                uint64_t e1, e2, e3;
                int h = decide (ours, name, grid[g], &e1), w = decide (own, name, grid[g], &e2);
                int c = decide (got, name, grid[g], &e3);
                int want = h > w ? h : w;
                checked++;
                bool ok_rank = c == want || (c > want && stricter && strstr (stricter, quoted));
                if (!ok_rank && bad++ < 5)
                  diag ("%s: %s(%#llx): hardrun's %d, own %d, combined %d", what, name,
                        (unsigned long long) grid[g], h, w, c);
              }
          }
      }
  ok (bad == 0, "%s: never below either, exact but where reported (%zu decisions)", what, checked);
}

int
main (void)
{
  srcdir = getenv ("HARDRUN_SRCDIR");
  if (srcdir == NULL || *srcdir == '\0')
    srcdir = "..";
  char path[4096];
  snprintf (path, sizeof path, "%s/profiles/seccomp/default.json", srcdir);
  struct hr_error err = { 0 };
  struct hr_json *profile = NULL, *ours = NULL;
  if (hr_seccomp_load_profile (path, &profile, &err) < 0
      || hr_seccomp_resolve (profile, "SCMP_ARCH_X86_64", 0, 0, &ours, &err) < 0)
    {
      diag ("%s", err.msg);
      skip_all ("hardrun's profile does not load");
    }

  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    {
      const struct merge_case *c = &cases[i];
      struct hr_json *own = parse_quoted (c->own);
      struct hr_json *got = NULL;
      char stricter[256] = "x";
      memset (&err, 0, sizeof err);
      int r = hr_seccomp_merge (ours, own, "SCMP_ARCH_X86_64", &got, stricter, sizeof stricter, &err);
      switch (c->outcome)
        {
        case KEPT:
          ok (r == 0 && got == NULL, "%s: kept", c->what);
          break;
        case REFUSED:
          ok (r == -EDOM, "%s: cannot be combined (%d)", c->what, r);
          check_contains (err.msg, c->message);
          break;
        case MALFORMED:
          ok (r == -EINVAL, "%s: malformed (%d)", c->what, r);
          check_contains (err.msg, c->message);
          break;
        case COMBINED:
          ok (r == 0 && got != NULL, "%s: combined", c->what);
          if (got == NULL)
            {
              diag ("%s", err.msg);
              break;
            }
          if (c->message)
            check_contains (stricter, c->message);
          else
            check_str (stricter, "");
          check_semantics (c->what, ours, own, got, stricter);
          /* libseccomp takes it as runc would: no conflicting rules */
          struct hr_error check_err = { 0 };
          ok (hr_seccomp_check (got, &check_err) == 0, "%s: libseccomp compiles the result%s%s", c->what,
              check_err.msg[0] ? ": " : "", check_err.msg);
          for (size_t k = 0; k < HR_ARRAY_SIZE (c->calls) && c->calls[k].name; k++)
            {
              uint64_t e;
              const char *want = c->calls[k].action;
              int rank = decide (got, c->calls[k].name, c->calls[k].arg, &e);
              ok (rank == rank_of (want) && (c->calls[k].errno_ret == 0 || (int) e == c->calls[k].errno_ret),
                  "%s: %s(%llu) is %s%s", c->what, c->calls[k].name, (unsigned long long) c->calls[k].arg, want,
                  c->calls[k].errno_ret ? " with that errno" : "");
            }
          /* only the architectures both filter */
          const struct hr_json *arches = hr_json_get (got, "architectures");
          ok (hr_json_len (arches) == 1 && strcmp (hr_json_string (hr_json_at (arches, 0)), "SCMP_ARCH_X86_64") == 0,
              "%s: the machine's architecture alone", c->what);
          if (c->has)
            ok (hr_json_get (got, c->has) != NULL, "%s: %s carried over", c->what, c->has);
          if (c->lacks)
            {
              char *text = NULL;
              size_t len = 0;
              hr_json_serialize (got, false, &text, &len, &err);
              ok (text && strstr (text, c->lacks) == NULL, "%s: no %s", c->what, c->lacks);
              free (text);
            }
          /* a second pass keeps the result as it is */
          struct hr_json *again = NULL;
          r = hr_seccomp_merge (ours, got, "SCMP_ARCH_X86_64", &again, NULL, 0, &err);
          ok (r == 0 && again == NULL, "%s: the result is kept on a second pass", c->what);
          hr_json_free (again);
          break;
        }
      hr_json_free (got);
      hr_json_free (own);
    }

  /* with the compat architectures (baseline): what both filter, and
   * libseccomp still compiles it, socketcall and all */
  struct hr_json *compat = NULL;
  if (hr_seccomp_resolve (profile, "SCMP_ARCH_X86_64", 0, HR_SECCOMP_COMPAT, &compat, &err) == 0)
    {
      for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
        {
          if (cases[i].outcome != COMBINED)
            continue;
          struct hr_json *own = parse_quoted (cases[i].own);
          struct hr_json *got = NULL;
          struct hr_error e2 = { 0 };
          /* the workload's filter covers the 32-bit ABIs too */
          hr_json_set (own, "architectures", parse_quoted ("['SCMP_ARCH_X86','SCMP_ARCH_X32']"), NULL);
          int r = hr_seccomp_merge (compat, own, "SCMP_ARCH_X86_64", &got, NULL, 0, &e2);
          size_t want = 3;
          ok (r == 0 && got && hr_json_len (hr_json_get (got, "architectures")) == want,
              "compat: %s: %zu architectures", cases[i].what, want);
          /* socket's conditional rules without an allowed socketcall fold
           * into conflicting socketcall rules on 32-bit x86: the seccomp
           * control checks such results and refuses them */
          bool folds = cases[i].message && strcmp (cases[i].message, "\"socket\"") == 0;
          int checked = got ? hr_seccomp_check (got, &e2) : -1;
          ok (folds ? checked == -EEXIST : checked == 0, "compat: %s: %s%s%s", cases[i].what,
              folds ? "libseccomp refuses it" : "libseccomp compiles it", e2.msg[0] ? ": " : "", e2.msg);
          hr_json_free (got);
          hr_json_free (own);
        }
      hr_json_free (compat);
    }

  /* hardrun's own filter, as the workload's: kept */
  struct hr_json *same = NULL;
  ok (hr_seccomp_merge (ours, ours, "SCMP_ARCH_X86_64", &same, NULL, 0, &err) == 0 && same == NULL,
      "hardrun's own filter is kept as it is");

  /* listeners and what counts as a filter */
  struct hr_json *l = parse_quoted ("{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/run/a.sock'}");
  struct hr_json *e = parse_quoted ("{'listenerPath':''}");
  ok (hr_seccomp_has_listener (l) && !hr_seccomp_has_listener (e) && !hr_seccomp_has_listener (NULL),
      "a listener is a non-empty listenerPath");
  ok (hr_seccomp_is_filter (l) && !hr_seccomp_is_filter (e) && !hr_seccomp_is_filter (NULL),
      "no default action and no rules is no filter, as for runc");
  hr_json_free (l);
  hr_json_free (e);
  hr_json_free (ours);
  hr_json_free (profile);
  return done_testing ();
}
