/* "hardrun policy check" beyond parsing; see policylint.h. */
#include "config.h"
#include "policylint.h"
#include "cleanup.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int __attribute__ ((format (printf, 2, 3)))
add (struct hr_strlist *out, const char *fmt, ...)
{
  char *msg = NULL;
  va_list ap;
  va_start (ap, fmt);
  int n = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (n < 0)
    return -ENOMEM;
  int r = hr_strlist_add (out, msg);
  free (msg);
  return r;
}

/* Programs that can do anything with the right argv or environment: an
 * allowlist entry for one of them must fix both. */
static bool
can_do_anything (const char *path)
{
  static const char *const names[] = {
    "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "busybox", "env", "nsenter",
    "chroot", "sudo", "su", "setpriv", "unshare", "xargs", "find", "awk", "gawk", "mawk", "sed", "node",
    "nodejs", "dockerd", "docker", "containerd", "ctr", "runc", "crun", "hardrun", "podman", "systemd-run",
    "python", "perl", "ruby", "php", "lua", "tclsh", "expect", "java",
  };
  const char *b = strrchr (path, '/');
  b = b ? b + 1 : path;
  for (size_t i = 0; i < HR_ARRAY_SIZE (names); i++)
    {
      size_t n = strlen (names[i]);
      /* python3, python3.11, perl5.36, containerd-shim-runc-v2 */
      if (strncmp (b, names[i], n) == 0 && (b[n] == '\0' || strchr ("0123456789.-", b[n])))
        return true;
    }
  return false;
}

/* A hook entry that lets a program that can do anything run with any
 * argv or environment. */
static int
check_hooks (const struct hr_profile *prof, struct hr_error *err)
{
  for (size_t i = 0; i < prof->hooks_allow.n; i++)
    {
      const struct hr_hook_rule *h = &prof->hooks_allow.v[i];
      if (!can_do_anything (h->path))
        continue;
      const char *what = NULL;
      if (h->any_args)
        what = "any argv (give \"args\" patterns)";
      else if (h->any_env)
        what = "any environment (give \"env\" patterns)";
      for (size_t k = 0; what == NULL && k < h->args.n; k++)
        if (strcmp (h->args.v[k], "...") == 0 || strcmp (h->args.v[k], "*") == 0)
          what = "any argument (\"*\" or \"...\" in \"args\")";
      for (size_t k = 0; what == NULL && k < h->env.n; k++)
        if (strncmp (h->env.v[k], "*", 1) == 0 || strncmp (h->env.v[k], "LD_", 3) == 0)
          what = "any environment variable (\"env\")";
      if (what)
        return hr_error_set (err, EINVAL, "profile \"%s\": hooks.allow[%zu]: \"%s\" can do anything, and the entry "
                             "allows %s", prof->name, i, h->path, what);
    }
  return 0;
}

/* Rules through which a pod's author (or another caller) can lower the
 * profile below the default. */
static int
warn_lowering (const struct hr_policy *p, struct hr_strlist *out)
{
  const struct hr_profile *def = hr_policy_profile (p, p->default_profile);
  const struct hr_profile *floor = hr_policy_profile (p, p->floor);
  for (size_t i = 0; def && i < p->n_rules; i++)
    {
      const struct hr_rule *r = &p->rules[i];
      const char *key = NULL;
      const char *who = "pod";
      bool match_pod = false;
      for (size_t k = 0; key == NULL && k < r->n_annotations; k++)
        if (r->trust & HR_TRUST_POD & hr_annotation_source (r->annotations[k].key, true))
          key = r->annotations[k].key;
      match_pod = key != NULL;
      if (key == NULL && r->select_annotation && (r->trust & hr_annotation_source (r->select_annotation, true)))
        key = r->select_annotation;
      if (r->trust & HR_TRUST_CALLER)
        {
          who = "caller (podman, docker or ctr)";
          if (key == NULL)
            key = r->n_annotations ? r->annotations[0].key : r->container_type ? "io.kubernetes.cri.container-type" : NULL;
          match_pod = true;
        }
      if (key == NULL)
        continue;
      for (size_t k = 0; k <= r->allowed.n; k++)
        {
          /* the rule's own profile is the pod's choice only when the match is */
          const char *name = k < r->allowed.n ? r->allowed.v[k] : match_pod ? r->profile : NULL;
          const struct hr_profile *prof = hr_policy_profile (p, name);
          char why[200];
          if (prof == NULL)
            continue;
          /* the floor holds, except for a rule for one namespace on containerd's CRI */
          if (floor && !(r->named_namespace && !(r->trust & HR_TRUST_CALLER)) && hr_profile_weaker (prof, floor, why, sizeof why))
            prof = floor;
          if (hr_profile_weaker (prof, def, why, sizeof why)
              && add (out, "rules[%zu]: annotation \"%s\", which the %s writes, can select profile \"%s\", "
                      "weaker than the default \"%s\" (%s)", i, key, who, prof->name, def->name, why) < 0)
            return -ENOMEM;
        }
    }
  char why[200];
  if (def && floor && hr_profile_weaker (def, floor, why, sizeof why)
      && add (out, "defaultProfile \"%s\" is weaker than the floor \"%s\" (%s)", def->name, floor->name, why) < 0)
    return -ENOMEM;
  return 0;
}


int
hr_policy_lint (const struct hr_policy *p, struct hr_strlist *ret_warnings, struct hr_error *err)
{
  for (size_t i = 0; i < p->n_profiles; i++)
    {
      int r = check_hooks (&p->profiles[i], err);
      if (r < 0)
        return r;
    }
  if (warn_lowering (p, ret_warnings) < 0)
    return hr_error_set (err, ENOMEM, "out of memory");
  return 0;
}
