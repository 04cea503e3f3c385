/* Whether a create comes from containerd's CRI; see invocation.h.
 *
 * What hardrun can tell: containerd's runc v2 shim runs the runtime with
 * --root <containerd state>/runc/<namespace>, and the CRI plugin always
 * uses the "k8s.io" namespace; containerd writes the io.kubernetes.cri.*
 * annotations after the pod's own, so a pod cannot override them; a
 * container's sandbox must be one hardrun hardened, of the same pod.
 *
 * What it cannot tell: anyone who can run containers in containerd's
 * "k8s.io" namespace (ctr -n k8s.io, or whoever reaches containerd's or
 * the CRI socket, all root-equivalent) writes annotations hardrun takes
 * as containerd's; and containerd passes pod annotations through
 * whenever its runtime handler's pod_annotations lets them. */
#include "config.h"
#include "invocation.h"
#include "cleanup.h"
#include "record.h"

#include <stdio.h>
#include <string.h>

static const char *
ann (const struct hr_json *a, const char *key)
{
  return hr_json_string (hr_json_get (a, key));
}

static bool
same (const char *a, const char *b)
{
  return a && b && strcmp (a, b) == 0;
}

bool
hr_invocation_cri (const struct hr_policy *p, const char *root, const char *id, const struct hr_json *annotations,
                   const char *state_dir, char *why, size_t size)
{
  const char *type = ann (annotations, "io.kubernetes.cri.container-type");
  const char *sandbox = ann (annotations, "io.kubernetes.cri.sandbox-id");
  why[0] = '\0';
  if (!hr_policy_cri_root (p, root))
    {
      snprintf (why, size, "runtime root \"%.200s\" is none of cri.runtimeRoots", root ? root : "(runc's default)");
      return false;
    }
  if (type == NULL || sandbox == NULL || id == NULL)
    {
      snprintf (why, size, "no io.kubernetes.cri.container-type and sandbox-id");
      return false;
    }
  if (strcmp (type, "sandbox") == 0)
    {
      if (strcmp (sandbox, id) != 0)
        snprintf (why, size, "a sandbox whose io.kubernetes.cri.sandbox-id is not its own ID");
      return why[0] == '\0';
    }
  if (strcmp (type, "container") != 0 || strcmp (sandbox, id) == 0)
    {
      snprintf (why, size, "io.kubernetes.cri.container-type \"%.32s\" with this sandbox-id", type);
      return false;
    }
  cleanup_json struct hr_json *rec = NULL;
  struct hr_error e = { 0 };
  if (hr_record_load (state_dir, root, sandbox, &rec, &e) < 0 || rec == NULL)
    {
      snprintf (why, size, "no sandbox \"%.80s\" hardened by hardrun under this root", sandbox);
      return false;
    }
  const struct hr_json *pod = hr_json_get (rec, "pod");
  if (!same (hr_json_string (hr_json_get (pod, "namespace")), ann (annotations, "io.kubernetes.cri.sandbox-namespace"))
      || !same (hr_json_string (hr_json_get (pod, "name")), ann (annotations, "io.kubernetes.cri.sandbox-name")))
    {
      snprintf (why, size, "the pod's namespace or name differs from its sandbox's");
      return false;
    }
  return true;
}
