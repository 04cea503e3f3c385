#include "config.h"
#include "harden.h"
#include "cleanup.h"
#include "spec.h"
#include "writeback.h"
#include "record.h"
#include "policy/exec.h"

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
      r = hr_error_set (err, EPERM, "hardrun refused container \"%s\" (profile \"%s\"): %s",
                        cmd->id ? cmd->id : "", s->profile.name, why);
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
  /* The exec ceiling. Failing to keep it is not fatal for create: an exec
   * into a container without a record is held to the profile instead. */
  if (r == 0 && cmd->id)
    {
      struct hr_error rec_err = { 0 };
      hr_record_write (s->state_dir, cmd->root, cmd->id, f.doc, s->profile.name, f.dir, &rec_err);
    }
out:
  hr_doc_file_release (&f);
  return r;
}

static void
fill_ctx (const struct hr_cmdline *cmd, const struct hr_settings *s, struct hr_policy_ctx *ctx, char *seccomp_dir,
          char *apparmor_dir, size_t size)
{
  snprintf (seccomp_dir, size, "%s/seccomp", s->datadir);
  snprintf (apparmor_dir, size, "%s/apparmor", s->datadir);
  *ctx = (struct hr_policy_ctx) {
    .profile = &s->profile,
    .container_id = cmd->id,
    .seccomp_dir = seccomp_dir,
    .apparmor_dir = apparmor_dir,
    .state_dir = s->state_dir,
  };
}

int
hr_harden_exec (const struct hr_cmdline *cmd, const struct hr_settings *s, struct hr_report *ret_report,
                struct hr_exec_argv *ret_argv, struct hr_error *err)
{
  char seccomp_dir[PATH_MAX], apparmor_dir[PATH_MAX];
  struct hr_policy_ctx ctx;
  fill_ctx (cmd, s, &ctx, seccomp_dir, apparmor_dir, sizeof seccomp_dir);
  memset (ret_argv, 0, sizeof *ret_argv);
  if (!hr_record_id_valid (cmd->id))
    return hr_error_set (err, EINVAL, "exec: container ID \"%s\" is not valid", cmd->id ? cmd->id : "");

  cleanup_json struct hr_json *record = NULL;
  int r = hr_record_load (s->state_dir, cmd->root, cmd->id, &record, err);
  if (r < 0)
    return r;
  struct hr_ceiling c;
  r = record ? hr_ceiling_from_record (record, &c, err) : hr_ceiling_from_profile (&s->profile, &c, err);
  if (r < 0)
    return r;

  if (cmd->process_file)
    {
      struct hr_doc_file f;
      r = hr_process_file_load (cmd->process_file, &f, err);
      if (r == 0)
        {
          r = hr_exec_apply_process (&ctx, &c, f.doc, ret_report, err);
          if (r == 0 && !ret_report->refused && ret_report->changed)
            {
              cleanup_free char *out = NULL;
              size_t len = 0;
              r = hr_json_serialize (f.doc, false, &out, &len, err);
              if (r == 0)
                r = hr_writeback (f.dirfd, f.name, &f.st, out, len, f.display, err);
            }
          hr_doc_file_release (&f);
        }
    }
  else
    {
      r = hr_exec_apply_flags (&ctx, &c, cmd, ret_argv, ret_report, err);
    }
  hr_ceiling_release (&c);
  if (r == 0 && ret_report->refused)
    {
      char why[1536];
      hr_report_refusals (ret_report, why, sizeof why);
      hr_exec_argv_release (ret_argv);
      r = hr_error_set (err, EPERM, "hardrun refused exec in container \"%s\" (profile \"%s\"): %s",
                        cmd->id, s->profile.name, why);
    }
  return r;
}
