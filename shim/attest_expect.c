/* Attestation: the expectation hardrun writes at create (attest.h). Apart
 * from attest.c, which hardrun-hook links, because it reads capability
 * names through the policy code. */
#include "config.h"
#include "attest.h"
#include "policy/process.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The host id for container id ID under MAPPINGS (linux.uidMappings or
 * gidMappings); ID itself without mappings; -1 when unmapped. */
static int64_t
host_id (const struct hr_json *mappings, int64_t id)
{
  if (hr_json_len (mappings) == 0)
    return id;
  for (size_t i = 0; i < hr_json_len (mappings); i++)
    {
      const struct hr_json *m = hr_json_at (mappings, i);
      int64_t c, h, n;
      if (hr_json_int_value (hr_json_get (m, "containerID"), 0, UINT32_MAX, &c)
          && hr_json_int_value (hr_json_get (m, "hostID"), 0, UINT32_MAX, &h)
          && hr_json_int_value (hr_json_get (m, "size"), 0, UINT32_MAX, &n) && id >= c && id < c + n)
        return h + (id - c);
    }
  return -1;
}

bool
hr_attest_expect (const struct hr_json *spec, char *buf, size_t size)
{
  const struct hr_json *proc = hr_json_get (spec, "process");
  if (!hr_json_is_object (proc))
    return false;
  const struct hr_json *lnx = hr_json_get (spec, "linux");
  int64_t uid = 0, gid = 0;
  const struct hr_json *user = hr_json_get (proc, "user");
  if (hr_json_get (user, "uid") && !hr_json_int_value (hr_json_get (user, "uid"), 0, UINT32_MAX, &uid))
    uid = -1;
  if (hr_json_get (user, "gid") && !hr_json_int_value (hr_json_get (user, "gid"), 0, UINT32_MAX, &gid))
    gid = -1;
  uint64_t caps[HR_CAPSET_COUNT];
  const struct hr_json *c = hr_json_get (proc, "capabilities");
  for (int i = 0; i < HR_CAPSET_COUNT; i++)
    caps[i] = hr_caps_from_list (hr_json_get (c, hr_capset_names[i]), NULL);
  /* A user namespace joined by path brings mappings the config does not
   * show: the host ids cannot be known here. */
  const struct hr_json *nss = hr_json_get (lnx, "namespaces");
  for (size_t i = 0; i < hr_json_len (nss); i++)
    {
      const struct hr_json *ns = hr_json_at (nss, i);
      const char *type = hr_json_string (hr_json_get (ns, "type"));
      const char *path = hr_json_string (hr_json_get (ns, "path"));
      if (type && strcmp (type, "user") == 0 && path && *path)
        {
          if (hr_json_len (hr_json_get (lnx, "uidMappings")) == 0)
            uid = -1;
          if (hr_json_len (hr_json_get (lnx, "gidMappings")) == 0)
            gid = -1;
        }
    }
  /* a process that may change its ids is held to its capabilities alone */
  if (uid >= 0)
    uid = caps[HR_CAPSET_BOUNDING] & (UINT64_C (1) << 7) ? -1 : host_id (hr_json_get (lnx, "uidMappings"), uid);
  if (gid >= 0)
    gid = caps[HR_CAPSET_BOUNDING] & (UINT64_C (1) << 6) ? -1 : host_id (hr_json_get (lnx, "gidMappings"), gid);
  const struct hr_json *nnp = hr_json_get (proc, "noNewPrivileges");
  const struct hr_json *ro = hr_json_get (hr_json_get (spec, "root"), "readonly");
  /* ids past the 32-bit range (mappings no runtime accepts) are not judged */
  if (uid > (int64_t) UINT32_MAX)
    uid = -1;
  if (gid > (int64_t) UINT32_MAX)
    gid = -1;
  int n = snprintf (buf, size, "uid=%" PRId64 ",gid=%" PRId64 ",caps=%" PRIx64 ":%" PRIx64 ":%" PRIx64 ":%" PRIx64
                    ":%" PRIx64 ",nnp=%d,seccomp=%d,ro=%d", uid, gid, caps[0], caps[1], caps[2], caps[3], caps[4],
                    nnp && nnp->type == HR_JSON_TRUE, hr_json_is_object (hr_json_get (lnx, "seccomp")),
                    ro && ro->type == HR_JSON_TRUE);
  return n > 0 && (size_t) n < size;
}

