/* From a Kubernetes manifest to the config.json containerd 1.6's CRI
 * plugin will write for each of a pod's containers, as kubelet asks for
 * them. The rules, and what they cannot know (the node, the image's USER,
 * admission), are in docs/kubernetes.md; every rule here names the
 * containerd or kubelet code it follows.
 *
 * Pure apart from what hr_kube_node describes: no policy, no output. */
#ifndef HARDRUN_KUBE_H
#define HARDRUN_KUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "json.h"
#include "policy/profile.h"

/* One pod: a Pod, or the pod template of a workload. Borrowed from the
 * manifest's tree. */
struct hr_kube_pod
{
  char kind[32];                /* "Pod", "Deployment", ... */
  char name[254];               /* the workload's metadata.name */
  char namespace[64];           /* metadata.namespace, or "default" */
  unsigned line;                /* where the object starts */
  const struct hr_json *meta;   /* borrowed: the pod's (template's) metadata, may be NULL */
  const struct hr_json *spec;   /* borrowed: the pod spec */
};

/* Collects the pods of one document: a workload, or every item of a
 * "kind: List". Objects of other kinds are counted in *RET_SKIPPED. */
int hr_kube_pods (const struct hr_json *doc, struct hr_kube_pod **ret, size_t *ret_n, size_t *ret_skipped,
                  struct hr_error *err);

/* What the node provides that a manifest does not say. */
struct hr_kube_node
{
  bool apparmor;                /* containerd applies AppArmor profiles (not disable_apparmor) */
  bool cgroup_unified;          /* cgroup v2: containers get a cgroup namespace */
  uint64_t all_caps;            /* what privileged gets: containerd's own capabilities */
  /* containerd's RuntimeDefault filters, which depend on the container's
   * capabilities: each for the bounding set it was made for (HAVE_CAPS),
   * or for any. Borrowed; none when not known. */
  struct hr_kube_seccomp_default
  {
    const struct hr_json *filter;
    uint64_t caps;
    bool have_caps;
  } seccomp_defaults[8];
  size_t n_seccomp_defaults;
};

/* Where a finding comes from in the manifest, and what to change there. */
struct hr_kube_origin
{
  char *field;                  /* owned: config.json path prefix; NULL: the whole control */
  enum hr_control_id control;
  unsigned line;
  char *hint;                   /* owned */
};

enum hr_kube_role
{
  HR_KUBE_SANDBOX,
  HR_KUBE_INIT,
  HR_KUBE_CONTAINER,
  HR_KUBE_EPHEMERAL,
};

struct hr_kube_target
{
  enum hr_kube_role role;
  char name[254];               /* the container's name; "" for the sandbox */
  unsigned line;                /* the container's entry (the pod's spec for the sandbox) */
  struct hr_json *config;       /* owned: config.json as containerd writes it */
  struct hr_kube_origin *origins; /* owned */
  size_t n_origins;
  char **notes;                 /* owned: what the prediction assumed or cannot know */
  size_t n_notes;
};

void hr_kube_target_release (struct hr_kube_target *t);
const char *hr_kube_role_name (enum hr_kube_role r);

/* The origin of a finding of CONTROL on FIELD (longest matching field
 * prefix of that control, else the control's, else the target's line). */
const struct hr_kube_origin *hr_kube_origin_of (const struct hr_kube_target *t, enum hr_control_id control,
                                                const char *field);

/* Whether SOURCE, a bind source of a derived config, is one kubelet or
 * containerd makes on the node for the pod (its volumes, /etc/hosts, the
 * termination log, the sandbox's files): it exists there, is neither a
 * symlink nor sensitive, but need not exist where explain runs. */
bool hr_kube_source_is_node_managed (const char *source);

/* The pod sandbox (pause container). */
int hr_kube_sandbox (const struct hr_kube_pod *pod, const struct hr_kube_node *node, struct hr_kube_target *ret,
                     struct hr_error *err);

/* How many containers the pod has (init, then regular, then ephemeral). */
size_t hr_kube_n_containers (const struct hr_kube_pod *pod);

/* Container I. SANDBOX_CONFIG is the sandbox's config as it will run
 * (after hardrun changed it): the namespaces the container joins are the
 * host's exactly when the sandbox lacks them. */
int hr_kube_container (const struct hr_kube_pod *pod, size_t i, const struct hr_kube_node *node,
                       const struct hr_json *sandbox_config, struct hr_kube_target *ret, struct hr_error *err);

#endif
