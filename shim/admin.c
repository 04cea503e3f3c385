#include "config.h"
#include "admin.h"
#include "cleanup.h"
#include "harden.h"
#include "policylint.h"
#include "kube/explain.h"
#include "policy/seccomp.h"
#include "spec.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

/* Writes DATA to an anonymous file; returns its fd. */
static int
memfile (const char *name, const char *data, size_t len)
{
  int fd = memfd_create (name, MFD_CLOEXEC);
  if (fd < 0)
    return -errno;
  if (write (fd, data, len) != (ssize_t) len)
    {
      close (fd);
      return -EIO;
    }
  return fd;
}

/* A unified diff of A and B through diff(1); nothing if it is missing. */
static void
print_diff (const char *a, size_t alen, const char *b, size_t blen)
{
  cleanup_close int fa = memfile ("before", a, alen);
  cleanup_close int fb = memfile ("after", b, blen);
  if (fa < 0 || fb < 0)
    return;
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      char pa[64], pb[64];
      snprintf (pa, sizeof pa, "/proc/self/fd/%d", fa);
      snprintf (pb, sizeof pb, "/proc/self/fd/%d", fb);
      /* the memfds are close-on-exec: hand diff copies */
      int da = dup (fa), db = dup (fb);
      snprintf (pa, sizeof pa, "/proc/self/fd/%d", da);
      snprintf (pb, sizeof pb, "/proc/self/fd/%d", db);
      execlp ("diff", "diff", "-u", "--label", "a/config.json", "--label", "b/config.json", pa, pb, (char *) NULL);
      _exit (127);
    }
  if (pid > 0)
    waitpid (pid, NULL, 0);
}

static int
explain (const struct hr_cmdline *cmd, struct hr_error *err)
{
  bool json = false;
  const char *target = NULL;
  for (size_t i = 0; i < cmd->n_args; i++)
    {
      if (strcmp (cmd->args[i], "--json") == 0)
        json = true;
      else if (target == NULL)
        target = cmd->args[i];
      else
        return hr_error_set (err, EINVAL, "explain: one BUNDLE or CONFIG, got \"%s\" too", cmd->args[i]);
    }
  if (target == NULL)
    return hr_error_set (err, EINVAL, "explain: usage: hardrun explain [--json] BUNDLE|CONFIG");

  struct stat st;
  if (stat (target, &st) < 0)
    return hr_error_setsys (err, errno, "explain: \"%s\"", target);
  struct hr_doc_file f;
  int r;
  if (S_ISDIR (st.st_mode))
    r = hr_bundle_load (target, &f, err);
  else
    {
      /* a config file anywhere: load it like a bundle's */
      cleanup_close int fd = open (target, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
      cleanup_free char *buf = NULL;
      size_t len = 0;
      memset (&f, 0, sizeof f);
      f.dirfd = -1;
      if (fd < 0)
        return hr_error_setsys (err, errno, "explain: \"%s\"", target);
      r = hr_read_fd_limited (fd, target, HR_JSON_MAX_BYTES, &buf, &len, err);
      if (r == 0)
        r = hr_json_parse (buf, len, target, &f.doc, err);
      if (r == 0)
        r = hr_spec_validate (f.doc, target, err);
      if (r < 0)
        {
          hr_json_free (f.doc);
          return r;
        }
    }
  if (r < 0)
    return r;

  struct hr_settings s;
  r = hr_settings_load (cmd, &s, err);
  if (r < 0)
    {
      hr_doc_file_release (&f);
      return r;
    }
  r = hr_settings_select (&s, cmd, hr_json_get (f.doc, "annotations"), NULL, err);
  cleanup_json struct hr_json *before = hr_json_copy (f.doc);
  struct hr_report rep = { 0 };
  char seccomp_dir[PATH_MAX], apparmor_dir[PATH_MAX];
  snprintf (seccomp_dir, sizeof seccomp_dir, "%s/seccomp", s.datadir);
  snprintf (apparmor_dir, sizeof apparmor_dir, "%s/apparmor", s.datadir);
  struct hr_policy_ctx ctx = {
    .profile = &s.profile,
    /* engines name a bundle directory by its container's ID, which hook
     * patterns ("{id}") compare with */
    .container_id = S_ISDIR (st.st_mode) && strrchr (target, '/') && strrchr (target, '/')[1] ? strrchr (target, '/') + 1
                                                                                             : "explain",
    .bundle_dir = S_ISDIR (st.st_mode) ? target : ".",
    .seccomp_dir = seccomp_dir,
    .apparmor_dir = apparmor_dir,
    /* nothing is reserved: SELinux pairs are not allocated by explain */
    .state_dir = "/nonexistent",
    .hook_path = s.hook_path,
    .hook_key = s.hook_key,
    .cri = s.cri,
    .judge_only = true,
  };
  if (r == 0)
    r = hr_policy_apply (&ctx, f.doc, &rep, err);
  int status = HR_EXPLAIN_COMPLIANT;
  if (r == 0)
    {
      size_t audit = 0;
      for (size_t i = 0; i < rep.n; i++)
        audit += rep.items[i].action == HR_ACT_AUDIT;
      status = rep.refused ? HR_EXPLAIN_REFUSED : (rep.changed || audit) ? HR_EXPLAIN_CHANGED : HR_EXPLAIN_COMPLIANT;
      const char *verdict = rep.refused ? "refused" : rep.changed ? "changed" : audit ? "audit" : "compliant";
      if (json)
        {
          cleanup_json struct hr_json *out = hr_json_new_object ();
          hr_json_set (out, "profile", hr_json_new_string (s.profile.name), NULL);
          hr_json_set (out, "rule", hr_json_new_string (s.rule), NULL);
          hr_json_set (out, "verdict", hr_json_new_string (verdict), NULL);
          struct hr_json *fs = hr_json_ensure_array (out, "findings");
          for (size_t i = 0; fs && i < rep.n; i++)
            {
              struct hr_json *fo = hr_json_new_object ();
              hr_json_set (fo, "control", hr_json_new_string (hr_control_name (rep.items[i].control)), NULL);
              hr_json_set (fo, "mode", hr_json_new_string (hr_mode_name (s.profile.mode[rep.items[i].control])), NULL);
              hr_json_set (fo, "action", hr_json_new_string (hr_action_name (rep.items[i].action)), NULL);
              hr_json_set (fo, "field", hr_json_new_string (rep.items[i].field), NULL);
              hr_json_set (fo, "message", hr_json_new_string (rep.items[i].message), NULL);
              hr_json_append (fs, fo, NULL);
            }
          if (!rep.refused)
            hr_json_set (out, "config", hr_json_copy (f.doc), NULL);
          cleanup_free char *text = NULL;
          size_t len;
          if (hr_json_serialize (out, true, &text, &len, err) == 0)
            printf ("%s\n", text);
        }
      else
        {
          printf ("profile \"%s\" (selected by %s): %s\n", s.profile.name, s.rule, verdict);
          for (size_t i = 0; i < rep.n; i++)
            printf ("  %-8s %-18s %s: %s\n", hr_action_name (rep.items[i].action),
                    hr_control_name (rep.items[i].control), rep.items[i].field, rep.items[i].message);
          if (rep.changed && !rep.refused)
            {
              cleanup_free char *a = NULL, *b = NULL;
              size_t alen, blen;
              if (hr_json_serialize (before, true, &a, &alen, err) == 0
                  && hr_json_serialize (f.doc, true, &b, &blen, err) == 0)
                {
                  a[alen] = '\n';
                  b[blen] = '\n';
                  printf ("\n");
                  print_diff (a, alen + 1, b, blen + 1);
                }
            }
        }
    }
  hr_report_release (&rep);
  hr_settings_release (&s);
  hr_doc_file_release (&f);
  fflush (stdout);
  return r < 0 ? r : status;
}

/* Every capability a profile may keep is one this host's libcap knows too
 * (create and exec use hardrun's own table, to spare them loading libcap). */
static int
caps_known_to_libcap (const struct hr_policy *p, struct hr_error *err)
{
#ifdef HARDRUN_STATIC
  /* a static hardrun loads no library: its own table decides */
  (void) p;
  (void) err;
  return 0;
#else
  void *h = dlopen ("libcap.so.2", RTLD_NOW | RTLD_LOCAL);
  int (*from_name) (const char *, cap_value_t *) = NULL;
  if (h)
    from_name = (int (*) (const char *, cap_value_t *)) dlsym (h, "cap_from_name");
  int r = 0;
  for (size_t i = 0; from_name && i < p->n_profiles && r == 0; i++)
    for (int cap = 0; cap <= HR_CAP_LAST && r == 0; cap++)
      {
        cap_value_t v;
        if ((p->profiles[i].caps_allowed & (UINT64_C (1) << cap)) && from_name (hr_cap_name (cap), &v) < 0)
          r = hr_error_set (err, EINVAL, "profile \"%s\": caps.allow: libcap does not know \"%s\"",
                            p->profiles[i].name, hr_cap_name (cap));
      }
  if (h)
    dlclose (h);
  return r;
#endif
}

static int
policy_check (const struct hr_cmdline *cmd, const char *file, struct hr_error *err)
{
  struct hr_policy p;
  const char *path = file ? file : cmd->policy_file;
  int r = hr_policy_load (path, path != NULL, &p, err);
  if (r < 0)
    return r;
  r = caps_known_to_libcap (&p, err);
  struct hr_strlist warnings = { 0 };
  if (r == 0)
    r = hr_policy_lint (&p, &warnings, err);
  for (size_t i = 0; i < warnings.n; i++)
    printf ("warning: %s\n", warnings.v[i]);
  hr_strlist_release (&warnings);
  cleanup_free char *datadir = hr_find_datadir ();
  for (size_t i = 0; i < p.n_profiles && r == 0; i++)
    {
      const struct hr_profile *prof = &p.profiles[i];
      char sc[PATH_MAX];
      if (prof->seccomp_profile)
        snprintf (sc, sizeof sc, "%s", prof->seccomp_profile);
      else
        snprintf (sc, sizeof sc, "%s/seccomp/default.json", datadir ? datadir : HARDRUN_DATADIR);
      cleanup_json struct hr_json *scp = NULL;
      if (prof->mode[HR_CTL_SECCOMP] != HR_MODE_OFF)
        {
          r = hr_seccomp_load_profile (sc, &scp, err);
          if (r == 0)
            r = hr_seccomp_check_profile (scp, err);
          if (r < 0)
            hr_error_prefix (err, "profile \"%s\"", prof->name);
        }
      if (r == 0 && prof->mode[HR_CTL_APPARMOR] != HR_MODE_OFF)
        {
          char aa[PATH_MAX];
          if (prof->apparmor_file)
            snprintf (aa, sizeof aa, "%s", prof->apparmor_file);
          else
            snprintf (aa, sizeof aa, "%s/apparmor/%s", datadir ? datadir : HARDRUN_DATADIR,
                      prof->apparmor_profile ? prof->apparmor_profile : "hardrun-default");
          if (access ("/sbin/apparmor_parser", X_OK) == 0 && access (aa, R_OK) == 0)
            {
              fflush (stdout);
              pid_t pid = fork ();
              if (pid == 0)
                {
                  int nul = open ("/dev/null", O_WRONLY);
                  dup2 (nul, STDOUT_FILENO);
                  dup2 (nul, STDERR_FILENO);
                  execl ("/sbin/apparmor_parser", "apparmor_parser", "-Q", "-K", aa, (char *) NULL);
                  _exit (127);
                }
              int st = 0;
              if (pid < 0 || waitpid (pid, &st, 0) < 0 || !WIFEXITED (st) || WEXITSTATUS (st) != 0)
                r = hr_error_set (err, EINVAL, "profile \"%s\": AppArmor profile \"%s\" does not parse", prof->name, aa);
            }
        }
    }
  if (r == 0)
    printf ("%s: ok (%zu profiles, %zu rules, default \"%s\")\n", p.file ? p.file : "built-in policy", p.n_profiles,
            p.n_rules, p.default_profile);
  hr_policy_release (&p);
  return r < 0 ? r : 0;
}

static int
policy_show (const struct hr_cmdline *cmd, const char *name, struct hr_error *err)
{
  struct hr_policy p;
  int r = hr_policy_load (cmd->policy_file, cmd->policy_file != NULL, &p, err);
  if (r < 0)
    return r;
  const struct hr_profile *prof = hr_policy_profile (&p, name ? name : p.default_profile);
  if (prof == NULL)
    r = hr_error_set (err, ENOENT, "no profile \"%s\"", name ? name : p.default_profile);
  else
    {
      cleanup_json struct hr_json *j = hr_profile_to_json (prof);
      cleanup_free char *text = NULL;
      size_t len;
      if (j == NULL)
        r = hr_error_set (err, ENOMEM, "out of memory");
      else if ((r = hr_json_serialize (j, true, &text, &len, err)) == 0)
        printf ("%s\n", text);
    }
  hr_policy_release (&p);
  return r < 0 ? r : 0;
}

int
hr_admin_main (const struct hr_cmdline *cmd, struct hr_error *err)
{
  if (cmd->command == HR_CMD_HARDRUN_EXPLAIN)
    {
      for (size_t i = 0; i < cmd->n_args; i++)
        if (strcmp (cmd->args[i], "--kubernetes") == 0)
          return hr_kube_explain (cmd, err);
      return explain (cmd, err);
    }
  const char *sub = cmd->n_args > 0 ? cmd->args[0] : NULL;
  const char *arg = cmd->n_args > 1 ? cmd->args[1] : NULL;
  if (sub && strcmp (sub, "check") == 0)
    return policy_check (cmd, arg, err);
  if (sub && strcmp (sub, "show") == 0)
    return policy_show (cmd, arg, err);
  return hr_error_set (err, EINVAL, "policy: usage: hardrun policy check [FILE] | hardrun policy show [PROFILE]");
}
