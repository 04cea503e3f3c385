/* sysctls: only the profile's allowlist (by default Pod Security Standards'
 * safe set) may be set; in a container's own network namespace, ports
 * below 1024 are opened to every user (as Docker does), so that no
 * capability is needed to bind them. */
#include "config.h"
#include "policy/policy.h"
#include "host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static bool
allowed (const struct hr_strlist *l, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    {
      const char *p = l->v[i];
      size_t n = strlen (p);
      if (n > 0 && p[n - 1] == '*' ? strncmp (name, p, n - 1) == 0 : strcmp (name, p) == 0)
        return true;
    }
  return false;
}

#define PORT_START "net.ipv4.ip_unprivileged_port_start"

/* Does the container get a network namespace that is not the host's? A
 * namespace joined by path (a pod's) counts when its inode is not the
 * host's: runc and crun set net.* sysctls there, as the pod's own. */
static bool
own_network_namespace (const struct hr_json *spec)
{
  const struct hr_json *ns = hr_json_get_path (spec, "linux.namespaces");
  for (size_t i = 0; i < hr_json_len (ns); i++)
    {
      const struct hr_json *e = hr_json_at (ns, i);
      const char *type = hr_json_string (hr_json_get (e, "type"));
      const char *path = hr_json_string (hr_json_get (e, "path"));
      if (type == NULL || strcmp (type, "network") != 0)
        continue;
      if (path == NULL || *path == '\0')
        return true;
      bool is_host = true;
      struct hr_error e2 = { 0 };
      return hr_host_namespace_is_host ("network", path, &is_host, &e2) == 0 && !is_host;
    }
  return false;
}

/* Will the sysctls control add PORT_START=0? */
static bool
will_open_ports (const struct hr_profile *p, const struct hr_json *spec)
{
  return p->unprivileged_ports && p->mode[HR_CTL_SYSCTLS] == HR_MODE_ENFORCE && allowed (&p->sysctls, PORT_START)
         && hr_json_get (hr_json_get_path (spec, "linux.sysctl"), PORT_START) == NULL && own_network_namespace (spec);
}

bool
hr_low_ports_free (const struct hr_policy_ctx *ctx, const struct hr_json *spec)
{
  const char *v = hr_json_string (hr_json_get (hr_json_get_path (spec, "linux.sysctl"), PORT_START));
  if (v)
    return strcmp (v, "0") == 0 && allowed (&ctx->profile->sysctls, PORT_START) && own_network_namespace (spec);
  return will_open_ports (ctx->profile, spec);
}

int
hr_ctl_sysctls (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  struct hr_json *sysctl = hr_json_get_path (spec, "linux.sysctl");
  for (size_t i = hr_json_len (sysctl); i > 0; i--)
    {
      char *key = sysctl->u.obj.keys[i - 1];
      if (allowed (&a->ctx->profile->sysctls, key))
        continue;
      char field[300];
      snprintf (field, sizeof field, "linux.sysctl.%.256s", key);
      if (hr_violation (a, field, "sysctl \"%s\" is not allowed; removed", key))
        {
          char *copy = strdup (key);
          if (copy)
            hr_json_remove (sysctl, copy);
          free (copy);
        }
    }
  if (will_open_ports (a->ctx->profile, spec)
      && hr_violation (a, "linux.sysctl." PORT_START, "ports below 1024 would need a capability; set "
                       PORT_START "=0 in the container's own network namespace"))
    {
      struct hr_json *l = hr_json_ensure_object (spec, "linux");
      if (l == NULL || (sysctl = hr_json_ensure_object (l, "sysctl")) == NULL)
        return hr_error_set (err, EINVAL, "\"linux.sysctl\" is not an object");
      return hr_json_set (sysctl, PORT_START, hr_json_new_string ("0"), err);
    }
  return 0;
}
