/* The exec ceiling; see exec.h. */
#include "config.h"
#include "policy/exec.h"
#include "policy/process.h"
#include "cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
hr_ceiling_release (struct hr_ceiling *c)
{
  if (c == NULL)
    return;
  free (c->apparmor);
  free (c->selinux);
  free (c->rootfs);
  memset (c, 0, sizeof *c);
}

static int
dup_str (const struct hr_json *v, char **ret)
{
  const char *s = hr_json_string (v);
  *ret = NULL;
  if (s == NULL || *s == '\0')
    return 0;
  *ret = strdup (s);
  return *ret ? 0 : -ENOMEM;
}

int
hr_ceiling_from_record (const struct hr_json *record, struct hr_ceiling *ret, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  const struct hr_json *p = hr_json_get (record, "process");
  if (!hr_json_is_object (p))
    return hr_error_set (err, EINVAL, "container record has no process");
  int64_t uid = 0, gid = 0;
  hr_json_int_value (hr_json_get_path (p, "user.uid"), 0, UINT32_MAX, &uid);
  hr_json_int_value (hr_json_get_path (p, "user.gid"), 0, UINT32_MAX, &gid);
  ret->from_record = true;
  ret->uid = (uint32_t) uid;
  ret->gid = (uint32_t) gid;
  const struct hr_json *caps = hr_json_get (p, "capabilities");
  ret->bounding = caps ? hr_caps_from_list (hr_json_get (caps, "bounding"), NULL) : ~UINT64_C (0);
  const char *bundle = hr_json_string (hr_json_get (record, "bundle"));
  const char *root = hr_json_string (hr_json_get (record, "path"));
  if (bundle && bundle[0] == '/' && root && *root)
    ret->rootfs = root[0] == '/' ? strdup (root) : hr_host_dir_resolved (bundle, root);
  if (dup_str (hr_json_get (p, "apparmorProfile"), &ret->apparmor) < 0
      || dup_str (hr_json_get (p, "selinuxLabel"), &ret->selinux) < 0)
    {
      hr_ceiling_release (ret);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

int
hr_ceiling_from_profile (const struct hr_profile *p, struct hr_ceiling *ret, struct hr_error *err)
{
  (void) err;
  memset (ret, 0, sizeof *ret);
  ret->uid = p->run_as_uid;
  ret->gid = p->run_as_gid;
  ret->bounding = p->caps_allowed;
  ret->strict_request = p->caps_strict_request;
  return 0;
}

static struct hr_apply
apply_for (const struct hr_policy_ctx *ctx, enum hr_control_id id, struct hr_report *rep)
{
  return (struct hr_apply) { .ctx = ctx, .control = id, .mode = ctx->profile->mode[id], .report = rep };
}

static bool
same (const char *a, const char *b)
{
  return (a == NULL || *a == '\0') ? (b == NULL || *b == '\0') : (b && strcmp (a, b) == 0);
}

/* apparmorProfile / selinuxLabel of the process become the container's. */
static int
hold_label (struct hr_apply *a, struct hr_json *process, const char *key, const char *want, struct hr_error *err)
{
  const char *have = hr_json_string (hr_json_get (process, key));
  if (same (have, want))
    return 0;
  char field[64];
  snprintf (field, sizeof field, "process.%s", key);
  if (!hr_violation (a, field, "\"%s\" differs from the container's \"%s\"; set to the container's",
                     have ? have : "", want ? want : ""))
    return 0;
  if (want == NULL)
    {
      hr_json_remove (process, key);
      return 0;
    }
  return hr_json_set (process, key, hr_json_new_string (want), err);
}

int
hr_exec_apply_process (const struct hr_policy_ctx *ctx, const struct hr_ceiling *c, struct hr_json *process,
                       struct hr_report *report, struct hr_error *err)
{
  memset (report, 0, sizeof *report);
  int r = 0;
  struct hr_apply a;

  a = apply_for (ctx, HR_CTL_USER, report);
  if (a.mode != HR_MODE_OFF && !(c->from_record && c->uid == 0))
    r = hr_process_user (&a, process, "process", false, c->from_record && c->gid == 0, c->uid, c->gid, err);

  a = apply_for (ctx, HR_CTL_CAPS, report);
  if (r == 0 && a.mode != HR_MODE_OFF)
    {
      const struct hr_json *caps = hr_json_get (process, "capabilities");
      uint64_t asked = 0;
      for (int s = 0; s < HR_CAPSET_COUNT; s++)
        asked |= hr_caps_from_list (hr_json_get (caps, hr_capset_names[s]), NULL);
      uint64_t keep = asked & c->bounding;
      if (c->strict_request && (asked & ~c->bounding))
        keep = 0;
      r = hr_process_caps (&a, process, "process", keep, err);
    }

  a = apply_for (ctx, HR_CTL_NO_NEW_PRIVILEGES, report);
  if (r == 0 && a.mode != HR_MODE_OFF)
    r = hr_process_no_new_privileges (&a, process, "process", err);

  a = apply_for (ctx, HR_CTL_PATHS, report);
  if (r == 0 && a.mode != HR_MODE_OFF)
    hr_cwd_check (&a, "process.cwd", hr_json_string (hr_json_get (process, "cwd")), c->rootfs);

  a = apply_for (ctx, HR_CTL_APPARMOR, report);
  if (r == 0 && a.mode != HR_MODE_OFF && (c->from_record || hr_json_get (process, "apparmorProfile")))
    r = hold_label (&a, process, "apparmorProfile", c->apparmor, err);

  a = apply_for (ctx, HR_CTL_SELINUX, report);
  if (r == 0 && a.mode != HR_MODE_OFF && (c->from_record || hr_json_get (process, "selinuxLabel")))
    r = hold_label (&a, process, "selinuxLabel", c->selinux, err);

  if (r == 0 && report->oom)
    r = hr_error_set (err, ENOMEM, "out of memory");
  return r;
}

/* ---- flags ---- */

void
hr_exec_argv_release (struct hr_exec_argv *a)
{
  if (a == NULL)
    return;
  for (size_t i = 0; i < a->n_owned; i++)
    free (a->owned[i]);
  free (a->owned);
  free (a->argv);
  memset (a, 0, sizeof *a);
}

/* Go's strconv.Atoi on 64 bits, then runc's uint32() conversion. */
static bool
go_atoi_u32 (const char *s, size_t len, uint32_t *ret)
{
  char buf[32];
  if (len == 0 || len >= sizeof buf)
    return false;
  memcpy (buf, s, len);
  buf[len] = '\0';
  const char *p = buf;
  bool neg = false;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  if (*p == '\0')
    return false;
  uint64_t v = 0;
  for (; *p; p++)
    {
      if (*p < '0' || *p > '9')
        return false;
      unsigned d = (unsigned) (*p - '0');
      if (v > (UINT64_MAX - d) / 10)
        return false;
      v = v * 10 + d;
    }
  if ((!neg && v > (uint64_t) INT64_MAX) || (neg && v > (uint64_t) INT64_MAX + 1))
    return false;
  *ret = (uint32_t) (neg ? (uint64_t) 0 - v : v);
  return true;
}

enum edit
{
  KEEP,
  DROP,
  REPLACE,
};

struct flag_edit
{
  enum edit what;
  char *value;                  /* REPLACE: the new value (owned until moved) */
};

static int
own (struct hr_exec_argv *ret, char *s)
{
  char **n = realloc (ret->owned, (ret->n_owned + 1) * sizeof (char *));
  if (n == NULL || s == NULL)
    {
      free (s);
      if (n)
        ret->owned = n;
      return -ENOMEM;
    }
  ret->owned = n;
  ret->owned[ret->n_owned++] = s;
  return 0;
}

int
hr_exec_apply_flags (const struct hr_policy_ctx *ctx, const struct hr_ceiling *c, const struct hr_cmdline *cmd,
                     struct hr_exec_argv *ret, struct hr_report *report, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  memset (report, 0, sizeof *report);
  cleanup_free struct flag_edit *edits = calloc (cmd->n_flags + 1, sizeof *edits);
  if (edits == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  int r = 0;

  if (!c->from_record && cmd->process_file == NULL)
    {
      /* Without --process, runc starts from the container's own process
       * spec; hardrun can vouch for it only if it hardened the container. */
      struct hr_apply a = apply_for (ctx, HR_CTL_USER, report);
      hr_refusal (&a, "exec", "container \"%s\" was not created through hardrun, so its process spec is not "
                  "known to be hardened; use exec --process", cmd->id ? cmd->id : "");
    }

  for (size_t i = 0; i < cmd->n_flags && r == 0; i++)
    {
      const struct hr_flag *f = &cmd->flags[i];
      struct hr_apply a;
      const char *v = f->value ? f->value : "";
      switch (f->id)
        {
        case HR_OPT_USER:
          {
            a = apply_for (ctx, HR_CTL_USER, report);
            if (a.mode == HR_MODE_OFF || c->uid == 0)
              break;
            const char *colon = strchr (v, ':');
            uint32_t uid = 1, gid = 1;
            bool uid_ok = go_atoi_u32 (v, colon ? (size_t) (colon - v) : strlen (v), &uid);
            bool gid_ok = colon ? go_atoi_u32 (colon + 1, strlen (colon + 1), &gid) : true;
            bool fix = false;
            /* runc rejects what Go's Atoi does not read, but crun reads the
             * value with strtol: "", " 0" and "1000:" are root to it. And
             * without a group runc keeps the container's, crun takes 0. */
            if (!uid_ok || !gid_ok)
              fix = hr_violation (&a, "exec --user", "\"%s\" is no uid[:gid] that runc reads and may be root to crun; "
                                  "set to %" PRIu32 ":%" PRIu32, v, c->uid, c->gid);
            else if (uid == 0 || (colon && gid == 0))
              fix = hr_violation (&a, "exec --user", "\"%s\" is root; set to %" PRIu32 ":%" PRIu32, v, c->uid,
                                  c->gid);
            else if (!colon && c->gid != 0)
              {
                if (hr_violation (&a, "exec --user", "\"%s\" names no group, which is group root to crun; set to "
                                  "%" PRIu32 ":%" PRIu32, v, uid, c->gid))
                  {
                    edits[i].what = REPLACE;
                    if (asprintf (&edits[i].value, "%" PRIu32 ":%" PRIu32, uid, c->gid) < 0)
                      r = hr_error_set (err, ENOMEM, "out of memory");
                  }
                break;
              }
            if (fix)
              {
                edits[i].what = REPLACE;
                if (asprintf (&edits[i].value, "%" PRIu32 ":%" PRIu32, c->uid, c->gid) < 0)
                  r = hr_error_set (err, ENOMEM, "out of memory");
              }
            break;
          }
        case HR_OPT_CWD:
          a = apply_for (ctx, HR_CTL_PATHS, report);
          if (a.mode != HR_MODE_OFF)
            hr_cwd_check (&a, "exec --cwd", v, c->rootfs);
          break;
        case HR_OPT_ADDITIONAL_GIDS:
          {
            a = apply_for (ctx, HR_CTL_USER, report);
            uint32_t g = 1;
            if (a.mode != HR_MODE_OFF && go_atoi_u32 (v, strlen (v), &g) && g == 0
                && hr_violation (&a, "exec --additional-gids", "\"%s\" is group root; removed", v))
              edits[i].what = DROP;
            break;
          }
        case HR_OPT_CAP:
          {
            a = apply_for (ctx, HR_CTL_CAPS, report);
            int cap = hr_cap_from_name (v);
            bool within = cap >= 0 && strcmp (v, hr_cap_name (cap)) == 0 && (c->bounding & (UINT64_C (1) << cap));
            if (a.mode != HR_MODE_OFF && !within
                && hr_violation (&a, "exec --cap", "\"%s\" is beyond the container's capabilities; removed", v))
              edits[i].what = DROP;
            break;
          }
        case HR_OPT_NO_NEW_PRIVS:
          a = apply_for (ctx, HR_CTL_NO_NEW_PRIVILEGES, report);
          if (a.mode != HR_MODE_OFF && !f->bool_value
              && hr_violation (&a, "exec --no-new-privs", "set to false; set to true"))
            {
              /* the bare flag: runc and crun both accept it */
              edits[i].what = REPLACE;
              if ((edits[i].value = strdup ("--no-new-privs")) == NULL)
                r = hr_error_set (err, ENOMEM, "out of memory");
            }
          break;
        case HR_OPT_APPARMOR:
        case HR_OPT_PROCESS_LABEL:
          {
            bool aa = f->id == HR_OPT_APPARMOR;
            a = apply_for (ctx, aa ? HR_CTL_APPARMOR : HR_CTL_SELINUX, report);
            const char *want = aa ? c->apparmor : c->selinux;
            if (a.mode == HR_MODE_OFF || same (v, want))
              break;
            if (!hr_violation (&a, aa ? "exec --apparmor" : "exec --process-label",
                               "\"%s\" differs from the container's \"%s\"; set to the container's", v,
                               want ? want : ""))
              break;
            if (want == NULL)
              edits[i].what = DROP;
            else
              {
                edits[i].what = REPLACE;
                if ((edits[i].value = strdup (want)) == NULL)
                  r = hr_error_set (err, ENOMEM, "out of memory");
              }
            break;
          }
        default:
          break;
        }
    }

  /* Without --user or --no-new-privs, runc takes them from the container's
   * process spec, but crun starts the process as root with
   * no_new_privileges off: name the container's values explicitly. */
  bool has_user = false, has_nnp = false;
  for (size_t i = 0; i < cmd->n_flags; i++)
    {
      has_user |= cmd->flags[i].id == HR_OPT_USER;
      has_nnp |= cmd->flags[i].id == HR_OPT_NO_NEW_PRIVS;
    }
  char *extra[2] = { NULL, NULL };
  size_t n_extra = 0;
  /* With --process the file says it all (and has been held to the ceiling). */
  bool flags_only = cmd->process_file == NULL;
  if (r == 0 && flags_only && !has_user && ctx->profile->mode[HR_CTL_USER] == HR_MODE_ENFORCE && c->uid != 0)
    {
      if (asprintf (&extra[n_extra], "--user=%" PRIu32 ":%" PRIu32, c->uid, c->gid) < 0 || own (ret, extra[n_extra]) < 0)
        r = hr_error_set (err, ENOMEM, "out of memory");
      n_extra++;
    }
  if (r == 0 && flags_only && !has_nnp && ctx->profile->mode[HR_CTL_NO_NEW_PRIVILEGES] == HR_MODE_ENFORCE)
    extra[n_extra++] = (char *) "--no-new-privs";

  /* Rebuild the argv: a dropped flag goes with its value; a replaced one
   * keeps its spelling ("--user X" or "--user=X"). */
  if (r == 0)
    {
      ret->argv = calloc ((size_t) cmd->runtime_argc + n_extra + 1, sizeof (char *));
      if (ret->argv == NULL)
        r = hr_error_set (err, ENOMEM, "out of memory");
    }
  size_t n = 0;
  for (int k = 0; r == 0 && ret->argv && k < cmd->runtime_argc;)
    {
      if (k == cmd->command_index + 1)
        for (size_t x = 0; x < n_extra; x++)
          ret->argv[n++] = extra[x];
      const struct hr_flag *f = NULL;
      struct flag_edit *e = NULL;
      for (size_t i = 0; i < cmd->n_flags; i++)
        if (cmd->flags[i].index == k)
          {
            f = &cmd->flags[i];
            e = &edits[i];
          }
      if (f == NULL || e->what == KEEP)
        {
          ret->argv[n++] = cmd->runtime_argv[k++];
          continue;
        }
      if (e->what == REPLACE)
        {
          char *s;
          if (f->id == HR_OPT_NO_NEW_PRIVS)
            s = steal_pointer (&e->value);
          else if (f->count == 2)
            {
              ret->argv[n++] = cmd->runtime_argv[k];
              s = steal_pointer (&e->value);
            }
          else
            {
              /* The user's own spelling ("-u=0" stays "-u="): runc refuses
               * "-u" and "--user" in one command line. */
              const char *arg = cmd->runtime_argv[k];
              const char *eq = strchr (arg, '=');
              int name_len = eq ? (int) (eq - arg) : (int) strlen (arg);
              if (asprintf (&s, "%.*s=%s", name_len, arg, e->value) < 0)
                s = NULL;
            }
          if (own (ret, s) < 0)
            {
              r = hr_error_set (err, ENOMEM, "out of memory");
              break;
            }
          ret->argv[n++] = s;
        }
      k += f->count;
    }
  for (size_t i = 0; i < cmd->n_flags; i++)
    free (edits[i].value);
  if (r == 0 && report->oom)
    r = hr_error_set (err, ENOMEM, "out of memory");
  if (r < 0)
    hr_exec_argv_release (ret);
  return r;
}
