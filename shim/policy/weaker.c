/* Whether one profile is weaker than another: the policy's floor
 * (policyfile.c) and "hardrun policy check" ask it. Conservative: a
 * parameter hardrun cannot compare (another seccomp or AppArmor profile)
 * counts as weaker. */
#include "config.h"
#include "policy/profile.h"

#include <stdio.h>
#include <string.h>

static int
rank (enum hr_mode m)
{
  return m == HR_MODE_DENY ? HR_MODE_ENFORCE : (int) m;
}

static bool
same_str (const char *a, const char *b)
{
  return (a == NULL && b == NULL) || (a && b && strcmp (a, b) == 0);
}

static bool
same_list (const struct hr_strlist *a, const struct hr_strlist *b)
{
  if (a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++)
    if (strcmp (a->v[i], b->v[i]) != 0)
      return false;
  return true;
}

static bool
subset (const struct hr_strlist *a, const struct hr_strlist *b)
{
  for (size_t i = 0; i < a->n; i++)
    if (!hr_strlist_contains (b, a->v[i]))
      return false;
  return true;
}

static bool
hook_listed (const struct hr_hook_rule *h, const struct hr_hook_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (h->path, l->v[i].path) == 0 && h->any_args == l->v[i].any_args && h->any_env == l->v[i].any_env
        && same_list (&h->args, &l->v[i].args) && same_list (&h->env, &l->v[i].env))
      return true;
  return false;
}

bool
hr_profile_weaker (const struct hr_profile *p, const struct hr_profile *floor, char *why, size_t size)
{
  for (int i = 0; i < HR_CTL_COUNT; i++)
    if (rank (p->mode[i]) < rank (floor->mode[i]))
      {
        snprintf (why, size, "control \"%s\" is \"%s\", not \"%s\"", hr_control_name ((enum hr_control_id) i),
                  hr_mode_name (p->mode[i]), hr_mode_name (floor->mode[i]));
        return true;
      }
  const char *what = NULL;
  if (floor->mode[HR_CTL_CAPS] && (p->caps_allowed & ~floor->caps_allowed))
    what = "caps.allow keeps more capabilities";
  else if (floor->mode[HR_CTL_CAPS] && floor->caps_strict_request && !p->caps_strict_request)
    what = "caps.strictRequest is false";
  else if (floor->mode[HR_CTL_HOOKS] && p->hooks_allow.n > 0)
    {
      for (size_t i = 0; i < p->hooks_allow.n && what == NULL; i++)
        if (!hook_listed (&p->hooks_allow.v[i], &floor->hooks_allow))
          what = "hooks.allow allows more hooks";
    }
  if (what == NULL && floor->mode[HR_CTL_MOUNTS] && !subset (&p->readonly_host_paths, &floor->readonly_host_paths))
    what = "mounts.readonlyHostPaths lets more host paths in";
  else if (what == NULL && floor->mode[HR_CTL_SYSCTLS] && !subset (&p->sysctls, &floor->sysctls))
    what = "sysctls.allow allows more sysctls";
  else if (what == NULL && floor->mode[HR_CTL_PIDS] && floor->pids_limit > 0
           && (p->pids_limit == 0 || p->pids_limit > floor->pids_limit))
    what = "pids.limit is higher";
  else if (what == NULL && floor->mode[HR_CTL_SECCOMP] && !same_str (p->seccomp_profile, floor->seccomp_profile))
    what = "seccomp.profile is another profile";
  else if (what == NULL && floor->mode[HR_CTL_APPARMOR] && !same_str (p->apparmor_profile, floor->apparmor_profile))
    what = "apparmor.profile is another profile";
  else if (what == NULL && floor->mode[HR_CTL_SELINUX] && !same_str (p->selinux_type, floor->selinux_type))
    what = "selinux.type is another type";
  else if (what == NULL && floor->mode[HR_CTL_IMAGES] && floor->images_allow.n > 0
           && (p->images_allow.n == 0 || !subset (&p->images_allow, &floor->images_allow)))
    what = "images.allow allows more images";
  if (what)
    snprintf (why, size, "%s", what);
  return what != NULL;
}
