/* The apparmor and selinux controls, on hosts with and without the LSM. */
#include "config.h"
#include "policy/policy.h"
#include "policy/mcs.h"
#include "cleanup.h"
#include "host-fake.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char state_dir[] = "/tmp/hardrun-test-lsm.XXXXXX";

/* One control applied to one spec. */
struct run
{
  struct hr_json *spec;
  struct hr_report report;
  struct hr_error err;
  int rc;
  char *before;                 /* the spec as given, serialized */
};

static void
run_release (struct run *r)
{
  hr_json_free (r->spec);
  hr_report_release (&r->report);
  free (r->before);
}

static const struct hr_profile *
restricted (void)
{
  static struct hr_profile p;
  static bool loaded;
  if (!loaded)
    {
      if (hr_profile_builtin ("restricted", &p, NULL) < 0)
        abort ();
      loaded = true;
    }
  return &p;
}

static void
run (struct run *r, hr_control_fn fn, enum hr_control_id id, enum hr_mode mode, const struct hr_profile *profile,
     const char *container_id, const char *json)
{
  struct hr_policy_ctx ctx = {
    .profile = profile ? profile : restricted (),
    .container_id = container_id,
    .apparmor_dir = "/etc/hardrun/apparmor",
    .state_dir = state_dir,
  };
  struct hr_apply a = { .ctx = &ctx, .control = id, .mode = mode, .report = &r->report };
  size_t len;

  memset (r, 0, sizeof *r);
  if (hr_json_parse (json, strlen (json), "config.json", &r->spec, &r->err) < 0)
    {
      diag ("bad test spec: %s", r->err.msg);
      abort ();
    }
  if (hr_json_serialize (r->spec, false, &r->before, &len, NULL) < 0)
    abort ();
  r->rc = fn (&a, r->spec, &r->err);
}

static bool
unchanged (const struct run *r)
{
  cleanup_free char *now = NULL;
  size_t len;
  if (hr_json_serialize (r->spec, false, &now, &len, NULL) < 0)
    abort ();
  return strcmp (now, r->before) == 0;
}

static const char *
field (const struct run *r, const char *path)
{
  return hr_json_string (hr_json_get_path (r->spec, path));
}

static size_t
count (const struct run *r, enum hr_action act)
{
  size_t n = 0;
  for (size_t i = 0; i < r->report.n; i++)
    n += r->report.items[i].action == act;
  return n;
}

/* The message of the first finding, or "". */
static const char *
message (const struct run *r)
{
  return r->report.n ? r->report.items[0].message : "";
}

static const char *
finding_field (const struct run *r)
{
  return r->report.n ? r->report.items[0].field : "";
}

#define AA(r, mode, json) run ((r), hr_ctl_apparmor, HR_CTL_APPARMOR, (mode), NULL, "ctr", (json))
#define SE(r, mode, id, json) run ((r), hr_ctl_selinux, HR_CTL_SELINUX, (mode), NULL, (id), (json))

#define NO_PROFILE "{\"process\":{\"args\":[\"sh\"]}}"
#define WITH_PROFILE(p) "{\"process\":{\"args\":[\"sh\"],\"apparmorProfile\":\"" p "\"}}"

/* ---- apparmor ---- */

static void
test_apparmor_enabled (void)
{
  struct run r;

  hr_fake_reset ();
  hr_fake_apparmor_enabled = true;
  hr_fake_apparmor_add_loaded ("hardrun-default");

  AA (&r, HR_MODE_ENFORCE, NO_PROFILE);
  check_int (r.rc, ==, 0);
  check_str (field (&r, "process.apparmorProfile"), "hardrun-default");
  check_int (count (&r, HR_ACT_CHANGED), ==, 1);
  check_str (finding_field (&r), "process.apparmorProfile");
  check_contains (message (&r), "no AppArmor profile");
  check_int (hr_fake_apparmor_load_calls, ==, 0);
  run_release (&r);

  AA (&r, HR_MODE_ENFORCE, WITH_PROFILE ("unconfined"));
  check_str (field (&r, "process.apparmorProfile"), "hardrun-default");
  check_int (count (&r, HR_ACT_CHANGED), ==, 1);
  check_contains (message (&r), "unconfined");
  run_release (&r);

  AA (&r, HR_MODE_ENFORCE, WITH_PROFILE (""));
  check_str (field (&r, "process.apparmorProfile"), "hardrun-default");
  run_release (&r);

  AA (&r, HR_MODE_ENFORCE, "{\"process\":{\"args\":[\"sh\"],\"apparmorProfile\":null}}");
  check_str (field (&r, "process.apparmorProfile"), "hardrun-default");
  run_release (&r);

  /* Another profile is a confinement the engine chose. */
  AA (&r, HR_MODE_ENFORCE, WITH_PROFILE ("docker-default"));
  check_int (r.rc, ==, 0);
  check_str (field (&r, "process.apparmorProfile"), "docker-default");
  check_int (r.report.n, ==, 0);
  ok (unchanged (&r), "docker-default is kept as it is");
  check_int (hr_fake_apparmor_load_calls, ==, 0);
  run_release (&r);

  /* Audit and deny change nothing and load nothing. */
  AA (&r, HR_MODE_AUDIT, WITH_PROFILE ("unconfined"));
  check_int (r.rc, ==, 0);
  check_int (count (&r, HR_ACT_AUDIT), ==, 1);
  ok (unchanged (&r), "audit: \"unconfined\" is left as it is");
  run_release (&r);

  AA (&r, HR_MODE_DENY, NO_PROFILE);
  check_int (r.rc, ==, 0);
  check_int (count (&r, HR_ACT_REFUSED), ==, 1);
  ok (r.report.refused, "deny: a container without a profile is refused");
  ok (unchanged (&r), "deny: nothing is added");
  run_release (&r);

  /* Off: nothing at all. */
  AA (&r, HR_MODE_OFF, NO_PROFILE);
  check_int (r.report.n, ==, 0);
  run_release (&r);

  /* No process: nothing will run. */
  AA (&r, HR_MODE_ENFORCE, "{\"ociVersion\":\"1.0.2\"}");
  check_int (r.rc, ==, 0);
  ok (unchanged (&r), "a spec without a process is left alone");
  run_release (&r);
}

static void
test_apparmor_load (void)
{
  struct run r;

  /* Not loaded: loaded from the AppArmor directory, once. */
  hr_fake_reset ();
  hr_fake_apparmor_enabled = true;
  AA (&r, HR_MODE_ENFORCE, NO_PROFILE);
  check_int (r.rc, ==, 0);
  check_int (hr_fake_apparmor_load_calls, ==, 1);
  check_str (hr_fake_apparmor_last_file (), "/etc/hardrun/apparmor/hardrun-default");
  check_str (field (&r, "process.apparmorProfile"), "hardrun-default");
  ok (hr_host_apparmor_profile_loaded ("hardrun-default"), "the profile is loaded");
  run_release (&r);

  AA (&r, HR_MODE_ENFORCE, NO_PROFILE);
  check_int (hr_fake_apparmor_load_calls, ==, 1);
  run_release (&r);

  /* hardrun's own profile named in the spec but not loaded: loaded. */
  hr_fake_reset ();
  hr_fake_apparmor_enabled = true;
  AA (&r, HR_MODE_ENFORCE, WITH_PROFILE ("hardrun-default"));
  check_int (r.rc, ==, 0);
  check_int (r.report.n, ==, 0);
  check_int (hr_fake_apparmor_load_calls, ==, 1);
  run_release (&r);

  /* The profile's own file. */
  hr_fake_reset ();
  hr_fake_apparmor_enabled = true;
  struct hr_profile custom;
  if (hr_profile_copy (restricted (), &custom, NULL) < 0)
    abort ();
  free (custom.apparmor_profile);
  custom.apparmor_profile = strdup ("site-confined");
  custom.apparmor_file = strdup ("/srv/apparmor/site.profile");
  hr_fake_apparmor_load_defines = "site-confined";
  run (&r, hr_ctl_apparmor, HR_CTL_APPARMOR, HR_MODE_ENFORCE, &custom, "ctr", NO_PROFILE);
  check_int (r.rc, ==, 0);
  check_str (hr_fake_apparmor_last_file (), "/srv/apparmor/site.profile");
  check_str (field (&r, "process.apparmorProfile"), "site-confined");
  run_release (&r);

  /* A file that does not define the profile. */
  hr_fake_reset ();
  hr_fake_apparmor_enabled = true;
  hr_fake_apparmor_load_defines = "something-else";
  run (&r, hr_ctl_apparmor, HR_CTL_APPARMOR, HR_MODE_ENFORCE, &custom, "ctr", NO_PROFILE);
  check_int (r.rc, ==, -ENOENT);
  check_contains (r.err.msg, "does not define profile \"site-confined\"");
  run_release (&r);
  hr_profile_release (&custom);

  /* A failed load is an error, and the spec is left as it was. */
  hr_fake_reset ();
  hr_fake_apparmor_enabled = true;
  hr_fake_apparmor_load_error = EIO;
  AA (&r, HR_MODE_ENFORCE, NO_PROFILE);
  check_int (r.rc, ==, -EIO);
  check_contains (r.err.msg, "cannot load AppArmor profile file \"/etc/hardrun/apparmor/hardrun-default\"");
  ok (unchanged (&r), "a failed load adds no profile");
  run_release (&r);
}

static void
test_apparmor_disabled (void)
{
  struct run r;

  hr_fake_reset ();
  hr_fake_apparmor_enabled = false;

  AA (&r, HR_MODE_ENFORCE, NO_PROFILE);
  check_int (r.rc, ==, 0);
  ok (field (&r, "process.apparmorProfile") == NULL, "no profile is named on a host without AppArmor");
  ok (unchanged (&r), "enforce: the spec is left as it was");
  check_int (count (&r, HR_ACT_NOTE), ==, 1);
  check_str (finding_field (&r), "process.apparmorProfile");
  check_str (message (&r), "AppArmor is not enabled on this host; no profile applied");
  ok (!r.report.refused, "enforce: not refused");
  check_int (hr_fake_apparmor_load_calls, ==, 0);
  run_release (&r);

  AA (&r, HR_MODE_ENFORCE, WITH_PROFILE ("unconfined"));
  ok (unchanged (&r), "enforce: \"unconfined\" is left as it was");
  check_int (count (&r, HR_ACT_NOTE), ==, 1);
  run_release (&r);

  AA (&r, HR_MODE_AUDIT, NO_PROFILE);
  check_int (count (&r, HR_ACT_NOTE), ==, 1);
  ok (unchanged (&r), "audit: the spec is left as it was");
  run_release (&r);

  AA (&r, HR_MODE_DENY, NO_PROFILE);
  check_int (r.rc, ==, 0);
  check_int (count (&r, HR_ACT_REFUSED), ==, 1);
  ok (r.report.refused, "deny: refused on a host without AppArmor");
  check_contains (message (&r), "AppArmor is not enabled");
  ok (unchanged (&r), "deny: the spec is left as it was");
  run_release (&r);
}

/* ---- selinux ---- */

#define NO_LABEL "{\"process\":{\"args\":[\"sh\"]}}"
#define WITH_LABEL(l) "{\"process\":{\"args\":[\"sh\"],\"selinuxLabel\":\"" l "\"}}"
#define CRI(type, sandbox)                                                                                    \
  "{\"process\":{\"args\":[\"sh\"]},\"annotations\":{\"io.kubernetes.cri.container-type\":\"" type "\","      \
  "\"io.kubernetes.cri.sandbox-id\":\"" sandbox "\"}}"

/* Reads the pair of a label of TYPE; false if LABEL is not that shape. */
static bool
label_pair (const char *label, const char *prefix, unsigned *c1, unsigned *c2)
{
  size_t plen = strlen (prefix);
  int end = 0;
  if (label == NULL || strncmp (label, prefix, plen) != 0)
    return false;
  if (sscanf (label + plen, ":s0:c%u,c%u%n", c1, c2, &end) != 2 || label[plen + (size_t) end] != '\0')
    return false;
  return *c1 < *c2 && *c2 < HR_MCS_CATEGORIES;
}

static bool
labelled (const struct run *r, unsigned *c1, unsigned *c2)
{
  unsigned m1 = 0, m2 = 0;
  return label_pair (field (r, "process.selinuxLabel"), "system_u:system_r:container_t", c1, c2)
         && label_pair (field (r, "linux.mountLabel"), "system_u:object_r:container_file_t", &m1, &m2) && m1 == *c1
         && m2 == *c2;
}

static void
test_selinux_enabled (void)
{
  struct run r;
  unsigned a1 = 0, a2 = 0, b1 = 0, b2 = 0, c1 = 0, c2 = 0;

  hr_fake_reset ();
  hr_fake_selinux_enabled = true;

  SE (&r, HR_MODE_ENFORCE, "ctr-1", NO_LABEL);
  check_int (r.rc, ==, 0);
  diag ("label: %s, mount label: %s", field (&r, "process.selinuxLabel"), field (&r, "linux.mountLabel"));
  ok (labelled (&r, &a1, &a2), "labels are container_t and container_file_t with one pair");
  check_int (count (&r, HR_ACT_CHANGED), ==, 2);
  check_str (finding_field (&r), "process.selinuxLabel");
  check_contains (message (&r), "no SELinux label; set to \"system_u:system_r:container_t:s0:c");
  run_release (&r);

  /* The same container again: the same pair. */
  SE (&r, HR_MODE_ENFORCE, "ctr-1", NO_LABEL);
  ok (labelled (&r, &b1, &b2) && a1 == b1 && a2 == b2, "a container keeps its pair");
  run_release (&r);

  /* Another container without CRI annotations is its own pod. */
  SE (&r, HR_MODE_ENFORCE, "ctr-2", NO_LABEL);
  ok (labelled (&r, &b1, &b2) && !(a1 == b1 && a2 == b2), "another container gets another pair");
  run_release (&r);

  /* A pod: the sandbox and its containers share the pair. */
  SE (&r, HR_MODE_ENFORCE, "sb-1", CRI ("sandbox", "sb-1"));
  ok (labelled (&r, &a1, &a2), "a sandbox is labelled");
  run_release (&r);
  SE (&r, HR_MODE_ENFORCE, "app-1", CRI ("container", "sb-1"));
  ok (labelled (&r, &b1, &b2) && a1 == b1 && a2 == b2, "a pod's container shares its sandbox's pair");
  run_release (&r);
  SE (&r, HR_MODE_ENFORCE, "app-2", CRI ("container", "sb-1"));
  ok (labelled (&r, &b1, &b2) && a1 == b1 && a2 == b2, "a second container shares it too");
  run_release (&r);
  SE (&r, HR_MODE_ENFORCE, "sb-2", CRI ("sandbox", "sb-2"));
  ok (labelled (&r, &c1, &c2) && !(a1 == c1 && a2 == c2), "another pod gets another pair");
  run_release (&r);
  SE (&r, HR_MODE_ENFORCE, "app-3", CRI ("container", "sb-2"));
  ok (labelled (&r, &b1, &b2) && c1 == b1 && c2 == b2, "its container shares the other pod's pair");
  run_release (&r);

  /* CRI-O's annotations name the pod the same way. */
  SE (&r, HR_MODE_ENFORCE, "crio-app",
      "{\"process\":{\"args\":[\"sh\"]},\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"container\","
      "\"io.kubernetes.cri-o.SandboxID\":\"sb-1\"}}");
  ok (labelled (&r, &b1, &b2) && a1 == b1 && a2 == b2, "CRI-O annotations share the sandbox's pair");
  run_release (&r);

  /* Annotation keys match exactly, as in a Go map. */
  SE (&r, HR_MODE_ENFORCE, "app-4",
      "{\"process\":{\"args\":[\"sh\"]},\"annotations\":{\"IO.KUBERNETES.CRI.SANDBOX-ID\":\"sb-1\"}}");
  ok (labelled (&r, &b1, &b2) && !(a1 == b1 && a2 == b2), "annotation keys are case-sensitive");
  run_release (&r);

  /* Labels with a type that is not a container type. */
  static const char *const bad[] = {
    WITH_LABEL ("system_u:system_r:spc_t:s0"),
    WITH_LABEL ("unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023"),
    WITH_LABEL ("system_u:system_r:kernel_t:s0"),
    WITH_LABEL ("garbage"),
    WITH_LABEL (""),
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (bad); i++)
    {
      SE (&r, HR_MODE_ENFORCE, "ctr-bad", bad[i]);
      check_int (r.rc, ==, 0);
      ok (labelled (&r, &b1, &b2), "enforce: replaced: %s", bad[i]);
      run_release (&r);
      SE (&r, HR_MODE_DENY, "ctr-bad", bad[i]);
      ok (r.report.refused && unchanged (&r), "deny: refused: %s", bad[i]);
      run_release (&r);
      SE (&r, HR_MODE_AUDIT, "ctr-bad", bad[i]);
      ok (!r.report.refused && count (&r, HR_ACT_AUDIT) == 1 && unchanged (&r), "audit: reported: %s", bad[i]);
      run_release (&r);
    }
  SE (&r, HR_MODE_ENFORCE, "ctr-bad", WITH_LABEL ("system_u:system_r:spc_t:s0"));
  check_contains (message (&r), "SELinux type \"spc_t\" is not a container type");
  run_release (&r);
  SE (&r, HR_MODE_DENY, "ctr-bad", WITH_LABEL ("system_u:system_r:unconfined_t:s0"));
  check_str (message (&r), "SELinux type \"unconfined_t\" is not a container type");
  run_release (&r);

  /* Container types are kept with the engine's pair. */
  static const char *const good[] = {
    WITH_LABEL ("system_u:system_r:container_t:s0:c1,c2"),
    WITH_LABEL ("system_u:system_r:container_init_t:s0:c1,c2"),
    WITH_LABEL ("system_u:system_r:container_kvm_t:s0:c1,c2"),
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (good); i++)
    {
      SE (&r, HR_MODE_DENY, "ctr-good", good[i]);
      ok (r.rc == 0 && r.report.n == 0 && unchanged (&r), "kept: %s", good[i]);
      run_release (&r);
    }

  /* A mount label that does not match is replaced with the process label. */
  SE (&r, HR_MODE_ENFORCE, "ctr-1",
      "{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"mountLabel\":\"system_u:object_r:container_file_t:s0:c7,c9\"}}");
  ok (labelled (&r, &b1, &b2), "mount label matches the process label's pair");
  check_int (count (&r, HR_ACT_CHANGED), ==, 2);
  check_str (r.report.n == 2 ? r.report.items[1].field : "", "linux.mountLabel");
  check_contains (r.report.n == 2 ? r.report.items[1].message : "", "does not match");
  run_release (&r);

  /* The profile's types. */
  struct hr_profile custom;
  if (hr_profile_copy (restricted (), &custom, NULL) < 0)
    abort ();
  free (custom.selinux_type);
  free (custom.selinux_file_type);
  custom.selinux_type = strdup ("site_container_t");
  custom.selinux_file_type = strdup ("site_file_t");
  run (&r, hr_ctl_selinux, HR_CTL_SELINUX, HR_MODE_ENFORCE, &custom, "ctr-site", NO_LABEL);
  ok (label_pair (field (&r, "process.selinuxLabel"), "system_u:system_r:site_container_t", &a1, &a2)
        && label_pair (field (&r, "linux.mountLabel"), "system_u:object_r:site_file_t", &b1, &b2) && a1 == b1
        && a2 == b2,
      "the profile's types are used");
  run_release (&r);
  run (&r, hr_ctl_selinux, HR_CTL_SELINUX, HR_MODE_DENY, &custom, "ctr-site",
       WITH_LABEL ("system_u:system_r:site_container_t:s0:c3,c4"));
  ok (r.report.n == 0 && unchanged (&r), "the profile's own type is kept");
  run_release (&r);
  hr_profile_release (&custom);

  /* No container id and no pod: no key to reserve for. */
  SE (&r, HR_MODE_ENFORCE, NULL, NO_LABEL);
  check_int (r.rc, ==, -EINVAL);
  check_contains (r.err.msg, "no container id");
  run_release (&r);

  /* Audit and deny reserve nothing. */
  SE (&r, HR_MODE_AUDIT, "ctr-audit", NO_LABEL);
  check_int (count (&r, HR_ACT_AUDIT), ==, 1);
  check_str (message (&r), "no SELinux label");
  run_release (&r);
  struct hr_error err = { 0 };
  check_int (hr_mcs_release (state_dir, "ctr-audit", &err), ==, 0);
}

static void
test_selinux_disabled (void)
{
  struct run r;

  hr_fake_reset ();
  hr_fake_selinux_enabled = false;

  SE (&r, HR_MODE_ENFORCE, "ctr-1", NO_LABEL);
  check_int (r.rc, ==, 0);
  ok (unchanged (&r), "enforce: no label on a host without SELinux");
  check_int (count (&r, HR_ACT_NOTE), ==, 1);
  check_str (finding_field (&r), "process.selinuxLabel");
  check_str (message (&r), "SELinux is not enabled on this host; no label applied");
  run_release (&r);

  SE (&r, HR_MODE_ENFORCE, "ctr-1", WITH_LABEL ("system_u:system_r:spc_t:s0"));
  ok (unchanged (&r) && !r.report.refused, "enforce: an existing label is left as it was");
  run_release (&r);

  SE (&r, HR_MODE_AUDIT, "ctr-1", NO_LABEL);
  ok (unchanged (&r) && count (&r, HR_ACT_NOTE) == 1, "audit: noted");
  run_release (&r);

  SE (&r, HR_MODE_DENY, "ctr-1", NO_LABEL);
  ok (r.report.refused && unchanged (&r), "deny: refused on a host without SELinux");
  check_contains (message (&r), "SELinux is not enabled");
  run_release (&r);
}

static void
remove_state (void)
{
  static const char *const names[] = { HR_MCS_REGISTRY, HR_MCS_REGISTRY ".lock" };
  for (size_t i = 0; i < HR_ARRAY_SIZE (names); i++)
    {
      char path[300];
      snprintf (path, sizeof path, "%s/%s", state_dir, names[i]);
      unlink (path);
    }
  rmdir (state_dir);
}

/* explain judges only: the finding is the same, and nothing is loaded into
 * the kernel (a CI machine has no business doing that, nor the right). */
static void
test_apparmor_judge_only (void)
{
  hr_fake_reset ();
  hr_fake_apparmor_enabled = true;
  hr_fake_apparmor_load_error = EPERM;
  struct hr_policy_ctx ctx = {
    .profile = restricted (),
    .container_id = "explain",
    .apparmor_dir = "/etc/hardrun/apparmor",
    .state_dir = state_dir,
    .judge_only = true,
  };
  struct hr_report rep = { 0 };
  struct hr_apply a = { .ctx = &ctx, .control = HR_CTL_APPARMOR, .mode = HR_MODE_ENFORCE, .report = &rep };
  struct hr_error err = { 0 };
  struct hr_json *spec = NULL;
  if (hr_json_parse (NO_PROFILE, strlen (NO_PROFILE), "config.json", &spec, &err) < 0)
    abort ();
  check_int (hr_ctl_apparmor (&a, spec, &err), ==, 0);
  check_int (hr_fake_apparmor_load_calls, ==, 0);
  check_int (rep.n, ==, 1);
  check_str (rep.n ? rep.items[0].message : NULL, "no AppArmor profile; set to \"hardrun-default\"");
  check_str (hr_json_string (hr_json_get_path (spec, "process.apparmorProfile")), "hardrun-default");
  hr_report_release (&rep);
  hr_json_free (spec);
}

int
main (void)
{
  if (mkdtemp (state_dir) == NULL)
    {
      perror ("mkdtemp");
      return 1;
    }
  test_apparmor_enabled ();
  test_apparmor_load ();
  test_apparmor_disabled ();
  test_apparmor_judge_only ();
  test_selinux_enabled ();
  test_selinux_disabled ();

  hr_profile_release ((struct hr_profile *) restricted ());
  hr_fake_reset ();
  remove_state ();
  return done_testing ();
}
