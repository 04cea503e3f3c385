/* The policy file (shim/policyfile.c): parsing, "extends", profile
 * selection, every invalid-policy error with its exact text, and loading
 * from disk (missing, unreadable, not a file, symlink loops, profilesDir).
 *
 * The selection cases are the policy's security boundary: a workload's own
 * annotations never pick a profile unless a rule hands that choice to it
 * for the pod's namespace, and then only among the rule's allowedProfiles. */
#include "config.h"
#include "cleanup.h"
#include "json.h"
#include "policyfile.h"
#include "hooksink.h"
#include "hookargs.h"
#include "policylint.h"
#include "invocation.h"
#include "record.h"
#include "policy/policy.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define skip_test(...) ok (true, "# SKIP " __VA_ARGS__)

#define CAP(n) (UINT64_C (1) << (n))
#define CAP_NET_BIND_SERVICE 10
#define CAP_NET_RAW 13
#define CAP_SYS_ADMIN 21

static char tmpdir[PATH_MAX];

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* Parses JSON as "policy.json"; on failure reports the error and returns
 * false, leaving *P empty. */
static bool
parse (const char *json, struct hr_policy *p)
{
  struct hr_error err = { 0 };
  if (hr_policy_parse (json, strlen (json), "policy.json", p, &err) < 0)
    {
      diag ("unexpected error: %s", err.msg);
      return false;
    }
  return true;
}

/* JSON must be refused with exactly MESSAGE; the policy is left empty. */
static void
check_invalid (const char *what, const char *json, const char *message)
{
  struct hr_policy p;
  struct hr_error err = { 0 };
  int r = hr_policy_parse (json, strlen (json), "policy.json", &p, &err);
  ok (r < 0 && strcmp (err.msg, message) == 0, "invalid: %s", what);
  if (r >= 0)
    diag ("  accepted: %s", json);
  else if (strcmp (err.msg, message) != 0)
    diag ("  got:  %s\n#  want: %s", err.msg, message);
  ok (p.profiles == NULL && p.rules == NULL && p.file == NULL && p.n_profiles == 0, "invalid: %s: nothing kept",
      what);
  hr_policy_release (&p);
}

/* An annotations object from JSON (owned by the caller). */
static struct hr_json *
annotations (const char *json)
{
  struct hr_json *a = NULL;
  struct hr_error err = { 0 };
  if (hr_json_parse (json, strlen (json), "annotations", &a, &err) < 0)
    {
      diag ("bad test annotations: %s", err.msg);
      abort ();
    }
  return a;
}

/* Selection result. */
struct pick
{
  int rc;
  const char *profile;          /* borrowed from the policy */
  char rule[256];
  struct hr_error err;
};

static struct pick
pick (const struct hr_policy *p, const char *explicit_name, const char *argv0, const char *ann_json)
{
  struct pick r = { 0 };
  cleanup_json struct hr_json *ann = ann_json ? annotations (ann_json) : NULL;
  const struct hr_profile *prof = NULL;
  r.rc = hr_policy_select (p, explicit_name, argv0, ann, &prof, r.rule, sizeof r.rule, &r.err);
  r.profile = r.rc == 0 && prof ? prof->name : NULL;
  return r;
}

static void
check_pick (const struct hr_policy *p, const char *explicit_name, const char *argv0, const char *ann_json,
            const char *want_profile, const char *want_rule)
{
  struct pick r = pick (p, explicit_name, argv0, ann_json);
  bool good = r.rc == 0 && r.profile && strcmp (r.profile, want_profile) == 0 && strcmp (r.rule, want_rule) == 0;
  ok (good, "select %s%s%s / %s / %s -> %s by %s", explicit_name ? "--hardrun-profile " : "",
      explicit_name ? explicit_name : "(none)", "", argv0 ? argv0 : "(no argv0)", ann_json ? ann_json : "{}",
      want_profile, want_rule);
  if (!good)
    diag ("  got: rc %d, profile \"%s\", rule \"%s\", error \"%s\"", r.rc, r.profile ? r.profile : "(null)", r.rule,
          r.err.msg);
}

static bool
has (const struct hr_strlist *l, const char *s)
{
  return hr_strlist_contains (l, s);
}

static void
write_file (const char *path, const char *data)
{
  FILE *f = fopen (path, "w");
  if (f == NULL || fputs (data, f) < 0 || fclose (f) != 0)
    {
      diag ("cannot write \"%s\"", path);
      abort ();
    }
}

static const char *
in_tmp (char *buf, size_t size, const char *rel)
{
  snprintf (buf, size, "%s/%s", tmpdir, rel);
  return buf;
}

/* ------------------------------------------------------------------ */
/* Valid policies                                                      */

static void
test_empty_policy (void)
{
  struct hr_policy p;
  ok (parse ("{}", &p), "{} is a valid policy");
  check_str (p.file, "policy.json");
  check_str (p.default_profile, "restricted");
  check_int (p.n_profiles, ==, 4);
  check_int (p.n_rules, ==, 0);
  check_str (p.runtime, NULL);
  check_str (p.audit_file, "/var/log/hardrun/audit.log");
  ok (!p.audit_syslog, "no syslog unless asked");
  for (size_t i = 0; hr_builtin_profiles[i]; i++)
    ok (hr_policy_profile (&p, hr_builtin_profiles[i]) != NULL, "built-in \"%s\" is there", hr_builtin_profiles[i]);
  /* low ports open where the profile rewrites; audit and privileged change nothing */
  ok (hr_policy_profile (&p, "restricted")->unprivileged_ports, "restricted opens low ports");
  ok (hr_policy_profile (&p, "baseline")->unprivileged_ports, "baseline opens low ports");
  ok (!hr_policy_profile (&p, "audit")->unprivileged_ports, "audit leaves them");
  ok (!hr_policy_profile (&p, "privileged")->unprivileged_ports, "privileged leaves them");
  check_int (hr_policy_profile (&p, "restricted")->tmpfs_paths.n, ==, 5);
  ok (hr_policy_profile (&p, "nope") == NULL, "no profile \"nope\"");
  ok (hr_policy_profile (&p, NULL) == NULL, "no profile NULL");
  hr_policy_release (&p);
  hr_policy_release (&p);       /* twice is harmless */
  ok (true, "release twice");
}

static void
test_full_policy (void)
{
  static const char json[] = "{\n"
                             "  \"comment\": [\"every field\", \"once\"],\n"
                             "  \"runtime\": \"/usr/bin/runc\",\n"
                             "  \"defaultProfile\": \"web\",\n"
                             "  \"profiles\": {\n"
                             "    \"web\": {\n"
                             "      \"description\": \"a web server\",\n"
                             "      \"extends\": \"restricted\",\n"
                             "      \"mode\": \"enforce\",\n"
                             "      \"modes\": {\"seccomp\": \"audit\", \"apparmor\": \"off\", \"devices\": \"deny\"},\n"
                             "      \"user\": {\"uid\": 1000, \"gid\": 2000},\n"
                             "      \"caps\": {\"allow\": [\"CAP_NET_BIND_SERVICE\", \"CAP_NET_RAW\"],"
                             " \"strictRequest\": false},\n"
                             "      \"rootfs\": {\"tmpfs\": [\"/tmp\", \"/var/cache/nginx\"], \"tmpfsSize\": \"64m\"},\n"
                             "      \"hooks\": {\"allow\": [\"/usr/libexec/oci/hooks.d/x\"]},\n"
                             "      \"mounts\": {\"readonlyHostPaths\": [\"/etc/ssl/certs\"]},\n"
                             "      \"sysctls\": {\"allow\": [\"net.ipv4.ping_group_range\", \"net.core.*\"],"
                             " \"unprivilegedPorts\": false},\n"
                             "      \"pids\": {\"limit\": 512},\n"
                             "      \"seccomp\": {\"profile\": \"/etc/hardrun/seccomp/web.json\"},\n"
                             "      \"apparmor\": {\"profile\": \"web\", \"file\": \"/etc/apparmor.d/web\"},\n"
                             "      \"selinux\": {\"type\": \"web_t\", \"fileType\": \"web_file_t\"}\n"
                             "    }\n"
                             "  },\n"
                             "  \"rules\": [\n"
                             "    {\"comment\": \"system pods\", \"match\": {\"namespace\": \"kube-system\"},"
                             " \"profile\": \"baseline\"}\n"
                             "  ],\n"
                             "  \"audit\": {\"file\": \"/var/log/x/audit.log\", \"syslog\": true}\n"
                             "}\n";
  struct hr_policy p;
  if (!parse (json, &p))
    {
      ok (false, "the full policy parses");
      return;
    }
  ok (true, "the full policy parses");
  check_str (p.runtime, "/usr/bin/runc");
  check_str (p.default_profile, "web");
  check_int (p.n_profiles, ==, 5);
  check_str (p.audit_file, "/var/log/x/audit.log");
  ok (p.audit_syslog, "syslog on");
  check_int (p.n_rules, ==, 1);

  const struct hr_profile *w = hr_policy_profile (&p, "web");
  ok (w != NULL, "profile web");
  if (w == NULL)
    {
      hr_policy_release (&p);
      return;
    }
  check_str (w->name, "web");
  check_int (w->mode[HR_CTL_USER], ==, HR_MODE_ENFORCE);
  check_int (w->mode[HR_CTL_SECCOMP], ==, HR_MODE_AUDIT);
  check_int (w->mode[HR_CTL_APPARMOR], ==, HR_MODE_OFF);
  check_int (w->mode[HR_CTL_DEVICES], ==, HR_MODE_DENY);
  check_int (w->run_as_uid, ==, 1000);
  check_int (w->run_as_gid, ==, 2000);
  ok (w->caps_allowed == (CAP (CAP_NET_BIND_SERVICE) | CAP (CAP_NET_RAW)), "caps.allow replaces the base's");
  ok (!w->caps_strict_request, "caps.strictRequest false");
  check_int (w->tmpfs_paths.n, ==, 2);
  ok (has (&w->tmpfs_paths, "/var/cache/nginx") && !has (&w->tmpfs_paths, "/run"), "rootfs.tmpfs replaces the base's");
  check_str (w->tmpfs_size, "64m");
  check_int (w->hooks_allow.n, ==, 1);
  check_str (w->hooks_allow.v[0].path, "/usr/libexec/oci/hooks.d/x");
  ok (w->hooks_allow.v[0].any_args && w->hooks_allow.v[0].any_env, "a hook given by its path alone: any argv and env");
  check_int (w->readonly_host_paths.n, ==, 1);
  check_int (w->sysctls.n, ==, 2);
  ok (!w->unprivileged_ports, "sysctls.unprivilegedPorts false");
  check_int (w->pids_limit, ==, 512);
  check_str (w->seccomp_profile, "/etc/hardrun/seccomp/web.json");
  check_str (w->apparmor_profile, "web");
  check_str (w->apparmor_file, "/etc/apparmor.d/web");
  check_str (w->selinux_type, "web_t");
  check_str (w->selinux_file_type, "web_file_t");

  const struct hr_rule *r = &p.rules[0];
  check_int (r->n_annotations, ==, 1);
  check_str (r->annotations[0].key, "io.kubernetes.cri.sandbox-namespace");
  check_str (r->annotations[0].pattern, "kube-system");
  check_str (r->profile, "baseline");
  check_str (r->select_annotation, NULL);
  check_str (r->container_type, NULL);
  hr_policy_release (&p);
}

static void
test_audit_sink (void)
{
  struct hr_policy p;
  ok (parse ("{\"audit\": {\"file\": null}}", &p), "audit.file null parses");
  check_str (p.audit_file, NULL);
  ok (!p.audit_syslog, "audit.file null: no syslog either");
  hr_policy_release (&p);

  ok (parse ("{\"audit\": {\"file\": null, \"syslog\": true}}", &p), "syslog only parses");
  check_str (p.audit_file, NULL);
  ok (p.audit_syslog, "syslog only");
  hr_policy_release (&p);

  ok (parse ("{\"audit\": {}}", &p), "an empty audit object parses");
  check_str (p.audit_file, "/var/log/hardrun/audit.log");
  hr_policy_release (&p);
}

/* ------------------------------------------------------------------ */
/* extends                                                             */

static void
test_extends (void)
{
  struct hr_policy p;

  /* Defined child first: the order in the file does not matter. */
  static const char chain[] = "{\"profiles\": {\n"
                              "  \"a\": {\"extends\": \"b\", \"rootfs\": {\"tmpfsSize\": \"1m\"}},\n"
                              "  \"b\": {\"extends\": \"c\", \"modes\": {\"seccomp\": \"audit\"}},\n"
                              "  \"c\": {\"extends\": \"baseline\", \"pids\": {\"limit\": 100}}\n"
                              "}}";
  ok (parse (chain, &p), "a -> b -> c -> baseline parses");
  const struct hr_profile *a = hr_policy_profile (&p, "a");
  const struct hr_profile *b = hr_policy_profile (&p, "b");
  const struct hr_profile *c = hr_policy_profile (&p, "c");
  ok (a && b && c, "all three defined");
  if (a && b && c)
    {
      check_str (a->name, "a");
      check_str (b->name, "b");
      check_str (c->name, "c");
      check_str (a->tmpfs_size, "1m");
      check_str (b->tmpfs_size, "65536k");
      check_int (a->mode[HR_CTL_SECCOMP], ==, HR_MODE_AUDIT);
      check_int (c->mode[HR_CTL_SECCOMP], ==, HR_MODE_ENFORCE);
      check_int (a->pids_limit, ==, 100);
      check_int (b->pids_limit, ==, 100);
      /* from baseline, through the chain */
      check_int (a->mode[HR_CTL_USER], ==, HR_MODE_OFF);
      check_int (a->mode[HR_CTL_ROOTFS], ==, HR_MODE_OFF);
      ok (a->caps_allowed & CAP (0), "baseline's CAP_CHOWN reaches the end of the chain");
      ok (!a->caps_strict_request, "baseline's strictRequest reaches the end of the chain");
    }
  check_int (p.n_profiles, ==, 7);
  hr_policy_release (&p);

  /* No "extends": restricted. */
  ok (parse ("{\"profiles\": {\"x\": {\"pids\": {\"limit\": 7}}}}", &p), "a profile without extends parses");
  const struct hr_profile *x = hr_policy_profile (&p, "x");
  ok (x && x->mode[HR_CTL_USER] == HR_MODE_ENFORCE && x->run_as_uid == 65534 && x->caps_strict_request
          && x->caps_allowed == CAP (CAP_NET_BIND_SERVICE) && x->pids_limit == 7,
      "no extends: restricted plus the profile's fields");
  hr_policy_release (&p);

  /* Each built-in as a base. */
  static const struct
  {
    const char *base;
    enum hr_mode user;
  } bases[] = {
    { "restricted", HR_MODE_ENFORCE },
    { "baseline", HR_MODE_OFF },
    { "audit", HR_MODE_AUDIT },
    { "privileged", HR_MODE_OFF },
  };
  for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
    {
      char json[256];
      snprintf (json, sizeof json, "{\"profiles\": {\"x\": {\"extends\": \"%s\"}}}", bases[i].base);
      ok (parse (json, &p), "extends built-in \"%s\"", bases[i].base);
      x = hr_policy_profile (&p, "x");
      ok (x && x->mode[HR_CTL_USER] == bases[i].user && strcmp (x->name, "x") == 0, "x has \"%s\"'s modes",
          bases[i].base);
      hr_policy_release (&p);
    }

  /* Redefining a built-in: extends of it and the default use the file's. */
  static const char redef[] = "{\"profiles\": {\n"
                              "  \"restricted\": {\"pids\": {\"limit\": 10}},\n"
                              "  \"web\": {}\n"
                              "}}";
  ok (parse (redef, &p), "redefining restricted parses");
  check_int (p.n_profiles, ==, 5);
  const struct hr_profile *r = hr_policy_profile (&p, "restricted");
  const struct hr_profile *web = hr_policy_profile (&p, "web");
  ok (r && r->pids_limit == 10 && r->mode[HR_CTL_USER] == HR_MODE_ENFORCE, "restricted: the built-in plus the file's");
  ok (web && web->pids_limit == 10, "web extends the file's restricted");
  struct pick pk = pick (&p, NULL, "hardrun", NULL);
  ok (pk.rc == 0 && pk.profile && strcmp (pk.profile, "restricted") == 0 && r && hr_policy_profile (&p, pk.profile)->pids_limit == 10,
      "the default is the file's restricted");
  hr_policy_release (&p);

  /* A redefined built-in may extend another built-in. */
  ok (parse ("{\"profiles\": {\"restricted\": {\"extends\": \"audit\"}}}", &p), "restricted extends audit parses");
  r = hr_policy_profile (&p, "restricted");
  ok (r && r->mode[HR_CTL_CAPS] == HR_MODE_AUDIT, "restricted now audits");
  hr_policy_release (&p);

  /* Cycles and unknown bases. */
  check_invalid ("extends cycle of two",
                 "{\"profiles\": {\n"
                 "  \"a\": {\"extends\": \"b\"},\n"
                 "  \"b\": {\"extends\": \"a\"}\n"
                 "}}",
                 "policy.json:2: \"profiles.a\": \"extends\" loops back to \"a\"");
  check_invalid ("extends cycle of three",
                 "{\"profiles\": {\n"
                 "  \"a\": {\"extends\": \"c\"},\n"
                 "  \"b\": {\"extends\": \"a\"},\n"
                 "  \"c\": {\"extends\": \"b\"}\n"
                 "}}",
                 "policy.json:2: \"profiles.a\": \"extends\" loops back to \"a\"");
  check_invalid ("a profile extending itself",
                 "{\"profiles\": {\n"
                 "  \"a\": {\"extends\": \"a\"}\n"
                 "}}",
                 "policy.json:2: \"profiles.a.extends\": extends unknown profile \"a\"");
  check_invalid ("extends an unknown profile",
                 "{\"profiles\": {\n"
                 "  \"a\": {\n"
                 "    \"extends\": \"nope\"\n"
                 "  }\n"
                 "}}",
                 "policy.json:3: \"profiles.a.extends\": extends unknown profile \"nope\"");
  check_invalid ("an unknown base deep in a chain",
                 "{\"profiles\": {\n"
                 "  \"a\": {\"extends\": \"b\"},\n"
                 "  \"b\": {\"extends\": \"Restricted\"}\n"
                 "}}",
                 "policy.json:3: \"profiles.b.extends\": extends unknown profile \"Restricted\"");
  check_invalid ("extends is not a string", "{\"profiles\": {\"a\": {\"extends\": [\"b\"]}}}",
                 "policy.json:1: \"profiles.a.extends\": expected a non-empty string");
}

/* ------------------------------------------------------------------ */
/* Selection                                                           */

static const char selection_policy[]
    = "{\n"
      "  \"defaultProfile\": \"restricted\",\n"
      "  \"profiles\": {\n"
      "    \"restricted-netraw\": {\"extends\": \"restricted\", \"caps\": {\"allow\": [\"CAP_NET_BIND_SERVICE\", "
      "\"CAP_NET_RAW\"]}},\n"
      "    \"web\": {\"extends\": \"restricted\"}\n"
      "  },\n"
      "  \"rules\": [\n"
      /* 0 */ "    {\"match\": {\"namespace\": \"kube-system\"}, \"profile\": \"baseline\"},\n"
      /* 1 */ "    {\"match\": {\"namespace\": \"dev\"}, \"selectAnnotation\": \"hardrun.io/profile\",\n"
      "     \"allowedProfiles\": [\"web\", \"restricted-netraw\", \"audit\"]},\n"
      /* 2 */ "    {\"match\": {\"namespace\": \"dev\", \"containerType\": \"sandbox\"}, \"profile\": \"baseline\"},\n"
      /* 3 */ "    {\"match\": {\"namespace\": \"dev\"}, \"profile\": \"web\"},\n"
      /* 4 */ "    {\"match\": {\"image\": \"registry.example.com/trusted/*\"}, \"profile\": \"restricted-netraw\"},\n"
      /* 5 */ "    {\"match\": {\"podName\": \"debug-?-*\", \"namespace\": \"ops\"}, \"profile\": \"audit\"},\n"
      /* 6 */ "    {\"match\": {\"annotations\": {\"example.com/tier\": \"[fb]ront*\"}}, \"profile\": \"web\"},\n"
      /* 7 */ "    {\"match\": {\"namespace\": \"lab-*\"}, \"selectAnnotation\": \"hardrun.io/profile\",\n"
      "     \"allowedProfiles\": [\"audit\"], \"profile\": \"restricted-netraw\"}\n"
      "  ]\n"
      "}\n";

#define NS(ns) "\"io.kubernetes.cri.sandbox-namespace\": \"" ns "\""
#define POD(n) "\"io.kubernetes.cri.sandbox-name\": \"" n "\""
#define IMAGE(i) "\"io.kubernetes.cri.image-name\": \"" i "\""
#define CTYPE(t) "\"io.kubernetes.cri.container-type\": \"" t "\""
#define ASK(p) "\"hardrun.io/profile\": \"" p "\""

static void
test_selection (void)
{
  struct hr_policy p;
  if (!parse (selection_policy, &p))
    {
      ok (false, "the selection policy parses");
      return;
    }
  check_int (p.n_rules, ==, 8);

  /* precedence: explicit > invocation name > rules > default */
  check_pick (&p, "audit", "/usr/bin/hardrun-baseline", "{" NS ("kube-system") "}", "audit", "--hardrun-profile");
  check_pick (&p, NULL, "/usr/bin/hardrun-privileged", "{" NS ("kube-system") "}", "privileged",
              "invocation name \"hardrun-privileged\"");
  check_pick (&p, NULL, "hardrun-web", NULL, "web", "invocation name \"hardrun-web\"");
  check_pick (&p, NULL, "/usr/bin/hardrun", "{" NS ("kube-system") "}", "baseline", "rules[0]");
  check_pick (&p, NULL, "/usr/bin/hardrun", "{" NS ("default") "}", "restricted", "default");
  check_pick (&p, NULL, "/usr/bin/hardrun", NULL, "restricted", "default");
  check_pick (&p, NULL, NULL, NULL, "restricted", "default");
  /* "hardrun-" alone names no profile; "runc" is no hardrun-NAME */
  check_pick (&p, NULL, "/usr/local/sbin/hardrun-", NULL, "restricted", "default");
  check_pick (&p, NULL, "/usr/bin/runc", "{" NS ("kube-system") "}", "baseline", "rules[0]");
  /* only the base name counts */
  check_pick (&p, NULL, "/opt/hardrun-baseline/bin/hardrun", NULL, "restricted", "default");

  /* an explicit or invocation name that is no profile is an error, never a fallback */
  struct pick r = pick (&p, "nope", "hardrun", NULL);
  check_int (r.rc, ==, -ENOENT);
  check_str (r.err.msg, "no profile \"nope\" (selected by --hardrun-profile) in policy.json");
  r = pick (&p, NULL, "/usr/bin/hardrun-nope", NULL);
  check_int (r.rc, ==, -ENOENT);
  check_str (r.err.msg, "no profile \"nope\" (selected by invocation name \"hardrun-nope\") in policy.json");

  /* annotation shorthands and globs */
  check_pick (&p, NULL, "hardrun", "{" IMAGE ("registry.example.com/trusted/app:1.0") "}", "restricted-netraw",
              "rules[4]");
  check_pick (&p, NULL, "hardrun", "{" IMAGE ("registry.example.com/trusted/team/app@sha256:ab") "}",
              "restricted-netraw", "rules[4]");
  check_pick (&p, NULL, "hardrun", "{" IMAGE ("registry.example.com/trustedx/app:1.0") "}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{" IMAGE ("evil.example.com/registry.example.com/trusted/app") "}", "restricted",
              "default");
  check_pick (&p, NULL, "hardrun", "{" POD ("debug-1-abc") ", " NS ("ops") "}", "audit", "rules[5]");
  check_pick (&p, NULL, "hardrun", "{" POD ("debug-12-abc") ", " NS ("ops") "}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{" POD ("debug-1-abc") "}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{" POD ("debug-1-abc") ", " NS ("ops2") "}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{\"example.com/tier\": \"frontend\"}", "web", "rules[6]");
  check_pick (&p, NULL, "hardrun", "{\"example.com/tier\": \"bront\"}", "web", "rules[6]");
  check_pick (&p, NULL, "hardrun", "{\"example.com/tier\": \"xfront\"}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{\"example.com/tier\": 5}", "restricted", "default");
  /* exact match, not a prefix or a case-insensitive one */
  check_pick (&p, NULL, "hardrun", "{" NS ("kube-system-x") "}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{" NS ("Kube-System") "}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{\"IO.KUBERNETES.CRI.SANDBOX-NAMESPACE\": \"kube-system\"}", "restricted",
              "default");

  /* containerType: the dev sandbox gets rule 2, dev containers rule 3 */
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", " CTYPE ("sandbox") "}", "baseline", "rules[2]");
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", " CTYPE ("container") "}", "web", "rules[3]");
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") "}", "web", "rules[3]");

  /* The workload tries to loosen itself. */
  /* 1. outside a namespace whose rule hands the choice over: ignored */
  check_pick (&p, NULL, "hardrun", "{" ASK ("privileged") "}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{" NS ("default") ", " ASK ("privileged") "}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{" NS ("default") ", " ASK ("web") "}", "restricted", "default");
  check_pick (&p, NULL, "hardrun", "{" NS ("kube-system") ", " ASK ("privileged") "}", "baseline", "rules[0]");
  check_pick (&p, NULL, "hardrun", "{" IMAGE ("registry.example.com/trusted/a") ", " ASK ("privileged") "}",
              "restricted-netraw", "rules[4]");
  /* 2. in "dev", which may choose: only among allowedProfiles */
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", " ASK ("privileged") "}", "web", "rules[3]");
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", " ASK ("baseline") "}", "web", "rules[3]");
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", " ASK ("Audit") "}", "web", "rules[3]");
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", " ASK ("audit*") "}", "web", "rules[3]");
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", " ASK ("") "}", "web", "rules[3]");
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", \"hardrun.io/profile\": [\"audit\"]}", "web", "rules[3]");
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", " ASK ("audit") "}", "audit",
              "rules[1] (annotation \"hardrun.io/profile\")");
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", " ASK ("restricted-netraw") ", " CTYPE ("sandbox") "}",
              "restricted-netraw", "rules[1] (annotation \"hardrun.io/profile\")");
  /* the annotation key is exact */
  check_pick (&p, NULL, "hardrun", "{" NS ("dev") ", \"hardrun.io/Profile\": \"audit\"}", "web", "rules[3]");
  /* a rule with both: its profile when the choice is absent or not allowed */
  check_pick (&p, NULL, "hardrun", "{" NS ("lab-1") ", " ASK ("audit") "}", "audit",
              "rules[7] (annotation \"hardrun.io/profile\")");
  check_pick (&p, NULL, "hardrun", "{" NS ("lab-1") ", " ASK ("privileged") "}", "restricted-netraw", "rules[7]");
  check_pick (&p, NULL, "hardrun", "{" NS ("lab-1") "}", "restricted-netraw", "rules[7]");
  /* 3. the command line and invocation name still win over the annotation */
  check_pick (&p, "restricted", "hardrun", "{" NS ("dev") ", " ASK ("audit") "}", "restricted", "--hardrun-profile");
  check_pick (&p, NULL, "hardrun-restricted", "{" NS ("dev") ", " ASK ("audit") "}", "restricted",
              "invocation name \"hardrun-restricted\"");

  /* the rule string is cut to the buffer, never overrun */
  struct hr_error err = { 0 };
  const struct hr_profile *prof = NULL;
  char small[8];
  memset (small, 'x', sizeof small);
  int rc = hr_policy_select (&p, NULL, "hardrun-restricted", NULL, &prof, small, 6, &err);
  ok (rc == 0 && strcmp (small, "invoc") == 0 && small[6] == 'x', "a small rule buffer is cut, not overrun");
  hr_policy_release (&p);

  /* the first matching rule wins; none: the file's default */
  ok (parse ("{\"defaultProfile\": \"baseline\", \"rules\": [\n"
             "  {\"match\": {\"annotations\": {\"a\": \"*\"}}, \"profile\": \"audit\"},\n"
             "  {\"match\": {\"annotations\": {\"a\": \"1\"}}, \"profile\": \"privileged\"},\n"
             "  {\"match\": {\"annotations\": {\"a\": \"2\", \"b\": \"2\"}}, \"profile\": \"privileged\"},\n"
             "  {\"match\": {}, \"profile\": \"restricted\"}\n"
             "]}",
             &p),
      "an ordered rule list parses");
  check_pick (&p, NULL, "hardrun", "{\"a\": \"1\"}", "audit", "rules[0]");
  check_pick (&p, NULL, "hardrun", "{\"b\": \"2\"}", "restricted", "rules[3]");
  hr_policy_release (&p);
  ok (parse ("{\"defaultProfile\": \"baseline\", \"rules\": [\n"
             "  {\"match\": {\"annotations\": {\"a\": \"2\", \"b\": \"2\"}}, \"profile\": \"privileged\"}\n"
             "]}",
             &p),
      "an all-conditions rule parses");
  check_pick (&p, NULL, "hardrun", "{\"a\": \"2\"}", "baseline", "default");
  check_pick (&p, NULL, "hardrun", "{\"a\": \"2\", \"b\": \"2\"}", "privileged", "rules[0]");
  check_pick (&p, NULL, "hardrun", NULL, "baseline", "default");
  hr_policy_release (&p);

  /* the built-in policy names itself in errors */
  ok (hr_policy_load ("/nonexistent/hardrun/policy.json", false, &p, &err) == 0, "no default file: built-ins");
  r = pick (&p, "nope", "hardrun", NULL);
  check_str (r.err.msg, "no profile \"nope\" (selected by --hardrun-profile) in the built-in policy");
  hr_policy_release (&p);
}

/* ------------------------------------------------------------------ */
/* Invalid policies: every error, exactly                              */

static void
test_invalid (void)
{
  static const struct
  {
    const char *what, *json, *message;
  } cases[] = {
    /* the document */
    { "not JSON", "{\n\"rules\": [}\n", "policy.json: line 2: invalid JSON: parse error: unallowed token at this point in JSON text" },
    { "not an object", "[]", "policy.json: expected a JSON object" },
    { "duplicate keys", "{\"rules\": [],\n \"RULES\": []}", NULL },
    /* top level */
    { "unknown top-level key", "{\n  \"runtime\": \"/usr/bin/runc\",\n  \"profile\": \"baseline\"\n}",
      "policy.json:3: \"profile\": unknown field" },
    { "runtime not a string", "{\"runtime\": 1}", "policy.json:1: \"runtime\": expected a non-empty string" },
    { "runtime empty", "{\"runtime\": \"\"}", "policy.json:1: \"runtime\": expected a non-empty string" },
    { "runtime relative", "{\n\"runtime\": \"runc\"}", "policy.json:2: \"runtime\": expected an absolute path" },
    { "defaultProfile not a string", "{\"defaultProfile\": null}",
      "policy.json:1: \"defaultProfile\": expected a non-empty string" },
    { "defaultProfile unknown", "{\n  \"defaultProfile\": \"strict\"\n}",
      "policy.json:2: \"defaultProfile\": no profile \"strict\"" },
    { "profilesDir not a string", "{\"profilesDir\": true}",
      "policy.json:1: \"profilesDir\": expected a non-empty string" },
    { "profiles not an object", "{\n\"profiles\": [\"web\"]}", "policy.json:2: \"profiles\": expected an object of profiles" },
    { "rules not an array", "{\n\"rules\": {}}", "policy.json:2: \"rules\": expected an array of rules" },
    { "audit not an object", "{\n\"audit\": \"/var/log/a\"}", "policy.json:2: \"audit\": expected an object" },
    { "unknown audit key", "{\"audit\": {\n\"path\": \"/a\"}}", "policy.json:2: \"audit.path\": unknown field" },
    { "audit.file relative", "{\"audit\": {\n\"file\": \"audit.log\"}}",
      "policy.json:2: \"audit.file\": expected an absolute path or null" },
    { "audit.file a number", "{\"audit\": {\"file\": 1}}", "policy.json:1: \"audit.file\": expected a non-empty string" },
    { "audit.syslog a string", "{\"audit\": {\"syslog\": \"yes\"}}", "policy.json:1: \"audit.syslog\": expected a boolean" },
    /* profiles */
    { "profile not an object", "{\"profiles\": {\n\"web\": \"baseline\"}}",
      "policy.json:2: \"profiles.web\": expected an object" },
    { "unknown profile key", "{\"profiles\": {\"web\": {\n\"mode\": \"enforce\",\n\"capabilities\": {}}}}",
      "policy.json:3: \"profiles.web.capabilities\": unknown field" },
    { "bad mode", "{\"profiles\": {\"web\": {\n\"mode\": \"strict\"}}}",
      "policy.json:2: \"profiles.web.mode\": expected one of \"enforce\", \"audit\", \"deny\", \"off\"" },
    { "mode in capitals", "{\"profiles\": {\"web\": {\"mode\": \"ENFORCE\"}}}",
      "policy.json:1: \"profiles.web.mode\": expected one of \"enforce\", \"audit\", \"deny\", \"off\"" },
    { "mode not a string", "{\"profiles\": {\"web\": {\"mode\": true}}}",
      "policy.json:1: \"profiles.web.mode\": expected one of \"enforce\", \"audit\", \"deny\", \"off\"" },
    { "bad per-control mode", "{\"profiles\": {\"web\": {\"modes\": {\n\"caps\": \"permissive\"}}}}",
      "policy.json:2: \"profiles.web.modes.caps\": expected one of \"enforce\", \"audit\", \"deny\", \"off\"" },
    { "unknown control in modes", "{\"profiles\": {\"web\": {\"modes\": {\n\"capabilities\": \"off\"}}}}",
      "policy.json:2: \"profiles.web.modes.capabilities\": unknown field" },
    { "modes not an object", "{\"profiles\": {\"web\": {\"modes\": [\"caps\"]}}}",
      "policy.json:1: \"profiles.web.modes\": expected an object" },
    { "uid 0 run-as", "{\"profiles\": {\"web\": {\"user\": {\n\"uid\": 0}}}}",
      "policy.json:2: \"profiles.web.user.uid\": expected a non-root id from 1 to 4294967294" },
    { "gid 0 run-as", "{\"profiles\": {\"web\": {\"user\": {\"uid\": 1000,\n\"gid\": 0}}}}",
      "policy.json:2: \"profiles.web.user.gid\": expected a non-root id from 1 to 4294967294" },
    { "uid -1", "{\"profiles\": {\"web\": {\"user\": {\"uid\": -1}}}}",
      "policy.json:1: \"profiles.web.user.uid\": expected a non-root id from 1 to 4294967294" },
    { "uid 2^32-1 (the overflow id)", "{\"profiles\": {\"web\": {\"user\": {\"uid\": 4294967295}}}}",
      "policy.json:1: \"profiles.web.user.uid\": expected a non-root id from 1 to 4294967294" },
    { "uid a string", "{\"profiles\": {\"web\": {\"user\": {\"uid\": \"1000\"}}}}",
      "policy.json:1: \"profiles.web.user.uid\": expected a non-root id from 1 to 4294967294" },
    { "uid a fraction", "{\"profiles\": {\"web\": {\"user\": {\"uid\": 1000.5}}}}",
      "policy.json:1: \"profiles.web.user.uid\": expected a non-root id from 1 to 4294967294" },
    { "user by name", "{\"profiles\": {\"web\": {\"user\": {\"name\": \"nobody\"}}}}",
      "policy.json:1: \"profiles.web.user.name\": unknown field" },
    { "unknown capability", "{\"profiles\": {\"web\": {\"caps\": {\"allow\": [\n\"CAP_NET_RAW\",\n\"CAP_FOO\"]}}}}",
      "policy.json:3: \"profiles.web.caps.allow[1]\": unknown capability \"CAP_FOO\"" },
    { "capability without CAP_", "{\"profiles\": {\"web\": {\"caps\": {\"allow\": [\"NET_RAW\"]}}}}",
      "policy.json:1: \"profiles.web.caps.allow[0]\": unknown capability \"NET_RAW\"" },
    { "capability in lower case", "{\"profiles\": {\"web\": {\"caps\": {\"allow\": [\"cap_net_raw\"]}}}}",
      "policy.json:1: \"profiles.web.caps.allow[0]\": unknown capability \"cap_net_raw\"" },
    { "capability by number", "{\"profiles\": {\"web\": {\"caps\": {\"allow\": [\"CAP_13\"]}}}}",
      "policy.json:1: \"profiles.web.caps.allow[0]\": unknown capability \"CAP_13\"" },
    { "caps.allow not an array", "{\"profiles\": {\"web\": {\"caps\": {\"allow\": \"CAP_NET_RAW\"}}}}",
      "policy.json:1: \"profiles.web.caps.allow\": expected an array of strings" },
    { "caps.allow item not a string", "{\"profiles\": {\"web\": {\"caps\": {\"allow\": [13]}}}}",
      "policy.json:1: \"profiles.web.caps.allow[0]\": expected a non-empty string" },
    { "caps.strictRequest not a boolean", "{\"profiles\": {\"web\": {\"caps\": {\n\"strictRequest\": 1}}}}",
      "policy.json:2: \"profiles.web.caps.strictRequest\": expected a boolean" },
    { "sysctls.unprivilegedPorts not a boolean",
      "{\"profiles\": {\"web\": {\"sysctls\": {\"unprivilegedPorts\": \"yes\"}}}}",
      "policy.json:1: \"profiles.web.sysctls.unprivilegedPorts\": expected a boolean" },
    { "unknown caps key", "{\"profiles\": {\"web\": {\"caps\": {\"add\": []}}}}",
      "policy.json:1: \"profiles.web.caps.add\": unknown field" },
    { "relative tmpfs path", "{\"profiles\": {\"web\": {\"rootfs\": {\"tmpfs\": [\"/tmp\",\n\"run\"]}}}}",
      "policy.json:2: \"profiles.web.rootfs.tmpfs[1]\": \"run\" is not an absolute path" },
    { "relative hook path", "{\"profiles\": {\"web\": {\"hooks\": {\"allow\": [\"bin/hook\"]}}}}",
      "policy.json:1: \"profiles.web.hooks.allow[0]\": \"bin/hook\" is not an absolute path" },
    { "relative read-only host path", "{\"profiles\": {\"web\": {\"mounts\": {\"readonlyHostPaths\": [\"etc\"]}}}}",
      "policy.json:1: \"profiles.web.mounts.readonlyHostPaths[0]\": \"etc\" is not an absolute path" },
    { "bad tmpfsSize", "{\"profiles\": {\"web\": {\"rootfs\": {\n\"tmpfsSize\": \"64mb\"}}}}",
      "policy.json:2: \"profiles.web.rootfs.tmpfsSize\": expected a tmpfs size such as \"65536k\", \"64m\" or \"10%\"" },
    { "tmpfsSize without digits", "{\"profiles\": {\"web\": {\"rootfs\": {\"tmpfsSize\": \"m\"}}}}",
      "policy.json:1: \"profiles.web.rootfs.tmpfsSize\": expected a tmpfs size such as \"65536k\", \"64m\" or \"10%\"" },
    { "tmpfsSize with an option", "{\"profiles\": {\"web\": {\"rootfs\": {\"tmpfsSize\": \"1m,exec\"}}}}",
      "policy.json:1: \"profiles.web.rootfs.tmpfsSize\": expected a tmpfs size such as \"65536k\", \"64m\" or \"10%\"" },
    { "tmpfsSize a number", "{\"profiles\": {\"web\": {\"rootfs\": {\"tmpfsSize\": 65536}}}}",
      "policy.json:1: \"profiles.web.rootfs.tmpfsSize\": expected a non-empty string" },
    { "sysctls.allow not an array", "{\"profiles\": {\"web\": {\"sysctls\": {\"allow\": \"net.*\"}}}}",
      "policy.json:1: \"profiles.web.sysctls.allow\": expected an array of strings" },
    { "pids.limit negative", "{\"profiles\": {\"web\": {\"pids\": {\n\"limit\": -1}}}}",
      "policy.json:2: \"profiles.web.pids.limit\": expected an integer of 0 or more" },
    { "pids.limit a string", "{\"profiles\": {\"web\": {\"pids\": {\"limit\": \"100\"}}}}",
      "policy.json:1: \"profiles.web.pids.limit\": expected an integer of 0 or more" },
    { "relative seccomp profile", "{\"profiles\": {\"web\": {\"seccomp\": {\n\"profile\": \"web.json\"}}}}",
      "policy.json:2: \"profiles.web.seccomp.profile\": expected an absolute path" },
    { "apparmor.profile empty", "{\"profiles\": {\"web\": {\"apparmor\": {\"profile\": \"\"}}}}",
      "policy.json:1: \"profiles.web.apparmor.profile\": expected a non-empty string" },
    { "selinux.type a number", "{\"profiles\": {\"web\": {\"selinux\": {\"type\": 1}}}}",
      "policy.json:1: \"profiles.web.selinux.type\": expected a non-empty string" },
    { "unknown selinux key", "{\"profiles\": {\"web\": {\"selinux\": {\"level\": \"s0\"}}}}",
      "policy.json:1: \"profiles.web.selinux.level\": unknown field" },
    { "a control not an object", "{\"profiles\": {\"web\": {\"pids\": 100}}}",
      "policy.json:1: \"profiles.web.pids\": expected an object" },
    { "duplicate profile name", "{\"profiles\": {\n\"web\": {},\n\"Web\": {}}}",
      "policy.json: \"profiles\": key \"Web\" duplicates \"web\"" },
    /* rules */
    { "rule not an object", "{\"rules\": [\n\"baseline\"]}", "policy.json:2: \"rules[0]\": expected an object" },
    { "unknown rule key", "{\"rules\": [{\"profile\": \"baseline\",\n\"namespace\": \"x\"}]}",
      "policy.json:2: \"rules[0].namespace\": unknown field" },
    { "rule without profile", "{\"rules\": [\n{\"profile\": \"baseline\"},\n{\"match\": {\"namespace\": \"x\"}}]}",
      "policy.json:3: \"rules[1]\": a rule needs \"profile\" or \"selectAnnotation\"" },
    { "rule with an unknown profile", "{\"rules\": [{\"match\": {},\n\"profile\": \"strict\"}]}",
      "policy.json:2: \"rules[0].profile\": no profile \"strict\"" },
    { "rule profile not a string", "{\"rules\": [{\"profile\": [\"baseline\"]}]}",
      "policy.json:1: \"rules[0].profile\": expected a non-empty string" },
    { "selectAnnotation without allowedProfiles",
      "{\"rules\": [\n{\"match\": {\"namespace\": \"dev\"}, \"selectAnnotation\": \"hardrun.io/profile\"}]}",
      "policy.json:2: \"rules[0]\": \"selectAnnotation\" needs a non-empty \"allowedProfiles\"" },
    { "selectAnnotation with empty allowedProfiles",
      "{\"rules\": [\n{\"selectAnnotation\": \"hardrun.io/profile\", \"allowedProfiles\": []}]}",
      "policy.json:2: \"rules[0]\": \"selectAnnotation\" needs a non-empty \"allowedProfiles\"" },
    { "allowedProfiles names an unknown profile",
      "{\"rules\": [{\"selectAnnotation\": \"p\",\n\"allowedProfiles\": [\"audit\", \"strict\"]}]}",
      "policy.json:2: \"rules[0].allowedProfiles[1]\": no profile \"strict\"" },
    { "allowedProfiles not an array", "{\"rules\": [{\"selectAnnotation\": \"p\", \"allowedProfiles\": \"audit\"}]}",
      "policy.json:1: \"rules[0].allowedProfiles\": expected an array of strings" },
    { "match not an object", "{\"rules\": [{\"match\": \"kube-system\", \"profile\": \"baseline\"}]}",
      "policy.json:1: \"rules[0].match\": expected an object" },
    { "unknown match key", "{\"rules\": [{\"match\": {\n\"labels\": {}}, \"profile\": \"baseline\"}]}",
      "policy.json:2: \"rules[0].match.labels\": unknown field" },
    { "namespace not a string", "{\"rules\": [{\"match\": {\"namespace\": [\"a\"]}, \"profile\": \"baseline\"}]}",
      "policy.json:1: \"rules[0].match.namespace\": expected a non-empty string" },
    { "match.annotations not an object",
      "{\"rules\": [{\"match\": {\n\"annotations\": [\"a\"]}, \"profile\": \"baseline\"}]}",
      "policy.json:2: \"rules[0].match.annotations\": expected an object of glob patterns" },
    { "annotation pattern not a string",
      "{\"rules\": [{\"match\": {\"annotations\": {\n\"a\": 1}}, \"profile\": \"baseline\"}]}",
      "policy.json:2: \"rules[0].match.annotations.a\": expected a glob pattern string" },
    { "bad containerType", "{\"rules\": [{\"match\": {\n\"containerType\": \"pod\"}, \"profile\": \"baseline\"}]}",
      "policy.json:2: \"rules[0].match.containerType\": expected \"sandbox\" or \"container\"" },
    { "containerType not a string", "{\"rules\": [{\"match\": {\"containerType\": 1}, \"profile\": \"baseline\"}]}",
      "policy.json:1: \"rules[0].match.containerType\": expected a non-empty string" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      if (cases[i].message)
        check_invalid (cases[i].what, cases[i].json, cases[i].message);
      else
        {
          struct hr_policy p;
          struct hr_error err = { 0 };
          ok (hr_policy_parse (cases[i].json, strlen (cases[i].json), "policy.json", &p, &err) < 0,
              "invalid: %s (%s)", cases[i].what, err.msg);
          hr_policy_release (&p);
        }
    }

  /* the limits */
  size_t cap = 1100 * 40 + 64;
  cleanup_free char *many = malloc (cap);
  size_t off = (size_t) snprintf (many, cap, "{\"rules\": [");
  for (int i = 0; i < 1025; i++)
    off += (size_t) snprintf (many + off, cap - off, "%s{\"profile\": \"audit\"}", i ? "," : "");
  snprintf (many + off, cap - off, "]}");
  check_invalid ("more than 1024 rules", many, "policy.json:1: \"rules\": more than 1024 rules");

  cap = 300 * 24 + 64;
  cleanup_free char *profiles = malloc (cap);
  off = (size_t) snprintf (profiles, cap, "{\"profiles\": {");
  for (int i = 0; i < 257; i++)
    off += (size_t) snprintf (profiles + off, cap - off, "%s\"p%d\": {}", i ? "," : "", i);
  snprintf (profiles + off, cap - off, "}}");
  check_invalid ("more than 256 profiles", profiles, "policy.json: more than 256 profiles");
}

/* ------------------------------------------------------------------ */
/* policy show: what it prints reads back as the same profile          */

static void
test_show_round_trip (void)
{
  for (size_t i = 0; hr_builtin_profiles[i]; i++)
    {
      const char *name = hr_builtin_profiles[i];
      struct hr_profile orig;
      struct hr_error err = { 0 };
      if (hr_profile_builtin (name, &orig, &err) < 0)
        abort ();
      cleanup_json struct hr_json *j = hr_profile_to_json (&orig);
      cleanup_free char *text = NULL;
      size_t len = 0;
      ok (j && hr_json_serialize (j, false, &text, &len, NULL) == 0, "policy show \"%s\" serializes", name);
      /* as a profile of a policy: {"profiles": {"copy": <shown>}} with "name" */
      cleanup_free char *doc = NULL;
      if (asprintf (&doc, "{\"profiles\": {\"copy\": %s}}", text ? text : "{}") < 0)
        abort ();
      struct hr_policy p;
      int r = hr_policy_parse (doc, strlen (doc), "shown.json", &p, &err);
      ok (r == 0, "policy show \"%s\" reads back as a profile", name);
      if (r < 0)
        diag ("  %s", err.msg);
      const struct hr_profile *c = r == 0 ? hr_policy_profile (&p, "copy") : NULL;
      if (c)
        {
          bool same = memcmp (c->mode, orig.mode, sizeof orig.mode) == 0 && c->run_as_uid == orig.run_as_uid
                      && c->run_as_gid == orig.run_as_gid && c->caps_allowed == orig.caps_allowed
                      && c->caps_strict_request == orig.caps_strict_request && c->pids_limit == orig.pids_limit
                      && c->tmpfs_paths.n == orig.tmpfs_paths.n && c->hooks_allow.n == orig.hooks_allow.n
                      && c->sysctls.n == orig.sysctls.n;
          ok (same, "policy show \"%s\" reads back as the same profile", name);
        }
      else
        ok (false, "policy show \"%s\" reads back as the same profile", name);
      hr_policy_release (&p);
      hr_profile_release (&orig);
    }
}

/* ------------------------------------------------------------------ */
/* Loading from disk                                                   */

static void
check_load_error (const char *what, const char *path, bool explicit_path, int code, const char *message)
{
  struct hr_policy p;
  struct hr_error err = { 0 };
  int r = hr_policy_load (path, explicit_path, &p, &err);
  ok (r == -code && strcmp (err.msg, message) == 0, "load: %s", what);
  if (r != -code || strcmp (err.msg, message) != 0)
    diag ("  got:  %d \"%s\"\n#  want: %d \"%s\"", r, err.msg, -code, message);
  ok (p.profiles == NULL && p.file == NULL, "load: %s: nothing kept", what);
  hr_policy_release (&p);
}

static void
test_load (void)
{
  char path[PATH_MAX], other[PATH_MAX], msg[PATH_MAX * 3];
  struct hr_policy p;
  struct hr_error err = { 0 };

  /* a missing default file: the built-ins, restricted by default */
  in_tmp (path, sizeof path, "missing.json");
  ok (hr_policy_load (path, false, &p, &err) == 0, "load: a missing default file is the built-in policy");
  check_int (p.n_profiles, ==, 4);
  check_str (p.default_profile, "restricted");
  check_str (p.file, NULL);
  check_str (p.audit_file, "/var/log/hardrun/audit.log");
  check_int (p.n_rules, ==, 0);
  hr_policy_release (&p);

  /* a missing explicit file is an error */
  snprintf (msg, sizeof msg, "policy file \"%s\": No such file or directory", path);
  check_load_error ("a missing explicit file", path, true, ENOENT, msg);
  /* so is a missing directory on the way, for the default too */
  in_tmp (other, sizeof other, "file.json/policy.json");
  write_file (in_tmp (path, sizeof path, "file.json"), "{}");
  snprintf (msg, sizeof msg, "policy file \"%s\": Not a directory", other);
  check_load_error ("a path through a file", other, false, ENOTDIR, msg);

  /* a valid file */
  in_tmp (path, sizeof path, "policy.json");
  write_file (path, "{\n  \"defaultProfile\": \"baseline\"\n}\n");
  ok (hr_policy_load (path, true, &p, &err) == 0, "load: a valid file");
  check_str (p.file, path);
  check_str (p.default_profile, "baseline");
  hr_policy_release (&p);
  ok (hr_policy_load (path, false, &p, &err) == 0, "load: a valid default file");
  check_str (p.default_profile, "baseline");
  hr_policy_release (&p);

  /* an invalid default file is an error too: fail closed */
  write_file (path, "{\n  \"defaultProfile\": \"baseline\",\n  \"mode\": \"off\"\n}\n");
  snprintf (msg, sizeof msg, "%s:3: \"mode\": unknown field", path);
  check_load_error ("an invalid default file", path, false, EINVAL, msg);
  check_load_error ("an invalid explicit file", path, true, EINVAL, msg);
  write_file (path, "");
  snprintf (msg, sizeof msg, "%s: line 1: invalid JSON: empty document", path);
  {
    int r = hr_policy_load (path, false, &p, &err);
    ok (r < 0 && strncmp (err.msg, path, strlen (path)) == 0, "load: an empty file is an error (%s)", err.msg);
    hr_policy_release (&p);
  }

  /* a directory */
  in_tmp (path, sizeof path, "policy.d");
  mkdir (path, 0755);
  snprintf (msg, sizeof msg, "policy file: %s: not a regular file", path);
  check_load_error ("a directory (default)", path, false, EINVAL, msg);
  check_load_error ("a directory (explicit)", path, true, EINVAL, msg);

  /* a FIFO: refused without blocking for a writer */
  in_tmp (path, sizeof path, "fifo.json");
  if (mkfifo (path, 0600) == 0)
    {
      snprintf (msg, sizeof msg, "policy file: %s: not a regular file", path);
      check_load_error ("a FIFO", path, false, EINVAL, msg);
    }
  else
    skip_test ("mkfifo: %s", strerror (errno));

  /* /dev/null: a character device, not an empty policy */
  check_load_error ("/dev/null", "/dev/null", true, EINVAL, "policy file: /dev/null: not a regular file");

  /* unreadable: root bypasses DAC */
  in_tmp (path, sizeof path, "secret.json");
  write_file (path, "{}");
  chmod (path, 0);
  if (geteuid () != 0)
    {
      snprintf (msg, sizeof msg, "policy file \"%s\": Permission denied", path);
      check_load_error ("an unreadable file (default)", path, false, EACCES, msg);
    }
  else
    skip_test ("an unreadable file: root reads any file (the FIFO and directory cases cover the unreadable path)");

  /* a symlink loop, and a dangling symlink */
  char loop_a[PATH_MAX], loop_b[PATH_MAX];
  in_tmp (loop_a, sizeof loop_a, "loop-a.json");
  in_tmp (loop_b, sizeof loop_b, "loop-b.json");
  if (symlink (loop_b, loop_a) == 0 && symlink (loop_a, loop_b) == 0)
    {
      snprintf (msg, sizeof msg, "policy file \"%s\": Too many levels of symbolic links", loop_a);
      check_load_error ("a symlink loop (explicit)", loop_a, true, ELOOP, msg);
      check_load_error ("a symlink loop (default)", loop_a, false, ELOOP, msg);
    }
  else
    skip_test ("symlink: %s", strerror (errno));
  /* a dangling symlink: a policy that went missing, not the absence of one */
  char nowhere[PATH_MAX];
  in_tmp (nowhere, sizeof nowhere, "nowhere.json");
  in_tmp (other, sizeof other, "dangling.json");
  if (symlink (nowhere, other) == 0)
    {
      snprintf (msg, sizeof msg, "policy file \"%s\": a symbolic link to a missing file", other);
      check_load_error ("a dangling symlink as the default file", other, false, ENOENT, msg);
      snprintf (msg, sizeof msg, "policy file \"%s\": No such file or directory", other);
      check_load_error ("a dangling symlink (explicit)", other, true, ENOENT, msg);
    }
  else
    skip_test ("symlink: %s", strerror (errno));
  /* a symlink to a valid file is followed */
  in_tmp (path, sizeof path, "policy.json");
  write_file (path, "{\"defaultProfile\": \"audit\"}");
  in_tmp (other, sizeof other, "link.json");
  if (symlink (path, other) == 0)
    {
      ok (hr_policy_load (other, true, &p, &err) == 0 && p.default_profile && strcmp (p.default_profile, "audit") == 0,
          "load: a symlink to a policy is followed");
      hr_policy_release (&p);
    }
  else
    skip_test ("symlink: %s", strerror (errno));

  /* too large */
  in_tmp (path, sizeof path, "big.json");
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0 && ftruncate (fd, HR_JSON_MAX_BYTES + 1) == 0)
    {
      snprintf (msg, sizeof msg, "policy file: %s: larger than %u bytes", path, HR_JSON_MAX_BYTES);
      check_load_error ("a file over the size limit", path, true, EFBIG, msg);
    }
  else
    skip_test ("cannot make a large file");
  if (fd >= 0)
    close (fd);
}

static void
test_profiles_dir (void)
{
  char dir[PATH_MAX], path[PATH_MAX], msg[PATH_MAX * 3], json[PATH_MAX * 2];
  struct hr_policy p;
  struct hr_error err = { 0 };

  in_tmp (dir, sizeof dir, "profiles.d");
  mkdir (dir, 0755);
  snprintf (path, sizeof path, "%s/20-web.json", dir);
  write_file (path, "{\n  \"name\": \"web\",\n  \"extends\": \"base\",\n  \"pids\": {\"limit\": 64}\n}\n");
  snprintf (path, sizeof path, "%s/10-netraw.json", dir);
  write_file (path, "{\"name\": \"restricted-netraw\", \"description\": \"ping\",\n"
                    " \"caps\": {\"allow\": [\"CAP_NET_BIND_SERVICE\", \"CAP_NET_RAW\"]}}\n");
  /* not profiles: other suffixes, hidden files, a bare ".json" */
  snprintf (path, sizeof path, "%s/README", dir);
  write_file (path, "not json");
  snprintf (path, sizeof path, "%s/web.json.dpkg-old", dir);
  write_file (path, "not json");
  snprintf (path, sizeof path, "%s/.hidden.json", dir);
  write_file (path, "not json");
  snprintf (path, sizeof path, "%s/.json", dir);
  write_file (path, "not json");

  snprintf (json, sizeof json,
            "{\"profilesDir\": \"%s\",\n"
            " \"profiles\": {\"base\": {\"extends\": \"baseline\"}},\n"
            " \"defaultProfile\": \"web\",\n"
            " \"rules\": [{\"match\": {\"namespace\": \"x\"}, \"profile\": \"restricted-netraw\"}]}",
            dir);
  ok (parse (json, &p), "profilesDir: loads");
  check_int (p.n_profiles, ==, 7);
  const struct hr_profile *web = hr_policy_profile (&p, "web");
  const struct hr_profile *nr = hr_policy_profile (&p, "restricted-netraw");
  ok (web && web->pids_limit == 64 && web->mode[HR_CTL_USER] == HR_MODE_OFF,
      "profilesDir: a file's profile extends an inline one");
  ok (nr && nr->caps_allowed == (CAP (CAP_NET_BIND_SERVICE) | CAP (CAP_NET_RAW)) && nr->caps_strict_request,
      "profilesDir: a file's profile extends restricted by default");
  check_pick (&p, NULL, "hardrun", "{" NS ("x") "}", "restricted-netraw", "rules[0]");
  check_pick (&p, NULL, "hardrun", NULL, "web", "default");
  hr_policy_release (&p);

  /* the same through hr_policy_load, with the directory beside the file */
  in_tmp (path, sizeof path, "with-dir.json");
  write_file (path, json);
  ok (hr_policy_load (path, true, &p, &err) == 0, "profilesDir: through hr_policy_load");
  check_int (p.n_profiles, ==, 7);
  hr_policy_release (&p);

  /* a relative profilesDir is the policy file's directory's */
  in_tmp (path, sizeof path, "relative.json");
  write_file (path, "{\"profilesDir\": \"profiles.d\", \"profiles\": {\"base\": {}}}");
  if (chdir ("/") < 0)
    abort ();
  int r = hr_policy_load (path, true, &p, &err);
  ok (r == 0 && hr_policy_profile (&p, "web") != NULL, "profilesDir: relative to the policy file, not the cwd");
  if (r < 0)
    diag ("  %s", err.msg);
  hr_policy_release (&p);

  /* a missing directory */
  snprintf (json, sizeof json, "{\"profilesDir\": \"%s/none\"}", tmpdir);
  snprintf (msg, sizeof msg, "policy.json: profiles directory \"%s/none\": No such file or directory", tmpdir);
  check_invalid ("profilesDir missing", json, msg);

  /* the same name twice: inline and in a file */
  snprintf (json, sizeof json, "{\"profilesDir\": \"%s\", \"profiles\": {\"base\": {}, \"web\": {}}}", dir);
  snprintf (msg, sizeof msg, "%s/20-web.json:1: \"web\": profile \"web\" is defined twice", dir);
  check_invalid ("a profile defined inline and in profilesDir", json, msg);

  /* an error inside a file names that file */
  char bad_dir[PATH_MAX];
  in_tmp (bad_dir, sizeof bad_dir, "bad.d");
  mkdir (bad_dir, 0755);
  snprintf (path, sizeof path, "%s/bad.json", bad_dir);
  write_file (path, "{\"name\": \"bad\",\n \"mode\": \"strict\"}");
  snprintf (json, sizeof json, "{\"profilesDir\": \"%s\"}", bad_dir);
  snprintf (msg, sizeof msg, "%s:2: \"bad.mode\": expected one of \"enforce\", \"audit\", \"deny\", \"off\"", path);
  check_invalid ("an invalid profile in profilesDir", json, msg);

  write_file (path, "{\"name\": \"bad\",\n \"caps\": {\"allow\": [\"CAP_FOO\"]}}");
  snprintf (msg, sizeof msg, "%s:2: \"bad.caps.allow[0]\": unknown capability \"CAP_FOO\"", path);
  check_invalid ("an unknown capability in profilesDir", json, msg);

  write_file (path, "{\"name\": \"bad\",\n \"extends\": \"nope\"}");
  snprintf (msg, sizeof msg, "%s:2: \"bad.extends\": extends unknown profile \"nope\"", path);
  check_invalid ("an unknown base in profilesDir", json, msg);

  write_file (path, "{\"name\": \"bad\",\n \"rules\": []}");
  snprintf (msg, sizeof msg, "%s:2: \"rules\": unknown field", path);
  check_invalid ("an unknown key in profilesDir", json, msg);

  write_file (path, "{\"mode\": \"audit\"}");
  snprintf (msg, sizeof msg, "%s: expected a profile object with a \"name\"", path);
  check_invalid ("a profile file without a name", json, msg);

  write_file (path, "[]");
  check_invalid ("a profile file that is no object", json, msg);

  write_file (path, "{\"name\": ");
  {
    struct hr_policy q;
    r = hr_policy_parse (json, strlen (json), "policy.json", &q, &err);
    ok (r < 0 && strncmp (err.msg, path, strlen (path)) == 0, "profilesDir: invalid JSON names the file (%s)", err.msg);
    hr_policy_release (&q);
  }

  /* a symlink loop inside the directory */
  unlink (path);
  snprintf (path, sizeof path, "%s/loop.json", bad_dir);
  if (symlink (path, path) == 0)
    {
      snprintf (msg, sizeof msg, "%s: Too many levels of symbolic links", path);
      check_invalid ("a symlink loop in profilesDir", json, msg);
    }
  else
    skip_test ("symlink: %s", strerror (errno));
  unlink (path);

  /* two files with the same name */
  snprintf (path, sizeof path, "%s/a.json", bad_dir);
  write_file (path, "{\"name\": \"twin\"}");
  snprintf (path, sizeof path, "%s/b.json", bad_dir);
  write_file (path, "{\n\"name\": \"twin\"}");
  snprintf (msg, sizeof msg, "%s:1: \"twin\": profile \"twin\" is defined twice", path);
  check_invalid ("two files define one profile", json, msg);
}

/* ------------------------------------------------------------------ */

static void
cleanup_tmp (void)
{
  char cmd[PATH_MAX + 16];
  if (tmpdir[0] == '\0')
    return;
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system (cmd) != 0)
    diag ("cannot remove \"%s\"", tmpdir);
}


/* ------------------------------------------------------------------ */
/* Annotation sources, the floor, hook entries and images              */

struct trusted_case
{
  const char *name;
  const char *ann;
  bool cri;
  const char *profile;
  const char *rule;
  const char *note;             /* substring of the note, or NULL for none */
};

static void
test_trust_and_floor (void)
{
  static const char json[] =
    "{\"floor\": \"restricted\", \"profiles\": {\"lax\": {\"extends\": \"baseline\"}},"
    " \"rules\": ["
    "  {\"match\": {\"namespace\": \"kube-system\"}, \"profile\": \"baseline\"},"
    "  {\"match\": {\"namespace\": \"dev-*\"}, \"selectAnnotation\": \"hardrun.io/profile\","
    "   \"allowedProfiles\": [\"lax\", \"audit\"]},"
    "  {\"match\": {\"annotations\": {\"example.com/tier\": \"gpu\"}}, \"profile\": \"lax\", \"trust\": [\"cri\"]},"
    "  {\"match\": {\"namespace\": \"ops\"}, \"profile\": \"audit\", \"trust\": [\"caller\"]}"
    " ]}";
  static const struct trusted_case cases[] = {
    { "a named namespace from the CRI may go below the floor", "{\"io.kubernetes.cri.sandbox-namespace\": \"kube-system\"}",
      true, "baseline", "rules[0]", NULL },
    { "the same, forged by another caller, is ignored", "{\"io.kubernetes.cri.sandbox-namespace\": \"kube-system\"}",
      false, "restricted", "default", "rules[0] ignored: annotation \"io.kubernetes.cri.sandbox-namespace\" comes from "
      "the caller" },
    { "a glob namespace's pod picks a weaker profile: raised to the floor",
      "{\"io.kubernetes.cri.sandbox-namespace\": \"dev-1\", \"hardrun.io/profile\": \"lax\"}", true, "restricted",
      "rules[1] (annotation \"hardrun.io/profile\"), raised to the floor", "weaker than the floor \"restricted\"" },
    { "a pod annotation a rule does not trust", "{\"example.com/tier\": \"gpu\"}", true, "restricted", "default",
      "rules[2] ignored: annotation \"example.com/tier\" comes from the pod" },
    { "a rule that trusts the caller, on another caller: the floor still holds",
      "{\"io.kubernetes.cri.sandbox-namespace\": \"ops\"}", false, "restricted", "rules[3], raised to the floor",
      "control \"user\" is \"audit\"" },
    { "a rule that trusts only the caller, on the CRI", "{\"io.kubernetes.cri.sandbox-namespace\": \"ops\"}", true,
      "restricted", "default", "comes from the pod" },
    { "no annotations: the default, no note", "{}", false, "restricted", "default", NULL },
  };
  struct hr_policy p;
  if (!parse (json, &p))
    {
      ok (false, "trust: the policy parses");
      return;
    }
  check_str (p.floor, "restricted");
  ok (p.cri_roots.n == 1 && strcmp (p.cri_roots.v[0], "/run/containerd/runc/k8s.io") == 0,
      "cri.runtimeRoots defaults to containerd's k8s.io root");
  ok (p.rules[0].named_namespace && !p.rules[1].named_namespace, "a namespace without a glob is a named one");
  check_int (p.rules[0].trust, ==, HR_TRUST_CRI | HR_TRUST_POD);
  check_int (p.rules[3].trust, ==, HR_TRUST_CALLER);
  ok (hr_policy_cri_root (&p, "/run/containerd/runc/k8s.io") && !hr_policy_cri_root (&p, "/run/runc")
      && !hr_policy_cri_root (&p, NULL), "only containerd's k8s.io root is the CRI's");
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    {
      const struct trusted_case *c = &cases[i];
      cleanup_json struct hr_json *ann = annotations (c->ann);
      const struct hr_profile *prof = NULL;
      char rule[160], note[512];
      struct hr_error err = { 0 };
      int r = hr_policy_select_trusted (&p, NULL, "hardrun", ann, c->cri, &prof, rule, sizeof rule, note, sizeof note,
                                        &err);
      bool good = r == 0 && prof && strcmp (prof->name, c->profile) == 0 && strcmp (rule, c->rule) == 0
                  && (c->note ? strstr (note, c->note) != NULL : note[0] == '\0');
      ok (good, "trust: %s", c->name);
      if (!good)
        diag ("  got: rc %d, profile \"%s\", rule \"%s\", note \"%s\"", r, prof ? prof->name : "", rule, note);
    }
  hr_policy_release (&p);

  check_invalid ("trust: an unknown source", "{\"rules\": [{\"profile\": \"audit\", \"trust\": [\"anyone\"]}]}",
                 "policy.json:1: \"rules[0].trust[0]\": expected \"cri\", \"pod\" or \"caller\"");
  check_invalid ("trust: empty", "{\"rules\": [{\"profile\": \"audit\", \"trust\": []}]}",
                 "policy.json:1: \"rules[0].trust\": expected a non-empty array of \"cri\", \"pod\", \"caller\"");
  check_invalid ("floor: no such profile", "{\"floor\": \"nosuch\"}", "policy.json:1: \"floor\": no profile \"nosuch\"");
  check_invalid ("cri.runtimeRoots: relative", "{\"cri\": {\"runtimeRoots\": [\"run/x\"]}}",
                 "policy.json:1: \"cri.runtimeRoots[0]\": \"run/x\" is not an absolute path");
}

static void
test_hooks_and_images (void)
{
  static const char json[] =
    "{\"profiles\": {\"h\": {\"hooks\": {\"allow\": ["
    "  \"/usr/bin/nvidia-ctk\","
    "  {\"path\": \"/usr/sbin/dockerd\", \"args\": [\"libnetwork-setkey\", \"{id}\"], \"comment\": \"x\"},"
    "  {\"path\": \"/usr/bin/touch\", \"args\": [\"touch\", \"...\"], \"env\": [\"PATH=*\"]}]},"
    "  \"images\": {\"allow\": [\"docker.io/library/*\", \"quay.io/a/b@sha256:"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"]}}}}";
  struct hr_policy p;
  if (!parse (json, &p))
    {
      ok (false, "hooks: the policy parses");
      return;
    }
  const struct hr_profile *h = hr_policy_profile (&p, "h");
  const struct hr_profile *r = hr_policy_profile (&p, "restricted");
  ok (h && h->hooks_allow.n == 3, "hooks.allow: three entries");
  if (h && h->hooks_allow.n == 3)
    {
      ok (h->hooks_allow.v[0].any_args && h->hooks_allow.v[0].any_env, "a path alone: any argv, any env");
      ok (!h->hooks_allow.v[1].any_args && !h->hooks_allow.v[1].any_env && h->hooks_allow.v[1].args.n == 2
          && h->hooks_allow.v[1].env.n == 0, "an object without env: that argv, no env");
      ok (h->hooks_allow.v[2].env.n == 1, "env patterns");
    }
  ok (h && h->images_allow.n == 2, "images.allow: two entries");
  ok (r && r->mode[HR_CTL_IMAGES] == HR_MODE_OFF && r->images_allow.n == 0, "images: off in the built-ins");
  ok (r && r->hooks_allow.n == 3 && r->hooks_allow.v[0].args.n == 4
      && strcmp (r->hooks_allow.v[0].args.v[0], "libnetwork-setkey") == 0, "built-in: Docker's libnetwork hook");
  char why[200] = "";
  ok (h && r && hr_profile_weaker (h, r, why, sizeof why) && strstr (why, "hooks.allow"), "more hooks are weaker (%s)",
      why);
  ok (r && !hr_profile_weaker (r, r, why, sizeof why), "a profile is not weaker than itself");
  const struct hr_profile *b = hr_policy_profile (&p, "baseline");
  ok (b && r && hr_profile_weaker (b, r, why, sizeof why) && strstr (why, "\"user\" is \"off\""),
      "baseline is weaker than restricted (%s)", why);
  ok (b && r && !hr_profile_weaker (r, b, why, sizeof why), "restricted is not weaker than baseline");
  ok (hr_image_allowed (&h->images_allow, "docker.io/library/nginx:1.25"), "images: a glob with a tag");
  ok (!hr_image_allowed (&h->images_allow, "quay.io/a/b:latest"), "images: a required digest, a tag given");
  ok (hr_image_allowed (&h->images_allow,
                        "quay.io/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
      "images: the required digest");
  ok (hr_hook_pattern_matches ("{hex:4}-{id}", "beef-c1", "c1") && !hr_hook_pattern_matches ("{hex:4}", "BEEF", "c1")
      && !hr_hook_pattern_matches ("{id}", "c1", NULL), "hook patterns: {hex:N} and {id}");
  hr_policy_release (&p);

  check_invalid ("hooks: an entry without path", "{\"profiles\": {\"x\": {\"hooks\": {\"allow\": [{\"args\": []}]}}}}",
                 "policy.json:1: \"profiles.x.hooks.allow[0].path\": expected a program path or an object with \"path\"");
  check_invalid ("hooks: an unknown key", "{\"profiles\": {\"x\": {\"hooks\": {\"allow\": [{\"path\": \"/a\", \"argv\": []}]}}}}",
                 "policy.json:1: \"profiles.x.hooks.allow[0].argv\": unknown field");
  check_invalid ("hooks: args not strings", "{\"profiles\": {\"x\": {\"hooks\": {\"allow\": [{\"path\": \"/a\", \"args\": [1]}]}}}}",
                 "policy.json:1: \"profiles.x.hooks.allow[0].args[0]\": expected a pattern string of at most 1024 bytes");
  check_invalid ("images: a bad digest", "{\"profiles\": {\"x\": {\"images\": {\"allow\": [\"a/b@sha256:12\"]}}}}",
                 "policy.json:1: \"profiles.x.images.allow[0]\": \"a/b@sha256:12\": a digest is \"sha256:\" and 64 "
                 "lower-case hex digits");
}

/* hardrun-hook's sinks: written by hardrun, read back by key only. */
static void
test_hook_sink (void)
{
  char dir[PATH_MAX + 32], key[HR_HOOK_KEY_LEN + 1], other[HR_HOOK_KEY_LEN + 1], mkey[HR_HOOK_KEY_LEN + 1],
    mkey2[HR_HOOK_KEY_LEN + 1], path[PATH_MAX + 64];
  struct hr_error err = { 0 };
  struct hr_hook_sink got;
  const struct hr_hook_sink a = { .file = "/var/log/a.log" };
  const struct hr_hook_sink b = { .file = "/var/log/a.log", .syslog = true };
  const struct hr_hook_sink m = { .file = "/var/log/a.log", .monitor = "/run/hardrun/monitor.sock" };
  const struct hr_hook_sink m2 = { .file = "/var/log/a.log", .monitor = "/run/other.sock" };
  snprintf (dir, sizeof dir, "%s/state", tmpdir);
  hr_hook_sink_key (&a, key);
  hr_hook_sink_key (&b, other);
  hr_hook_sink_key (&m, mkey);
  hr_hook_sink_key (&m2, mkey2);
  ok (strlen (key) == 16 && strcmp (key, other) != 0, "sink keys: 16 hex digits, one per sink");
  ok (strcmp (mkey, key) != 0 && strcmp (mkey, mkey2) != 0, "sink keys: the monitor's socket is part of the key");
  ok (hr_hook_sink_write (dir, &a, &err) == 0, "sink: written");
  ok (hr_hook_sink_write (dir, &a, &err) == 0, "sink: written again, unchanged");
  ok (hr_hook_sink_read (dir, key, &got) == 0 && got.file && strcmp (got.file, "/var/log/a.log") == 0 && !got.syslog
      && got.monitor == NULL, "sink: read back by its key");
  hr_hook_sink_release (&got);
  ok (hr_hook_sink_write (dir, &m, &err) == 0 && hr_hook_sink_read (dir, mkey, &got) == 0 && got.monitor
      && strcmp (got.monitor, "/run/hardrun/monitor.sock") == 0, "sink: with the monitor's socket");
  hr_hook_sink_release (&got);
  /* the controls that changed the container: part of the key's second half */
  const struct hr_hook_sink c = { .file = "/var/log/a.log", .changed = "user,rootfs" };
  const struct hr_hook_sink bad = { .file = "/var/log/a.log", .changed = "user,/etc/passwd" };
  char ckey[HR_HOOK_KEY_LEN + 1];
  hr_hook_sink_key (&c, ckey);
  ok (strcmp (ckey, key) != 0 && hr_hook_key_same_sink (ckey, key) && !hr_hook_key_same_sink (other, key)
      && !hr_hook_key_same_sink (mkey, key) && !hr_hook_key_same_sink ("../../etc/passwd", key),
      "sink keys: one per list of changes, of the same sink");
  ok (hr_hook_changed_valid ("") && hr_hook_changed_valid ("user,rootfs,no_new_privileges")
      && !hr_hook_changed_valid ("user,user") && !hr_hook_changed_valid ("user,") && !hr_hook_changed_valid (",user")
      && !hr_hook_changed_valid ("user,/etc/cron.d/x") && !hr_hook_changed_valid ("user rootfs")
      && !hr_hook_changed_valid (NULL), "sink: the list of changes holds control names only, each once");
  ok (hr_hook_sink_write (dir, &c, &err) == 0 && hr_hook_sink_read (dir, ckey, &got) == 0 && got.changed
      && strcmp (got.changed, "user,rootfs") == 0, "sink: the controls that changed the container, read back by its key");
  hr_hook_sink_release (&got);
  ok (hr_hook_sink_write (dir, &bad, &err) == -EINVAL, "sink: a list of changes that is not one is not written");
  ok (hr_hook_sink_read (dir, other, &got) == -ENOENT, "sink: a key hardrun wrote no sink for");
  ok (hr_hook_sink_read (dir, "../../etc/passwd", &got) == -EINVAL
      && hr_hook_sink_read (dir, "0123456789ABCDEF", &got) == -EINVAL, "sink: a key that is no key");
  snprintf (path, sizeof path, "%s/sinks/%s.json", dir, key);
  chmod (path, 0666);
  ok (hr_hook_sink_read (dir, key, &got) == -EPERM, "sink: writable by others: not hardrun's");
  chmod (path, 0600);
  write_file (path, "{\"file\": \"/etc/cron.d/x\", \"syslog\": false, \"changed\": \"\"}");
  chmod (path, 0600);
  ok (hr_hook_sink_read (dir, key, &got) == -EINVAL && got.file == NULL, "sink: content that is not its key's");
  /* a monitor socket slipped into a sink: the key no longer matches */
  write_file (path, "{\"file\": \"/var/log/a.log\", \"syslog\": false, \"monitor\": \"/tmp/evil.sock\"}");
  chmod (path, 0600);
  ok (hr_hook_sink_read (dir, key, &got) == -EINVAL && got.monitor == NULL, "sink: a monitor the key does not cover");
  snprintf (path, sizeof path, "%s/sinks/%s.json", dir, ckey);
  write_file (path, "{\"file\": \"/var/log/a.log\", \"syslog\": false, \"changed\": \"user\"}");
  chmod (path, 0600);
  ok (hr_hook_sink_read (dir, ckey, &got) == -EINVAL && got.file == NULL, "sink: a list of changes that is not its key's");
  snprintf (path, sizeof path, "%s/sinks/%s.json", dir, mkey);
  write_file (path, "{\"file\": \"/var/log/a.log\", \"syslog\": false, \"monitor\": \"relative.sock\"}");
  chmod (path, 0600);
  ok (hr_hook_sink_read (dir, mkey, &got) == -EINVAL, "sink: a monitor socket that is not absolute");
}

/* hardrun-hook's argv (hookargs.h): event, key, and a strict --attest. */
static void
test_hook_args (void)
{
#define K "0123456789abcdef"
#define T "uid=65534,gid=65534,caps=0:0:0:0:0,nnp=1,seccomp=1,ro=1"
  static const struct
  {
    const char *argv[8];
    bool good;
    const char *what;
  } cases[] = {
    { { "hardrun-hook", "poststart", K }, true, "event and key" },
    { { "hardrun-hook", "poststop", K }, true, "poststop" },
    { { "hardrun-hook", "poststart", K, "--attest", T }, true, "an attestation token" },
    { { "hardrun-hook", "poststop", K, "--attest", T }, false, "--attest on poststop" },
    { { "hardrun-hook", "poststart", K, "--attest", T, "--attest", T }, false, "--attest twice" },
    { { "hardrun-hook", "poststart", K, "--attest" }, false, "--attest without its value" },
    { { "hardrun-hook", "poststart", K, "--attest", "/etc/passwd" }, false, "--attest with a path" },
    { { "hardrun-hook", "poststart", K, "--attest", "uid=0 gid=0 caps=0,0,0,0,0 nnp=0 seccomp=0 ro=0" }, false,
      "--attest with spaced text" },
    { { "hardrun-hook", "poststart", K, "--audit-file", "/tmp/x" }, false, "--audit-file" },
    { { "hardrun-hook", "poststart", K, "--monitor", "/tmp/x.sock" }, false, "--monitor" },
    { { "hardrun-hook", "poststart", K, "--syslog" }, false, "--syslog" },
    { { "hardrun-hook", "poststart", K, "extra" }, false, "a stray word" },
    { { "hardrun-hook", "--attest", T, "poststart", K }, false, "options before the event" },
    { { "hardrun-hook", "poststart" }, false, "no key" },
    { { "hardrun-hook", "poststart", "0123456789ABCDEF" }, false, "an upper-case key" },
    { { "hardrun-hook", "poststart", "/var/log/x" }, false, "a path for a key" },
    { { "hardrun-hook", "prestart", K }, false, "another event" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      int argc = 0;
      while (argc < 8 && cases[i].argv[argc])
        argc++;
      struct hr_hook_args a;
      bool good = hr_hook_args_parse (argc, cases[i].argv, &a);
      ok (good == cases[i].good, "hook argv: %s %s", cases[i].what, cases[i].good ? "accepted" : "refused");
    }
  struct hr_hook_args a;
  const char *argv[] = { "hardrun-hook", "poststart", K, "--attest", T };
  ok (hr_hook_args_parse (5, argv, &a) && strcmp (a.event, "poststart") == 0 && strcmp (a.key, K) == 0
      && a.attest && strcmp (a.attest, T) == 0, "hook argv: the parts");
#undef K
#undef T
}

/* Whether a call comes from containerd's CRI: the runtime root, then the
 * pod's annotations against its sandbox's record. */
static void
test_invocation_cri (void)
{
  char state[PATH_MAX + 32], why[256];
  struct hr_error err = { 0 };
  struct hr_policy p;
  snprintf (state, sizeof state, "%s/inv-state", tmpdir);
  if (!parse ("{\"cri\": {\"runtimeRoots\": [\"/run/k8s/*\"]}}", &p))
    {
      ok (false, "invocation: the policy parses");
      return;
    }
  static const char sb[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static const char ct[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  char json[1024];
  snprintf (json, sizeof json,
            "{\"annotations\": {\"io.kubernetes.cri.container-type\": \"sandbox\", \"io.kubernetes.cri.sandbox-id\": "
            "\"%s\", \"io.kubernetes.cri.sandbox-namespace\": \"shop\", \"io.kubernetes.cri.sandbox-name\": \"web-0\"}}",
            sb);
  cleanup_json struct hr_json *sandbox = annotations (json);
  const struct hr_json *sann = hr_json_get (sandbox, "annotations");
  ok (hr_invocation_cri (&p, "/run/k8s/k8s.io", sb, sann, state, why, sizeof why), "invocation: a sandbox on the CRI root");
  ok (!hr_invocation_cri (&p, "/run/runc", sb, sann, state, why, sizeof why) && strstr (why, "cri.runtimeRoots"),
      "invocation: another root is not the CRI (%s)", why);
  ok (!hr_invocation_cri (&p, "/run/k8s/k8s.io", ct, sann, state, why, sizeof why),
      "invocation: a sandbox whose sandbox-id is not its own ID");
  ok (hr_record_write (state, "/run/k8s/k8s.io", sb, sandbox, "restricted", "/b", NULL, &err) == 0,
      "invocation: the sandbox's record");

  static const struct
  {
    const char *what, *ns, *pod, *sandbox_id;
    bool want;
  } cases[] = {
    { "a container of that sandbox, same pod", "shop", "web-0", sb, true },
    { "a container claiming another namespace", "kube-system", "web-0", sb, false },
    { "a container claiming another pod", "shop", "web-1", sb, false },
    { "a container of a sandbox hardrun never saw", "shop", "web-0",
      "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", false },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    {
      snprintf (json, sizeof json,
                "{\"io.kubernetes.cri.container-type\": \"container\", \"io.kubernetes.cri.sandbox-id\": \"%s\", "
                "\"io.kubernetes.cri.sandbox-namespace\": \"%s\", \"io.kubernetes.cri.sandbox-name\": \"%s\"}",
                cases[i].sandbox_id, cases[i].ns, cases[i].pod);
      cleanup_json struct hr_json *a = annotations (json);
      bool got = hr_invocation_cri (&p, "/run/k8s/k8s.io", ct, a, state, why, sizeof why);
      ok (got == cases[i].want, "invocation: %s", cases[i].what);
      if (got != cases[i].want)
        diag ("  why: %s", why);
    }
  cleanup_json struct hr_json *none = annotations ("{}");
  ok (!hr_invocation_cri (&p, "/run/k8s/k8s.io", ct, none, state, why, sizeof why), "invocation: no CRI annotations");
  hr_policy_release (&p);
}

/* policy check: any argv for a program that can do anything; annotations
 * the pod writes that can lower the profile. */
static void
test_lint (void)
{
  static const struct
  {
    const char *what, *json, *error, *warning;
  } cases[] = {
    { "a shell by its path alone", "{\"profiles\": {\"x\": {\"hooks\": {\"allow\": [\"/bin/sh\"]}}}}",
      "profile \"x\": hooks.allow[0]: \"/bin/sh\" can do anything, and the entry allows any argv (give \"args\" "
      "patterns)", NULL },
    { "python with any argument",
      "{\"profiles\": {\"x\": {\"hooks\": {\"allow\": [{\"path\": \"/usr/bin/python3.11\", \"args\": [\"python3\", "
      "\"...\"]}]}}}}", "allows any argument", NULL },
    { "runc with LD_PRELOAD",
      "{\"profiles\": {\"x\": {\"hooks\": {\"allow\": [{\"path\": \"/usr/sbin/runc\", \"args\": [\"runc\", \"--version\"],"
      " \"env\": [\"LD_PRELOAD=*\"]}]}}}}", "allows any environment variable", NULL },
    { "another program may have any argv", "{\"profiles\": {\"x\": {\"hooks\": {\"allow\": [\"/usr/bin/nvidia-ctk\"]}}}}",
      NULL, NULL },
    { "a pod annotation selecting baseline",
      "{\"rules\": [{\"match\": {\"annotations\": {\"a\": \"b\"}}, \"profile\": \"baseline\"}]}", NULL,
      "rules[0]: annotation \"a\", which the pod writes, can select profile \"baseline\", weaker than the default" },
    { "the same rule trusting only the CRI's keys",
      "{\"rules\": [{\"match\": {\"annotations\": {\"a\": \"b\"}}, \"profile\": \"baseline\", \"trust\": [\"cri\"]}]}",
      NULL, NULL },
    { "a caller-trusted namespace rule", "{\"rules\": [{\"match\": {\"namespace\": \"x\"}, \"profile\": \"audit\", "
      "\"trust\": [\"caller\"]}]}", NULL, "which the caller (podman, docker or ctr) writes" },
    { "a default below the floor", "{\"defaultProfile\": \"baseline\", \"floor\": \"restricted\"}", NULL,
      "defaultProfile \"baseline\" is weaker than the floor \"restricted\"" },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    {
      struct hr_policy p;
      struct hr_error err = { 0 };
      struct hr_strlist w = { 0 };
      if (!parse (cases[i].json, &p))
        {
          ok (false, "lint: %s: parses", cases[i].what);
          continue;
        }
      int r = hr_policy_lint (&p, &w, &err);
      bool good = cases[i].error ? r < 0 && strstr (err.msg, cases[i].error) != NULL : r == 0;
      if (cases[i].warning)
        good &= w.n == 1 && strstr (w.v[0], cases[i].warning) != NULL;
      else
        good &= w.n == 0;
      ok (good, "lint: %s", cases[i].what);
      if (!good)
        diag ("  rc %d, error \"%s\", %zu warnings: %s", r, err.msg, w.n, w.n ? w.v[0] : "");
      hr_strlist_release (&w);
      hr_policy_release (&p);
    }
}

int
main (void)
{
  char tmpl[] = "/tmp/hardrun-test-policyfile.XXXXXX";
  if (mkdtemp (tmpl) == NULL)
    {
      perror ("mkdtemp");
      return 1;
    }
  snprintf (tmpdir, sizeof tmpdir, "%s", tmpl);

  test_empty_policy ();
  test_full_policy ();
  test_audit_sink ();
  test_extends ();
  test_selection ();
  test_invalid ();
  test_show_round_trip ();
  test_load ();
  test_profiles_dir ();
  test_trust_and_floor ();
  test_hooks_and_images ();
  test_hook_sink ();
  test_hook_args ();
  test_invocation_cri ();
  test_lint ();

  cleanup_tmp ();
  return done_testing ();
}
