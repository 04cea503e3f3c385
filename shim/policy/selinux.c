/* selinux: the container runs as a confined SELinux type with an MCS pair of
 * its own pod.
 *
 * A missing or malformed process.selinuxLabel, or one whose type is not a
 * container type (container_t, container_init_t, container_kvm_t or the
 * profile's own), becomes
 *
 *   process.selinuxLabel  system_u:system_r:<selinux_type>:s0:cX,cY
 *   linux.mountLabel      system_u:object_r:<selinux_file_type>:s0:cX,cY
 *
 * with the pair the pod holds in the MCS registry (mcs.h). A label with a
 * container type is kept: the engine chose its pair. On a host without
 * SELinux nothing is labelled; audit and enforce note it, deny refuses. */
#include "config.h"
#include "policy/policy.h"
#include "policy/mcs.h"
#include "cleanup.h"
#include "host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define FIELD "process.selinuxLabel"
#define MOUNT_FIELD "linux.mountLabel"

static const char *const container_types[] = { "container_t", "container_init_t", "container_kvm_t" };

/* Annotations are a Go map: keys match exactly. */
static const char *
annotation (const struct hr_json *spec, const char *key)
{
  const struct hr_json *ann = hr_json_get (spec, "annotations");
  for (size_t i = 0; i < hr_json_len (ann) && hr_json_is_object (ann); i++)
    if (strcmp (ann->u.obj.keys[i], key) == 0)
      return hr_json_string (ann->u.obj.vals[i]);
  return NULL;
}

/* The pod whose pair the container shares: its sandbox's id under
 * containerd's CRI (and CRI-O's) annotations, else the container itself. */
static const char *
pod_key (const struct hr_json *spec, const char *container_id)
{
  const char *type = annotation (spec, "io.kubernetes.cri.container-type");
  const char *sandbox = annotation (spec, "io.kubernetes.cri.sandbox-id");
  if (type == NULL && sandbox == NULL)
    {
      type = annotation (spec, "io.kubernetes.cri-o.ContainerType");
      sandbox = annotation (spec, "io.kubernetes.cri-o.SandboxID");
    }
  if (type != NULL && strcmp (type, "sandbox") == 0 && container_id != NULL)
    return container_id;
  if (sandbox != NULL && sandbox[0] != '\0')
    return sandbox;
  return container_id;
}

/* The type field of LABEL ("user:role:type[:level]"), or false when LABEL
 * has no type field. */
static bool
label_type (const char *label, char *buf, size_t size)
{
  const char *p = strchr (label, ':');
  if (p == NULL || (p = strchr (p + 1, ':')) == NULL)
    return false;
  p++;
  size_t len = strcspn (p, ":");
  if (len == 0 || len >= size)
    return false;
  memcpy (buf, p, len);
  buf[len] = '\0';
  return true;
}

static bool
type_allowed (const char *type, const char *own)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (container_types); i++)
    if (strcmp (type, container_types[i]) == 0)
      return true;
  return own != NULL && strcmp (type, own) == 0;
}

int
hr_ctl_selinux (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  const struct hr_profile *p = a->ctx->profile;
  const char *ptype = p->selinux_type && p->selinux_type[0] ? p->selinux_type : "container_t";
  const char *ftype = p->selinux_file_type && p->selinux_file_type[0] ? p->selinux_file_type : "container_file_t";
  struct hr_json *process = hr_json_get (spec, "process");
  char label[512] = "", mount_label[512] = "", why[384];
  int r;

  if (process == NULL)
    return 0;                   /* nothing will run */

  if (!hr_host_selinux_enabled ())
    {
      if (a->mode == HR_MODE_DENY)
        hr_refusal (a, FIELD, "SELinux is not enabled on this host");
      else
        hr_note (a, FIELD, "SELinux is not enabled on this host; no label applied");
      return 0;
    }

  const char *have = hr_json_string (hr_json_get (process, "selinuxLabel"));
  char type[256];
  if (have == NULL || have[0] == '\0')
    snprintf (why, sizeof why, "no SELinux label");
  else if (!label_type (have, type, sizeof type))
    snprintf (why, sizeof why, "malformed SELinux label \"%.200s\"", have);
  else if (!type_allowed (type, ptype))
    snprintf (why, sizeof why, "SELinux type \"%s\" is not a container type", type);
  else
    return 0;                   /* a container type, with the engine's pair */

  if (a->mode == HR_MODE_ENFORCE)
    {
      const char *state_dir = a->ctx->state_dir ? a->ctx->state_dir : HARDRUN_STATE_DIR;
      const char *key = pod_key (spec, a->ctx->container_id);
      unsigned c1, c2;
      if (key == NULL)
        return hr_error_set (err, EINVAL, "no container id to reserve an SELinux MCS pair for");
      if ((r = hr_mcs_reserve (state_dir, key, &c1, &c2, err)) < 0)
        return r;
      if ((size_t) snprintf (label, sizeof label, "system_u:system_r:%s:s0:c%u,c%u", ptype, c1, c2) >= sizeof label
          || (size_t) snprintf (mount_label, sizeof mount_label, "system_u:object_r:%s:s0:c%u,c%u", ftype, c1, c2)
               >= sizeof mount_label)
        return hr_error_set (err, ENAMETOOLONG, "SELinux type \"%s\" or \"%s\" is too long", ptype, ftype);
    }

  bool fix = label[0] ? hr_violation (a, FIELD, "%s; set to \"%s\"", why, label) : hr_violation (a, FIELD, "%s", why);
  if (!fix)
    return 0;
  if ((r = hr_json_set (process, "selinuxLabel", hr_json_new_string (label), err)) < 0)
    return r;

  /* The mount label must carry the same pair, or the container cannot use
   * its own files. */
  struct hr_json *linux_ = hr_json_ensure_object (spec, "linux");
  if (linux_ == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  const char *mhave = hr_json_string (hr_json_get (linux_, "mountLabel"));
  if (mhave != NULL && strcmp (mhave, mount_label) == 0)
    return 0;
  if (mhave == NULL || mhave[0] == '\0')
    hr_violation (a, MOUNT_FIELD, "set to \"%s\" to match the process label", mount_label);
  else
    hr_violation (a, MOUNT_FIELD, "\"%.200s\" does not match the process label; set to \"%s\"", mhave, mount_label);
  return hr_json_set (linux_, "mountLabel", hr_json_new_string (mount_label), err);
}
