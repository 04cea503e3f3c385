/* fuzz-process: exec's --process file.
 *
 * Input: a process object as JSON. hr_process_validate must accept or
 * refuse it cleanly. An accepted process is held with hr_exec_apply_process
 * to two ceilings of the restricted profile: the profile's own (a container
 * hardrun did not create) and a container record's (one it did). When not
 * refused, the process is serialized and parsed again, and then:
 *
 *  - it still validates;
 *  - user.uid, user.gid and every additionalGids entry are not 0;
 *  - "capabilities" is there, and every set holds only capabilities of the
 *    ceiling (CAP_NET_BIND_SERVICE), spelt as runc spells them;
 *  - noNewPrivileges is true;
 *  - apparmorProfile and selinuxLabel are the container's (the record's;
 *    none for the profile's ceiling);
 *  - holding it again changes nothing. */
#include "config.h"
#include "fuzz.h"
#include "json.h"
#include "spec.h"
#include "policy/exec.h"
#include "policy/policy.h"
#include "policy/process.h"
#include "policy/profile.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CAP_NET_BIND_SERVICE 10

static struct hr_profile restricted;
static char record_apparmor[] = "hardrun-default";
static char record_selinux[] = "system_u:system_r:container_t:s0:c1,c2";

static bool
label_is (const struct hr_json *process, const char *key, const char *want)
{
  const char *have = hr_json_string (hr_json_get (process, key));
  if (want == NULL)
    return have == NULL || have[0] == '\0';
  return have && strcmp (have, want) == 0;
}

static void
check_process (const struct hr_json *p, const struct hr_ceiling *c, const char *which)
{
  const struct hr_json *user = hr_json_get (p, "user");
  FUZZ_INVARIANT ("user-not-root", fuzz_u32_member (user, "uid") != 0, "%s: process runs as uid 0", which);
  FUZZ_INVARIANT ("group-not-root", fuzz_u32_member (user, "gid") != 0, "%s: process runs as gid 0", which);
  const struct hr_json *groups = hr_json_get (user, "additionalGids");
  for (size_t i = 0; i < hr_json_len (groups); i++)
    {
      int64_t g = -1;
      hr_json_int_value (hr_json_at (groups, i), 0, UINT32_MAX, &g);
      FUZZ_INVARIANT ("no-root-supplementary-group", g != 0, "%s: additionalGids[%zu] is 0", which, i);
    }

  const struct hr_json *caps = hr_json_get (p, "capabilities");
  FUZZ_INVARIANT ("caps-present", hr_json_is_object (caps), "%s: no capabilities object (root's would be kept)", which);
  for (int s = 0; s < HR_CAPSET_COUNT; s++)
    {
      const struct hr_json *list = hr_json_get (caps, hr_capset_names[s]);
      for (size_t i = 0; i < hr_json_len (list); i++)
        {
          const char *name = hr_json_string (hr_json_at (list, i));
          int cap = name ? hr_cap_from_name (name) : -1;
          FUZZ_INVARIANT ("caps-within-ceiling",
                          cap >= 0 && strcmp (name, hr_cap_name (cap)) == 0 && (c->bounding & (UINT64_C (1) << cap)),
                          "%s: capabilities.%s[%zu] is \"%s\"", which, hr_capset_names[s], i, name ? name : "(not a string)");
        }
    }

  const struct hr_json *nnp = hr_json_get (p, "noNewPrivileges");
  FUZZ_INVARIANT ("no-new-privileges", nnp && nnp->type == HR_JSON_TRUE, "%s: noNewPrivileges is not true", which);
  FUZZ_INVARIANT ("apparmor-held", label_is (p, "apparmorProfile", c->apparmor), "%s: apparmorProfile is not \"%s\"",
                  which, c->apparmor ? c->apparmor : "");
  FUZZ_INVARIANT ("selinux-held", label_is (p, "selinuxLabel", c->selinux), "%s: selinuxLabel is not \"%s\"", which,
                  c->selinux ? c->selinux : "");
}

static void
hold (const struct hr_json *input, const struct hr_ceiling *c, const char *which)
{
  struct hr_policy_ctx ctx = { .profile = &restricted, .container_id = "fuzz" };
  struct hr_report rep = { 0 };
  struct hr_error err = { 0 };
  struct hr_json *p = hr_json_copy (input);
  struct hr_json *again = NULL;
  char *out = NULL;
  size_t len = 0;
  if (p == NULL)
    abort ();

  int r = hr_exec_apply_process (&ctx, c, p, &rep, &err);
  if (r < 0 || rep.refused)
    goto done;
  r = hr_json_serialize (p, false, &out, &len, &err);
  FUZZ_INVARIANT ("output-serializes", r == 0, "%s: %s", which, err.msg);
  if (r < 0)
    goto done;
  r = hr_json_parse (out, len, "process", &again, &err);
  FUZZ_INVARIANT ("output-parses", r == 0, "%s: %s", which, err.msg);
  if (r < 0)
    goto done;
  r = hr_process_validate (again, "process", &err);
  FUZZ_INVARIANT ("output-valid", r == 0, "%s: %s", which, err.msg);
  check_process (again, c, which);

  hr_report_release (&rep);
  r = hr_exec_apply_process (&ctx, c, again, &rep, &err);
  FUZZ_INVARIANT ("idempotent-applies", r == 0 && !rep.refused, "%s: second pass %s: %s", which,
                  r < 0 ? "failed" : "refused", err.msg);
  for (size_t i = 0; r == 0 && i < rep.n; i++)
    FUZZ_INVARIANT ("idempotent", rep.items[i].action != HR_ACT_CHANGED, "%s: second pass changed \"%s\": %s", which,
                    rep.items[i].field, rep.items[i].message);
done:
  hr_json_free (again);
  free (out);
  hr_report_release (&rep);
  hr_json_free (p);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static bool ready;
  if (!ready)
    {
      if (hr_profile_builtin ("restricted", &restricted, NULL) < 0)
        abort ();
      ready = true;
    }

  struct hr_json *doc = NULL;
  struct hr_error err = { 0 };
  if (hr_json_parse ((const char *) data, size, "process", &doc, &err) < 0)
    return 0;
  int r = hr_process_validate (doc, "process", &err);
  FUZZ_INVARIANT ("refusal-explained", r == 0 || (r == -err.code && err.msg[0]), "refused with %d: \"%s\"", r, err.msg);
  if (r == 0)
    {
      struct hr_ceiling from_profile;
      if (hr_ceiling_from_profile (&restricted, &from_profile, NULL) < 0)
        abort ();
      hold (doc, &from_profile, "profile ceiling");
      hr_ceiling_release (&from_profile);

      const struct hr_ceiling from_record = {
        .from_record = true,
        .uid = 65534,
        .gid = 65534,
        .bounding = UINT64_C (1) << CAP_NET_BIND_SERVICE,
        .apparmor = record_apparmor,
        .selinux = record_selinux,
      };
      hold (doc, &from_record, "record ceiling");
    }
  hr_json_free (doc);
  return 0;
}
