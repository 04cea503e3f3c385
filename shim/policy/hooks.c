/* hooks: OCI hooks run as root on the host, outside the container, with
 * the argv and environment the spec gives them. A hook stays only when an
 * allowlist entry matches its whole command line: the program (where its
 * path leads now), every argv element, and every env entry. Docker's
 * "/proc/<pid>/exe libnetwork-setkey ..." resolves to dockerd and matches
 * the built-in entry for it (policy/profile.c).
 *
 * hardrun's own hook is never taken from the spec: any entry naming
 * hardrun-hook is a violation, except the very entry hardrun adds itself
 * (harden.c), which a second harden of the same bundle finds again.
 *
 * An argv pattern is an fnmatch(3) glob (no flags) in which "{id}" stands
 * for the container's ID and "{hex:N}" for exactly N lower-case
 * hexadecimal digits; a last pattern "..." matches any further arguments. */
#include "config.h"
#include "policy/policy.h"
#include "pathname.h"
#include "cleanup.h"
#include "host.h"
#include "hookargs.h"
#include "hooksink.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#define MAX_PATTERN 4096

static const char *const kinds[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

/* Expands "{id}" and "{hex:N}" of PAT into BUF. False when it does not fit
 * or names {id} without one. */
static bool
expand (const char *pat, const char *id, char *buf, size_t size)
{
  size_t n = 0;
  while (*pat)
    {
      const char *add = NULL;
      char one[2] = { *pat, '\0' };
      size_t times = 1;
      unsigned long digits;
      char *end;
      if (strncmp (pat, "{id}", 4) == 0)
        {
          if (id == NULL)
            return false;
          add = id;
          pat += 4;
        }
      else if (strncmp (pat, "{hex:", 5) == 0 && (digits = strtoul (pat + 5, &end, 10)) > 0 && digits <= 128
               && *end == '}')
        {
          add = "[0-9a-f]";
          times = digits;
          pat = end + 1;
        }
      else
        {
          add = one;
          pat++;
        }
      size_t len = strlen (add);
      for (size_t t = 0; t < times; t++)
        {
          if (n + len >= size)
            return false;
          memcpy (buf + n, add, len);
          n += len;
        }
    }
  buf[n] = '\0';
  return true;
}

bool
hr_hook_pattern_matches (const char *pat, const char *s, const char *id)
{
  static char buf[MAX_PATTERN];
  return s && expand (pat, id, buf, sizeof buf) && fnmatch (buf, s, 0) == 0;
}

/* ARGS (a JSON array or NULL) against the rule's argv patterns. */
static bool
args_match (const struct hr_hook_rule *h, const struct hr_json *args, const char *id)
{
  if (h->any_args)
    return true;
  size_t n = hr_json_len (args);
  size_t np = h->args.n;
  bool rest = np > 0 && strcmp (h->args.v[np - 1], "...") == 0;
  if (rest)
    np--;
  if (n < np || (!rest && n != np))
    return false;
  for (size_t i = 0; i < np; i++)
    if (!hr_hook_pattern_matches (h->args.v[i], hr_json_string (hr_json_at (args, i)), id))
      return false;
  for (size_t i = np; i < n; i++)
    if (hr_json_string (hr_json_at (args, i)) == NULL)
      return false;
  return true;
}

static bool
env_match (const struct hr_hook_rule *h, const struct hr_json *env, const char *id)
{
  if (h->any_env)
    return true;
  for (size_t i = 0; i < hr_json_len (env); i++)
    {
      const char *e = hr_json_string (hr_json_at (env, i));
      bool ok = false;
      for (size_t k = 0; e && k < h->env.n && !ok; k++)
        ok = hr_hook_pattern_matches (h->env.v[k], e, id);
      if (!ok)
        return false;
    }
  return true;
}

static bool
allowed (const struct hr_hook_list *l, const char *resolved, const struct hr_json *hook, const char *id)
{
  for (size_t i = 0; i < l->n; i++)
    {
      char a[PATH_MAX];
      if (!hr_path_normalize (l->v[i].path, a, sizeof a) || strcmp (resolved, a) != 0)
        continue;
      if (args_match (&l->v[i], hr_json_get (hook, "args"), id) && env_match (&l->v[i], hr_json_get (hook, "env"), id))
        return true;
    }
  return false;
}

static const char *
base_name (const char *p)
{
  const char *s = strrchr (p, '/');
  return s ? s + 1 : p;
}

/* The entry hardrun adds itself (harden.c): its path, no env, and an argv
 * hardrun-hook accepts (hookargs.h) with a key that names this policy's
 * sink (the list of changes in it may be an earlier harden's, hooksink.h). */
static bool
own_entry (const struct hr_policy_ctx *ctx, const char *path, const struct hr_json *hook)
{
  if (ctx->hook_path == NULL || ctx->hook_key == NULL || strcmp (path, ctx->hook_path) != 0
      || hr_json_get (hook, "env") != NULL)
    return false;
  const struct hr_json *args = hr_json_get (hook, "args");
  const char *argv[HR_HOOK_MAX_ARGS];
  size_t n = hr_json_len (args);
  if (n < 1 || n > HR_HOOK_MAX_ARGS)
    return false;
  for (size_t i = 0; i < n; i++)
    if ((argv[i] = hr_json_string (hr_json_at (args, i))) == NULL)
      return false;
  struct hr_hook_args a;
  return strcmp (argv[0], "hardrun-hook") == 0 && hr_hook_args_parse ((int) n, argv, &a)
         && hr_hook_key_same_sink (a.key, ctx->hook_key);
}

/* The hook's command line for a message: "path arg1 arg2", cut. */
static void
describe (const char *path, const struct hr_json *hook, char *buf, size_t size)
{
  size_t n = (size_t) snprintf (buf, size, "%s", path);
  const struct hr_json *args = hr_json_get (hook, "args");
  for (size_t i = 1; i < hr_json_len (args) && n < size; i++)
    {
      const char *s = hr_json_string (hr_json_at (args, i));
      n += (size_t) snprintf (buf + n, size - n, " %s", s ? s : "?");
    }
  if (n >= size && size > 4)
    memcpy (buf + size - 4, "...", 4);
}

int
hr_ctl_hooks (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *hooks = hr_json_get (spec, "hooks");
  (void) err;
  for (size_t k = 0; k < HR_ARRAY_SIZE (kinds); k++)
    {
      struct hr_json *list = hr_json_get (hooks, kinds[k]);
      for (size_t i = hr_json_len (list); i > 0; i--)
        {
          struct hr_json *hook = hr_json_at (list, i - 1);
          const char *path = hr_json_string (hr_json_get (hook, "path"));
          char norm[PATH_MAX] = "";
          if (path)
            hr_path_normalize (path, norm, sizeof norm);
          /* The program that will run is where the path leads now. */
          cleanup_free char *resolved = path && path[0] == '/' ? hr_host_realpath (path) : NULL;
          char field[64], what[512];
          snprintf (field, sizeof field, "hooks.%s[%zu]", kinds[k], i - 1);
          describe (path ? path : "", hook, what, sizeof what);
          bool own = path && (strcmp (base_name (norm), "hardrun-hook") == 0
                              || (resolved && strcmp (base_name (resolved), "hardrun-hook") == 0));
          if (own && own_entry (a->ctx, path, hook))
            continue;
          if (own)
            {
              if (hr_violation (a, field, "hook \"%s\": hardrun's own hook is never taken from the spec; removed", what))
                hr_json_remove_at (list, i - 1);
              continue;
            }
          if (resolved && allowed (&a->ctx->profile->hooks_allow, resolved, hook, a->ctx->container_id))
            continue;
          if (hr_violation (a, field, "hook \"%s\" matches no entry of the allowlist (program, argv and env); removed",
                            what))
            hr_json_remove_at (list, i - 1);
        }
    }
  return 0;
}
