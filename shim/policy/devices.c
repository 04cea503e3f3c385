/* devices: only the default character devices (null, zero, full, random,
 * urandom, tty, console, ptmx, pts) are created, and the device cgroup
 * denies everything else. Devices are judged by type and number, never by
 * their path: a "/dev/null" with major 8 is a disk. */
#include "config.h"
#include "policy/policy.h"
#include "policy/devices.h"
#include "cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PTS_MAJOR 136

struct devnum
{
  int64_t major, minor;
};

static const struct devnum allowed[] = {
  { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, /* null zero full random urandom */
  { 5, 0 }, { 5, 1 }, { 5, 2 },                     /* tty console ptmx */
};

static bool
is_allowed_char (int64_t major, int64_t minor)
{
  if (major == PTS_MAJOR && minor >= 0)
    return true;
  for (size_t i = 0; i < HR_ARRAY_SIZE (allowed); i++)
    if (allowed[i].major == major && allowed[i].minor == minor)
      return true;
  return false;
}

static bool
get_num (const struct hr_json *obj, const char *key, int64_t *ret)
{
  const struct hr_json *v = hr_json_get (obj, key);
  if (v == NULL)
    {
      *ret = -1;                /* absent: a wildcard in cgroup rules */
      return true;
    }
  return hr_json_int_value (v, INT64_MIN, INT64_MAX, ret);
}

/* A device cgroup rule that allows only default devices. */
static bool
rule_within_default (const struct hr_json *rule)
{
  const char *type = hr_json_string (hr_json_get (rule, "type"));
  int64_t major, minor;
  if (type == NULL || strcmp (type, "c") != 0 || !get_num (rule, "major", &major) || !get_num (rule, "minor", &minor))
    return false;
  if (major == PTS_MAJOR && minor == -1)
    return true;
  return minor >= 0 && is_allowed_char (major, minor);
}

bool
hr_device_rule_allows_more (const struct hr_json *rule)
{
  const struct hr_json *allow = hr_json_get (rule, "allow");
  return allow != NULL && allow->type == HR_JSON_TRUE && !rule_within_default (rule);
}

static bool
is_deny_all (const struct hr_json *rule)
{
  const struct hr_json *allow = hr_json_get (rule, "allow");
  const char *type = hr_json_string (hr_json_get (rule, "type"));
  const char *access = hr_json_string (hr_json_get (rule, "access"));
  int64_t major, minor;
  if (allow == NULL || allow->type != HR_JSON_FALSE)
    return false;
  if (type && strcmp (type, "a") != 0)
    return false;
  if (!get_num (rule, "major", &major) || !get_num (rule, "minor", &minor) || major != -1 || minor != -1)
    return false;
  return access == NULL || strcmp (access, "rwm") == 0 || access[0] == '\0';
}

static struct hr_json *
deny_all_rule (void)
{
  struct hr_json *r = hr_json_new_object ();
  if (r == NULL || hr_json_set (r, "allow", hr_json_new_bool (false), NULL) < 0
      || hr_json_set (r, "access", hr_json_new_string ("rwm"), NULL) < 0)
    {
      hr_json_free (r);
      return NULL;
    }
  return r;
}

/* Does the last rule of RULES that matches character device MAJOR:MINOR
 * allow reading and writing it? (The device cgroup takes the last match.) */
static bool
rules_allow (const struct hr_json *rules, int64_t major, int64_t minor)
{
  for (size_t i = hr_json_len (rules); i > 0; i--)
    {
      const struct hr_json *rule = hr_json_at (rules, i - 1);
      const char *type = hr_json_string (hr_json_get (rule, "type"));
      const char *access = hr_json_string (hr_json_get (rule, "access"));
      const struct hr_json *allow = hr_json_get (rule, "allow");
      int64_t ma, mi;
      if (!get_num (rule, "major", &ma) || !get_num (rule, "minor", &mi))
        continue;
      if ((type && strcmp (type, "a") != 0 && strcmp (type, "c") != 0) || (ma != -1 && ma != major)
          || (mi != -1 && mi != minor))
        continue;
      bool all = access == NULL || access[0] == '\0';
      if (allow == NULL || allow->type != HR_JSON_TRUE)
        {
          /* a deny of "m" alone leaves reading and writing as they were */
          if (all || strchr (access, 'r') || strchr (access, 'w'))
            return false;
          continue;
        }
      if (all || (strchr (access, 'r') && strchr (access, 'w')))
        return true;
    }
  return false;
}

static struct hr_json *
allow_rule (int64_t major, int64_t minor)
{
  struct hr_json *r = hr_json_new_object ();
  if (r == NULL || hr_json_set (r, "allow", hr_json_new_bool (true), NULL) < 0
      || hr_json_set (r, "type", hr_json_new_string ("c"), NULL) < 0
      || hr_json_set (r, "major", hr_json_new_i64 (major), NULL) < 0
      || hr_json_set (r, "minor", hr_json_new_i64 (minor), NULL) < 0
      || hr_json_set (r, "access", hr_json_new_string ("rwm"), NULL) < 0)
    {
      hr_json_free (r);
      return NULL;
    }
  return r;
}

/* The devices the container keeps must be usable: runc leaves out its own
 * rule for a default device that the spec lists (Docker's --privileged
 * lists them all), so with the allow-all rule gone nothing would allow
 * /dev/null ("error reopening /dev/null"). Each kept device gets an allow
 * rule of its own when the cgroup rules would deny it. */
static int
allow_kept (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  const struct hr_json *devices = hr_json_get_path (spec, "linux.devices");
  char field[64];
  for (size_t i = 0; i < hr_json_len (devices); i++)
    {
      const struct hr_json *d = hr_json_at (devices, i);
      const char *type = hr_json_string (hr_json_get (d, "type"));
      int64_t major = -1, minor = -1;
      get_num (d, "major", &major);
      get_num (d, "minor", &minor);
      if (type == NULL || strcmp (type, "c") != 0 || !is_allowed_char (major, minor) || minor < 0)
        continue;
      struct hr_json *rules = hr_json_get_path (spec, "linux.resources.devices");
      if (rules_allow (rules, major, minor))
        continue;
      const char *path = hr_json_string (hr_json_get (d, "path"));
      snprintf (field, sizeof field, "linux.devices[%zu]", i);
      if (!hr_violation (a, field, "kept device \"%s\" (c %lld:%lld) has no device cgroup rule allowing it; added",
                         path ? path : "", (long long) major, (long long) minor))
        continue;
      struct hr_json *l = hr_json_ensure_object (spec, "linux");
      struct hr_json *res = l ? hr_json_ensure_object (l, "resources") : NULL;
      rules = res ? hr_json_ensure_array (res, "devices") : NULL;
      if (rules == NULL)
        return hr_error_set (err, EINVAL, "\"linux.resources.devices\" is not an array");
      int r = hr_json_append (rules, allow_rule (major, minor), err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
hr_ctl_devices (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *linux_ = hr_json_get (spec, "linux");
  struct hr_json *devices = hr_json_get (linux_, "devices");
  char field[64];
  for (size_t i = hr_json_len (devices); i > 0; i--)
    {
      const struct hr_json *d = hr_json_at (devices, i - 1);
      const char *type = hr_json_string (hr_json_get (d, "type"));
      const char *path = hr_json_string (hr_json_get (d, "path"));
      int64_t major = -1, minor = -1;
      get_num (d, "major", &major);
      get_num (d, "minor", &minor);
      if (type && strcmp (type, "c") == 0 && is_allowed_char (major, minor))
        continue;
      snprintf (field, sizeof field, "linux.devices[%zu]", i - 1);
      if (hr_violation (a, field, "host device \"%s\" (%s %lld:%lld); removed", path ? path : "",
                        type ? type : "?", (long long) major, (long long) minor))
        hr_json_remove_at (devices, i - 1);
    }

  struct hr_json *rules = hr_json_get_path (spec, "linux.resources.devices");
  bool deny_first = hr_json_len (rules) > 0 && is_deny_all (hr_json_at (rules, 0));
  for (size_t i = hr_json_len (rules); i > 0; i--)
    {
      if (!hr_device_rule_allows_more (hr_json_at (rules, i - 1)))
        continue;
      snprintf (field, sizeof field, "linux.resources.devices[%zu]", i - 1);
      if (hr_violation (a, field, "device cgroup rule allows more than the default devices; removed"))
        hr_json_remove_at (rules, i - 1);
    }
  if (!deny_first && hr_violation (a, "linux.resources.devices", "no leading deny-all rule; added"))
    {
      struct hr_json *l = hr_json_ensure_object (spec, "linux");
      struct hr_json *res = l ? hr_json_ensure_object (l, "resources") : NULL;
      rules = res ? hr_json_ensure_array (res, "devices") : NULL;
      if (rules == NULL)
        return hr_error_set (err, EINVAL, "\"linux.resources.devices\" is not an array");
      int r = hr_json_insert (rules, 0, deny_all_rule (), err);
      if (r < 0)
        return r;
    }
  return allow_kept (a, spec, err);
}
