/* hardrun explain --kubernetes: every container of every pod in the
 * manifests, as containerd's CRI will hand it to hardrun, through the same
 * profile selection and the same controls as at run time. */
#include "config.h"
#include "kube/explain.h"
#include "kube/kube.h"
#include "kube/yaml.h"
#include "admin.h"
#include "cleanup.h"
#include "harden.h"
#include "host.h"
#include "spec.h"
#include "policy/process.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

enum format
{
  FMT_TEXT,
  FMT_JSON,
  FMT_SARIF,
};

struct run
{
  const struct hr_cmdline *cmd;
  struct hr_settings *s;
  struct hr_kube_node node;
  enum format format;
  int status;                   /* the worst verdict so far */
  struct hr_json *pods;         /* JSON and SARIF: what is printed at the end */
  struct hr_json *results;      /* SARIF results */
  char stage[PATH_MAX];         /* where node-managed bind sources are staged; "" until made */
};

static int
read_input (const char *path, char **ret, size_t *ret_len, struct hr_error *err)
{
  if (strcmp (path, "-") == 0)
    {
      size_t cap = 65536, len = 0;
      cleanup_free char *buf = malloc (cap);
      if (buf == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
      for (;;)
        {
          if (len == cap)
            {
              if (cap >= HR_JSON_MAX_BYTES)
                return hr_error_set (err, EFBIG, "stdin: larger than %u bytes", HR_JSON_MAX_BYTES);
              char *n = realloc (buf, cap * 2);
              if (n == NULL)
                return hr_error_set (err, ENOMEM, "out of memory");
              buf = n;
              cap *= 2;
            }
          ssize_t r = read (STDIN_FILENO, buf + len, cap - len);
          if (r < 0 && errno == EINTR)
            continue;
          if (r < 0)
            return hr_error_setsys (err, errno, "stdin: read");
          if (r == 0)
            break;
          len += (size_t) r;
        }
      *ret = steal_pointer (&buf);
      *ret_len = len;
      return 0;
    }
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return hr_error_setsys (err, errno, "\"%s\"", path);
  return hr_read_fd_limited (fd, path, HR_JSON_MAX_BYTES, ret, ret_len, err);
}

static const char *
verdict_name (int status)
{
  return status == HR_EXPLAIN_REFUSED ? "refused" : status == HR_EXPLAIN_CHANGED ? "changed" : "compliant";
}

static int
worse (int a, int b)
{
  return a > b ? a : b;
}

/* A refusal is an error; a change the manifest can avoid a warning; a
 * change the node makes to every pod (its hint says "none"), and
 * information, a note. */
static const char *
sarif_level (enum hr_action a, bool fixable)
{
  return a == HR_ACT_REFUSED ? "error" : a == HR_ACT_NOTE || !fixable ? "note" : "warning";
}

static void
jset (struct hr_json *o, const char *k, const char *v)
{
  if (v)
    hr_json_set (o, k, hr_json_new_string (v), NULL);
}

/* Staging. The bind sources kubelet and containerd make for a pod exist
 * on the node, as plain directories and files; the mounts control
 * resolves every source on the machine it runs on, where they need not
 * exist (or may not be searchable). They are judged as they are on the
 * node: as empty directories and files of the same names under a private
 * temporary directory, whose name is taken out of the findings and the
 * config again afterwards. */

static int
stage_make (struct run *run, struct hr_error *err)
{
  if (run->stage[0])
    return 0;
  const char *tmp = secure_getenv ("TMPDIR");
  if (tmp == NULL || tmp[0] != '/')
    tmp = "/tmp";
  if ((size_t) snprintf (run->stage, sizeof run->stage, "%s/hardrun-explain.XXXXXX", tmp) >= sizeof run->stage)
    {
      run->stage[0] = '\0';
      return hr_error_set (err, ENAMETOOLONG, "TMPDIR \"%s\": too long", tmp);
    }
  if (mkdtemp (run->stage) == NULL)
    {
      int e = errno;
      run->stage[0] = '\0';
      return hr_error_setsys (err, e, "cannot make a temporary directory in \"%s\"", tmp);
    }
  return 0;
}

static int
stage_remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) ftw;
  return (flag == FTW_DP ? rmdir (path) : unlink (path)) < 0 ? -1 : 0;
}

static void
stage_remove (struct run *run)
{
  if (run->stage[0])
    nftw (run->stage, stage_remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
  run->stage[0] = '\0';
}

/* Makes STAGE/SOURCE: the directories on the way, then a directory, or an
 * empty file for the sources that are files on the node. */
static int
stage_path (const char *stage, const char *source, char *ret, size_t size, struct hr_error *err)
{
  if ((size_t) snprintf (ret, size, "%s%s", stage, source) >= size)
    return hr_error_set (err, ENAMETOOLONG, "bind source \"%s\": path too long", source);
  static const char *const files[] = { "etc-hosts", "termination-log", "hostname", "hosts", "resolv.conf" };
  const char *base = strrchr (source, '/') + 1;
  bool file = false;
  for (size_t i = 0; i < HR_ARRAY_SIZE (files); i++)
    file |= strcmp (base, files[i]) == 0;
  for (char *p = ret + strlen (stage) + 1; (p = strchr (p, '/')) != NULL; p++)
    {
      *p = '\0';
      int r = mkdir (ret, 0700);
      *p = '/';
      if (r < 0 && errno != EEXIST)
        return hr_error_setsys (err, errno, "cannot stage \"%s\"", source);
    }
  if (file)
    {
      int fd = open (ret, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0)
        return hr_error_setsys (err, errno, "cannot stage \"%s\"", source);
      close (fd);
    }
  else if (mkdir (ret, 0700) < 0 && errno != EEXIST)
    return hr_error_setsys (err, errno, "cannot stage \"%s\"", source);
  return 0;
}

static int
stage_sources (struct run *run, struct hr_json *doc, struct hr_error *err)
{
  struct hr_json *mounts = hr_json_get (doc, "mounts");
  for (size_t i = 0; i < hr_json_len (mounts); i++)
    {
      struct hr_json *src = hr_json_get (hr_json_at (mounts, i), "source");
      if (!hr_kube_source_is_node_managed (hr_json_string (src)))
        continue;
      char staged[PATH_MAX];
      int r = stage_make (run, err);
      if (r == 0)
        r = stage_path (run->stage, hr_json_string (src), staged, sizeof staged, err);
      if (r == 0)
        r = hr_json_set_string_value (src, staged, err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* Removes every occurrence of the staging directory's name from S. */
static void
unstage_text (const struct run *run, char *s)
{
  size_t n = strlen (run->stage);
  char *p;
  while (n && s && (p = strstr (s, run->stage)) != NULL)
    memmove (p, p + n, strlen (p + n) + 1);
}

static void
unstage (const struct run *run, struct hr_json *doc, struct hr_report *rep)
{
  if (run->stage[0] == '\0')
    return;
  struct hr_json *mounts = hr_json_get (doc, "mounts");
  for (size_t i = 0; i < hr_json_len (mounts); i++)
    {
      struct hr_json *src = hr_json_get (hr_json_at (mounts, i), "source");
      if (hr_json_is_string (src))
        {
          unstage_text (run, src->u.str.s);
          src->u.str.len = strlen (src->u.str.s);
        }
    }
  for (size_t i = 0; i < rep->n; i++)
    unstage_text (run, rep->items[i].message);
}

/* The process as it will run, in brief: what a test can see from inside
 * the container (id, /proc/self/status). */
static struct hr_json *
what_runs (const struct hr_json *doc)
{
  const struct hr_json *proc = hr_json_get (doc, "process");
  const struct hr_json *user = hr_json_get (proc, "user");
  struct hr_json *o = hr_json_new_object ();
  if (o == NULL)
    return NULL;
  static const char *const keys[] = { "uid", "gid", "additionalGids" };
  for (size_t i = 0; i < HR_ARRAY_SIZE (keys); i++)
    if (hr_json_get (user, keys[i]))
      hr_json_set (o, keys[i], hr_json_copy (hr_json_get (user, keys[i])), NULL);
  const struct hr_json *eff = hr_json_get_path (proc, "capabilities.effective");
  hr_json_set (o, "capabilities", eff ? hr_json_copy (eff) : hr_json_new_array (), NULL);
  const struct hr_json *nnp = hr_json_get (proc, "noNewPrivileges");
  hr_json_set (o, "noNewPrivileges", hr_json_new_bool (nnp && nnp->type == HR_JSON_TRUE), NULL);
  const struct hr_json *ro = hr_json_get_path (doc, "root.readonly");
  hr_json_set (o, "readonlyRoot", hr_json_new_bool (ro && ro->type == HR_JSON_TRUE), NULL);
  hr_json_set (o, "seccomp", hr_json_new_bool (hr_json_get_path (doc, "linux.seccomp") != NULL), NULL);
  return o;
}

/* One container (or the sandbox) through the policy. Fills *RET_AFTER with
 * the config as it would run (NULL when refused). */
static int
judge (struct run *run, const char *file, const struct hr_kube_pod *pod, struct hr_kube_target *t,
       struct hr_json *pod_out, struct hr_json **ret_after, int *ret_status, struct hr_error *err)
{
  struct hr_settings *s = run->s;
  int r = hr_settings_select (s, run->cmd, hr_json_get (t->config, "annotations"), NULL, err);
  if (r < 0)
    return r;
  cleanup_json struct hr_json *doc = hr_json_copy (t->config);
  if (doc == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  char seccomp_dir[PATH_MAX], apparmor_dir[PATH_MAX];
  snprintf (seccomp_dir, sizeof seccomp_dir, "%s/seccomp", s->datadir);
  snprintf (apparmor_dir, sizeof apparmor_dir, "%s/apparmor", s->datadir);
  struct hr_policy_ctx ctx = {
    .profile = &s->profile,
    .container_id = "explain",
    .bundle_dir = "/nonexistent",
    .seccomp_dir = seccomp_dir,
    .apparmor_dir = apparmor_dir,
    .state_dir = "/nonexistent",
    .hook_path = s->hook_path,
    .hook_key = s->hook_key,
    .cri = s->cri,
    .judge_only = true,
  };
  struct hr_report rep = { 0 };
  r = stage_sources (run, doc, err);
  if (r == 0)
    r = hr_policy_apply (&ctx, doc, &rep, err);
  unstage (run, doc, &rep);
  if (r < 0 && run->stage[0])
    unstage_text (run, err->msg);
  if (r < 0)
    {
      hr_report_release (&rep);
      return hr_error_prefix (err, "%s:%u", file, t->line);
    }
  size_t audit = 0;
  for (size_t i = 0; i < rep.n; i++)
    audit += rep.items[i].action == HR_ACT_AUDIT;
  int status = rep.refused ? HR_EXPLAIN_REFUSED : (rep.changed || audit) ? HR_EXPLAIN_CHANGED : HR_EXPLAIN_COMPLIANT;
  const char *verdict = rep.refused ? "refused" : rep.changed ? "changed" : audit ? "audit" : "compliant";
  const char *who = t->role == HR_KUBE_SANDBOX ? "pod sandbox" : hr_kube_role_name (t->role);

  struct hr_json *co = NULL;
  if (run->format == FMT_TEXT)
    printf ("  %s:%u: %s%s%s%s: profile \"%s\" (selected by %s): %s\n", file, t->line, who, t->name[0] ? " \"" : "",
            t->name, t->name[0] ? "\"" : "", s->profile.name, s->rule, verdict);
  else if (pod_out)
    {
      co = hr_json_new_object ();
      jset (co, "name", t->name[0] ? t->name : NULL);
      jset (co, "role", hr_kube_role_name (t->role));
      hr_json_set (co, "line", hr_json_new_i64 (t->line), NULL);
      jset (co, "profile", s->profile.name);
      jset (co, "rule", s->rule);
      jset (co, "verdict", verdict);
      hr_json_append (hr_json_ensure_array (pod_out, "containers"), co, NULL);
    }
  struct hr_json *fs = co ? hr_json_ensure_array (co, "findings") : NULL;
  for (size_t i = 0; i < rep.n; i++)
    {
      const struct hr_finding *f = &rep.items[i];
      const struct hr_kube_origin *o = hr_kube_origin_of (t, f->control, f->field);
      unsigned line = o ? o->line : t->line;
      const char *hint = o && o->hint ? o->hint : "none";
      bool fixable = strncmp (hint, "none", 4) != 0;
      if (run->format == FMT_TEXT)
        {
          printf ("    %s:%u: %-8s %-18s %s: %s\n", file, line, hr_action_name (f->action), hr_control_name (f->control),
                  f->field, f->message);
          if (f->action != HR_ACT_NOTE)
            printf ("      hint: %s\n", hint);
        }
      if (fs)
        {
          struct hr_json *fo = hr_json_new_object ();
          jset (fo, "control", hr_control_name (f->control));
          jset (fo, "mode", hr_mode_name (s->profile.mode[f->control]));
          jset (fo, "action", hr_action_name (f->action));
          jset (fo, "field", f->field);
          jset (fo, "message", f->message);
          hr_json_set (fo, "line", hr_json_new_i64 (line), NULL);
          jset (fo, "hint", hint);
          hr_json_set (fo, "fixable", hr_json_new_bool (fixable), NULL);
          hr_json_append (fs, fo, NULL);
        }
      if (run->results)
        {
          char text[4096];
          snprintf (text, sizeof text, "%s/%s %s%s%s (profile \"%s\"): %s %s: %s. Fix: %s", pod->kind, pod->name, who,
                    t->name[0] ? " " : "", t->name, s->profile.name, hr_action_name (f->action), f->field, f->message,
                    hint);
          char rule[64];
          snprintf (rule, sizeof rule, "hardrun/%s", hr_control_name (f->control));
          struct hr_json *res = hr_json_new_object ();
          jset (res, "ruleId", rule);
          hr_json_set (res, "ruleIndex", hr_json_new_i64 (f->control), NULL);
          jset (res, "level", sarif_level (f->action, fixable));
          jset (hr_json_ensure_object (res, "message"), "text", text);
          struct hr_json *loc = hr_json_new_object ();
          struct hr_json *phys = hr_json_ensure_object (loc, "physicalLocation");
          jset (hr_json_ensure_object (phys, "artifactLocation"), "uri", strcmp (file, "-") == 0 ? "stdin" : file);
          hr_json_set (hr_json_ensure_object (phys, "region"), "startLine", hr_json_new_i64 (line ? line : 1), NULL);
          hr_json_append (hr_json_ensure_array (res, "locations"), loc, NULL);
          hr_json_append (run->results, res, NULL);
        }
    }
  for (size_t i = 0; i < t->n_notes; i++)
    {
      if (run->format == FMT_TEXT)
        printf ("    note: %s\n", t->notes[i]);
      else if (co)
        hr_json_append (hr_json_ensure_array (co, "notes"), hr_json_new_string (t->notes[i]), NULL);
    }
  if (co)
    hr_json_set (co, "config", hr_json_copy (t->config), NULL);
  if (co && !rep.refused)
    hr_json_set (co, "runs", what_runs (doc), NULL);
  hr_report_release (&rep);
  *ret_after = status == HR_EXPLAIN_REFUSED ? NULL : steal_pointer (&doc);
  *ret_status = status;
  return 0;
}

static int
explain_pod (struct run *run, const char *file, const struct hr_kube_pod *pod, struct hr_error *err)
{
  struct hr_json *pod_out = NULL;
  if (run->format == FMT_TEXT)
    printf ("%s:%u: %s \"%s\" (namespace \"%s\")\n", file, pod->line, pod->kind, pod->name, pod->namespace);
  else if (run->pods)
    {
      pod_out = hr_json_new_object ();
      jset (pod_out, "file", strcmp (file, "-") == 0 ? "stdin" : file);
      hr_json_set (pod_out, "line", hr_json_new_i64 (pod->line), NULL);
      jset (pod_out, "kind", pod->kind);
      jset (pod_out, "name", pod->name);
      jset (pod_out, "namespace", pod->namespace);
      hr_json_append (run->pods, pod_out, NULL);
    }
  struct hr_kube_target t = { 0 };
  int r = hr_kube_sandbox (pod, &run->node, &t, err);
  if (r < 0)
    return r;
  cleanup_json struct hr_json *sandbox_after = NULL;
  int status = HR_EXPLAIN_COMPLIANT, pod_status;
  r = judge (run, file, pod, &t, pod_out, &sandbox_after, &status, err);
  /* a refused sandbox: nothing of the pod starts; the containers are
   * judged as if it had, for what else would need to change */
  if (r == 0 && sandbox_after == NULL)
    sandbox_after = steal_pointer (&t.config);
  hr_kube_target_release (&t);
  if (r < 0)
    return r;
  pod_status = status;
  size_t n = hr_kube_n_containers (pod);
  for (size_t i = 0; i < n; i++)
    {
      r = hr_kube_container (pod, i, &run->node, sandbox_after, &t, err);
      if (r < 0)
        return hr_error_prefix (err, "%s:%u", file, pod->line);
      cleanup_json struct hr_json *after = NULL;
      r = judge (run, file, pod, &t, pod_out, &after, &status, err);
      hr_kube_target_release (&t);
      if (r < 0)
        return r;
      pod_status = worse (pod_status, status);
    }
  if (run->format == FMT_TEXT)
    printf ("  => %s\n\n", verdict_name (pod_status));
  else if (pod_out)
    jset (pod_out, "verdict", verdict_name (pod_status));
  run->status = worse (run->status, pod_status);
  return 0;
}

static int
explain_file (struct run *run, const char *file, struct hr_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r = read_input (file, &buf, &len, err);
  if (r < 0)
    return r;
  struct hr_yaml_docs docs = { 0 };
  r = hr_yaml_parse (buf, len, strcmp (file, "-") == 0 ? "stdin" : file, &docs, err);
  if (r < 0)
    return r;
  for (size_t d = 0; d < docs.n && r == 0; d++)
    {
      cleanup_free struct hr_kube_pod *pods = NULL;
      size_t n = 0, skipped = 0;
      r = hr_kube_pods (docs.docs[d], &pods, &n, &skipped, err);
      if (r < 0)
        {
          hr_error_prefix (err, "%s", file);
          break;
        }
      for (size_t i = 0; i < n && r == 0; i++)
        r = explain_pod (run, file, &pods[i], err);
    }
  hr_yaml_docs_release (&docs);
  return r;
}

static struct hr_json *
sarif_rules (void)
{
  static const char *const what[HR_CTL_COUNT] = {
    [HR_CTL_USER] = "The container runs as a non-root user and group",
    [HR_CTL_CAPS] = "The container keeps only the capabilities the profile allows",
    [HR_CTL_NO_NEW_PRIVILEGES] = "The container cannot gain privileges (no_new_privs)",
    [HR_CTL_ROOTFS] = "The root filesystem is read-only and no host path",
    [HR_CTL_PATHS] = "Kernel interfaces are masked or read-only",
    [HR_CTL_MOUNTS] = "No sensitive host path, runtime socket or shared propagation is mounted",
    [HR_CTL_DEVICES] = "No host devices",
    [HR_CTL_NAMESPACES] = "The container has its own namespaces, not the host's",
    [HR_CTL_SYSCTLS] = "Only allowed sysctls",
    [HR_CTL_HOOKS] = "Only allowed OCI hooks",
    [HR_CTL_ANNOTATIONS] = "No annotations that change the runtime's behaviour",
    [HR_CTL_PIDS] = "The number of processes is limited",
    [HR_CTL_SECCOMP] = "The container runs under hardrun's seccomp filter",
    [HR_CTL_APPARMOR] = "The container runs under an AppArmor profile",
    [HR_CTL_SELINUX] = "The container runs with an SELinux label of the container types",
  };
  struct hr_json *rules = hr_json_new_array ();
  for (int c = 0; c < HR_CTL_COUNT; c++)
    {
      char id[64];
      snprintf (id, sizeof id, "hardrun/%s", hr_control_name (c));
      struct hr_json *r = hr_json_new_object ();
      jset (r, "id", id);
      jset (r, "name", hr_control_name (c));
      jset (hr_json_ensure_object (r, "shortDescription"), "text", what[c] ? what[c] : hr_control_name (c));
      hr_json_append (rules, r, NULL);
    }
  return rules;
}

/* containerd's RuntimeDefault filter: a config.json containerd wrote for a
 * container with seccompProfile RuntimeDefault (the filter then applies to
 * containers with its bounding set), or just its "linux.seccomp" (for any
 * container). *RET_DOC owns what RET borrows. */
static int
load_seccomp_default (const char *path, struct hr_json **ret_doc, struct hr_kube_seccomp_default *ret,
                      struct hr_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  cleanup_json struct hr_json *doc = NULL;
  int r = read_input (path, &buf, &len, err);
  if (r == 0)
    r = hr_json_parse (buf, len, path, &doc, err);
  if (r < 0)
    return r;
  const struct hr_json *f = hr_json_get_path (doc, "linux.seccomp");
  const struct hr_json *bounding = hr_json_get_path (doc, "process.capabilities.bounding");
  memset (ret, 0, sizeof *ret);
  if (f)
    {
      bool unknown = false;
      ret->caps = hr_caps_from_list (bounding, &unknown);
      ret->have_caps = true;
    }
  else
    f = doc;
  if (!hr_json_is_object (f) || !hr_json_is_string (hr_json_get (f, "defaultAction")))
    return hr_error_set (err, EINVAL, "\"%s\": not a seccomp filter (an object with \"defaultAction\")", path);
  ret->filter = f;
  *ret_doc = steal_pointer (&doc);
  return 0;
}

/* What this machine says about the node: see hr_kube_node. */
static void
node_from_host (struct hr_kube_node *node, bool no_apparmor)
{
  struct statfs sfs;
  node->cgroup_unified = statfs ("/sys/fs/cgroup", &sfs) == 0 && (unsigned long) sfs.f_type == CGROUP2_SUPER_MAGIC;
  node->apparmor = !no_apparmor && hr_host_apparmor_enabled ();
  node->all_caps = hr_host_bounding_caps ();
}

int
hr_kube_explain (const struct hr_cmdline *cmd, struct hr_error *err)
{
  enum format format = FMT_TEXT;
  bool no_apparmor = false;
  const char *seccomp_files[HR_ARRAY_SIZE (((struct hr_kube_node *) 0)->seccomp_defaults)];
  size_t n_seccomp = 0;
  const char *files[4096];
  size_t n_files = 0;
  for (size_t i = 0; i < cmd->n_args; i++)
    {
      const char *a = cmd->args[i];
      if (strcmp (a, "--kubernetes") == 0)
        continue;
      if (strcmp (a, "--json") == 0)
        format = FMT_JSON;
      else if (strcmp (a, "--sarif") == 0)
        format = FMT_SARIF;
      else if (strcmp (a, "--no-apparmor") == 0)
        no_apparmor = true;
      else if (strcmp (a, "--runtime-default-seccomp") == 0 && i + 1 < cmd->n_args)
        {
          if (n_seccomp >= HR_ARRAY_SIZE (seccomp_files))
            return hr_error_set (err, E2BIG, "explain --kubernetes: more than %zu --runtime-default-seccomp",
                                 HR_ARRAY_SIZE (seccomp_files));
          seccomp_files[n_seccomp++] = cmd->args[++i];
        }
      else if (a[0] == '-' && a[1] != '\0')
        return hr_error_set (err, EINVAL, "explain --kubernetes: unknown option \"%s\"", a);
      else if (n_files >= HR_ARRAY_SIZE (files))
        return hr_error_set (err, E2BIG, "explain --kubernetes: more than %zu files", HR_ARRAY_SIZE (files));
      else
        files[n_files++] = a;
    }
  if (n_files == 0)
    return hr_error_set (err, EINVAL,
                         "explain: usage: hardrun explain --kubernetes [--json|--sarif] [--no-apparmor] "
                         "[--runtime-default-seccomp FILE] FILE...");

  struct run run = { .cmd = cmd, .format = format };
  node_from_host (&run.node, no_apparmor);
  struct hr_json *seccomp_docs[HR_ARRAY_SIZE (seccomp_files)] = { NULL };
  int r = 0;
  for (size_t i = 0; i < n_seccomp && r == 0; i++)
    r = load_seccomp_default (seccomp_files[i], &seccomp_docs[i], &run.node.seccomp_defaults[i], err);
  run.node.n_seccomp_defaults = n_seccomp;
  struct hr_settings s;
  if (r == 0)
    r = hr_settings_load (cmd, &s, err);
  if (r < 0)
    {
      for (size_t i = 0; i < n_seccomp; i++)
        hr_json_free (seccomp_docs[i]);
      return r;
    }
  run.s = &s;
  cleanup_json struct hr_json *out = NULL;
  if (format != FMT_TEXT)
    {
      out = hr_json_new_object ();
      run.pods = hr_json_new_array ();
      if (format == FMT_SARIF)
        run.results = hr_json_new_array ();
      if (out == NULL || run.pods == NULL || (format == FMT_SARIF && run.results == NULL))
        {
          hr_json_free (run.pods);
          hr_json_free (run.results);
          hr_settings_release (&s);
          return hr_error_set (err, ENOMEM, "out of memory");
        }
    }
  for (size_t i = 0; i < n_files && r == 0; i++)
    r = explain_file (&run, files[i], err);
  if (r == 0 && format == FMT_JSON)
    {
      jset (out, "verdict", verdict_name (run.status));
      hr_json_set (out, "pods", steal_pointer (&run.pods), NULL);
    }
  else if (r == 0 && format == FMT_SARIF)
    {
      jset (out, "$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
      jset (out, "version", "2.1.0");
      struct hr_json *runobj = hr_json_new_object ();
      struct hr_json *driver = hr_json_ensure_object (hr_json_ensure_object (runobj, "tool"), "driver");
      jset (driver, "name", "hardrun");
      jset (driver, "version", PACKAGE_VERSION);
      hr_json_set (driver, "rules", sarif_rules (), NULL);
      hr_json_set (runobj, "results", steal_pointer (&run.results), NULL);
      hr_json_append (hr_json_ensure_array (out, "runs"), runobj, NULL);
    }
  if (r == 0 && out)
    {
      cleanup_free char *text = NULL;
      size_t len;
      r = hr_json_serialize (out, true, &text, &len, err);
      if (r == 0)
        printf ("%s\n", text);
    }
  else if (r == 0)
    printf ("verdict: %s\n", verdict_name (run.status));
  stage_remove (&run);
  hr_json_free (run.pods);
  hr_json_free (run.results);
  hr_settings_release (&s);
  for (size_t i = 0; i < n_seccomp; i++)
    hr_json_free (seccomp_docs[i]);
  fflush (stdout);
  return r < 0 ? r : run.status;
}
