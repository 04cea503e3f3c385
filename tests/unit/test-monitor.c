/* hardrun-monitor's pure parts: the seccomp rewrite that hands blocked
 * attack syscalls to the monitor (shim/policy/notify.c), the errno table
 * it carries, the policy file's "monitor" object, attestation
 * (shim/attest*.c) and the Falco-format alert (monitor/alert.c). */
#include "config.h"
#include "attest.h"
#include "cleanup.h"
#include "json.h"
#include "policyfile.h"
#include "policy/notify.h"
#include "../../monitor/alert.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static struct hr_json *
parse_json (const char *text)
{
  struct hr_json *doc = NULL;
  struct hr_error err = { 0 };
  if (hr_json_parse (text, strlen (text), "test", &doc, &err) < 0)
    {
      diag ("bad test JSON: %s", err.msg);
      abort ();
    }
  return doc;
}

static char *
serialize (const struct hr_json *v)
{
  char *out = NULL;
  size_t len;
  if (hr_json_serialize (v, false, &out, &len, NULL) < 0)
    abort ();
  return out;
}

/* ------------------------------------------------------------------ */
/* The rewrite                                                         */

static const struct
{
  const char *what;
  const char *seccomp;          /* linux.seccomp, or NULL for none */
  enum hr_notify_result result;
  size_t count;
  const char *syscalls;         /* the rewritten "syscalls", when ON */
  const char *meta;             /* listenerMetadata, when ON */
} rewrites[] = {
  { "errno rules on watched syscalls notify; others stay",
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":["
    "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"mount\",\"unshare\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
    "{\"names\":[\"keyctl\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
    HR_NOTIFY_ON, 3,
    "[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"mount\",\"unshare\"],\"action\":\"SCMP_ACT_NOTIFY\"},"
    "{\"names\":[\"keyctl\"],\"action\":\"SCMP_ACT_NOTIFY\"}]",
    "hardrun/1 mount=1 unshare=1 keyctl=1" },
  { "a rule mixing watched and other names is split in place",
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
    "{\"names\":[\"swapon\",\"bpf\",\"reboot\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}",
    HR_NOTIFY_ON, 1,
    "[{\"names\":[\"bpf\"],\"action\":\"SCMP_ACT_NOTIFY\"},"
    "{\"names\":[\"swapon\",\"reboot\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]",
    "hardrun/1 bpf=1" },
  { "argument rules keep their arguments (clone with namespace flags)",
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"args\":[{\"index\":0,\"value\":268435456,\"valueTwo\":268435456,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
    HR_NOTIFY_ON, 1,
    "[{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_NOTIFY\",\"args\":[{\"index\":0,\"value\":268435456,\"valueTwo\":268435456,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]",
    "hardrun/1 clone=1" },
  { "a syscall whose errno rules disagree keeps its errno rules",
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"args\":[{\"index\":0,\"value\":38,\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":97,\"args\":[{\"index\":0,\"value\":40,\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}",
    HR_NOTIFY_ON, 1,
    "[{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"args\":[{\"index\":0,\"value\":38,\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":97,\"args\":[{\"index\":0,\"value\":40,\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_NOTIFY\"}]",
    "hardrun/1 ptrace=1" },
  { "no filter: nothing to watch", NULL, HR_NOTIFY_NO_FILTER, 0, NULL, NULL },
  { "the workload's own agent keeps its listener",
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\",\"syscalls\":["
    "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"},{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
    HR_NOTIFY_WORKLOAD_AGENT, 0, NULL, NULL },
  { "a notify rule without a listener is the workload's too",
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
    HR_NOTIFY_WORKLOAD_AGENT, 0, NULL, NULL },
  { "audit mode (SCMP_ACT_LOG) has no errno rule to hand over",
    "{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_LOG\"}]}",
    HR_NOTIFY_NOTHING_WATCHED, 0, NULL, NULL },
};

static void
test_rewrite (void)
{
  for (size_t i = 0; i < sizeof rewrites / sizeof rewrites[0]; i++)
    {
      char text[4096];
      if (rewrites[i].seccomp)
        snprintf (text, sizeof text, "{\"linux\":{\"seccomp\":%s}}", rewrites[i].seccomp);
      else
        snprintf (text, sizeof text, "{\"linux\":{}}");
      cleanup_json struct hr_json *spec = parse_json (text);
      cleanup_json struct hr_json *before = hr_json_copy (spec);
      enum hr_notify_result res;
      size_t n = 99;
      struct hr_error err = { 0 };
      int r = hr_notify_rewrite (spec, "/run/test/monitor.sock", &res, &n, &err);
      ok (r == 0 && res == rewrites[i].result && n == rewrites[i].count, "rewrite: %s", rewrites[i].what);
      if (r < 0 || res != rewrites[i].result || n != rewrites[i].count)
        diag ("  r=%d result=%d count=%zu: %s", r, (int) res, n, err.msg);
      const struct hr_json *sc = hr_json_get_path (spec, "linux.seccomp");
      if (rewrites[i].result != HR_NOTIFY_ON)
        {
          ok (hr_json_equal (spec, before), "rewrite: %s: the spec is unchanged", rewrites[i].what);
          continue;
        }
      cleanup_free char *got = serialize (hr_json_get (sc, "syscalls"));
      ok (strcmp (got, rewrites[i].syscalls) == 0, "rewrite: %s: the rules", rewrites[i].what);
      if (strcmp (got, rewrites[i].syscalls) != 0)
        diag ("  got:  %s\n#  want: %s", got, rewrites[i].syscalls);
      check_str (hr_json_string (hr_json_get (sc, "listenerPath")), "/run/test/monitor.sock");
      check_str (hr_json_string (hr_json_get (sc, "listenerMetadata")), rewrites[i].meta);
    }
}

/* A config hardrun already handed over, hardened again: the errnos come
 * back, the listener goes, and a second rewrite gives the same result. */
static void
test_revert (void)
{
  const char *text = "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":["
    "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"mount\",\"swapon\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
    "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}}}";
  cleanup_json struct hr_json *spec = parse_json (text);
  enum hr_notify_result res;
  struct hr_error err = { 0 };
  ok (hr_notify_rewrite (spec, "/m.sock", &res, NULL, &err) == 0 && res == HR_NOTIFY_ON, "revert: rewritten");
  cleanup_json struct hr_json *once = hr_json_copy (spec);
  bool undone = false;
  ok (hr_notify_revert (spec, &undone, &err) == 0 && undone, "revert: undone");
  const struct hr_json *sc = hr_json_get_path (spec, "linux.seccomp");
  ok (hr_json_get (sc, "listenerPath") == NULL && hr_json_get (sc, "listenerMetadata") == NULL,
      "revert: the listener is gone");
  cleanup_free char *rules = serialize (hr_json_get (sc, "syscalls"));
  check_str (rules, "[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
             "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
             "{\"names\":[\"swapon\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
             "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]");
  ok (hr_notify_rewrite (spec, "/m.sock", &res, NULL, &err) == 0 && hr_json_equal (spec, once),
      "revert: rewriting again gives the same config");
  /* someone else's agent is not touched */
  cleanup_json struct hr_json *other = parse_json ("{\"linux\":{\"seccomp\":{\"listenerPath\":\"/a.sock\","
    "\"listenerMetadata\":\"mine\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}}");
  cleanup_json struct hr_json *copy = hr_json_copy (other);
  ok (hr_notify_revert (other, &undone, &err) == 0 && !undone && hr_json_equal (other, copy),
      "revert: a workload's own agent is left alone");
}

static void
test_meta (void)
{
  const char *meta = "hardrun/1 mount=1 clone3=38 umount2=1";
  check_int (hr_notify_meta_errno (meta, "mount"), ==, EPERM);
  check_int (hr_notify_meta_errno (meta, "clone3"), ==, ENOSYS);
  check_int (hr_notify_meta_errno (meta, "umount2"), ==, EPERM);
  check_int (hr_notify_meta_errno (meta, "umount"), ==, -1);
  check_int (hr_notify_meta_errno (meta, "clone"), ==, -1);
  check_int (hr_notify_meta_errno ("someone-else/1 mount=1", "mount"), ==, -1);
  check_int (hr_notify_meta_errno ("hardrun/1 mount=1x", "mount"), ==, -1);
  check_int (hr_notify_meta_errno ("hardrun/1 mount=99999", "mount"), ==, -1);
  check_int (hr_notify_meta_errno (NULL, "mount"), ==, -1);
  ok (hr_notify_watched ("open_by_handle_at") && !hr_notify_watched ("read") && !hr_notify_watched ("write"),
      "watched: open_by_handle_at is, read and write are not");
}

/* ------------------------------------------------------------------ */
/* The policy file                                                     */

static void
test_policy (void)
{
  struct hr_policy p;
  struct hr_error err = { 0 };
  const char *full = "{\"monitor\": {\"socket\": \"/tmp/m.sock\", \"enabled\": false, \"attest\": false}}";
  ok (hr_policy_parse (full, strlen (full), "policy.json", &p, &err) == 0, "policy: monitor object parses");
  check_str (p.monitor_socket, "/tmp/m.sock");
  ok (p.monitor_off && p.attest_off, "policy: enabled and attest false");
  hr_policy_release (&p);
  ok (hr_policy_parse ("{}", 2, "policy.json", &p, &err) == 0 && p.monitor_socket == NULL && !p.monitor_off
      && !p.attest_off, "policy: monitoring and attestation are on by default");
  hr_policy_release (&p);

  static const struct
  {
    const char *json, *msg;
  } bad[] = {
    { "{\"monitor\": {\"socket\": \"m.sock\"}}",
      "policy.json:1: \"monitor.socket\": expected an absolute path of at most 107 bytes" },
    { "{\"monitor\": {\"enabled\": \"no\"}}", "policy.json:1: \"monitor.enabled\": expected a boolean" },
    { "{\"monitor\": {\"sockets\": \"/x\"}}", NULL },
    { "{\"monitor\": true}", NULL },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      int r = hr_policy_parse (bad[i].json, strlen (bad[i].json), "policy.json", &p, &err);
      ok (r < 0 && (bad[i].msg == NULL || strcmp (err.msg, bad[i].msg) == 0), "policy: refused: %s", bad[i].json);
      if (r == 0 || (bad[i].msg && strcmp (err.msg, bad[i].msg) != 0))
        diag ("  got: %s", r == 0 ? "accepted" : err.msg);
      if (r == 0)
        hr_policy_release (&p);
    }
}

/* ------------------------------------------------------------------ */
/* Attestation                                                         */

#define STATUS(uid, gid, inh, prm, eff, bnd, amb, nnp, sc)                                              \
  "Name:\tsh\nUid:\t" uid "\nGid:\t" gid "\nCapInh:\t" inh "\nCapPrm:\t" prm "\nCapEff:\t" eff          \
  "\nCapBnd:\t" bnd "\nCapAmb:\t" amb "\nNoNewPrivs:\t" nnp "\nSeccomp:\t" sc "\nSeccomp_filters:\t1\n"
#define Z "0000000000000000"
#define MOUNTS_RO "22 1 0:40 / / ro,relatime - overlay overlay rw\n23 22 0:5 / /proc rw - proc proc rw\n"
#define MOUNTS_RW "22 1 0:40 / / rw,relatime - overlay overlay rw\n"

static void
test_attest (void)
{
  static const char restricted[] = "{\"process\":{\"user\":{\"uid\":65534,\"gid\":65534},\"noNewPrivileges\":true,"
    "\"capabilities\":{\"bounding\":[\"CAP_NET_BIND_SERVICE\"],\"effective\":[\"CAP_NET_BIND_SERVICE\"],"
    "\"permitted\":[\"CAP_NET_BIND_SERVICE\"],\"inheritable\":[\"CAP_NET_BIND_SERVICE\"],\"ambient\":[\"CAP_NET_BIND_SERVICE\"]}},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}}}";
  cleanup_json struct hr_json *spec = parse_json (restricted);
  char expect[256];
  ok (hr_attest_expect (spec, expect, sizeof expect), "attest: an expectation for a hardened config");
  check_str (expect, "uid=65534,gid=65534,caps=400:400:400:400:400,nnp=1,seccomp=1,ro=1");
  struct hr_attest e;
  ok (hr_attest_parse (expect, &e), "attest: the expectation parses back");
  ok (!hr_attest_parse ("uid=1,gid=1", &e) && !hr_attest_parse (NULL, &e)
      && !hr_attest_parse ("uid=65534,gid=65534,caps=0:0:0:0:0,nnp=1,seccomp=1,ro=1,extra", &e),
      "attest: a cut or extended expectation is unusable");
  /* the token is parsed strictly: it rides on the hook's argv */
  static const char *const bad[] = {
    "uid=65534 gid=65534 caps=0,0,0,0,0 nnp=1 seccomp=1 ro=1",      /* the old spaced form */
    "uid=+1,gid=1,caps=0:0:0:0:0,nnp=1,seccomp=1,ro=1",            /* a sign */
    "uid=01,gid=1,caps=0:0:0:0:0,nnp=1,seccomp=1,ro=1",            /* a leading zero */
    "uid=-2,gid=1,caps=0:0:0:0:0,nnp=1,seccomp=1,ro=1",            /* negative, not -1 */
    "uid=4294967296,gid=1,caps=0:0:0:0:0,nnp=1,seccomp=1,ro=1",    /* past 32 bits */
    "uid=1,gid=1,caps=0x1:0:0:0:0,nnp=1,seccomp=1,ro=1",           /* a hex prefix */
    "uid=1,gid=1,caps=A:0:0:0:0,nnp=1,seccomp=1,ro=1",             /* upper case */
    "uid=1,gid=1,caps=10000000000000000:0:0:0:0,nnp=1,seccomp=1,ro=1", /* 17 digits */
    "uid=1,gid=1,caps=0:0:0:0,nnp=1,seccomp=1,ro=1",               /* four sets */
    "uid=1,gid=1,caps=0:0:0:0:0,nnp=2,seccomp=1,ro=1",             /* a flag not 0/1 */
    "uid=1,gid=1,caps=0:0:0:0:0,seccomp=1,nnp=1,ro=1",             /* out of order */
    "uid=1,gid=1,caps=0:0:0:0:0,nnp=1,seccomp=1,ro=1\n",           /* a trailing byte */
    "/etc/passwd",
    "",
  };
  bool all_bad = true;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (hr_attest_parse (bad[i], &e))
      {
        diag ("accepted: %s", bad[i]);
        all_bad = false;
      }
  ok (all_bad, "attest: a token with signs, prefixes, leading zeros, spaces or stray bytes is unusable");
  ok (hr_attest_parse ("uid=4294967295,gid=0,caps=ffffffffffffffff:0:0:0:0,nnp=0,seccomp=0,ro=0", &e)
      && e.uid == 4294967295 && e.gid == 0 && e.caps[0] == UINT64_MAX, "attest: the widest values parse");
  hr_attest_parse (expect, &e);

  static const struct
  {
    const char *what, *status, *mounts, *why;
  } cases[] = {
    { "a compliant process", STATUS ("65534\t65534\t65534\t65534", "65534\t65534\t65534\t65534", Z, Z, Z,
                                     "0000000000000400", Z, "1", "2"), MOUNTS_RO, "" },
    { "capabilities the process dropped itself",
      STATUS ("65534\t65534\t65534\t65534", "65534\t65534\t65534\t65534", Z, Z, Z, Z, Z, "1", "2"), MOUNTS_RO, "" },
    { "root: a runtime that ignored process.user",
      STATUS ("0\t0\t0\t0", "0\t0\t0\t0", Z, Z, Z, "0000000000000400", Z, "1", "2"), MOUNTS_RO,
      "Uid 0 where 65534 is required; Gid 0 where 65534 is required" },
    { "a saved uid of 0",
      STATUS ("65534\t65534\t0\t65534", "65534\t65534\t65534\t65534", Z, Z, Z, Z, Z, "1", "2"), MOUNTS_RO,
      "Uid 0 where 65534 is required" },
    { "capabilities beyond the config",
      STATUS ("65534\t65534\t65534\t65534", "65534\t65534\t65534\t65534", Z, "00000000a80425fb", "00000000a80425fb",
              "000001ffffffffff", Z, "1", "2"), MOUNTS_RO,
      "CapBnd 000001ffffffffff exceeds 0000000000000400; CapPrm 00000000a80425fb exceeds 0000000000000400; "
      "CapEff 00000000a80425fb exceeds 0000000000000400" },
    { "no_new_privs, seccomp and a read-only root missing",
      STATUS ("65534\t65534\t65534\t65534", "65534\t65534\t65534\t65534", Z, Z, Z, Z, Z, "0", "0"), MOUNTS_RW,
      "NoNewPrivs is not set; no seccomp filter (Seccomp 0); the root filesystem is writable" },
    { "no mount table", STATUS ("65534\t65534\t65534\t65534", "65534\t65534\t65534\t65534", Z, Z, Z, Z, Z, "1", "2"),
      NULL, "the root filesystem is writable" },
    { "a status without capability lines", "Uid:\t65534\t65534\t65534\t65534\nGid:\t65534\t65534\t65534\t65534\n"
      "NoNewPrivs:\t1\nSeccomp:\t2\n", MOUNTS_RO,
      "CapBnd: unreadable; CapAmb: unreadable; CapPrm: unreadable; CapEff: unreadable; CapInh: unreadable" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char why[1024];
      bool good = hr_attest_check (&e, cases[i].status, cases[i].mounts, why, sizeof why);
      ok (good == (cases[i].why[0] == '\0') && strcmp (why, cases[i].why) == 0, "attest: %s", cases[i].what);
      if (strcmp (why, cases[i].why) != 0)
        diag ("  got:  %s\n#  want: %s", why, cases[i].why);
    }

  /* user namespaces: the ids are the host's */
  cleanup_json struct hr_json *userns = parse_json ("{\"process\":{\"user\":{\"uid\":0,\"gid\":0}},"
    "\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
    "\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":65536}]}}");
  ok (hr_attest_expect (userns, expect, sizeof expect), "attest: a user namespace");
  check_str (expect, "uid=100000,gid=200000,caps=0:0:0:0:0,nnp=0,seccomp=0,ro=0");
  /* a user namespace joined by path: its mappings are not in the config */
  cleanup_json struct hr_json *joined = parse_json ("{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}},"
    "\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"/proc/42/ns/user\"},{\"type\":\"pid\"}]}}");
  ok (hr_attest_expect (joined, expect, sizeof expect), "attest: a joined user namespace");
  check_str (expect, "uid=-1,gid=-1,caps=0:0:0:0:0,nnp=0,seccomp=0,ro=0");
  /* CAP_SETUID kept: the process may change its ids; only capabilities count */
  cleanup_json struct hr_json *setuid = parse_json ("{\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
    "\"capabilities\":{\"bounding\":[\"CAP_SETUID\",\"CAP_SETGID\"]}}}");
  ok (hr_attest_expect (setuid, expect, sizeof expect), "attest: CAP_SETUID kept");
  check_str (expect, "uid=-1,gid=-1,caps=c0:0:0:0:0,nnp=0,seccomp=0,ro=0");
  /* without no_new_privs execve may fill permitted from bounding (root) */
  hr_attest_parse (expect, &e);
  char why[256];
  ok (hr_attest_check (&e, STATUS ("0\t0\t0\t0", "0\t0\t0\t0", Z, "00000000000000c0", "00000000000000c0",
                                   "00000000000000c0", Z, "0", "0"), MOUNTS_RW, why, sizeof why),
      "attest: root without no_new_privs holds its bounding set");
  /* without no_new_privs a set-user-ID program changes all but the real id */
  cleanup_json struct hr_json *nonnp = parse_json ("{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}}");
  ok (hr_attest_expect (nonnp, expect, sizeof expect) && hr_attest_parse (expect, &e), "attest: no no_new_privs");
  ok (hr_attest_check (&e, STATUS ("1000\t0\t0\t0", "1000\t1000\t1000\t1000", Z, Z, Z, Z, Z, "0", "0"), MOUNTS_RW,
                       why, sizeof why), "attest: without no_new_privs a set-user-ID root program passes");
  ok (!hr_attest_check (&e, STATUS ("0\t0\t0\t0", "1000\t1000\t1000\t1000", Z, Z, Z, Z, Z, "0", "0"), MOUNTS_RW,
                        why, sizeof why), "attest: ... but not a real uid of 0");
  cleanup_json struct hr_json *noproc = parse_json ("{\"root\":{}}");
  ok (!hr_attest_expect (noproc, expect, sizeof expect), "attest: nothing to attest without a process");
}

/* ------------------------------------------------------------------ */
/* Alerts                                                              */

static void
test_alert (void)
{
  cleanup_json struct hr_json *ann = parse_json ("{\"io.kubernetes.cri.container-name\":\"app\","
    "\"io.kubernetes.cri.sandbox-name\":\"web-1\",\"io.kubernetes.cri.sandbox-namespace\":\"shop\","
    "\"io.kubernetes.cri.image-name\":\"registry.local:5000/team/web:1.2\"}");
  struct hr_who who;
  hr_who_from_annotations ("c0ffee", ann, &who);
  struct hr_proc proc = { .pid = 42, .uid = 65534, .exe = "/bin/sh", .cmdline = "sh -c unshare" };
  struct hr_json *extra = parse_json ("{\"evt.type\":\"unshare\"}");
  cleanup_json struct hr_json *a = hr_alert_new ("Blocked attack syscall", HR_PRIO_ERROR, "node-1",
                                                 "container,hardrun", &who, &proc, "evt.type=unshare", extra);
  ok (a != NULL, "alert: built");
  static const char *const keys[] = { "time", "rule", "priority", "output", "source", "tags", "hostname",
                                      "output_fields" };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    ok (hr_json_get (a, keys[i]) != NULL, "alert: has \"%s\"", keys[i]);
  const struct hr_json *f = hr_json_get (a, "output_fields");
  check_str (hr_json_string (hr_json_get (f, "container.id")), "c0ffee");
  check_str (hr_json_string (hr_json_get (f, "container.name")), "app");
  check_str (hr_json_string (hr_json_get (f, "container.image.repository")), "registry.local:5000/team/web");
  check_str (hr_json_string (hr_json_get (f, "container.image.tag")), "1.2");
  check_str (hr_json_string (hr_json_get (f, "k8s.ns.name")), "shop");
  check_str (hr_json_string (hr_json_get (f, "k8s.pod.name")), "web-1");
  check_str (hr_json_string (hr_json_get (f, "proc.exe")), "/bin/sh");
  check_str (hr_json_string (hr_json_get (f, "evt.type")), "unshare");
  check_str (hr_json_string (hr_json_get (a, "priority")), "Error");
  check_str (hr_json_string (hr_json_get (a, "source")), "syscall");
  const char *t = hr_json_string (hr_json_get (a, "time"));
  ok (t && strlen (t) == 30 && t[29] == 'Z', "alert: time in RFC 3339 with nanoseconds");
}

int
main (void)
{
  test_rewrite ();
  test_revert ();
  test_meta ();
  test_policy ();
  test_attest ();
  test_alert ();
  return done_testing ();
}
