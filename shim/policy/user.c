/* user: the container never runs as root (uid 0 or gid 0). */
#include "config.h"
#include "policy/policy.h"
#include "policy/process.h"
#include "policy/idmap.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Does the container get a user namespace made with the spec's mappings?
 * One joined by path keeps the mappings it has (runc writes no uid_map
 * then), so the spec's say nothing about who is root in it. */
static bool
has_userns (const struct hr_json *linux_)
{
  const struct hr_json *ns = hr_json_get (linux_, "namespaces");
  bool made = false;
  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const char *t = hr_json_string (hr_json_get (hr_json_at (ns, i), "type"));
      const char *path = hr_json_string (hr_json_get (hr_json_at (ns, i), "path"));
      if (t && strcmp (t, "user") == 0)
        {
          if (path && path[0])
            return false;
          made = true;
        }
    }
  return made;
}

/* Does the container join a user namespace by path? */
static bool
joins_userns (const struct hr_json *linux_)
{
  const struct hr_json *ns = hr_json_get (linux_, "namespaces");
  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const char *t = hr_json_string (hr_json_get (hr_json_at (ns, i), "type"));
      const char *path = hr_json_string (hr_json_get (hr_json_at (ns, i), "path"));
      if (t && strcmp (t, "user") == 0 && path && path[0])
        return true;
    }
  return false;
}

/* The host id that container id ID maps to through linux.KEY, or -1. */
static int64_t
host_id (const struct hr_json *linux_, const char *key, int64_t id)
{
  const struct hr_json *maps = hr_json_get (linux_, key);
  for (size_t i = 0; i < hr_json_len (maps); i++)
    {
      const struct hr_json *m = hr_json_at (maps, i);
      /* Absent or null is 0, as Go decodes it: {"containerID": 1000,
       * "size": 1} maps 1000 to host root. */
      int64_t cid = 0, hid = 0, size = 0;
      hr_json_int_value (hr_json_get (m, "containerID"), 0, UINT32_MAX, &cid);
      hr_json_int_value (hr_json_get (m, "hostID"), 0, UINT32_MAX, &hid);
      hr_json_int_value (hr_json_get (m, "size"), 0, UINT32_MAX, &size);
      if (id >= cid && id - cid < size)
        return hid + (id - cid);
    }
  return -1;
}

/* Does the spec's own user namespace map container id 0 to a non-root host
 * id? */
static bool
root_is_mapped_away (const struct hr_json *linux_, const char *key)
{
  return has_userns (linux_) && host_id (linux_, key, 0) > 0;
}

/* A non-zero id of the process that the user namespace maps to host id 0
 * is host root all the same. (Id 0 is hr_process_user's.) Returns true
 * when refused. */
static bool
refuse_host_root (struct hr_apply *a, const struct hr_json *linux_, const char *key, const char *field,
                  const struct hr_json *v)
{
  int64_t id;
  if (hr_json_int_value (v, 1, UINT32_MAX, &id) && host_id (linux_, key, id) == 0)
    {
      hr_refusal (a, field, "container id %" PRId64 " is host root through linux.%s", id, key);
      return true;
    }
  return false;
}

/* A user namespace that maps a container id other than 0 to host root
 * makes that id host root for any process that gets it: an exec's --user
 * is held only away from id 0. WHERE names the map in messages. */
static void
refuse_root_mapping (struct hr_apply *a, const struct hr_idmap *m, const char *field, const char *kind,
                     const char *where)
{
  for (size_t k = 0; k < m->n; k++)
    {
      const struct hr_idmap_range *r = &m->r[k];
      if (r->size > 0 && r->outside == 0 && r->inside != 0)
        hr_refusal (a, field, "%s maps container %s %" PRId64 " to host root", where, kind, r->inside);
    }
}

/* The process joins a user namespace that exists already
 * (--userns=container:NAME, ns:PATH): its real maps decide who is host
 * root, and hardrun's own 65534 is judged like any other id. */
static void
judge_joined (struct hr_apply *a, const struct hr_json *spec, const struct hr_json *process)
{
  struct hr_idmap *maps = calloc (2, sizeof *maps);
  if (maps == NULL)
    {
      a->report->oom = true;
      return;
    }
  const char *path = NULL;
  struct hr_error e = { 0 };
  char where[PATH_MAX + 64], field[64];
  if (hr_container_userns (spec, &maps[0], &maps[1], &path, &e) < 0)
    {
      hr_refusal (a, "linux.namespaces", "cannot read the maps of the user namespace it joins: %s", e.msg);
      free (maps);
      return;
    }
  snprintf (where, sizeof where, "the joined user namespace \"%s\"", path);
  const struct hr_json *user = hr_json_get (process, "user");
  const struct hr_json *groups = hr_json_get (user, "additionalGids");
  struct
  {
    const char *field, *kind;
    const struct hr_json *v;
    const struct hr_idmap *m;
  } ids[] = {
    { "process.user.uid", "uid", hr_json_get (user, "uid"), &maps[0] },
    { "process.user.gid", "gid", hr_json_get (user, "gid"), &maps[1] },
  };
  /* An id the namespace does not map is refused too: the runtime could
   * not use it, and a map not written yet could be written after this
   * check, to anything. Once written, a map never changes. */
  bool refused[2] = { false, false };
  for (size_t k = 0; k < 2; k++)
    {
      int64_t id = 0;
      hr_json_int_value (ids[k].v, 0, UINT32_MAX, &id);
      int64_t host = hr_idmap_outside (ids[k].m, id);
      if (host < 0)
        hr_refusal (a, ids[k].field, "%s %" PRId64 " is not mapped in %s", ids[k].kind, id, where);
      else if (id != 0 && host == 0)
        hr_refusal (a, ids[k].field, "%s %" PRId64 " is host root in %s", ids[k].kind, id, where);
      refused[k] = host <= 0 && (host < 0 || id != 0);
    }
  for (size_t i = 0; i < hr_json_len (groups); i++)
    {
      int64_t g = 0;
      if (!hr_json_int_value (hr_json_at (groups, i), 1, UINT32_MAX, &g))
        continue;
      int64_t host = hr_idmap_outside (&maps[1], g);
      snprintf (field, sizeof field, "process.user.additionalGids[%zu]", i);
      if (host < 0)
        hr_refusal (a, field, "gid %" PRId64 " is not mapped in %s", g, where);
      else if (host == 0)
        hr_refusal (a, field, "gid %" PRId64 " is host root in %s", g, where);
      refused[1] |= host <= 0;
    }
  if (!refused[0])
    refuse_root_mapping (a, &maps[0], "linux.namespaces", "uid", where);
  if (!refused[1])
    refuse_root_mapping (a, &maps[1], "linux.namespaces", "gid", where);
  free (maps);
}

static int64_t
get_id (const struct hr_json *user, const char *key)
{
  int64_t v = 0;                /* absent means 0, as for runc */
  hr_json_int_value (hr_json_get (user, key), 0, UINT32_MAX, &v);
  return v;
}

int
hr_process_user (struct hr_apply *a, struct hr_json *process, const char *prefix, bool uid_ok_mapped,
                 bool gid_ok_mapped, uint32_t run_as_uid, uint32_t run_as_gid, struct hr_error *err)
{
  char field[128];
  struct hr_json *user = hr_json_get (process, "user");
  int64_t uid = get_id (user, "uid"), gid = get_id (user, "gid");
  int r;

  if (uid == 0 && !uid_ok_mapped)
    {
      snprintf (field, sizeof field, "%s.user.uid", prefix);
      if (hr_violation (a, field, "runs as root (uid 0); set to %" PRIu32, run_as_uid))
        {
          if ((user = hr_json_ensure_object (process, "user")) == NULL)
            return hr_error_set (err, ENOMEM, "out of memory");
          if ((r = hr_json_set (user, "uid", hr_json_new_u64 (run_as_uid), err)) < 0)
            return r;
        }
    }
  if (gid == 0 && !gid_ok_mapped)
    {
      snprintf (field, sizeof field, "%s.user.gid", prefix);
      if (hr_violation (a, field, "runs with group root (gid 0); set to %" PRIu32, run_as_gid))
        {
          if ((user = hr_json_ensure_object (process, "user")) == NULL)
            return hr_error_set (err, ENOMEM, "out of memory");
          if ((r = hr_json_set (user, "gid", hr_json_new_u64 (run_as_gid), err)) < 0)
            return r;
        }
    }
  struct hr_json *groups = hr_json_get (user, "additionalGids");
  if (!gid_ok_mapped)
    for (size_t i = hr_json_len (groups); i > 0; i--)
      {
        int64_t g = -1;
        hr_json_int_value (hr_json_at (groups, i - 1), 0, UINT32_MAX, &g);
        snprintf (field, sizeof field, "%s.user.additionalGids[%zu]", prefix, i - 1);
        const char *sock = g > 0 ? hr_runtime_socket_of_group ((uint32_t) g) : NULL;
        if (g == 0 && hr_violation (a, field, "supplementary group root (gid 0); removed"))
          hr_json_remove_at (groups, i - 1);
        else if (sock && hr_violation (a, field, "supplementary group %" PRId64 " may write the runtime socket \"%s\", "
                                       "which is as good as root; removed", g, sock))
          hr_json_remove_at (groups, i - 1);
      }
  return 0;
}

int
hr_ctl_user (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *process = hr_json_get (spec, "process");
  if (process == NULL)
    return 0;                   /* nothing will run */
  const struct hr_json *linux_ = hr_json_get (spec, "linux");
  const struct hr_profile *p = a->ctx->profile;
  int r = hr_process_user (a, process, "process", root_is_mapped_away (linux_, "uidMappings"),
                           root_is_mapped_away (linux_, "gidMappings"), p->run_as_uid, p->run_as_gid, err);
  if (r < 0)
    return r;
  if (!has_userns (linux_))
    {
      if (joins_userns (linux_))
        judge_joined (a, spec, process);
      return 0;
    }
  /* Without maps runc fails, and crun (as root, with subordinate ids for
   * root) writes its own, which map the process's uid and gid to its
   * caller's: host root. */
  static const char *const keys[] = { "uidMappings", "gidMappings" };
  for (size_t k = 0; k < 2; k++)
    if (hr_json_len (hr_json_get (linux_, keys[k])) == 0)
      {
        char field[32];
        snprintf (field, sizeof field, "linux.%s", keys[k]);
        hr_refusal (a, field, "a user namespace without linux.%s: the runtime may map the process to host root",
                    keys[k]);
        return 0;
      }
  const struct hr_json *user = hr_json_get (process, "user");
  const struct hr_json *groups = hr_json_get (user, "additionalGids");
  bool uid_refused = refuse_host_root (a, linux_, "uidMappings", "process.user.uid", hr_json_get (user, "uid"));
  bool gid_refused = refuse_host_root (a, linux_, "gidMappings", "process.user.gid", hr_json_get (user, "gid"));
  for (size_t i = 0; i < hr_json_len (groups); i++)
    {
      char field[64];
      snprintf (field, sizeof field, "process.user.additionalGids[%zu]", i);
      gid_refused |= refuse_host_root (a, linux_, "gidMappings", field, hr_json_at (groups, i));
    }
  struct hr_idmap *m = malloc (sizeof *m);
  if (m == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  if (!uid_refused && hr_idmap_from_json (hr_json_get (linux_, "uidMappings"), m))
    refuse_root_mapping (a, m, "linux.uidMappings", "uid", "linux.uidMappings");
  if (!gid_refused && hr_idmap_from_json (hr_json_get (linux_, "gidMappings"), m))
    refuse_root_mapping (a, m, "linux.gidMappings", "gid", "linux.gidMappings");
  free (m);
  return 0;
}
