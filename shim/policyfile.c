/* The policy file; see policyfile.h and hardrun-policy(5). */
#include "config.h"
#include "policyfile.h"
#include "cleanup.h"
#include "spec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PROFILES 256
#define MAX_RULES 1024
#define DEFAULT_AUDIT_FILE "/var/log/hardrun/audit.log"
/* containerd's runc v2 shim runs the runtime with --root
 * <containerd's state>/runc/<namespace>; its CRI plugin uses "k8s.io" */
#define HARDRUN_CRI_ROOT "/run/containerd/runc/k8s.io"

struct pctx
{
  const char *name;             /* file name for messages */
  struct hr_error *err;
};

/* FIELD.KEY (or KEY when FIELD is empty) into DST, cut to SIZE: the JSON
 * path of a member, for messages. snprintf() costs ten times as much, on
 * every member of every profile. */
static void
field_join (char *dst, size_t size, const char *field, const char *key)
{
  size_t a = strlen (field), b = strlen (key), n = 0;
  if (size == 0)
    return;
  size--;
  memcpy (dst, field, n = a < size ? a : size);
  if (a > 0 && n < size)
    dst[n++] = '.';
  size_t m = b < size - n ? b : size - n;
  memcpy (dst + n, key, m);
  dst[n + m] = '\0';
}

static int __attribute__ ((format (printf, 4, 5)))
perr (struct pctx *c, const struct hr_json *node, const char *field, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  if (node && node->line)
    return hr_error_set (c->err, EINVAL, "%s:%u: \"%s\": %s", c->name, node->line, field, msg);
  return hr_error_set (c->err, EINVAL, "%s: \"%s\": %s", c->name, field, msg);
}

/* Every member of OBJ must be one of KEYS (NULL-terminated). */
static int
only_keys (struct pctx *c, const struct hr_json *obj, const char *field, const char *const *keys)
{
  for (size_t i = 0; i < obj->u.obj.len; i++)
    {
      bool known = false;
      for (size_t k = 0; keys[k]; k++)
        if (strcmp (obj->u.obj.keys[i], keys[k]) == 0)
          known = true;
      if (!known)
        {
          char f[512];
          field_join (f, sizeof f, field, obj->u.obj.keys[i]);
          return perr (c, obj->u.obj.vals[i], f, "unknown field");
        }
    }
  return 0;
}

static int
get_string (struct pctx *c, const struct hr_json *obj, const char *key, const char *field, const char **ret)
{
  const struct hr_json *v = hr_json_member (obj, key);
  *ret = NULL;
  if (v == NULL)
    return 0;
  char f[512];
  field_join (f, sizeof f, field, key);
  if (!hr_json_is_string (v) || v->u.str.len == 0)
    return perr (c, v, f, "expected a non-empty string");
  *ret = v->u.str.s;
  return 0;
}

static int
set_owned (char **dst, const char *s)
{
  free (*dst);
  *dst = NULL;
  if (s == NULL)
    return 0;
  *dst = strdup (s);
  return *dst ? 0 : -ENOMEM;
}

/* A list of strings; CHECK (may be NULL) validates each. */
typedef int (*item_check) (struct pctx *c, const struct hr_json *item, const char *field);

static int
get_list (struct pctx *c, const struct hr_json *obj, const char *key, const char *field, item_check check,
          struct hr_strlist *ret, bool *present)
{
  const struct hr_json *v = hr_json_member (obj, key);
  *present = v != NULL;
  if (v == NULL)
    return 0;
  char f[512];
  field_join (f, sizeof f, field, key);
  if (!hr_json_is_array (v))
    return perr (c, v, f, "expected an array of strings");
  hr_strlist_release (ret);
  for (size_t i = 0; i < v->u.arr.len; i++)
    {
      const struct hr_json *item = v->u.arr.items[i];
      bool good = hr_json_is_string (item) && item->u.str.len > 0;
      struct hr_error *keep = c->err;
      int r = 0;
      if (good && check)
        {
          /* the item's path is formatted only for a message */
          c->err = NULL;
          r = check (c, item, f);
          c->err = keep;
        }
      if (!good || r < 0)
        {
          char fi[600];
          snprintf (fi, sizeof fi, "%s[%zu]", f, i);
          return good ? check (c, item, fi) : perr (c, item, fi, "expected a non-empty string");
        }
      if (hr_strlist_add (ret, item->u.str.s) < 0)
        return hr_error_set (c->err, ENOMEM, "out of memory");
    }
  return 0;
}

static int
check_abs_path (struct pctx *c, const struct hr_json *item, const char *field)
{
  if (item->u.str.s[0] != '/')
    return perr (c, item, field, "\"%s\" is not an absolute path", item->u.str.s);
  if (item->u.str.len > HR_SPEC_MAX_PATH)
    return perr (c, item, field, "path too long");
  return 0;
}

/* Names as runc spells them (CAP_ + upper case) from hardrun's table of the
 * kernel's capabilities. "hardrun policy check" also asks libcap. */
static int
check_cap (struct pctx *c, const struct hr_json *item, const char *field)
{
  const char *name = item->u.str.s;
  int cap = hr_cap_from_name (name);
  if (strncmp (name, "CAP_", 4) != 0 || cap < 0 || strcmp (hr_cap_name (cap), name) != 0)
    return perr (c, item, field, "unknown capability \"%s\"", name);
  return 0;
}

/* An image allowlist entry: a repository glob, optionally "@sha256:<64 hex>". */
static int
check_image (struct pctx *c, const struct hr_json *item, const char *field)
{
  const char *s = item->u.str.s;
  const char *at = strchr (s, '@');
  if (item->u.str.len > 1000 || at == s)
    return perr (c, item, field, "\"%s\" is not an image repository", s);
  if (at && (strncmp (at + 1, "sha256:", 7) != 0 || strlen (at + 8) != 64
             || strspn (at + 8, "0123456789abcdef") != 64))
    return perr (c, item, field, "\"%s\": a digest is \"sha256:\" and 64 lower-case hex digits", s);
  return 0;
}

static int
check_pattern_list (struct pctx *c, const struct hr_json *v, const char *field, struct hr_strlist *ret)
{
  if (!hr_json_is_array (v))
    return perr (c, v, field, "expected an array of patterns");
  if (hr_json_len (v) > 256)
    return perr (c, v, field, "more than 256 patterns");
  for (size_t i = 0; i < hr_json_len (v); i++)
    {
      const struct hr_json *item = hr_json_at (v, i);
      if (!hr_json_is_string (item) || item->u.str.len > 1024)
        {
          char fi[600];
          snprintf (fi, sizeof fi, "%s[%zu]", field, i);
          return perr (c, item, fi, "expected a pattern string of at most 1024 bytes");
        }
      if (hr_strlist_add (ret, item->u.str.s) < 0)
        return hr_error_set (c->err, ENOMEM, "out of memory");
    }
  return 0;
}

/* hooks.allow: each entry a program path (any argv, any env), or an object
 * {"path", "args", "env"} that also fixes the argv and environment. */
static int
get_hooks (struct pctx *c, const struct hr_json *v, const char *field, struct hr_hook_list *ret)
{
  static const char *const hook_keys[] = { "path", "args", "env", "comment", NULL };
  if (v == NULL)
    return 0;
  if (!hr_json_is_array (v))
    return perr (c, v, field, "expected an array of hooks");
  if (hr_json_len (v) > 256)
    return perr (c, v, field, "more than 256 hooks");
  hr_hook_list_release (ret);
  for (size_t i = 0; i < hr_json_len (v); i++)
    {
      const struct hr_json *item = hr_json_at (v, i);
      char fi[600], ff[700];
      snprintf (fi, sizeof fi, "%s[%zu]", field, i);
      struct hr_hook_rule h = { 0 };
      int r = 0;
      const struct hr_json *pv = item;
      if (hr_json_is_object (item))
        {
          if ((r = only_keys (c, item, fi, hook_keys)) < 0)
            return r;
          pv = hr_json_member (item, "path");
          field_join (ff, sizeof ff, fi, "path");
        }
      else
        snprintf (ff, sizeof ff, "%s", fi);
      if (pv == NULL || !hr_json_is_string (pv) || pv->u.str.len == 0)
        return perr (c, pv ? pv : item, ff, "expected a program path or an object with \"path\"");
      if ((r = check_abs_path (c, pv, ff)) < 0)
        return r;
      h.path = (char *) pv->u.str.s;
      h.any_args = h.any_env = !hr_json_is_object (item);
      if (hr_json_is_object (item))
        {
          const struct hr_json *args = hr_json_member (item, "args");
          const struct hr_json *env = hr_json_member (item, "env");
          h.any_args = args == NULL;
          field_join (ff, sizeof ff, fi, "args");
          if (args && (r = check_pattern_list (c, args, ff, &h.args)) < 0)
            goto next;
          field_join (ff, sizeof ff, fi, "env");
          if (env && (r = check_pattern_list (c, env, ff, &h.env)) < 0)
            goto next;
        }
      if (hr_hook_list_add (ret, &h) < 0)
        r = hr_error_set (c->err, ENOMEM, "out of memory");
    next:
      hr_strlist_release (&h.args);
      hr_strlist_release (&h.env);
      if (r < 0)
        return r;
    }
  return 0;
}

static const char *const control_keys[] = {
  "user", "caps", "no_new_privileges", "rootfs", "paths", "mounts", "devices", "namespaces",
  "sysctls", "hooks", "annotations", "pids", "seccomp", "apparmor", "selinux", "images", NULL,
};

static const char *const profile_keys[] = {
  "name", "extends", "description", "mode", "modes", "user", "caps", "rootfs", "hooks", "mounts",
  "sysctls", "pids", "seccomp", "apparmor", "selinux", "images", NULL,
};

static int
parse_mode (struct pctx *c, const struct hr_json *v, const char *field, enum hr_mode *ret)
{
  const char *s = hr_json_string (v);
  int m = s ? hr_mode_from_name (s) : -1;
  if (m < 0)
    return perr (c, v, field, "expected one of \"enforce\", \"audit\", \"deny\", \"off\"");
  *ret = (enum hr_mode) m;
  return 0;
}

static const struct hr_json *
member_obj (struct pctx *c, const struct hr_json *o, const char *key, const char *field, const char *const *keys,
            int *r)
{
  const struct hr_json *v = hr_json_member (o, key);
  *r = 0;
  if (v == NULL)
    return NULL;
  char f[512];
  field_join (f, sizeof f, field, key);
  if (!hr_json_is_object (v))
    {
      *r = perr (c, v, f, "expected an object");
      return NULL;
    }
  *r = only_keys (c, v, f, keys);
  return *r < 0 ? NULL : v;
}

/* Applies the fields of profile object O (at FIELD) on top of P. */
static int
apply_profile_fields (struct pctx *c, const struct hr_json *o, const char *field, struct hr_profile *p)
{
  int r;
  char f[512];
  bool present;
  const struct hr_json *v;

  if ((v = hr_json_member (o, "mode")))
    {
      enum hr_mode m = HR_MODE_ENFORCE;
      field_join (f, sizeof f, field, "mode");
      if ((r = parse_mode (c, v, f, &m)) < 0)
        return r;
      for (int i = 0; i < HR_CTL_COUNT; i++)
        p->mode[i] = m;
    }
  const struct hr_json *modes = member_obj (c, o, "modes", field, control_keys, &r);
  if (r < 0)
    return r;
  for (size_t i = 0; modes && i < modes->u.obj.len; i++)
    {
      snprintf (f, sizeof f, "%s.modes.%s", field, modes->u.obj.keys[i]);
      if ((r = parse_mode (c, modes->u.obj.vals[i], f, &p->mode[hr_control_from_name (modes->u.obj.keys[i])])) < 0)
        return r;
    }

  static const char *const user_keys[] = { "uid", "gid", NULL };
  const struct hr_json *user = member_obj (c, o, "user", field, user_keys, &r);
  if (r < 0)
    return r;
  static const char *const id_keys[] = { "uid", "gid" };
  for (size_t k = 0; user && k < 2; k++)
    {
      const struct hr_json *id = hr_json_member (user, id_keys[k]);
      int64_t n;
      if (id == NULL)
        continue;
      snprintf (f, sizeof f, "%s.user.%s", field, id_keys[k]);
      if (!hr_json_int_value (id, 1, UINT32_MAX - 1, &n))
        return perr (c, id, f, "expected a non-root id from 1 to 4294967294");
      if (k == 0)
        p->run_as_uid = (uint32_t) n;
      else
        p->run_as_gid = (uint32_t) n;
    }

  static const char *const caps_keys[] = { "allow", "strictRequest", NULL };
  const struct hr_json *caps = member_obj (c, o, "caps", field, caps_keys, &r);
  if (r < 0)
    return r;
  if (caps)
    {
      struct hr_strlist l = { 0 };
      field_join (f, sizeof f, field, "caps");
      r = get_list (c, caps, "allow", f, check_cap, &l, &present);
      if (r == 0 && present)
        {
          p->caps_allowed = 0;
          for (size_t i = 0; i < l.n; i++)
            p->caps_allowed |= UINT64_C (1) << hr_cap_from_name (l.v[i]);
        }
      hr_strlist_release (&l);
      if (r < 0)
        return r;
      if ((v = hr_json_member (caps, "strictRequest")))
        {
          field_join (f, sizeof f, field, "caps.strictRequest");
          if (!hr_json_is_bool (v))
            return perr (c, v, f, "expected a boolean");
          p->caps_strict_request = v->type == HR_JSON_TRUE;
        }
    }

  static const char *const rootfs_keys[] = { "tmpfs", "tmpfsSize", NULL };
  const struct hr_json *rootfs = member_obj (c, o, "rootfs", field, rootfs_keys, &r);
  if (r < 0)
    return r;
  if (rootfs)
    {
      const char *size;
      field_join (f, sizeof f, field, "rootfs");
      if ((r = get_list (c, rootfs, "tmpfs", f, check_abs_path, &p->tmpfs_paths, &present)) < 0
          || (r = get_string (c, rootfs, "tmpfsSize", f, &size)) < 0)
        return r;
      if (size)
        {
          size_t n = strspn (size, "0123456789");
          field_join (f, sizeof f, field, "rootfs.tmpfsSize");
          if (n == 0 || (size[n] && (strchr ("kmgKMG%", size[n]) == NULL || size[n + 1])))
            return perr (c, hr_json_member (rootfs, "tmpfsSize"), f,
                         "expected a tmpfs size such as \"65536k\", \"64m\" or \"10%%\"");
          if (set_owned (&p->tmpfs_size, size) < 0)
            return hr_error_set (c->err, ENOMEM, "out of memory");
        }
    }

  static const char *const allow_keys[] = { "allow", NULL };
  const struct hr_json *hooks = member_obj (c, o, "hooks", field, allow_keys, &r);
  if (r < 0)
    return r;
  field_join (f, sizeof f, field, "hooks.allow");
  if (hooks && (r = get_hooks (c, hr_json_member (hooks, "allow"), f, &p->hooks_allow)) < 0)
    return r;

  const struct hr_json *images = member_obj (c, o, "images", field, allow_keys, &r);
  if (r < 0)
    return r;
  field_join (f, sizeof f, field, "images");
  if (images && (r = get_list (c, images, "allow", f, check_image, &p->images_allow, &present)) < 0)
    return r;

  static const char *const mounts_keys[] = { "readonlyHostPaths", NULL };
  const struct hr_json *mounts = member_obj (c, o, "mounts", field, mounts_keys, &r);
  if (r < 0)
    return r;
  field_join (f, sizeof f, field, "mounts");
  if (mounts && (r = get_list (c, mounts, "readonlyHostPaths", f, check_abs_path, &p->readonly_host_paths, &present)) < 0)
    return r;

  static const char *const sysctls_keys[] = { "allow", "unprivilegedPorts", NULL };
  const struct hr_json *sysctls = member_obj (c, o, "sysctls", field, sysctls_keys, &r);
  if (r < 0)
    return r;
  field_join (f, sizeof f, field, "sysctls");
  if (sysctls && (r = get_list (c, sysctls, "allow", f, NULL, &p->sysctls, &present)) < 0)
    return r;
  if (sysctls && (v = hr_json_member (sysctls, "unprivilegedPorts")))
    {
      field_join (f, sizeof f, field, "sysctls.unprivilegedPorts");
      if (!hr_json_is_bool (v))
        return perr (c, v, f, "expected a boolean");
      p->unprivileged_ports = v->type == HR_JSON_TRUE;
    }

  static const char *const pids_keys[] = { "limit", NULL };
  const struct hr_json *pids = member_obj (c, o, "pids", field, pids_keys, &r);
  if (r < 0)
    return r;
  if (pids && (v = hr_json_member (pids, "limit")))
    {
      int64_t n;
      field_join (f, sizeof f, field, "pids.limit");
      if (!hr_json_int_value (v, 0, INT64_MAX, &n))
        return perr (c, v, f, "expected an integer of 0 or more");
      p->pids_limit = n;
    }

  static const char *const seccomp_keys[] = { "profile", "compatArchitectures", NULL };
  const struct hr_json *sc = member_obj (c, o, "seccomp", field, seccomp_keys, &r);
  if (r < 0)
    return r;
  if (sc)
    {
      const char *s;
      field_join (f, sizeof f, field, "seccomp");
      if ((r = get_string (c, sc, "profile", f, &s)) < 0)
        return r;
      field_join (f, sizeof f, field, "seccomp.profile");
      if (s && s[0] != '/')
        return perr (c, hr_json_member (sc, "profile"), f, "expected an absolute path");
      if (s && set_owned (&p->seccomp_profile, s) < 0)
        return hr_error_set (c->err, ENOMEM, "out of memory");
      if ((v = hr_json_member (sc, "compatArchitectures")))
        {
          field_join (f, sizeof f, field, "seccomp.compatArchitectures");
          if (!hr_json_is_bool (v))
            return perr (c, v, f, "expected a boolean");
          p->seccomp_compat_arches = v->type == HR_JSON_TRUE;
        }
    }

  static const char *const aa_keys[] = { "profile", "file", NULL };
  const struct hr_json *aa = member_obj (c, o, "apparmor", field, aa_keys, &r);
  if (r < 0)
    return r;
  if (aa)
    {
      const char *name, *file;
      field_join (f, sizeof f, field, "apparmor");
      if ((r = get_string (c, aa, "profile", f, &name)) < 0 || (r = get_string (c, aa, "file", f, &file)) < 0)
        return r;
      if ((name && set_owned (&p->apparmor_profile, name) < 0) || (file && set_owned (&p->apparmor_file, file) < 0))
        return hr_error_set (c->err, ENOMEM, "out of memory");
    }

  static const char *const se_keys[] = { "type", "fileType", NULL };
  const struct hr_json *se = member_obj (c, o, "selinux", field, se_keys, &r);
  if (r < 0)
    return r;
  if (se)
    {
      const char *t, *ft;
      field_join (f, sizeof f, field, "selinux");
      if ((r = get_string (c, se, "type", f, &t)) < 0 || (r = get_string (c, se, "fileType", f, &ft)) < 0)
        return r;
      if ((t && set_owned (&p->selinux_type, t) < 0) || (ft && set_owned (&p->selinux_file_type, ft) < 0))
        return hr_error_set (c->err, ENOMEM, "out of memory");
    }
  return 0;
}

/* Raw profile definitions, resolved in a second pass for "extends". */
struct raw_profile
{
  const char *name;
  const char *file;             /* the file that defines it, for messages */
  const struct hr_json *obj;
  char field[300];
  int state;                    /* 0 new, 1 resolving, 2 done */
  long index;                   /* in policy->profiles once done */
};

static int resolve (struct pctx *c, struct hr_policy *pol, struct raw_profile *raw, size_t n, size_t i);

static int
base_profile (struct pctx *c, struct hr_policy *pol, struct raw_profile *raw, size_t n, const char *name,
              const struct hr_json *self, const struct hr_json *at, const char *field, const struct hr_profile **ret,
              struct hr_profile *builtin)
{
  for (size_t k = 0; k < n; k++)
    if (strcmp (raw[k].name, name) == 0 && raw[k].obj != self)
      {
        int r = resolve (c, pol, raw, n, k);
        if (r < 0)
          return r;
        *ret = &pol->profiles[raw[k].index];
        return 0;
      }
  struct hr_error e;
  if (hr_profile_builtin (name, builtin, &e) < 0)
    return perr (c, at, field, "extends unknown profile \"%s\"", name);
  *ret = builtin;
  return 0;
}

static int
resolve (struct pctx *c, struct hr_policy *pol, struct raw_profile *raw, size_t n, size_t i)
{
  struct raw_profile *rp = &raw[i];
  /* errors name the file that defines the profile (a profilesDir file) */
  struct pctx fc = { .name = rp->file, .err = c->err };
  if (rp->state == 2)
    return 0;
  if (rp->state == 1)
    return perr (&fc, rp->obj, rp->field, "\"extends\" loops back to \"%s\"", rp->name);
  rp->state = 1;

  const char *ext = NULL;
  int r = get_string (&fc, rp->obj, "extends", rp->field, &ext);
  if (r < 0)
    return r;
  struct hr_profile builtin = { 0 };
  const struct hr_profile *base = NULL;
  char f[400];
  field_join (f, sizeof f, rp->field, "extends");
  const struct hr_json *at = ext ? hr_json_member (rp->obj, "extends") : rp->obj;
  r = base_profile (&fc, pol, raw, n, ext ? ext : "restricted", rp->obj, at, f, &base, &builtin);
  if (r < 0)
    return r;
  struct hr_profile p;
  r = hr_profile_copy (base, &p, c->err);
  hr_profile_release (&builtin);
  if (r < 0)
    return r;
  if (set_owned (&p.name, rp->name) < 0)
    {
      hr_profile_release (&p);
      return hr_error_set (c->err, ENOMEM, "out of memory");
    }
  r = apply_profile_fields (&fc, rp->obj, rp->field, &p);
  if (r < 0)
    {
      hr_profile_release (&p);
      return r;
    }
  pol->profiles[pol->n_profiles] = p;
  rp->index = (long) pol->n_profiles++;
  rp->state = 2;
  return 0;
}

static int
parse_rule (struct pctx *c, const struct hr_json *o, const char *field, struct hr_rule *rule)
{
  static const char *const rule_keys[] = { "match", "profile", "selectAnnotation", "allowedProfiles", "trust",
                                           "comment", NULL };
  static const char *const match_keys[] = { "annotations", "namespace", "podName", "image", "containerType", NULL };
  char f[512];
  int r;
  if (!hr_json_is_object (o))
    return perr (c, o, field, "expected an object");
  if ((r = only_keys (c, o, field, rule_keys)) < 0)
    return r;
  const struct hr_json *m = member_obj (c, o, "match", field, match_keys, &r);
  if (r < 0)
    return r;
  static const struct
  {
    const char *key, *annotation;
  } shorthand[] = {
    { "namespace", "io.kubernetes.cri.sandbox-namespace" },
    { "podName", "io.kubernetes.cri.sandbox-name" },
    { "image", "io.kubernetes.cri.image-name" },
  };
  size_t cap = (m ? hr_json_len (hr_json_member (m, "annotations")) : 0) + 3;
  rule->annotations = calloc (cap, sizeof *rule->annotations);
  if (rule->annotations == NULL)
    return hr_error_set (c->err, ENOMEM, "out of memory");
  for (size_t k = 0; m && k < HR_ARRAY_SIZE (shorthand); k++)
    {
      const char *s;
      field_join (f, sizeof f, field, "match");
      if ((r = get_string (c, m, shorthand[k].key, f, &s)) < 0)
        return r;
      if (s)
        {
          struct hr_match_kv *kv = &rule->annotations[rule->n_annotations++];
          if (set_owned (&kv->key, shorthand[k].annotation) < 0 || set_owned (&kv->pattern, s) < 0)
            return hr_error_set (c->err, ENOMEM, "out of memory");
        }
    }
  const struct hr_json *ann = m ? hr_json_member (m, "annotations") : NULL;
  field_join (f, sizeof f, field, "match.annotations");
  if (ann && !hr_json_is_object (ann))
    return perr (c, ann, f, "expected an object of glob patterns");
  for (size_t k = 0; ann && k < ann->u.obj.len; k++)
    {
      const char *pat = hr_json_string (ann->u.obj.vals[k]);
      snprintf (f, sizeof f, "%s.match.annotations.%s", field, ann->u.obj.keys[k]);
      if (pat == NULL)
        return perr (c, ann->u.obj.vals[k], f, "expected a glob pattern string");
      struct hr_match_kv *kv = &rule->annotations[rule->n_annotations++];
      if (set_owned (&kv->key, ann->u.obj.keys[k]) < 0 || set_owned (&kv->pattern, pat) < 0)
        return hr_error_set (c->err, ENOMEM, "out of memory");
    }
  const char *ct = NULL;
  field_join (f, sizeof f, field, "match");
  if (m && (r = get_string (c, m, "containerType", f, &ct)) < 0)
    return r;
  field_join (f, sizeof f, field, "match.containerType");
  if (ct && strcmp (ct, "sandbox") != 0 && strcmp (ct, "container") != 0)
    return perr (c, hr_json_member (m, "containerType"), f, "expected \"sandbox\" or \"container\"");
  const char *prof = NULL, *sel = NULL;
  bool present;
  if ((r = get_string (c, o, "profile", field, &prof)) < 0 || (r = get_string (c, o, "selectAnnotation", field, &sel)) < 0
      || (r = get_list (c, o, "allowedProfiles", field, NULL, &rule->allowed, &present)) < 0)
    return r;
  if (prof == NULL && sel == NULL)
    return perr (c, o, field, "a rule needs \"profile\" or \"selectAnnotation\"");
  if (sel && rule->allowed.n == 0)
    return perr (c, o, field, "\"selectAnnotation\" needs a non-empty \"allowedProfiles\"");
  if (set_owned (&rule->container_type, ct) < 0 || set_owned (&rule->profile, prof) < 0
      || set_owned (&rule->select_annotation, sel) < 0)
    return hr_error_set (c->err, ENOMEM, "out of memory");
  const char *ns = m ? hr_json_string (hr_json_member (m, "namespace")) : NULL;
  rule->named_namespace = ns && strpbrk (ns, "*?[\\") == NULL;
  rule->trust = HR_TRUST_CRI | HR_TRUST_POD;
  const struct hr_json *trust = hr_json_member (o, "trust");
  field_join (f, sizeof f, field, "trust");
  if (trust && (!hr_json_is_array (trust) || hr_json_len (trust) == 0))
    return perr (c, trust, f, "expected a non-empty array of \"cri\", \"pod\", \"caller\"");
  if (trust)
    rule->trust = 0;
  for (size_t i = 0; i < hr_json_len (trust); i++)
    {
      const char *t = hr_json_string (hr_json_at (trust, i));
      unsigned bit = !t ? 0 : strcmp (t, "cri") == 0 ? HR_TRUST_CRI : strcmp (t, "pod") == 0 ? HR_TRUST_POD
                   : strcmp (t, "caller") == 0 ? HR_TRUST_CALLER : 0;
      if (bit == 0)
        {
          char fi[600];
          snprintf (fi, sizeof fi, "%s[%zu]", f, i);
          return perr (c, hr_json_at (trust, i), fi, "expected \"cri\", \"pod\" or \"caller\"");
        }
      rule->trust |= bit;
    }
  return 0;
}

static int
load_builtins (struct hr_policy *pol, struct hr_error *err)
{
  for (size_t i = 0; hr_builtin_profiles[i]; i++)
    {
      int r = hr_profile_builtin (hr_builtin_profiles[i], &pol->profiles[pol->n_profiles], err);
      if (r < 0)
        return r;
      pol->n_profiles++;
    }
  return 0;
}

static int
check_profile_ref (struct pctx *c, const struct hr_policy *pol, const char *name, const struct hr_json *at,
                   const char *field)
{
  if (hr_policy_profile (pol, name) == NULL)
    return perr (c, at, field, "no profile \"%s\"", name);
  return 0;
}

/* Profiles from DIR/ *.json, one profile each with a "name". */
static int
read_profiles_dir (struct pctx *c, const char *dir, struct hr_json **docs, size_t *n_docs, char names[][PATH_MAX])
{
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return hr_error_setsys (c->err, errno, "%s: profiles directory \"%s\"", c->name, dir);
  DIR *d = fdopendir (dfd);
  if (d == NULL)
    return hr_error_setsys (c->err, errno, "%s: profiles directory \"%s\"", c->name, dir);
  steal_fd (&dfd);          /* the DIR owns it now */
  struct dirent *e;
  char *files[MAX_PROFILES];
  size_t n = 0;
  int r = 0;
  while ((e = readdir (d)) && r == 0)
    {
      size_t len = strlen (e->d_name);
      if (e->d_name[0] == '.' || len < 6 || strcmp (e->d_name + len - 5, ".json") != 0)
        continue;
      if (n >= MAX_PROFILES)
        r = hr_error_set (c->err, E2BIG, "%s: more than %d profiles in \"%s\"", c->name, MAX_PROFILES, dir);
      else if ((files[n] = strdup (e->d_name)) == NULL)
        r = hr_error_set (c->err, ENOMEM, "out of memory");
      else
        n++;
    }
  closedir (d);
  /* sorted, so the order does not depend on the directory */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && strcmp (files[j - 1], files[j]) > 0; j--)
      {
        char *t = files[j];
        files[j] = files[j - 1];
        files[j - 1] = t;
      }
  for (size_t i = 0; i < n && r == 0; i++)
    {
      char path[PATH_MAX];
      snprintf (path, sizeof path, "%s/%s", dir, files[i]);
      cleanup_close int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
      cleanup_free char *buf = NULL;
      size_t len = 0;
      if (fd < 0)
        r = hr_error_setsys (c->err, errno, "%s", path);
      else if ((r = hr_read_fd_limited (fd, path, HR_JSON_MAX_BYTES, &buf, &len, c->err)) == 0
               && (r = hr_json_parse (buf, len, path, &docs[*n_docs], c->err)) == 0)
        snprintf (names[(*n_docs)++], PATH_MAX, "%s", path);
    }
  for (size_t i = 0; i < n; i++)
    free (files[i]);
  return r;
}

/* "monitor": {"socket": PATH, "enabled": BOOL, "attest": BOOL} */
static int
parse_monitor (struct pctx *c, const struct hr_json *doc, struct hr_policy *pol)
{
  static const char *const monitor_keys[] = { "socket", "enabled", "attest", "comment", NULL };
  int r;
  const struct hr_json *m = member_obj (c, doc, "monitor", "", monitor_keys, &r);
  if (m == NULL)
    return r;
  const char *sock;
  if ((r = get_string (c, m, "socket", "monitor", &sock)) < 0)
    return r;
  if (sock && (sock[0] != '/' || strlen (sock) >= 108))
    return perr (c, hr_json_member (m, "socket"), "monitor.socket", "expected an absolute path of at most 107 bytes");
  if (set_owned (&pol->monitor_socket, sock) < 0)
    return hr_error_set (c->err, ENOMEM, "out of memory");
  static const char *const flags[] = { "enabled", "attest" };
  bool *off[] = { &pol->monitor_off, &pol->attest_off };
  for (size_t i = 0; i < 2; i++)
    {
      const struct hr_json *v = hr_json_member (m, flags[i]);
      char f[32];
      field_join (f, sizeof f, "monitor", flags[i]);
      if (v && !hr_json_is_bool (v))
        return perr (c, v, f, "expected a boolean");
      *off[i] = v && v->type == HR_JSON_FALSE;
    }
  return 0;
}

static int
parse_doc (const struct hr_json *doc, const char *name, struct hr_policy *pol, struct hr_error *err)
{
  struct pctx c = { .name = name, .err = err };
  static const char *const top_keys[] = { "runtime", "defaultProfile", "profiles", "profilesDir", "rules", "audit",
                                          "floor", "cri", "comment", "monitor", NULL };
  int r;
  if (!hr_json_is_object (doc))
    return hr_error_set (err, EINVAL, "%s: expected a JSON object", name);
  if ((r = only_keys (&c, doc, "", top_keys)) < 0)
    return r;

  const char *runtime, *def, *pdir;
  if ((r = get_string (&c, doc, "runtime", "", &runtime)) < 0 || (r = get_string (&c, doc, "defaultProfile", "", &def)) < 0
      || (r = get_string (&c, doc, "profilesDir", "", &pdir)) < 0)
    return r;
  if (runtime && runtime[0] != '/')
    return perr (&c, hr_json_member (doc, "runtime"), "runtime", "expected an absolute path");
  if (set_owned (&pol->runtime, runtime) < 0 || set_owned (&pol->default_profile, def ? def : "restricted") < 0)
    return hr_error_set (err, ENOMEM, "out of memory");

  /* profiles: inline ones, then the directory's */
  const struct hr_json *profiles = hr_json_member (doc, "profiles");
  if (profiles && !hr_json_is_object (profiles))
    return perr (&c, profiles, "profiles", "expected an object of profiles");
  struct hr_json *dir_docs[MAX_PROFILES] = { 0 };
  static char dir_names[MAX_PROFILES][PATH_MAX];
  size_t n_dir = 0;
  char pdir_path[PATH_MAX];
  const char *slash = strrchr (name, '/');
  if (pdir && pdir[0] != '/' && slash)
    {
      /* relative to the policy file, not to the cwd (a bundle's, under an engine) */
      if ((size_t) snprintf (pdir_path, sizeof pdir_path, "%.*s/%s", (int) (slash - name), name, pdir) >= sizeof pdir_path)
        return perr (&c, hr_json_member (doc, "profilesDir"), "profilesDir", "path too long");
      pdir = pdir_path;
    }
  if (pdir && (r = read_profiles_dir (&c, pdir, dir_docs, &n_dir, dir_names)) < 0)
    goto out;
  size_t n_inline = hr_json_len (profiles);
  if (n_inline + n_dir > MAX_PROFILES)
    {
      r = hr_error_set (err, E2BIG, "%s: more than %d profiles", name, MAX_PROFILES);
      goto out;
    }
  struct raw_profile raw[MAX_PROFILES];
  size_t n_raw = 0;
  for (size_t i = 0; i < n_inline; i++)
    {
      raw[n_raw] = (struct raw_profile) {
        .name = profiles->u.obj.keys[i], .file = name, .obj = profiles->u.obj.vals[i], .index = -1,
      };
      snprintf (raw[n_raw].field, sizeof raw[n_raw].field, "profiles.%s", profiles->u.obj.keys[i]);
      if (!hr_json_is_object (raw[n_raw].obj))
        {
          r = perr (&c, raw[n_raw].obj, raw[n_raw].field, "expected an object");
          goto out;
        }
      if ((r = only_keys (&c, raw[n_raw].obj, raw[n_raw].field, profile_keys)) < 0)
        goto out;
      n_raw++;
    }
  for (size_t i = 0; i < n_dir; i++)
    {
      const char *pname = hr_json_string (hr_json_member (dir_docs[i], "name"));
      if (!hr_json_is_object (dir_docs[i]) || pname == NULL)
        {
          r = hr_error_set (err, EINVAL, "%s: expected a profile object with a \"name\"", dir_names[i]);
          goto out;
        }
      raw[n_raw] = (struct raw_profile) { .name = pname, .file = dir_names[i], .obj = dir_docs[i], .index = -1 };
      snprintf (raw[n_raw].field, sizeof raw[n_raw].field, "%s", pname);
      struct pctx dc = { .name = dir_names[i], .err = err };
      if ((r = only_keys (&dc, dir_docs[i], "", profile_keys)) < 0)
        goto out;
      n_raw++;
    }
  for (size_t i = 0; i < n_raw; i++)
    for (size_t k = 0; k < i; k++)
      if (strcmp (raw[i].name, raw[k].name) == 0)
        {
          struct pctx fc = { .name = raw[i].file, .err = err };
          r = perr (&fc, raw[i].obj, raw[i].field, "profile \"%s\" is defined twice", raw[i].name);
          goto out;
        }

  pol->profiles = calloc (n_raw + 8, sizeof *pol->profiles);
  if (pol->profiles == NULL)
    {
      r = hr_error_set (err, ENOMEM, "out of memory");
      goto out;
    }
  for (size_t i = 0; i < n_raw; i++)
    if ((r = resolve (&c, pol, raw, n_raw, i)) < 0)
      goto out;
  /* built-ins not redefined by the file */
  for (size_t i = 0; hr_builtin_profiles[i]; i++)
    if (hr_policy_profile (pol, hr_builtin_profiles[i]) == NULL)
      {
        if ((r = hr_profile_builtin (hr_builtin_profiles[i], &pol->profiles[pol->n_profiles], err)) < 0)
          goto out;
        pol->n_profiles++;
      }
  if ((r = check_profile_ref (&c, pol, pol->default_profile, hr_json_member (doc, "defaultProfile"), "defaultProfile")) < 0)
    goto out;

  const struct hr_json *rules = hr_json_member (doc, "rules");
  if (rules && !hr_json_is_array (rules))
    {
      r = perr (&c, rules, "rules", "expected an array of rules");
      goto out;
    }
  if (hr_json_len (rules) > MAX_RULES)
    {
      r = perr (&c, rules, "rules", "more than %d rules", MAX_RULES);
      goto out;
    }
  pol->rules = calloc (hr_json_len (rules) + 1, sizeof *pol->rules);
  if (pol->rules == NULL)
    {
      r = hr_error_set (err, ENOMEM, "out of memory");
      goto out;
    }
  for (size_t i = 0; i < hr_json_len (rules); i++)
    {
      char f[64];
      snprintf (f, sizeof f, "rules[%zu]", i);
      struct hr_rule *rule = &pol->rules[pol->n_rules++];
      const struct hr_json *ro = hr_json_at (rules, i);
      if ((r = parse_rule (&c, ro, f, rule)) < 0)
        goto out;
      char fr[96];
      field_join (fr, sizeof fr, f, "profile");
      if (rule->profile && (r = check_profile_ref (&c, pol, rule->profile, hr_json_member (ro, "profile"), fr)) < 0)
        goto out;
      for (size_t k = 0; k < rule->allowed.n; k++)
        {
          snprintf (fr, sizeof fr, "%s.allowedProfiles[%zu]", f, k);
          if ((r = check_profile_ref (&c, pol, rule->allowed.v[k], hr_json_at (hr_json_member (ro, "allowedProfiles"), k),
                                      fr)) < 0)
            goto out;
        }
    }

  int ra;
  const char *floor = NULL;
  if ((r = get_string (&c, doc, "floor", "", &floor)) < 0
      || (floor && (r = check_profile_ref (&c, pol, floor, hr_json_member (doc, "floor"), "floor")) < 0))
    goto out;
  if (set_owned (&pol->floor, floor) < 0)
    {
      r = hr_error_set (err, ENOMEM, "out of memory");
      goto out;
    }
  static const char *const cri_keys[] = { "runtimeRoots", NULL };
  const struct hr_json *cri = member_obj (&c, doc, "cri", "", cri_keys, &ra);
  bool present = false;
  if ((r = ra) < 0 || (cri && (r = get_list (&c, cri, "runtimeRoots", "cri", check_abs_path, &pol->cri_roots, &present)) < 0))
    goto out;
  if (!present && hr_strlist_add (&pol->cri_roots, HARDRUN_CRI_ROOT) < 0)
    {
      r = hr_error_set (err, ENOMEM, "out of memory");
      goto out;
    }

  static const char *const audit_keys[] = { "file", "syslog", NULL };
  const struct hr_json *audit = member_obj (&c, doc, "audit", "", audit_keys, &ra);
  if ((r = ra) < 0)
    goto out;
  const char *afile = DEFAULT_AUDIT_FILE;
  if (audit)
    {
      const struct hr_json *fv = hr_json_member (audit, "file");
      if (fv && fv->type == HR_JSON_NULL)
        afile = NULL;
      else if ((r = get_string (&c, audit, "file", "audit", &afile)) < 0)
        goto out;
      else if (afile == NULL)
        afile = DEFAULT_AUDIT_FILE;
      else if (afile[0] != '/')
        {
          r = perr (&c, fv, "audit.file", "expected an absolute path or null");
          goto out;
        }
      const struct hr_json *sv = hr_json_member (audit, "syslog");
      if (sv && !hr_json_is_bool (sv))
        {
          r = perr (&c, sv, "audit.syslog", "expected a boolean");
          goto out;
        }
      pol->audit_syslog = sv && sv->type == HR_JSON_TRUE;
    }
  if (set_owned (&pol->audit_file, afile) < 0)
    {
      r = hr_error_set (err, ENOMEM, "out of memory");
      goto out;
    }
  r = parse_monitor (&c, doc, pol);
out:
  for (size_t i = 0; i < n_dir; i++)
    hr_json_free (dir_docs[i]);
  return r;
}

int
hr_policy_parse (const char *buf, size_t len, const char *name, struct hr_policy *ret, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  cleanup_json struct hr_json *doc = NULL;
  int r = hr_json_parse (buf, len, name, &doc, err);
  if (r == 0)
    r = parse_doc (doc, name, ret, err);
  if (r == 0 && (ret->file = strdup (name)) == NULL)
    r = hr_error_set (err, ENOMEM, "out of memory");
  if (r < 0)
    hr_policy_release (ret);
  return r;
}

int
hr_policy_load (const char *path, bool explicit_path, struct hr_policy *ret, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  if (path == NULL)
    path = HARDRUN_POLICY_FILE;
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      int e = errno;
      struct stat st;
      /* a dangling symlink is a policy that went missing, not no policy */
      if (e == ENOENT && !explicit_path && lstat (path, &st) == 0)
        return hr_error_set (err, ENOENT, "policy file \"%s\": a symbolic link to a missing file", path);
      if (e == ENOENT && !explicit_path)
        {
          /* no policy file: the built-in profiles, restricted by default */
          ret->profiles = calloc (8, sizeof *ret->profiles);
          ret->default_profile = strdup ("restricted");
          ret->audit_file = strdup (DEFAULT_AUDIT_FILE);
          if (ret->profiles == NULL || ret->default_profile == NULL || ret->audit_file == NULL
              || hr_strlist_add (&ret->cri_roots, HARDRUN_CRI_ROOT) < 0
              || load_builtins (ret, err) < 0)
            {
              hr_policy_release (ret);
              return hr_error_set (err, ENOMEM, "out of memory");
            }
          return 0;
        }
      return hr_error_setsys (err, e, "policy file \"%s\"", path);
    }
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r = hr_read_fd_limited (fd, path, HR_JSON_MAX_BYTES, &buf, &len, err);
  if (r < 0)
    return hr_error_prefix (err, "policy file");
  return hr_policy_parse (buf, len, path, ret, err);
}

void
hr_policy_release (struct hr_policy *p)
{
  if (p == NULL)
    return;
  free (p->file);
  free (p->runtime);
  free (p->default_profile);
  for (size_t i = 0; i < p->n_profiles; i++)
    hr_profile_release (&p->profiles[i]);
  free (p->profiles);
  for (size_t i = 0; i < p->n_rules; i++)
    {
      struct hr_rule *r = &p->rules[i];
      for (size_t k = 0; k < r->n_annotations; k++)
        {
          free (r->annotations[k].key);
          free (r->annotations[k].pattern);
        }
      free (r->annotations);
      free (r->container_type);
      free (r->profile);
      free (r->select_annotation);
      hr_strlist_release (&r->allowed);
    }
  free (p->rules);
  free (p->audit_file);
  free (p->monitor_socket);
  free (p->floor);
  hr_strlist_release (&p->cri_roots);
  memset (p, 0, sizeof *p);
}

const struct hr_profile *
hr_policy_profile (const struct hr_policy *p, const char *name)
{
  for (size_t i = 0; name && i < p->n_profiles; i++)
    if (p->profiles[i].name && strcmp (p->profiles[i].name, name) == 0)
      return &p->profiles[i];
  return NULL;
}

static const char *
annotation (const struct hr_json *ann, const char *key)
{
  for (size_t i = 0; i < hr_json_len (ann); i++)
    if (strcmp (ann->u.obj.keys[i], key) == 0)
      return hr_json_string (ann->u.obj.vals[i]);
  return NULL;
}

static bool
rule_matches (const struct hr_rule *r, const struct hr_json *ann)
{
  for (size_t k = 0; k < r->n_annotations; k++)
    {
      const char *v = annotation (ann, r->annotations[k].key);
      if (v == NULL || fnmatch (r->annotations[k].pattern, v, 0) != 0)
        return false;
    }
  if (r->container_type)
    {
      const char *t = annotation (ann, "io.kubernetes.cri.container-type");
      if (t == NULL || strcmp (t, r->container_type) != 0)
        return false;
    }
  return true;
}

unsigned
hr_annotation_source (const char *key, bool cri)
{
  static const char prefix[] = "io.kubernetes.cri.";
  if (!cri)
    return HR_TRUST_CALLER;
  return strncmp (key, prefix, sizeof prefix - 1) == 0 ? HR_TRUST_CRI : HR_TRUST_POD;
}

bool
hr_policy_cri_root (const struct hr_policy *p, const char *root)
{
  for (size_t i = 0; root && i < p->cri_roots.n; i++)
    if (fnmatch (p->cri_roots.v[i], root, 0) == 0)
      return true;
  return false;
}

static const char *
source_name (unsigned bit)
{
  return bit == HR_TRUST_CRI ? "cri" : bit == HR_TRUST_POD ? "pod" : "caller";
}

/* The first annotation RULE reads that comes from a source it does not
 * trust, or NULL. */
static const char *
untrusted_key (const struct hr_rule *r, bool cri)
{
  for (size_t k = 0; k < r->n_annotations; k++)
    if (!(r->trust & hr_annotation_source (r->annotations[k].key, cri)))
      return r->annotations[k].key;
  if (r->container_type && !(r->trust & hr_annotation_source ("io.kubernetes.cri.container-type", cri)))
    return "io.kubernetes.cri.container-type";
  return NULL;
}

static void
add_note (char *note, size_t size, const char *fmt, ...)
{
  size_t n = strlen (note);
  if (n + 3 >= size)
    return;
  if (n)
    {
      memcpy (note + n, "; ", 3);
      n += 2;
    }
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (note + n, size - n, fmt, ap);
  va_end (ap);
}

int
hr_policy_select_trusted (const struct hr_policy *p, const char *explicit_name, const char *argv0,
                          const struct hr_json *annotations, bool cri, const struct hr_profile **ret_profile,
                          char *ret_rule, size_t size, char *ret_note, size_t note_size, struct hr_error *err)
{
  const char *name = NULL;
  const char *base = argv0 ? strrchr (argv0, '/') : NULL;
  base = base ? base + 1 : argv0;
  static const char prefix[] = "hardrun-";
  const struct hr_rule *chose = NULL;
  bool by_annotation = false;
  char nb[8];
  if (ret_note == NULL || note_size == 0)
    {
      ret_note = nb;
      note_size = 0;
    }
  else
    ret_note[0] = '\0';

  if (explicit_name)
    {
      name = explicit_name;
      snprintf (ret_rule, size, "--hardrun-profile");
    }
  else if (base && strncmp (base, prefix, sizeof prefix - 1) == 0 && base[sizeof prefix - 1])
    {
      name = base + sizeof prefix - 1;
      snprintf (ret_rule, size, "invocation name \"%s\"", base);
    }
  else
    {
      for (size_t i = 0; i < p->n_rules && name == NULL; i++)
        {
          const struct hr_rule *r = &p->rules[i];
          if (!rule_matches (r, annotations))
            continue;
          const char *bad = untrusted_key (r, cri);
          if (bad)
            {
              add_note (ret_note, note_size, "rules[%zu] ignored: annotation \"%s\" comes from the %s here, which "
                        "the rule does not trust", i, bad, cri ? "pod" : "caller (not containerd's CRI)");
              continue;
            }
          if (r->select_annotation)
            {
              const char *want = annotation (annotations, r->select_annotation);
              unsigned src = hr_annotation_source (r->select_annotation, cri);
              if (want && !(r->trust & src))
                add_note (ret_note, note_size, "rules[%zu]: annotation \"%s\" ignored: it comes from the %s here, "
                          "which the rule does not trust", i, r->select_annotation, source_name (src));
              else if (want && hr_strlist_contains (&r->allowed, want))
                {
                  name = want;
                  chose = r;
                  by_annotation = true;
                  snprintf (ret_rule, size, "rules[%zu] (annotation \"%s\")", i, r->select_annotation);
                  break;
                }
            }
          if (r->profile)
            {
              name = r->profile;
              chose = r;
              by_annotation = r->n_annotations > 0 || r->container_type;
              snprintf (ret_rule, size, "rules[%zu]", i);
            }
        }
      if (name == NULL)
        {
          name = p->default_profile;
          snprintf (ret_rule, size, "default");
        }
    }
  const struct hr_profile *prof = hr_policy_profile (p, name);
  if (prof == NULL)
    return hr_error_set (err, ENOENT, "no profile \"%s\" (selected by %s) in %s", name, ret_rule,
                         p->file ? p->file : "the built-in policy");
  /* The floor: an annotation never lowers the profile below it, unless the
   * administrator wrote the rule for one Kubernetes namespace by name. */
  const struct hr_profile *floor = hr_policy_profile (p, p->floor);
  char why[200];
  if (chose && by_annotation && floor && !(chose->named_namespace && cri)
      && hr_profile_weaker (prof, floor, why, sizeof why))
    {
      add_note (ret_note, note_size, "%s chose profile \"%s\", weaker than the floor \"%s\" (%s): \"%s\" applies",
                ret_rule, prof->name, floor->name, why, floor->name);
      size_t n = strlen (ret_rule);
      snprintf (ret_rule + n, size - n, ", raised to the floor");
      prof = floor;
    }
  *ret_profile = prof;
  return 0;
}

int
hr_policy_select (const struct hr_policy *p, const char *explicit_name, const char *argv0,
                  const struct hr_json *annotations, const struct hr_profile **ret_profile, char *ret_rule,
                  size_t size, struct hr_error *err)
{
  return hr_policy_select_trusted (p, explicit_name, argv0, annotations, true, ret_profile, ret_rule, size, NULL, 0,
                                   err);
}

static struct hr_json *
strlist_json (const struct hr_strlist *l)
{
  struct hr_json *a = hr_json_new_array ();
  for (size_t i = 0; a && i < l->n; i++)
    if (hr_json_append (a, hr_json_new_string (l->v[i]), NULL) < 0)
      {
        hr_json_free (a);
        return NULL;
      }
  return a;
}

/* hooks.allow as the policy file writes it: a path alone for any argv and
 * environment, an object otherwise. */
static struct hr_json *
hooks_json (const struct hr_hook_list *l)
{
  struct hr_json *a = hr_json_new_array ();
  for (size_t i = 0; a && i < l->n; i++)
    {
      const struct hr_hook_rule *h = &l->v[i];
      struct hr_json *e;
      if (h->any_args && h->any_env)
        e = hr_json_new_string (h->path);
      else
        {
          e = hr_json_new_object ();
          if (e && hr_json_set (e, "path", hr_json_new_string (h->path), NULL) < 0)
            e = NULL;
          if (e && !h->any_args && hr_json_set (e, "args", strlist_json (&h->args), NULL) < 0)
            e = NULL;
          if (e && hr_json_set (e, "env", strlist_json (&h->env), NULL) < 0)
            e = NULL;
        }
      if (hr_json_append (a, e, NULL) < 0)
        {
          hr_json_free (a);
          return NULL;
        }
    }
  return a;
}

static struct hr_json *
obj1 (const char *key, struct hr_json *v)
{
  struct hr_json *o = hr_json_new_object ();
  if (o == NULL || hr_json_set (o, key, v, NULL) < 0)
    {
      hr_json_free (o);
      return NULL;
    }
  return o;
}

/* An object with KEY = S, or an empty one when S is NULL: an unset
 * parameter is left out, as the policy file would leave it out ("" does not
 * read back). */
static struct hr_json *
obj_opt (struct hr_json *o, const char *key, const char *s)
{
  if (o && s && hr_json_set (o, key, hr_json_new_string (s), NULL) < 0)
    {
      hr_json_free (o);
      return NULL;
    }
  return o;
}

struct hr_json *
hr_profile_to_json (const struct hr_profile *p)
{
  struct hr_json *o = hr_json_new_object ();
  struct hr_json *modes = hr_json_new_object ();
  if (o == NULL || modes == NULL)
    goto fail;
  for (int i = 0; i < HR_CTL_COUNT; i++)
    if (hr_json_set (modes, hr_control_name ((enum hr_control_id) i), hr_json_new_string (hr_mode_name (p->mode[i])), NULL) < 0)
      {
        modes = NULL;
        goto fail;
      }
  struct hr_json *user = hr_json_new_object ();
  if (user)
    {
      hr_json_set (user, "uid", hr_json_new_u64 (p->run_as_uid), NULL);
      hr_json_set (user, "gid", hr_json_new_u64 (p->run_as_gid), NULL);
    }
  struct hr_json *caps = hr_json_new_object ();
  struct hr_json *allow = hr_json_new_array ();
  for (int c = 0; allow && c <= HR_CAP_LAST; c++)
    if (p->caps_allowed & (UINT64_C (1) << c))
      hr_json_append (allow, hr_json_new_string (hr_cap_name (c)), NULL);
  if (caps)
    {
      hr_json_set (caps, "allow", allow, NULL);
      hr_json_set (caps, "strictRequest", hr_json_new_bool (p->caps_strict_request), NULL);
    }
  struct hr_json *rootfs = obj_opt (obj1 ("tmpfs", strlist_json (&p->tmpfs_paths)), "tmpfsSize", p->tmpfs_size);
  struct hr_json *aa = obj_opt (obj_opt (hr_json_new_object (), "profile", p->apparmor_profile), "file", p->apparmor_file);
  struct hr_json *se = obj_opt (obj_opt (hr_json_new_object (), "type", p->selinux_type), "fileType", p->selinux_file_type);
  struct hr_json *seccomp = obj_opt (hr_json_new_object (), "profile", p->seccomp_profile);
  struct hr_json *sysctls = obj1 ("allow", strlist_json (&p->sysctls));
  if (sysctls)
    hr_json_set (sysctls, "unprivilegedPorts", hr_json_new_bool (p->unprivileged_ports), NULL);
  if (seccomp)
    hr_json_set (seccomp, "compatArchitectures", hr_json_new_bool (p->seccomp_compat_arches), NULL);
  if (hr_json_set (o, "name", hr_json_new_string (p->name ? p->name : ""), NULL) < 0
      || hr_json_set (o, "modes", modes, NULL) < 0 || hr_json_set (o, "user", user, NULL) < 0
      || hr_json_set (o, "caps", caps, NULL) < 0 || hr_json_set (o, "rootfs", rootfs, NULL) < 0
      || hr_json_set (o, "hooks", obj1 ("allow", hooks_json (&p->hooks_allow)), NULL) < 0
      || hr_json_set (o, "images", obj1 ("allow", strlist_json (&p->images_allow)), NULL) < 0
      || hr_json_set (o, "mounts", obj1 ("readonlyHostPaths", strlist_json (&p->readonly_host_paths)), NULL) < 0
      || hr_json_set (o, "sysctls", sysctls, NULL) < 0
      || hr_json_set (o, "pids", obj1 ("limit", hr_json_new_i64 (p->pids_limit)), NULL) < 0
      || hr_json_set (o, "seccomp", seccomp, NULL) < 0
      || hr_json_set (o, "apparmor", aa, NULL) < 0 || hr_json_set (o, "selinux", se, NULL) < 0)
    {
      hr_json_free (o);
      return NULL;
    }
  return o;
fail:
  hr_json_free (modes);
  hr_json_free (o);
  return NULL;
}
