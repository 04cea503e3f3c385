/* fuzz-kube: Kubernetes manifests (shim/kube/), as explain --kubernetes
 * reads them.
 *
 * Input: any bytes, read as YAML (or JSON). The checks:
 *
 *  - a refused input comes with a message and a negative errno;
 *  - every pod of an accepted input derives, for its sandbox and every
 *    container, a config.json that hardrun's own spec loader accepts (the
 *    policy code then sees what it would see at run time) and that
 *    survives a round trip through the serializer;
 *  - every derived bind source the node makes is one hardrun can stage
 *    (an absolute path, no "..").
 *
 * The node is fixed: no AppArmor, cgroup v1, every capability. A privileged
 * container lists this machine's /dev, as explain does. */
#include "config.h"
#include "fuzz.h"
#include "json.h"
#include "kube/kube.h"
#include "kube/yaml.h"
#include "spec.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
check_config (const struct hr_json *config)
{
  struct hr_error err = { 0 };
  FUZZ_INVARIANT ("kube-config-valid", hr_spec_validate (config, "derived config.json", &err) == 0,
                  "the derived config does not load: %s", err.msg);
  char *text = NULL;
  size_t len = 0;
  struct hr_json *again = NULL;
  FUZZ_INVARIANT ("kube-config-serializes", hr_json_serialize (config, false, &text, &len, &err) == 0,
                  "the derived config does not serialize: %s", err.msg);
  FUZZ_INVARIANT ("kube-config-round-trip",
                  hr_json_parse (text, len, "config.json", &again, &err) == 0 && hr_json_equal (config, again),
                  "the derived config does not parse back equal: %s", err.msg);
  const struct hr_json *mounts = hr_json_get (config, "mounts");
  for (size_t i = 0; i < hr_json_len (mounts); i++)
    {
      const char *src = hr_json_string (hr_json_get (hr_json_at (mounts, i), "source"));
      if (hr_kube_source_is_node_managed (src))
        FUZZ_INVARIANT ("kube-staged-source", src[0] == '/' && strstr (src, "/../") == NULL
                        && strstr (src, "/./") == NULL && strstr (src, "//") == NULL
                        && (strlen (src) < 3 || strcmp (src + strlen (src) - 3, "/..") != 0),
                        "node-managed source \"%s\" cannot be staged", src);
    }
  hr_json_free (again);
  free (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct hr_yaml_docs docs = { 0 };
  struct hr_error err = { 0 };
  int r = hr_yaml_parse ((const char *) data, size, "fuzz.yaml", &docs, &err);
  if (r < 0)
    {
      FUZZ_INVARIANT ("refusal-has-message", err.msg[0] != '\0', "refused (%d) without a message", r);
      return 0;
    }
  static const struct hr_kube_node node = { .all_caps = (UINT64_C (1) << (HR_CAP_LAST + 1)) - 1 };
  for (size_t d = 0; d < docs.n; d++)
    {
      struct hr_kube_pod *pods = NULL;
      size_t n = 0, skipped = 0;
      memset (&err, 0, sizeof err);
      r = hr_kube_pods (docs.docs[d], &pods, &n, &skipped, &err);
      if (r < 0)
        FUZZ_INVARIANT ("refusal-has-message", err.msg[0] != '\0', "pods refused (%d) without a message", r);
      for (size_t p = 0; r == 0 && p < n; p++)
        {
          struct hr_kube_target sb = { 0 };
          memset (&err, 0, sizeof err);
          if (hr_kube_sandbox (&pods[p], &node, &sb, &err) < 0)
            {
              FUZZ_INVARIANT ("refusal-has-message", err.msg[0] != '\0', "sandbox refused without a message");
              continue;
            }
          check_config (sb.config);
          for (size_t c = 0; c < hr_kube_n_containers (&pods[p]); c++)
            {
              struct hr_kube_target t = { 0 };
              memset (&err, 0, sizeof err);
              if (hr_kube_container (&pods[p], c, &node, sb.config, &t, &err) < 0)
                {
                  FUZZ_INVARIANT ("refusal-has-message", err.msg[0] != '\0', "container refused without a message");
                  continue;
                }
              check_config (t.config);
              hr_kube_target_release (&t);
            }
          hr_kube_target_release (&sb);
        }
      free (pods);
    }
  hr_yaml_docs_release (&docs);
  return 0;
}
