#include "config.h"
#include "harden.h"
#include "cleanup.h"
#include "spec.h"
#include "writeback.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
hr_settings_release (struct hr_settings *s)
{
  if (s == NULL)
    return;
  hr_profile_release (&s->profile);
  free (s->profile_rule);
  free (s->datadir);
  free (s->state_dir);
  free (s->runtime);
  memset (s, 0, sizeof *s);
}

static bool
is_dir (const char *p)
{
  struct stat st;
  return stat (p, &st) == 0 && S_ISDIR (st.st_mode);
}

char *
hr_find_datadir (void)
{
  if (is_dir (HARDRUN_DATADIR "/seccomp"))
    return strdup (HARDRUN_DATADIR);
  /* A build tree: <builddir>/shim/hardrun next to <builddir>/profiles. */
  char exe[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0)
    {
      exe[n] = '\0';
      char *slash = strrchr (exe, '/');
      if (slash)
        {
          *slash = '\0';
          char cand[PATH_MAX + 32];
          snprintf (cand, sizeof cand, "%s/../profiles", exe);
          char *real = realpath (cand, NULL);
          if (real && is_dir (real))
            return real;
          free (real);
        }
    }
  return strdup (HARDRUN_DATADIR);
}

/* "hardrun-baseline" -> "baseline"; NULL when the name has no suffix. */
static const char *
profile_from_argv0 (const char *argv0)
{
  const char *base = strrchr (argv0, '/');
  base = base ? base + 1 : argv0;
  static const char prefix[] = "hardrun-";
  if (strncmp (base, prefix, sizeof prefix - 1) == 0 && base[sizeof prefix - 1])
    return base + sizeof prefix - 1;
  return NULL;
}

int
hr_settings_load (const struct hr_cmdline *cmd, struct hr_settings *ret, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  const char *name = "restricted";
  const char *rule = "default";
  const char *from_name = profile_from_argv0 (cmd->argv0);
  if (cmd->profile)
    {
      name = cmd->profile;
      rule = "--hardrun-profile";
    }
  else if (from_name)
    {
      name = from_name;
      rule = "invocation name";
    }
  int r = hr_profile_builtin (name, &ret->profile, err);
  if (r < 0)
    return hr_error_prefix (err, "profile selected by %s", rule);
  ret->profile_rule = strdup (rule);
  ret->datadir = hr_find_datadir ();
  ret->state_dir = strdup (HARDRUN_STATE_DIR);
  if (ret->profile_rule == NULL || ret->datadir == NULL || ret->state_dir == NULL)
    {
      hr_settings_release (ret);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

int
hr_harden_bundle (const struct hr_cmdline *cmd, const struct hr_settings *s, struct hr_report *ret_report,
                  struct hr_error *err)
{
  struct hr_doc_file f;
  int r = hr_bundle_load (cmd->bundle, &f, err);
  if (r < 0)
    return r;

  char seccomp_dir[PATH_MAX], apparmor_dir[PATH_MAX];
  snprintf (seccomp_dir, sizeof seccomp_dir, "%s/seccomp", s->datadir);
  snprintf (apparmor_dir, sizeof apparmor_dir, "%s/apparmor", s->datadir);
  struct hr_policy_ctx ctx = {
    .profile = &s->profile,
    .container_id = cmd->id,
    .bundle_dir = f.dir,
    .seccomp_dir = seccomp_dir,
    .apparmor_dir = apparmor_dir,
    .state_dir = s->state_dir,
  };
  r = hr_policy_apply (&ctx, f.doc, ret_report, err);
  if (r < 0)
    goto out;
  if (ret_report->refused)
    {
      char why[1536];
      hr_report_refusals (ret_report, why, sizeof why);
      r = hr_error_set (err, EPERM, "profile \"%s\" refused container \"%s\": %s", s->profile.name,
                        cmd->id ? cmd->id : "", why);
      goto out;
    }
  if (ret_report->changed)
    {
      cleanup_free char *out = NULL;
      size_t len = 0;
      r = hr_json_serialize (f.doc, false, &out, &len, err);
      if (r == 0)
        r = hr_writeback (f.dirfd, f.name, &f.st, out, len, f.display, err);
    }
out:
  hr_doc_file_release (&f);
  return r;
}
