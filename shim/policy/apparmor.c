/* apparmor: the container runs confined by an AppArmor profile.
 *
 * A missing, empty or "unconfined" process.apparmorProfile becomes the
 * profile's AppArmor profile, loaded first if the kernel lacks it. A
 * different profile already named is kept: it is a confinement the engine
 * chose. On a host without AppArmor nothing is named, since runc fails a
 * container whose profile the host cannot apply; the mode decides whether
 * that is acceptable (audit, enforce: a note) or not (deny: refused). */
#include "config.h"
#include "policy/policy.h"
#include "cleanup.h"
#include "host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define FIELD "process.apparmorProfile"

/* Loads profile NAME unless the kernel has it already. */
static int
ensure_loaded (const struct hr_policy_ctx *ctx, const char *name, struct hr_error *err)
{
  char path[PATH_MAX];
  const char *file = ctx->profile->apparmor_file;

  if (hr_host_apparmor_profile_loaded (name))
    return 0;
  if (file == NULL || file[0] == '\0')
    {
      const char *dir = ctx->apparmor_dir ? ctx->apparmor_dir : HARDRUN_DATADIR "/apparmor";
      if (strchr (name, '/') != NULL)
        return hr_error_set (err, EINVAL, "AppArmor profile \"%s\" is not loaded and no file is configured for it",
                             name);
      if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return hr_error_set (err, ENAMETOOLONG, "AppArmor profile directory \"%s\": path too long", dir);
      file = path;
    }
  /* explain says what would happen; loading is create's to do */
  if (ctx->judge_only)
    return 0;
  int r = hr_host_apparmor_load (file, err);
  if (r < 0)
    return r;
  if (!hr_host_apparmor_profile_loaded (name))
    return hr_error_set (err, ENOENT, "AppArmor profile file \"%s\" does not define profile \"%s\"", file, name);
  return 0;
}

int
hr_ctl_apparmor (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  const char *want = a->ctx->profile->apparmor_profile;
  struct hr_json *process = hr_json_get (spec, "process");
  int r;

  if (process == NULL)
    return 0;                   /* nothing will run */
  if (want == NULL || want[0] == '\0')
    want = HARDRUN_APPARMOR_PROFILE;

  if (!hr_host_apparmor_enabled ())
    {
      if (a->mode == HR_MODE_DENY)
        hr_refusal (a, FIELD, "AppArmor is not enabled on this host");
      else
        hr_note (a, FIELD, "AppArmor is not enabled on this host; no profile applied");
      return 0;
    }

  struct hr_json *cur = hr_json_get (process, "apparmorProfile");
  const char *have = hr_json_string (cur);
  if (have != NULL && have[0] != '\0' && strcmp (have, "unconfined") != 0)
    {
      /* Kept as it is. When it is hardrun's own profile, hardrun is the one
       * to load it. */
      if (a->mode == HR_MODE_ENFORCE && strcmp (have, want) == 0 && (r = ensure_loaded (a->ctx, want, err)) < 0)
        return r;
      return 0;
    }

  bool fix;
  if (have == NULL || have[0] == '\0')
    fix = hr_violation (a, FIELD, "no AppArmor profile; set to \"%s\"", want);
  else
    fix = hr_violation (a, FIELD, "runs unconfined; set to \"%s\"", want);
  if (!fix)
    return 0;
  if ((r = ensure_loaded (a->ctx, want, err)) < 0)
    return r;
  return hr_json_set (process, "apparmorProfile", hr_json_new_string (want), err);
}
