/* "update", table-driven: the resources a running container is changed to
 * (the -r document, or --pids-limit) against the container's profile; and
 * Go's integer syntax for runc's int flags. */
#include "config.h"
#include "policy/update.h"
#include "cmdline.h"
#include "cleanup.h"
#include "host-fake.h"
#include "tap.h"
#include "json-text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct update_case
{
  const char *name;
  const char *profile;          /* NULL: "restricted" */
  const char *modes;            /* NULL, or "pids=MODE" / "devices=MODE" applied on top */
  const char *resources;        /* single-quoted JSON; NULL: the flags */
  const char *pids_flag;        /* --pids-limit's value; NULL: not given */
  int64_t created;              /* the record's pidsLimit */
  bool refused;
  const char *text;             /* a substring of the findings; NULL: none at all */
};

static const struct update_case cases[] = {
  { "no flags at all", NULL, NULL, NULL, NULL, 0, false, NULL },
  { "--pids-limit -1 removes the limit", NULL, NULL, NULL, "-1", 0, true, "-1 would remove the pids limit" },
  { "--pids-limit -5 is \"max\" too", NULL, NULL, NULL, "-5", 0, true, "would remove" },
  { "--pids-limit 0 leaves it as it is", NULL, NULL, NULL, "0", 0, false, NULL },
  { "--pids-limit within the profile's", NULL, NULL, NULL, "100", 0, false, NULL },
  { "--pids-limit at the profile's", NULL, NULL, NULL, "4096", 0, false, NULL },
  { "--pids-limit above the profile's", NULL, NULL, NULL, "4097", 0, true, "above the container's pids limit" },
  { "--pids-limit in hex above the profile's", NULL, NULL, NULL, "0x1_0000", 0, true, "--pids-limit 65536 is above" },
  { "--pids-limit up to what the container was created with", NULL, NULL, NULL, "10000", 10000, false, NULL },
  { "--pids-limit above what it was created with", NULL, NULL, NULL, "10001", 10000, true, "at most 10000" },
  { "-r pids -1", NULL, NULL, "{'pids':{'limit':-1}}", NULL, 0, true, "pids: pids.limit: pids.limit -1 would remove" },
  { "-r pids in Go's spelling of the key", NULL, NULL, "{'PIDS':{'Limit':-1}}", NULL, 0, true, "would remove" },
  { "-r ignores --pids-limit, as runc does", NULL, NULL, "{'memory':{'limit':1000000}}", "-1", 0, false, NULL },
  { "-r pids within", NULL, NULL, "{'pids':{'limit':50},'cpu':{'shares':512}}", NULL, 0, false, NULL },
  { "-r pids not an integer", NULL, NULL, "{'pids':{'limit':'max'}}", NULL, 0, true, "not an integer" },
  { "-r unified pids.max", NULL, NULL, "{'unified':{'pids.max':'max'}}", NULL, 0, true, "\"pids.max\" is held" },
  { "-r unified of other files", NULL, NULL, "{'unified':{'memory.high':'max'}}", NULL, 0, false, NULL },
  { "-r allow-all devices", NULL, NULL, "{'devices':[{'allow':true,'access':'rwm'}]}", NULL, 0, true,
    "devices: devices[0]: devices[0]: device cgroup rule allows more than the default devices" },
  { "-r a disk", NULL, NULL, "{'devices':[{'allow':true,'type':'b','major':8,'minor':0,'access':'rw'}]}", NULL, 0,
    true, "devices[0]" },
  { "-r default devices and denials", NULL, NULL,
    "{'devices':[{'allow':false,'access':'rwm'},{'allow':true,'type':'c','major':1,'minor':3,'access':'rwm'},"
    "{'allow':false,'type':'b','major':8,'access':'rwm'}]}", NULL, 0, false, NULL },
  { "-r unified devices file", NULL, NULL, "{'unified':{'devices.allow':'a'}}", NULL, 0, true, "devices.allow" },
  { "audit mode reports and lets it through", NULL, "pids=audit", NULL, "-1", 0, false, "would remove" },
  { "pids off: anything goes", NULL, "pids=off", NULL, "-1", 0, false, NULL },
  { "devices off: anything goes", NULL, "devices=off", "{'devices':[{'allow':true,'access':'rwm'}]}", NULL, 0,
    false, NULL },
  { "deny mode refuses too", NULL, "pids=deny", NULL, "-1", 0, true, "would remove" },
  { "privileged profile: no limit held", "privileged", NULL, "{'pids':{'limit':-1},'devices':[{'allow':true}]}",
    NULL, 0, false, NULL },
};

struct int_case
{
  const char *s;
  bool ok;
  int64_t v;
};

/* Go's strconv.ParseInt (s, 0, 64). */
static const struct int_case ints[] = {
  { "0", true, 0 }, { "-1", true, -1 }, { "+7", true, 7 }, { "4096", true, 4096 }, { "010", true, 8 },
  { "0x10", true, 16 }, { "0X1f", true, 31 }, { "0b101", true, 5 }, { "0o17", true, 15 }, { "-0x1", true, -1 },
  { "1_000", true, 1000 }, { "0x_1_0", true, 16 }, { "0_7", true, 7 },
  { "9223372036854775807", true, INT64_MAX }, { "-9223372036854775808", true, INT64_MIN },
  { "9223372036854775808", false, 0 }, { "-9223372036854775809", false, 0 }, { "", false, 0 }, { "-", false, 0 },
  { "0x", false, 0 }, { "08", false, 0 }, { "1e3", false, 0 }, { "_1", false, 0 }, { "1_", false, 0 },
  { "1__0", false, 0 }, { " 1", false, 0 }, { "1 ", false, 0 }, { "0b2", false, 0 }, { "max", false, 0 },
  { "--1", false, 0 },
};

/* update's command lines: which values runc (and so hardrun) rejects. */
struct argv_case
{
  const char *argv[10];
  bool usage_error;
  const char *message;          /* substring, with USAGE_ERROR */
};

static const struct argv_case argvs[] = {
  { { "runc", "update", "--memory", "1g", "c1" }, false, NULL },
  { { "runc", "update", "--memory", "1.5GiB", "c1" }, false, NULL },
  { { "runc", "update", "--memory", "-1", "--memory-swap", "512 m", "c1" }, false, NULL },
  { { "runc", "update", "--memory", "1},\"pids\":{\"limit\":-1", "c1" }, true,
    "invalid value \"1},\"pids\":{\"limit\":-1\" for flag --memory" },
  { { "runc", "update", "--memory=-2", "c1" }, true, "for flag --memory" },
  { { "runc", "update", "--cpu-share", "512", "--cpu-quota", "-1", "--cpu-period", "100000", "c1" }, false, NULL },
  { { "runc", "update", "--cpu-share", "1,\"x\":1", "c1" }, true, "for flag --cpu-share" },
  { { "runc", "update", "--cpu-share", "+5", "c1" }, true, "--cpu-share" },
  { { "runc", "update", "--cpu-rt-runtime", "1e3", "c1" }, true, "--cpu-rt-runtime" },
  { { "runc", "update", "--cpu-share", "", "c1" }, false, NULL },
  { { "runc", "update", "--blkio-weight", "0x1_0", "c1" }, false, NULL },
  { { "runc", "update", "--blkio-weight", "1}", "c1" }, true, "--blkio-weight" },
  { { "runc", "update", "--pids-limit", "max", "c1" }, true, "--pids-limit" },
  { { "runc", "update", "-r", "f.json", "--memory", "1},", "c1" }, false, NULL },
  { { "runc", "update", "-r", "f.json", "--blkio-weight", "x", "c1" }, true, "--blkio-weight" },
  { { "runc", "update", "-r", "", "--memory", "1},", "c1" }, true, "--memory" },
  { { "runc", "update", "c1", "--cpuset-cpus", "0-1,\"x\"" }, false, NULL },
};

static struct hr_json *
parse (const char *text)
{
  return hr_test_json ("resources", text);
}

static void
run_case (const struct update_case *c)
{
  struct hr_profile p;
  struct hr_error err = { 0 };
  if (hr_profile_builtin (c->profile ? c->profile : "restricted", &p, &err) < 0)
    {
      printf ("Bail out! %s\n", err.msg);
      exit (1);
    }
  if (c->modes)
    {
      char ctl[32], mode[32];
      if (sscanf (c->modes, "%31[^=]=%31s", ctl, mode) == 2)
        p.mode[hr_control_from_name (ctl)] = (enum hr_mode) hr_mode_from_name (mode);
    }
  cleanup_json struct hr_json *res = c->resources ? parse (c->resources) : NULL;
  struct hr_update_request req = { .resources = res, .created_pids_limit = c->created };
  if (c->pids_flag)
    {
      req.pids_flag = true;
      ok (hr_parse_go_int (c->pids_flag, &req.pids_limit), "%s: --pids-limit parses", c->name);
    }
  struct hr_policy_ctx ctx = { .profile = &p };
  struct hr_report rep;
  int r = hr_update_apply (&ctx, &req, &rep, &err);
  ok (r == 0, "%s: applies", c->name);
  ok (rep.refused == c->refused, "%s: %s", c->name, c->refused ? "refused" : "let through");
  ok (!rep.changed, "%s: nothing rewritten", c->name);
  char why[2048] = "";
  size_t off = 0;
  for (size_t i = 0; i < rep.n && off < sizeof why; i++)
    off += (size_t) snprintf (why + off, sizeof why - off, "%s: %s: %s; ", hr_control_name (rep.items[i].control),
                              rep.items[i].field, rep.items[i].message);
  if (c->text)
    {
      ok (strstr (why, c->text) != NULL, "%s: findings say \"%s\"", c->name, c->text);
      if (strstr (why, c->text) == NULL)
        diag ("  findings: %s", why);
    }
  else
    {
      ok (rep.n == 0, "%s: no findings", c->name);
      if (rep.n)
        diag ("  findings: %s", why);
    }
  hr_report_release (&rep);
  hr_profile_release (&p);
}

int
main (void)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    run_case (&cases[i]);

  for (size_t i = 0; i < HR_ARRAY_SIZE (ints); i++)
    {
      int64_t v = 0;
      bool got = hr_parse_go_int (ints[i].s, &v);
      ok (got == ints[i].ok && (!got || v == ints[i].v), "Go int \"%s\": %s %" PRId64, ints[i].s,
          ints[i].ok ? "parses as" : "is refused", ints[i].v);
    }

  for (size_t i = 0; i < HR_ARRAY_SIZE (argvs); i++)
    {
      int argc = 0;
      while (argvs[i].argv[argc])
        argc++;
      struct hr_cmdline cmd;
      struct hr_error e = { 0 };
      int r = hr_cmdline_parse (argc, (char **) argvs[i].argv, &cmd, &e);
      ok (r == 0 && cmd.usage_error == argvs[i].usage_error, "update argv %zu (%s %s): %s", i, argvs[i].argv[2],
          argvs[i].argv[3], argvs[i].usage_error ? "rejected" : "taken");
      if (argvs[i].message)
        check_contains (cmd.usage_message, argvs[i].message);
      if (r == 0)
        hr_cmdline_free (&cmd);
    }

  /* -r must be an object, as Go's decoder into a struct demands */
  struct hr_profile p;
  struct hr_error err = { 0 };
  hr_profile_builtin ("restricted", &p, &err);
  cleanup_json struct hr_json *arr = parse ("[1]");
  struct hr_update_request req = { .resources = arr };
  struct hr_policy_ctx ctx = { .profile = &p };
  struct hr_report rep;
  ok (hr_update_apply (&ctx, &req, &rep, &err) == -EINVAL, "a resources array is an error");
  check_contains (err.msg, "expected a JSON object");
  hr_report_release (&rep);
  hr_profile_release (&p);
  hr_fake_reset ();
  return done_testing ();
}
