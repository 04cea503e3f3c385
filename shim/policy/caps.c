/* caps: every capability set is cut to the profile's allowlist; no
 * CAP_NET_BIND_SERVICE where ports below 1024 are open to every user. */
#include "config.h"
#include "policy/policy.h"
#include "policy/process.h"
#include "host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *const hr_capset_names[HR_CAPSET_COUNT] = {
  "bounding", "effective", "inheritable", "permitted", "ambient",
};

uint64_t
hr_caps_from_list (const struct hr_json *list, bool *ret_unknown)
{
  uint64_t mask = 0;
  for (size_t i = 0; i < hr_json_len (list); i++)
    {
      const char *name = hr_json_string (hr_json_at (list, i));
      int cap = name ? hr_cap_from_name (name) : -1;
      if (cap < 0 || strcmp (name, hr_cap_name (cap)) != 0)
        {
          /* Unknown, or not in runc's exact spelling: runc ignores such a
           * name, another runtime might not. Either way it goes. */
          if (ret_unknown)
            *ret_unknown = true;
          continue;
        }
      mask |= UINT64_C (1) << cap;
    }
  return mask;
}

struct hr_json *
hr_caps_to_list (uint64_t mask)
{
  struct hr_json *list = hr_json_new_array ();
  for (int c = 0; list && c <= HR_CAP_LAST; c++)
    if (mask & (UINT64_C (1) << c))
      if (hr_json_append (list, hr_json_new_string (hr_cap_name (c)), NULL) < 0)
        {
          hr_json_free (list);
          return NULL;
        }
  return list;
}

static void
names_of (uint64_t mask, char *buf, size_t size)
{
  size_t off = 0;
  buf[0] = '\0';
  for (int c = 0; c <= HR_CAP_LAST && off < size; c++)
    if (mask & (UINT64_C (1) << c))
      {
        int n = snprintf (buf + off, size - off, "%s%s", off ? ", " : "", hr_cap_name (c));
        if (n < 0)
          break;
        off += (size_t) n;
      }
}

/* Is LIST exactly MASK in canonical order? */
static bool
list_is (const struct hr_json *list, uint64_t mask)
{
  bool unknown = false;
  if (hr_caps_from_list (list, &unknown) != mask || unknown)
    return false;
  size_t n = 0;
  for (int c = 0; c <= HR_CAP_LAST; c++)
    if (mask & (UINT64_C (1) << c))
      n++;
  return hr_json_len (list) == n;
}

int
hr_process_caps (struct hr_apply *a, struct hr_json *process, const char *prefix, uint64_t keep,
                 struct hr_error *err)
{
  struct hr_json *caps = hr_json_get (process, "capabilities");
  int64_t uid = 0;
  hr_json_int_value (hr_json_get_path (process, "user.uid"), 0, UINT32_MAX, &uid);
  char field[160];

  if (caps == NULL)
    {
      /* runc leaves the capabilities alone when the object is absent: the
       * process would keep every capability root has. */
      snprintf (field, sizeof field, "%s.capabilities", prefix);
      if (!hr_violation (a, field, "no capability sets: the process would keep all of root's capabilities"))
        return 0;
      if ((caps = hr_json_ensure_object (process, "capabilities")) == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
    }

  for (int s = 0; s < HR_CAPSET_COUNT; s++)
    {
      struct hr_json *list = hr_json_get (caps, hr_capset_names[s]);
      bool unknown = false;
      uint64_t have = hr_caps_from_list (list, &unknown);
      /* A non-root process keeps capabilities across execve only through
       * the inheritable and ambient sets. */
      uint64_t want = uid != 0 ? keep : (have & keep);
      if (list_is (list, want) || (list == NULL && want == 0))
        continue;
      char dropped[1024], added[1024];
      names_of (have & ~want, dropped, sizeof dropped);
      names_of (want & ~have, added, sizeof added);
      snprintf (field, sizeof field, "%s.capabilities.%s", prefix, hr_capset_names[s]);
      bool fix;
      if (*dropped || unknown)
        fix = hr_violation (a, field, "dropped %s%s%s", *dropped ? dropped : "",
                            *dropped && unknown ? ", " : "", unknown ? "unknown or misspelled names" : "");
      else
        fix = hr_violation (a, field, "added %s so that it survives execve for a non-root user", added);
      if (fix)
        {
          int r = hr_json_set (caps, hr_capset_names[s], hr_caps_to_list (want), err);
          if (r < 0)
            return r;
        }
    }
  return 0;
}

int
hr_ctl_caps (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *process = hr_json_get (spec, "process");
  if (process == NULL)
    return 0;
  const struct hr_profile *p = a->ctx->profile;
  const struct hr_json *caps = hr_json_get (process, "capabilities");

  uint64_t asked = 0;
  for (int s = 0; s < HR_CAPSET_COUNT; s++)
    asked |= hr_caps_from_list (hr_json_get (caps, hr_capset_names[s]), NULL);

  uint64_t allowed = p->caps_allowed;
  const uint64_t nbs = UINT64_C (1) << 10; /* CAP_NET_BIND_SERVICE */
  if ((allowed & nbs) && hr_low_ports_free (a->ctx, spec))
    {
      /* what it grants, every user has */
      allowed &= ~nbs;
      if (asked & nbs)
        hr_note (a, "process.capabilities", "CAP_NET_BIND_SERVICE is not needed: ports below 1024 are open to "
                 "every user in the container's own network namespace");
    }
  uint64_t keep = asked & allowed;
  if (p->caps_strict_request && (asked & ~allowed))
    keep = 0;

  uint64_t host = hr_host_bounding_caps ();
  if (keep & ~host)
    {
      char names[512];
      names_of (keep & ~host, names, sizeof names);
      hr_note (a, "process.capabilities", "the host cannot grant %s; dropped", names);
      keep &= host;
    }
  return hr_process_caps (a, process, "process", keep, err);
}
