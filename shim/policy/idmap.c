/* Id mappings and idmapped mounts (see idmap.h).
 *
 * An idmapped mount carries a user namespace of its own: a file whose
 * owner on disk is ID X shows as the kernel id the mount's map sends X to
 * ("containerID" is the on-disk side, "hostID" the side processes see).
 * With {containerID: 0, hostID: 65534} host root's files belong, as far as
 * the kernel is concerned, to uid 65534: the container's own user. */
#include "config.h"
#include "policy/idmap.h"
#include "cleanup.h"
#include "host.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
get_u32 (const struct hr_json *m, const char *key, int64_t *ret)
{
  const struct hr_json *v = hr_json_get (m, key);
  *ret = 0;
  return v == NULL || hr_json_int_value (v, 0, UINT32_MAX, ret);
}

bool
hr_idmap_from_json (const struct hr_json *list, struct hr_idmap *ret)
{
  ret->n = 0;
  if (!hr_json_is_array (list) || hr_json_len (list) > HR_IDMAP_MAX)
    return false;
  for (size_t i = 0; i < hr_json_len (list); i++)
    {
      const struct hr_json *m = hr_json_at (list, i);
      struct hr_idmap_range *r = &ret->r[ret->n++];
      if (!hr_json_is_object (m) || !get_u32 (m, "containerID", &r->inside) || !get_u32 (m, "hostID", &r->outside)
          || !get_u32 (m, "size", &r->size))
        return false;
    }
  return true;
}

/* Reads a decimal number of at most 10 digits, within uint32. */
static bool
read_u32 (const char **p, int64_t *ret)
{
  const char *s = *p;
  int64_t v = 0;
  size_t n = 0;
  for (; *s >= '0' && *s <= '9'; s++, n++)
    {
      v = v * 10 + (*s - '0');
      if (n >= 10 || v > UINT32_MAX)
        return false;
    }
  if (n == 0)
    return false;
  *ret = v;
  *p = s;
  return true;
}

bool
hr_idmap_from_text (const char *text, struct hr_idmap *ret)
{
  ret->n = 0;
  const char *p = text;
  for (;;)
    {
      while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
      if (*p == '\0')
        return true;
      if (ret->n == HR_IDMAP_MAX)
        return false;
      struct hr_idmap_range *r = &ret->r[ret->n++];
      int64_t *v[3] = { &r->inside, &r->outside, &r->size };
      for (size_t k = 0; k < 3; k++)
        {
          while (*p == ' ' || *p == '\t')
            p++;
          if (!read_u32 (&p, v[k]))
            return false;
        }
    }
}

int64_t
hr_idmap_outside (const struct hr_idmap *m, int64_t inside)
{
  for (size_t i = 0; i < m->n; i++)
    if (inside >= m->r[i].inside && inside - m->r[i].inside < m->r[i].size)
      return m->r[i].outside + (inside - m->r[i].inside);
  return -1;
}

int
hr_container_userns (const struct hr_json *spec, struct hr_idmap *ret_uid, struct hr_idmap *ret_gid,
                     const char **ret_joined, struct hr_error *err)
{
  const struct hr_json *linux_ = hr_json_get (spec, "linux");
  const struct hr_json *ns = hr_json_get (linux_, "namespaces");
  *ret_joined = NULL;
  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const char *t = hr_json_string (hr_json_get (hr_json_at (ns, i), "type"));
      const char *path = hr_json_string (hr_json_get (hr_json_at (ns, i), "path"));
      if (t == NULL || strcmp (t, "user") != 0)
        continue;
      if (path == NULL || path[0] == '\0')
        {
          /* made with the spec's mappings; none at all is an empty map */
          const struct hr_json *u = hr_json_get (linux_, "uidMappings"), *g = hr_json_get (linux_, "gidMappings");
          if ((u && !hr_idmap_from_json (u, ret_uid)) || (g && !hr_idmap_from_json (g, ret_gid)))
            return hr_error_set (err, EINVAL, "\"linux.uidMappings\" or \"linux.gidMappings\" cannot be read");
          if (u == NULL)
            ret_uid->n = 0;
          if (g == NULL)
            ret_gid->n = 0;
          return 1;
        }
      /* joined: the spec's mappings say nothing (runc writes none then) */
      *ret_joined = path;
      cleanup_free char *um = NULL, *gm = NULL;
      int r = hr_host_userns_maps (path, &um, &gm, err);
      if (r < 0)
        return r;
      if (!hr_idmap_from_text (um, ret_uid) || !hr_idmap_from_text (gm, ret_gid))
        return hr_error_set (err, EINVAL, "the maps of user namespace \"%s\" cannot be read", path);
      return 1;
    }
  return 0;
}

/* ---- idmapped mounts ---- */

/* The option that makes a mount idmapped, or NULL. crun takes any option
 * that starts with "idmap"; runc 1.2 and the runtime-spec name "idmap" and
 * "ridmap" (recursive). */
static const char *
idmap_option (const struct hr_json *m)
{
  const struct hr_json *opts = hr_json_get (m, "options");
  for (size_t i = 0; i < hr_json_len (opts); i++)
    {
      const char *o = hr_json_string (hr_json_at (opts, i));
      if (o && (strncmp (o, "idmap", 5) == 0 || strncmp (o, "ridmap", 6) == 0))
        return o;
    }
  return NULL;
}

/* crun's "uids=" or "gids=" value: triplets "fs-host-size" joined by "#";
 * "@" before one makes its host id relative to the container's own map
 * (crun looks the on-disk id up there, and so does this). */
static bool
parse_triplets (const char *s, size_t len, const struct hr_idmap *container, struct hr_idmap *ret)
{
  char buf[4096];
  if (len >= sizeof buf)
    return false;
  memcpy (buf, s, len);
  buf[len] = '\0';
  const char *p = buf;
  ret->n = 0;
  while (*p)
    {
      if (*p == '#')
        p++;
      bool relative = *p == '@';
      if (relative)
        p++;
      if (ret->n == HR_IDMAP_MAX)
        return false;
      struct hr_idmap_range *r = &ret->r[ret->n++];
      if (!read_u32 (&p, &r->inside) || *p++ != '-' || !read_u32 (&p, &r->outside) || *p++ != '-'
          || !read_u32 (&p, &r->size) || (*p != '\0' && *p != '#'))
        return false;
      if (relative)
        {
          size_t k;
          for (k = 0; k < container->n; k++)
            if (r->inside >= container->r[k].inside && r->inside < container->r[k].inside + container->r[k].size)
              break;
          if (k == container->n)
            return false;
          r->outside += container->r[k].outside - container->r[k].inside;
        }
    }
  return true;
}

/* "idmap=uids=...;gids=..." */
static bool
parse_option (const char *opts, const struct hr_idmap *cu, const struct hr_idmap *cg, struct hr_idmap *ret_uid,
              struct hr_idmap *ret_gid)
{
  ret_uid->n = ret_gid->n = 0;
  const char *p = opts;
  while (*p)
    {
      size_t len = strcspn (p, ";");
      if (len > 0)
        {
          if (len > 5 && strncmp (p, "uids=", 5) == 0)
            {
              if (!parse_triplets (p + 5, len - 5, cu, ret_uid))
                return false;
            }
          else if (len > 5 && strncmp (p, "gids=", 5) == 0)
            {
              if (!parse_triplets (p + 5, len - 5, cg, ret_gid))
                return false;
            }
          else
            return false;
        }
      p += len;
      if (*p == ';')
        p++;
    }
  return true;
}

/* A range reaches id 0 when it starts there on either side: on disk
 * (inside) or as the kernel sees it (outside). Mapping 0 to 0 changes
 * nothing for root. */
static void
judge (struct hr_apply *a, const char *field, const char *dest, const char *kind, const struct hr_idmap *m)
{
  for (size_t k = 0; k < m->n; k++)
    {
      const struct hr_idmap_range *r = &m->r[k];
      if (r->size == 0)
        continue;
      if (r->inside == 0 && r->outside != 0)
        hr_refusal (a, field, "idmapped mount at \"%s\" shows host root's files (on-disk %s 0) as %s %" PRId64,
                    dest, kind, kind, r->outside);
      else if (r->outside == 0 && r->inside != 0)
        hr_refusal (a, field, "idmapped mount at \"%s\" shows the files of on-disk %s %" PRId64 " as host root's",
                    dest, kind, r->inside);
    }
}

int
hr_mount_idmap (struct hr_apply *a, const struct hr_json *spec, const struct hr_json *m, size_t i, const char *dest,
                struct hr_error *err)
{
  const struct hr_json *um = hr_json_get (m, "uidMappings"), *gm = hr_json_get (m, "gidMappings");
  const char *opt = idmap_option (m);
  if (um == NULL && gm == NULL && opt == NULL)
    return 0;
  char field[64];
  snprintf (field, sizeof field, "mounts[%zu]", i);
  struct hr_idmap *maps = calloc (6, sizeof *maps);
  if (maps == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  struct hr_idmap *uid = &maps[0], *gid = &maps[1], *cu = &maps[2], *cg = &maps[3];
  const char *args = opt ? strchr (opt, '=') : NULL;
  if (args && args[1] == '\0')
    args = NULL;
  if (um || gm)
    {
      if ((um && !hr_idmap_from_json (um, uid)) || (gm && !hr_idmap_from_json (gm, gid)))
        hr_refusal (a, field, "idmapped mount at \"%s\": its uidMappings or gidMappings cannot be read", dest);
      else
        {
          judge (a, field, dest, "uid", uid);
          judge (a, field, dest, "gid", gid);
        }
    }
  else if (args)
    {
      /* crun makes "@" relative to the spec's own linux.uidMappings */
      const struct hr_json *linux_ = hr_json_get (spec, "linux");
      struct hr_idmap *ru = &maps[4], *rg = &maps[5];
      if (!hr_idmap_from_json (hr_json_get (linux_, "uidMappings"), ru))
        ru->n = 0;
      if (!hr_idmap_from_json (hr_json_get (linux_, "gidMappings"), rg))
        rg->n = 0;
      if (!parse_option (args + 1, ru, rg, uid, gid))
        hr_refusal (a, field, "idmapped mount at \"%s\": option \"%s\" cannot be read", dest, opt);
      else
        {
          judge (a, field, dest, "uid", uid);
          judge (a, field, dest, "gid", gid);
        }
    }
  else
    {
      /* the container's own user namespace */
      const char *joined = NULL;
      struct hr_error e = { 0 };
      int have_userns = hr_container_userns (spec, cu, cg, &joined, &e);
      if (have_userns < 0)
        hr_refusal (a, field, "idmapped mount at \"%s\" with the container's user namespace: %s", dest, e.msg);
      else if (have_userns == 0)
        hr_refusal (a, field, "idmapped mount at \"%s\" without a user namespace to map it with", dest);
      else if (joined && (cu->n == 0 || cg->n == 0))
        /* a map not written yet could be written after this check */
        hr_refusal (a, field, "idmapped mount at \"%s\": the joined user namespace \"%s\" has no maps yet", dest,
                    joined);
      else
        {
          judge (a, field, dest, "uid", cu);
          judge (a, field, dest, "gid", cg);
        }
    }
  free (maps);
  return 0;
}
