#include "config.h"
#include "harden.h"
#include "cleanup.h"
#include "spec.h"
#include "writeback.h"
#include "record.h"
#include "policy/exec.h"
#include "audit.h"
#include "hooksink.h"
#include "invocation.h"
#include "log.h"
#include "runtime.h"
#include "procfd.h"
#include "attest.h"
#include "monitor_client.h"
#include "monitor_standin.h"

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
  hr_policy_release (&s->policy);
  hr_profile_release (&s->profile);
  free (s->datadir);
  free (s->state_dir);
  free (s->hook_path);
  memset (s, 0, sizeof *s);
}

static bool
is_dir (const char *p)
{
  struct stat st;
  return stat (p, &st) == 0 && S_ISDIR (st.st_mode);
}

/* <dir of hardrun's executable>/REL, resolved, if it exists. */
static char *
beside_exe (const char *rel)
{
  char exe[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return NULL;
  exe[n] = '\0';
  char *slash = strrchr (exe, '/');
  if (slash == NULL)
    return NULL;
  *slash = '\0';
  char cand[PATH_MAX + 64];
  snprintf (cand, sizeof cand, "%s/%s", exe, rel);
  return realpath (cand, NULL);
}

char *
hr_find_datadir (void)
{
  if (is_dir (HARDRUN_DATADIR "/seccomp"))
    return strdup (HARDRUN_DATADIR);
  /* A build tree: <builddir>/shim/hardrun next to <builddir>/profiles. */
  char *p = beside_exe ("../profiles");
  if (p && is_dir (p))
    return p;
  free (p);
  return strdup (HARDRUN_DATADIR);
}

char *
hr_find_hook (void)
{
  if (access (HARDRUN_LIBEXECDIR "/hardrun-hook", X_OK) == 0)
    return strdup (HARDRUN_LIBEXECDIR "/hardrun-hook");
  char *p = beside_exe ("../hooks/hardrun-hook");
  if (p && access (p, X_OK) == 0)
    return p;
  free (p);
  return NULL;
}

int
hr_settings_load (const struct hr_cmdline *cmd, struct hr_settings *ret, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  int r = hr_policy_load (cmd->policy_file, cmd->policy_file != NULL, &ret->policy, err);
  if (r < 0)
    return r;
  ret->datadir = hr_find_datadir ();
  ret->state_dir = strdup (HARDRUN_STATE_DIR);
  ret->hook_path = hr_find_hook ();
  if (ret->datadir == NULL || ret->state_dir == NULL)
    {
      hr_settings_release (ret);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

/* What hardrun-hook is told through its sink (hooksink.h): the audit
 * sink, and the monitor to tell of a failed attestation. */
static struct hr_hook_sink
hook_sink (const struct hr_policy *p)
{
  bool monitor = !p->monitor_off && !p->attest_off;
  return (struct hr_hook_sink) {
    .file = p->audit_file,
    .syslog = p->audit_syslog,
    .monitor = monitor ? (char *) hr_monitor_socket (p) : NULL,
  };
}

int
hr_settings_select (struct hr_settings *s, const struct hr_cmdline *cmd, const struct hr_json *annotations,
                    const char *recorded_profile, struct hr_error *err)
{
  const struct hr_profile *p = NULL;
  int r;
  char why[256] = "";
  s->note[0] = '\0';
  s->cri = annotations && hr_invocation_cri (&s->policy, cmd->root, cmd->id, annotations, s->state_dir, why, sizeof why);
  /* explain has no caller: it judges a spec as containerd's CRI would hand
   * it over, so that the rules show what they would choose */
  if (cmd->command == HR_CMD_HARDRUN_EXPLAIN)
    s->cri = annotations != NULL;
  struct hr_hook_sink sink = hook_sink (&s->policy);
  hr_hook_sink_key (&sink, s->hook_key);
  if (recorded_profile && !cmd->profile && hr_policy_profile (&s->policy, recorded_profile))
    {
      /* an exec follows the profile its container was made with, unless
       * the command line names one */
      r = hr_policy_select (&s->policy, NULL, cmd->argv0, NULL, &p, s->rule, sizeof s->rule, err);
      if (r == 0 && strncmp (s->rule, "invocation", 10) != 0)
        {
          p = hr_policy_profile (&s->policy, recorded_profile);
          snprintf (s->rule, sizeof s->rule, "container record");
        }
    }
  else
    r = hr_policy_select_trusted (&s->policy, cmd->profile, cmd->argv0, annotations, s->cri, &p, s->rule,
                                  sizeof s->rule, s->note, sizeof s->note, err);
  if (r == 0 && s->note[0] && !s->cri && why[0])
    {
      size_t n = strlen (s->note);
      snprintf (s->note + n, sizeof s->note - n, " (not containerd's CRI: %s)", why);
    }
  if (r < 0)
    return r;
  hr_profile_release (&s->profile);
  r = hr_profile_copy (p, &s->profile, err);
  return r;
}

/* "user,rootfs,caps": the controls that changed the spec, for the hook's
 * hint when the container fails soon after start. */
static void
changed_controls (const struct hr_report *rep, char *buf, size_t size)
{
  bool seen[HR_CTL_COUNT] = { false };
  size_t off = 0;
  buf[0] = '\0';
  for (size_t i = 0; rep && i < rep->n; i++)
    {
      const struct hr_finding *f = &rep->items[i];
      if (f->action != HR_ACT_CHANGED || (unsigned) f->control >= HR_CTL_COUNT || seen[f->control])
        continue;
      seen[f->control] = true;
      /* a name that does not fit is left out whole */
      const char *name = hr_control_name (f->control);
      if (off + strlen (name) + 2 > size)
        continue;
      off += (size_t) snprintf (buf + off, size - off, "%s%s", off ? "," : "", name);
    }
}

/* The argv of hardrun-hook for event KIND (hookargs.h): no path, no free
 * text; EXPECT, the attestation token, on poststart only. */
static struct hr_json *
hook_args (const char *kind, const char *key, const char *expect)
{
  struct hr_json *args = hr_json_new_array ();
  int r = args ? 0 : -ENOMEM;
  if (r == 0)
    r = hr_json_append (args, hr_json_new_string ("hardrun-hook"), NULL);
  if (r == 0)
    r = hr_json_append (args, hr_json_new_string (kind), NULL);
  if (r == 0)
    r = hr_json_append (args, hr_json_new_string (key), NULL);
  if (r == 0 && expect && strcmp (kind, "poststart") == 0)
    {
      r = hr_json_append (args, hr_json_new_string ("--attest"), NULL);
      if (r == 0)
        r = hr_json_append (args, hr_json_new_string (expect), NULL);
    }
  if (r < 0)
    {
      hr_json_free (args);
      return NULL;
    }
  return args;
}

/* Adds hardrun-hook to poststart and poststop, once: an entry of hardrun's
 * own from an earlier harden of this bundle (policy/hooks.c removed every
 * other naming hardrun-hook) is replaced when its argv is not the one this
 * config calls for (the attestation follows the config). */
static int
inject_hook (const struct hr_settings *s, const struct hr_report *rep, struct hr_json *spec, struct hr_error *err)
{
  if (s->hook_path == NULL || s->profile.mode[HR_CTL_HOOKS] != HR_MODE_ENFORCE
      || (s->policy.audit_file == NULL && !s->policy.audit_syslog && s->policy.attest_off))
    return 0;
  /* attestation (attest.h): the expectation rides in poststart's args as
   * a token of numbers and flags */
  char expect[HR_ATTEST_MAX];
  bool attest = !s->policy.attest_off && hr_attest_expect (spec, expect, sizeof expect);
  static const char *const kinds[] = { "poststart", "poststop" };
  /* the controls that changed the container go to the sink, not the argv */
  char changed[HR_HOOK_CHANGED_MAX], key[HR_HOOK_KEY_LEN + 1];
  changed_controls (rep, changed, sizeof changed);
  struct hr_hook_sink sink = hook_sink (&s->policy);
  sink.changed = changed;
  hr_hook_sink_key (&sink, key);
  /* without its sink the hook could write nothing: leave it out (the
   * decision is still recorded) */
  struct hr_error sink_err = { 0 };
  if (hr_hook_sink_write (s->state_dir, &sink, &sink_err) < 0)
    return 0;
  for (size_t k = 0; k < 2; k++)
    {
      struct hr_json *hooks = hr_json_ensure_object (spec, "hooks");
      struct hr_json *list = hooks ? hr_json_ensure_array (hooks, kinds[k]) : NULL;
      if (list == NULL)
        return hr_error_set (err, EINVAL, "\"hooks.%s\" is not an array", kinds[k]);
      struct hr_json *args = hook_args (kinds[k], key, attest ? expect : NULL);
      if (args == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
      /* an entry of hardrun's own from an earlier harden of this bundle
       * (policy/hooks.c removed every other naming hardrun-hook) stays
       * when it is the one this config calls for: its key names the same
       * sink (its list of changes is that first harden's) and the rest of
       * its argv, the attestation, is this one's; any other is replaced */
      bool present = false;
      for (size_t i = hr_json_len (list); i > 0; i--)
        {
          struct hr_json *h = hr_json_at (list, i - 1);
          const char *p = hr_json_string (hr_json_get (h, "path"));
          struct hr_json *a = hr_json_get (h, "args");
          const char *had = hr_json_string (hr_json_at (a, 2));
          if (!(p && strcmp (p, s->hook_path) == 0 && hr_hook_key_same_sink (had, key)))
            continue;
          bool same = false;
          if (!present && hr_json_len (a) == hr_json_len (args))
            {
              same = true;
              for (size_t x = 0; x < hr_json_len (a) && same; x++)
                same = x == 2 || hr_json_equal (hr_json_at (a, x), hr_json_at (args, x));
            }
          if (same)
            present = true;
          else
            hr_json_remove_at (list, i - 1);
        }
      if (present)
        {
          hr_json_free (args);
          continue;
        }
      struct hr_json *hook = hr_json_new_object ();
      int r = hook ? 0 : -ENOMEM;
      if (r == 0)
        r = hr_json_set (hook, "path", hr_json_new_string (s->hook_path), NULL);
      if (r == 0)
        {
          r = hr_json_set (hook, "args", args, NULL);
          args = NULL;
        }
      if (r == 0)
        {
          r = hr_json_append (list, hook, NULL);
          hook = NULL;
        }
      hr_json_free (args);
      hr_json_free (hook);
      if (r < 0)
        return hr_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

static void audit_decision (const struct hr_cmdline *cmd, const struct hr_settings *s, const char *bundle,
                            const struct hr_json *annotations, const struct hr_report *rep, const char *error,
                            bool unchecked);

void
hr_harden_audit (const struct hr_cmdline *cmd, const struct hr_settings *s, const char *bundle,
                 const struct hr_json *annotations, const struct hr_report *rep, const struct hr_error *refusal)
{
  audit_decision (cmd, s, bundle, annotations, rep, refusal ? refusal->msg : NULL, false);
}

static void
audit_decision (const struct hr_cmdline *cmd, const struct hr_settings *s, const char *bundle,
                const struct hr_json *annotations, const struct hr_report *rep, const char *error, bool unchecked)
{
  /* hardrun-monitor hears of refusals, held execs and dropped hooks */
  hr_monitor_decision (&s->policy, cmd->id, cmd->command == HR_CMD_EXEC, annotations, rep,
                       unchecked ? NULL : error);
  struct hr_audit_sink sink = { .file = s->policy.audit_file, .syslog = s->policy.audit_syslog };
  if (sink.file == NULL && !sink.syslog)
    return;
  /* the record names the bundle as the hook's records do: absolute, not
   * relative to whatever directory the engine ran hardrun in */
  cleanup_free char *abs_bundle = bundle ? realpath (bundle, NULL) : NULL;
  struct hr_decision d = {
    .cmd = cmd,
    .bundle = abs_bundle ? abs_bundle : bundle,
    .profile = s->profile.name,
    .rule = s->rule,
    .annotations = annotations,
    .report = rep,
    .modes = &s->profile,
    .error = error,
    .unchecked = unchecked,
  };
  cleanup_json struct hr_json *rec = hr_audit_record (&d);
  struct hr_error e = { 0 };
  if (rec == NULL || hr_audit_write (&sink, rec, &e) < 0)
    {
      struct hr_log log = { .path = cmd->log, .json = cmd->log_format && strcmp (cmd->log_format, "json") == 0 };
      hr_log_write (&log, HR_LOG_WARNING, e.msg[0] ? e.msg : "cannot write the audit record");
    }
}

/* Whether every control of P only reports (audit) or does nothing (off):
 * such a profile changes and refuses nothing. */
static bool
audit_only (const struct hr_profile *p)
{
  for (size_t i = 0; i < HR_CTL_COUNT; i++)
    if (p->mode[i] != HR_MODE_AUDIT && p->mode[i] != HR_MODE_OFF)
      return false;
  return true;
}

/* A spec hardrun could not take in (ERR: unreadable, not JSON, ambiguous
 * keys such as both "cpu" and "CPU", a type runc would reject, a flag that
 * overrides the labels). Every such refusal leaves an audit record. Under
 * a profile that only audits, hardrun changes nothing and refuses nothing:
 * the spec goes to the runtime as it is, which gives its own verdict, and
 * the record says so ("result": "unchecked"). The profile is chosen without
 * the annotations, which could not be read. Returns R, or 0 when the spec
 * passes unchecked. */
static int
unreadable (const struct hr_cmdline *cmd, struct hr_settings *s, const char *bundle, int r,
            struct hr_error *err)
{
  struct hr_error e = { 0 };
  bool selected = s->profile.name != NULL || hr_settings_select (s, cmd, NULL, NULL, &e) == 0;
  bool pass = selected && audit_only (&s->profile);
  audit_decision (cmd, s, bundle, NULL, NULL, err->msg[0] ? err->msg : strerror (-r), pass);
  return pass ? 0 : r;
}

/* runc refuses a process without args ("args must not be empty"), but only
 * after hardrun would have rewritten the file and recorded its decision:
 * refuse it first, before anything is changed. FIELD is where args live. */
static int
require_args (const struct hr_doc_file *f, const char *field, struct hr_error *err)
{
  if (hr_json_len (hr_json_get_path (f->doc, field)) == 0)
    return hr_error_set (err, EINVAL, "%s: \"%s\": must not be empty", f->display, field);
  return 0;
}

static int merge_report (struct hr_report *to, struct hr_report *from, struct hr_error *err);

int
hr_harden_bundle (const struct hr_cmdline *cmd, struct hr_settings *s, struct hr_report *ret_report,
                  struct hr_error *err)
{
  struct hr_doc_file f;
  /* restore --lsm-profile / --lsm-mount-context replace the labels the
   * policy sets; refuse them rather than lose the confinement. */
  for (size_t i = 0; i < cmd->n_flags; i++)
    if (cmd->flags[i].id == HR_OPT_LSM_PROFILE || cmd->flags[i].id == HR_OPT_LSM_MOUNT_CONTEXT)
      return unreadable (cmd, s, cmd->bundle,
                         hr_error_set (err, EPERM, "hardrun refused restore of \"%s\": %s would override the "
                                       "container's AppArmor or SELinux label", cmd->id ? cmd->id : "",
                                       cmd->flags[i].id == HR_OPT_LSM_PROFILE ? "--lsm-profile"
                                       : "--lsm-mount-context"),
                         err);
  int r = hr_bundle_load (cmd->bundle, &f, err);
  if (r < 0)
    return unreadable (cmd, s, cmd->bundle ? cmd->bundle : ".", r, err);
  if ((r = require_args (&f, "process.args", err)) < 0)
    {
      r = unreadable (cmd, s, f.dir, r, err);
      hr_doc_file_release (&f);
      return r;
    }
  cleanup_json struct hr_json *annotations = hr_json_copy (hr_json_get (f.doc, "annotations"));
  r = hr_settings_select (s, cmd, annotations, NULL, err);
  if (r < 0)
    {
      audit_decision (cmd, s, f.dir, annotations, NULL, err->msg, false);
      goto out;
    }

  char seccomp_dir[PATH_MAX], apparmor_dir[PATH_MAX];
  snprintf (seccomp_dir, sizeof seccomp_dir, "%s/seccomp", s->datadir);
  snprintf (apparmor_dir, sizeof apparmor_dir, "%s/apparmor", s->datadir);
  const struct hr_policy_ctx ctx = {
    .profile = &s->profile,
    .container_id = cmd->id,
    .bundle_dir = f.dir,
    .seccomp_dir = seccomp_dir,
    .apparmor_dir = apparmor_dir,
    .state_dir = s->state_dir,
    .hook_path = s->hook_path,
    .hook_key = s->hook_key,
    .cri = s->cri,
  };
  /* a config hardrun already handed to the monitor gets its errnos back
   * first: the controls judge the errno profile */
  struct hr_report undone = { 0 };
  r = hr_monitor_unharden (f.doc, &undone, err);
  if (r == 0)
    r = hr_policy_apply (&ctx, f.doc, ret_report, err);
  if (r == 0)
    r = merge_report (ret_report, &undone, err);
  hr_report_release (&undone);
  if (r == 0 && !ret_report->refused)
    {
      /* blocked attack syscalls go to hardrun-monitor when it listens */
      r = hr_monitor_harden (&s->policy, f.doc, ret_report, err);
    }
  if (r == 0 && s->note[0])
    {
      /* what the profile selection ignored or raised goes with the findings */
      struct hr_apply sel = { .ctx = &ctx, .control = HR_CTL_ANNOTATIONS, .mode = HR_MODE_AUDIT, .report = ret_report };
      hr_note (&sel, "annotations", "%s", s->note);
      if (ret_report->oom)
        r = hr_error_set (err, ENOMEM, "out of memory");
    }
  if (r == 0 && !ret_report->refused)
    {
      /* the lifecycle hook is part of the rewrite */
      bool had = hr_json_get (f.doc, "hooks") != NULL;
      cleanup_json struct hr_json *before = had ? hr_json_copy (hr_json_get (f.doc, "hooks")) : NULL;
      r = inject_hook (s, ret_report, f.doc, err);
      if (r == 0 && !hr_json_equal (before, hr_json_get (f.doc, "hooks")))
        ret_report->changed = true;
    }
  if (r < 0)
    {
      audit_decision (cmd, s, f.dir, annotations, ret_report, err->msg, false);
      goto out;
    }
  if (ret_report->refused)
    {
      char why[1536];
      hr_report_refusals (ret_report, why, sizeof why);
      r = hr_error_set (err, EPERM, "hardrun refused container \"%s\" (profile \"%s\"): %s",
                        cmd->id ? cmd->id : "", s->profile.name, why);
      hr_harden_audit (cmd, s, f.dir, annotations, ret_report, err);
      goto out;
    }
  if (ret_report->changed)
    {
      cleanup_free char *out = NULL;
      size_t len = 0;
      r = hr_json_serialize (f.doc, false, &out, &len, err);
      if (r == 0)
        r = hr_writeback (f.dirfd, f.name, &f.st, out, len, f.display, err);
      if (r < 0)
        audit_decision (cmd, s, f.dir, annotations, ret_report, err->msg, false);
    }
  /* The exec ceiling. Failing to keep it is not fatal for create: an exec
   * into a container without a record is held to the profile instead. */
  if (r == 0 && cmd->id)
    {
      struct hr_error rec_err = { 0 };
      hr_record_write (s->state_dir, cmd->root, cmd->id, f.doc, s->profile.name, f.dir, s->policy.runtime,
                       &rec_err);
    }
  if (r == 0)
    hr_harden_audit (cmd, s, f.dir, annotations, ret_report, NULL);
out:
  if (r == 0)
    {
      /* main() execs the runtime next: the document goes with the process
       * image, and freeing its nodes one by one would only cost time. */
      close (f.dirfd);
      free (f.dir);
      free (f.name);
      free (f.display);
      return 0;
    }
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

/* Moves FROM's findings to the end of TO. */
static int
merge_report (struct hr_report *to, struct hr_report *from, struct hr_error *err)
{
  if (from->n == 0)
    return 0;
  struct hr_finding *n = realloc (to->items, (to->n + from->n) * sizeof *n);
  if (n == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  memcpy (n + to->n, from->items, from->n * sizeof *n);
  to->items = n;
  to->n += from->n;
  to->cap = to->n;
  to->refused |= from->refused;
  to->changed |= from->changed;
  free (from->items);
  from->items = NULL;
  from->n = from->cap = 0;
  return 0;
}

/* exec --process /dev/fd/N: read once, held to the ceiling, and handed to
 * the runtime at the same number (procfd.h). */
static int
harden_process_fd (const struct hr_policy_ctx *ctx, const struct hr_ceiling *c, const char *path,
                   struct hr_report *report, bool *ret_unchecked, struct hr_error *err)
{
  int fd = hr_procfd_number (path);
  char display[PATH_MAX + 32];
  snprintf (display, sizeof display, "process file \"%s\"", path);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r = hr_procfd_read (fd, display, HR_JSON_MAX_BYTES, &buf, &len, err);
  if (r < 0)
    return r;
  cleanup_json struct hr_json *doc = NULL;
  if ((r = hr_json_parse (buf, len, display, &doc, err)) == 0 && (r = hr_process_validate (doc, display, err)) == 0
      && hr_json_len (hr_json_get (doc, "args")) == 0)
    r = hr_error_set (err, EINVAL, "%s: \"args\": must not be empty", display);
  if (r < 0)
    {
      /* under a profile that only audits, the runtime gets it as it was */
      if (!audit_only (ctx->profile))
        return r;
      *ret_unchecked = true;
      return hr_procfd_handover (fd, buf, len, display, err);
    }
  r = hr_exec_apply_process (ctx, c, doc, report, err);
  if (r < 0 || report->refused)
    return r;
  if (!report->changed)
    return hr_procfd_handover (fd, buf, len, display, err);
  cleanup_free char *out = NULL;
  size_t out_len = 0;
  r = hr_json_serialize (doc, false, &out, &out_len, err);
  if (r == 0)
    r = hr_procfd_handover (fd, out, out_len, display, err);
  return r;
}

/* Whether the runtime that would run the exec knows container CMD->id. An
 * exec into a container the runtime does not have passes through untouched,
 * so that the caller sees the runtime's own error and exit status (runc:
 * 255, "container does not exist") rather than hardrun's refusal of a
 * container it did not create; its process file is not read either. When
 * the runtime cannot be asked, the container is taken to exist. */
static bool
runtime_has (const struct hr_cmdline *cmd, const struct hr_settings *s)
{
  char path[PATH_MAX];
  struct hr_error e = { 0 };
  if (hr_runtime_find (cmd->runtime, s->policy.runtime, path, sizeof path, NULL, &e) < 0)
    return true;
  return hr_runtime_has_container (path, cmd->root, cmd->id, &e) != 0;
}

int
hr_harden_exec (const struct hr_cmdline *cmd, struct hr_settings *s, struct hr_report *ret_report,
                struct hr_exec_argv *ret_argv, struct hr_error *err)
{
  char seccomp_dir[PATH_MAX], apparmor_dir[PATH_MAX];
  struct hr_policy_ctx ctx;
  struct hr_ceiling c;
  memset (ret_argv, 0, sizeof *ret_argv);
  if (!hr_record_id_valid (cmd->id))
    {
      hr_error_set (err, EINVAL, "exec: container ID \"%s\" is not valid", cmd->id ? cmd->id : "");
      audit_decision (cmd, s, NULL, NULL, NULL, err->msg, false);
      return -EINVAL;
    }

  cleanup_json struct hr_json *record = NULL;
  int r = hr_record_load (s->state_dir, cmd->root, cmd->id, &record, err);
  if (r < 0)
    {
      audit_decision (cmd, s, NULL, NULL, NULL, err->msg, false);
      return r;
    }
  if (record == NULL && !runtime_has (cmd, s))
    return 0;                   /* the runtime says so itself, as runc would */
  r = hr_settings_select (s, cmd, NULL, hr_json_string (hr_json_get (record, "profile")), err);
  if (r < 0)
    {
      audit_decision (cmd, s, NULL, NULL, NULL, err->msg, false);
      return r;
    }
  /* a container handed to hardrun-monitor needs a listener for the exec */
  hr_monitor_standin (&s->policy, record);
  fill_ctx (cmd, s, &ctx, seccomp_dir, apparmor_dir, sizeof seccomp_dir);
  r = record ? hr_ceiling_from_record (record, &c, err) : hr_ceiling_from_profile (&s->profile, &c, err);
  if (r < 0)
    {
      audit_decision (cmd, s, NULL, NULL, NULL, err->msg, false);
      return r;
    }

  bool unchecked = false;
  struct hr_error why_unchecked = { 0 };
  if (cmd->process_file && hr_procfd_number (cmd->process_file) >= 0)
    {
      r = harden_process_fd (&ctx, &c, cmd->process_file, ret_report, &unchecked, err);
      if (unchecked)
        why_unchecked = *err;
    }
  else if (cmd->process_file)
    {
      struct hr_doc_file f = { .dirfd = -1 };
      r = hr_process_file_load (cmd->process_file, &f, err);
      if (r == 0)
        r = require_args (&f, "args", err);
      if (r < 0 && audit_only (&s->profile))
        {
          /* the file stays as it is, for the runtime to judge */
          unchecked = true;
          why_unchecked = *err;
          r = 0;
        }
      else if (r == 0)
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
        }
      hr_doc_file_release (&f);
    }
  if (r == 0 && !ret_report->refused)
    {
      struct hr_report flags_report;
      r = hr_exec_apply_flags (&ctx, &c, cmd, ret_argv, &flags_report, err);
      if (r == 0)
        r = merge_report (ret_report, &flags_report, err);
      hr_report_release (&flags_report);
    }
  hr_ceiling_release (&c);
  if (r == 0 && ret_report->refused)
    {
      char why[1536];
      hr_report_refusals (ret_report, why, sizeof why);
      hr_exec_argv_release (ret_argv);
      r = hr_error_set (err, EPERM, "hardrun refused exec in container \"%s\" (profile \"%s\"): %s",
                        cmd->id, s->profile.name, why);
      hr_harden_audit (cmd, s, NULL, NULL, ret_report, err);
    }
  else if (r == 0)
    audit_decision (cmd, s, NULL, NULL, ret_report, unchecked ? why_unchecked.msg : NULL, unchecked);
  else
    audit_decision (cmd, s, NULL, NULL, ret_report, err->msg, false);
  return r;
}
