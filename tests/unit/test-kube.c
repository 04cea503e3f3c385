/* Kubernetes manifests (shim/kube/): the YAML reader, and the derivation of
 * containerd 1.6 CRI configs from pods, table-driven. What the derived
 * configs then meet is the policy code tested in test-policy; that the
 * derivation matches containerd is tested against containerd itself in
 * tests/e2e/kubernetes.bats. */
#include "config.h"
#include "cleanup.h"
#include "json.h"
#include "kube/kube.h"
#include "kube/yaml.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* YAML                                                                */

static const struct
{
  const char *name, *yaml;
  const char *json;             /* the documents, serialized, joined by "|" */
} yaml_ok[] = {
  { "scalars are typed like Kubernetes' reader",
    "a: 1\nb: -2\nc: true\nd: False\ne: null\nf: ~\ng:\nh: \"1\"\ni: '007'\nj: 1.5\nk: yes\n",
    "{\"a\":1,\"b\":-2,\"c\":true,\"d\":false,\"e\":null,\"f\":null,\"g\":null,\"h\":\"1\",\"i\":\"007\",\"j\":\"1.5\",\"k\":\"yes\"}" },
  { "nested block and flow collections",
    "spec:\n  containers:\n  - name: a\n    args: [x, \"y z\"]\n  - {name: b}\n",
    "{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"x\",\"y z\"]},{\"name\":\"b\"}]}}" },
  { "several documents, an empty one kept as null",
    "a: 1\n---\n---\nb: 2\n", "{\"a\":1}|null|{\"b\":2}" },
  { "JSON is YAML", "{\"kind\": \"Pod\", \"n\": [1, 2]}", "{\"kind\":\"Pod\",\"n\":[1,2]}" },
  { "a literal block", "s: |\n  one\n  two\n", "{\"s\":\"one\\ntwo\\n\"}" },
  { "an explicit string tag", "a: !!str 123\nb: !!str true\n", "{\"a\":\"123\",\"b\":\"true\"}" },
  { "an integer too large for int64 stays text", "n: 99999999999999999999\n", "{\"n\":\"99999999999999999999\"}" },
};

static const struct
{
  const char *name, *yaml, *error;
} yaml_bad[] = {
  { "alias", "a: &x 1\nb: *x\n", "m.yaml:1: anchors are not supported" },
  { "alias without anchor is a syntax error or refused", "b: *x\n", "m.yaml:1:" },
  { "duplicate key", "a: 1\nb: 2\na: 3\n", "m.yaml:3: duplicate key \"a\"" },
  { "duplicate key under Go's matching", "kind: Pod\nKind: Pod\n", "m.yaml:2: duplicate key \"Kind\"" },
  { "a mapping as a key", "? {a: 1}\n: 2\n", "m.yaml:1: a key must be a string" },
  { "unterminated flow", "a: [1, 2\n", "m.yaml:" },
  { "a NUL in a value", "a: \"x\\0y\"\n", "m.yaml:1: a value contains a NUL character" },
  { "tab indentation", "a:\n\tb: 1\n", "m.yaml:2:" },
};

static void
test_yaml (void)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (yaml_ok); i++)
    {
      struct hr_yaml_docs d = { 0 };
      struct hr_error err = { 0 };
      int r = hr_yaml_parse (yaml_ok[i].yaml, strlen (yaml_ok[i].yaml), "m.yaml", &d, &err);
      ok (r == 0, "yaml: %s: parses", yaml_ok[i].name);
      if (r < 0)
        diag ("%s", err.msg);
      char all[1024] = "";
      for (size_t k = 0; k < d.n; k++)
        {
          cleanup_free char *s = NULL;
          size_t len;
          if (d.docs[k] == NULL)
            s = strdup ("null");
          else
            hr_json_serialize (d.docs[k], false, &s, &len, NULL);
          strncat (all, k ? "|" : "", sizeof all - strlen (all) - 1);
          strncat (all, s ? s : "?", sizeof all - strlen (all) - 1);
        }
      check_str (all, yaml_ok[i].json);
      hr_yaml_docs_release (&d);
    }
  for (size_t i = 0; i < HR_ARRAY_SIZE (yaml_bad); i++)
    {
      struct hr_yaml_docs d = { 0 };
      struct hr_error err = { 0 };
      int r = hr_yaml_parse (yaml_bad[i].yaml, strlen (yaml_bad[i].yaml), "m.yaml", &d, &err);
      ok (r < 0 && d.n == 0, "yaml: %s: refused", yaml_bad[i].name);
      check_contains (err.msg, yaml_bad[i].error);
    }

  /* lines: a scalar's own, a container's from its key */
  const char *src = "kind: Pod\nspec:\n  hostNetwork: true\n  containers:\n  - name: a\n    securityContext:\n"
                    "      runAsUser: 0\n";
  struct hr_yaml_docs d = { 0 };
  struct hr_error err = { 0 };
  check_int (hr_yaml_parse (src, strlen (src), "m.yaml", &d, &err), ==, 0);
  const struct hr_json *doc = d.n ? d.docs[0] : NULL;
  check_int (hr_json_get_path (doc, "spec.hostNetwork") ? hr_json_get_path (doc, "spec.hostNetwork")->line : 0, ==, 3);
  check_int (hr_json_get_path (doc, "spec.containers") ? hr_json_get_path (doc, "spec.containers")->line : 0, ==, 4);
  const struct hr_json *c = hr_json_at (hr_json_get_path (doc, "spec.containers"), 0);
  check_int (c ? c->line : 0, ==, 5);
  check_int (hr_json_get_path (c, "securityContext") ? hr_json_get_path (c, "securityContext")->line : 0, ==, 6);
  check_int (hr_json_get_path (c, "securityContext.runAsUser") ? hr_json_get_path (c, "securityContext.runAsUser")->line : 0,
             ==, 7);
  hr_yaml_docs_release (&d);

  /* limits: nesting */
  char deep[HR_JSON_MAX_DEPTH * 2 + 8];
  size_t n = 0;
  for (int k = 0; k < HR_JSON_MAX_DEPTH + 1; k++)
    deep[n++] = '[';
  deep[n] = '\0';
  memset (&err, 0, sizeof err);
  check_int (hr_yaml_parse (deep, n, "m.yaml", &d, &err), ==, -E2BIG);
  check_contains (err.msg, "nested deeper than 64");
}

/* ------------------------------------------------------------------ */
/* Pods and configs                                                    */

static const struct hr_kube_node node = { .apparmor = false, .cgroup_unified = false, .all_caps = 0x1ffffffffffULL };

/* Checks of one derived config: PATH's value serialized, or "" for absent. */
struct expect
{
  const char *path, *json;
};

static const struct
{
  const char *name, *manifest;
  int container;                /* -1: the sandbox */
  struct expect e[10];
} derive[] = {
  { "root container: containerd's defaults",
    "kind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n  - {name: a, image: img}\n", 0,
    { { "process.user", "{\"uid\":0,\"gid\":0,\"additionalGids\":[0]}" },
      { "process.capabilities.bounding", "[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FSETID\",\"CAP_FOWNER\","
        "\"CAP_MKNOD\",\"CAP_NET_RAW\",\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETFCAP\",\"CAP_SETPCAP\","
        "\"CAP_NET_BIND_SERVICE\",\"CAP_SYS_CHROOT\",\"CAP_KILL\",\"CAP_AUDIT_WRITE\"]" },
      { "process.capabilities.ambient", "" },
      { "process.noNewPrivileges", "" },
      { "root.readonly", "" },
      { "linux.seccomp", "" },
      { "annotations", "{\"io.kubernetes.cri.container-type\":\"container\",\"io.kubernetes.cri.sandbox-id\":"
        "\"SANDBOX-ID\",\"io.kubernetes.cri.sandbox-namespace\":\"ns\",\"io.kubernetes.cri.sandbox-uid\":\"POD-UID\","
        "\"io.kubernetes.cri.sandbox-name\":\"p\",\"io.kubernetes.cri.container-name\":\"a\","
        "\"io.kubernetes.cri.image-name\":\"docker.io/library/img:latest\"}" },
      { "linux.namespaces", "[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},"
        "{\"type\":\"network\"}]" } } },
  { "securityContext: user, groups, caps, escalation, read-only root",
    "kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 1000, runAsGroup: 3000, "
    "supplementalGroups: [5, 4], fsGroup: 2000}\n  containers:\n  - name: a\n    securityContext:\n"
    "      runAsUser: 7\n      allowPrivilegeEscalation: false\n      readOnlyRootFilesystem: true\n"
    "      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}\n", 0,
    { { "process.user", "{\"uid\":7,\"gid\":3000,\"additionalGids\":[4,5,2000,3000]}" },
      { "process.capabilities.effective", "[\"CAP_NET_BIND_SERVICE\"]" },
      { "process.noNewPrivileges", "true" },
      { "root.readonly", "true" },
      { "annotations.io\\.kubernetes", "" } } },
  { "privileged: every capability, no masked paths, writable /sys, all devices allowed",
    "kind: Pod\nmetadata: {name: p}\nspec:\n  automountServiceAccountToken: false\n  containers:\n  - name: a\n"
    "    securityContext: {privileged: true, seccompProfile: {type: RuntimeDefault}}\n", 0,
    { { "linux.maskedPaths", "" },
      { "linux.readonlyPaths", "" },
      { "linux.seccomp", "" },
      { "linux.resources.devices", "[{\"allow\":true,\"access\":\"rwm\"}]" },
      { "mounts.4.options", "[\"nosuid\",\"noexec\",\"nodev\",\"rw\"]" },
      { "mounts.5.options", "[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"rw\"]" } } },
  { "RuntimeDefault seccomp, procMount Unmasked",
    "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContext:\n"
    "      seccompProfile: {type: RuntimeDefault}\n      procMount: Unmasked\n", 0,
    { { "linux.seccomp.defaultAction", "\"SCMP_ACT_ERRNO\"" }, { "linux.maskedPaths", "" } } },
  { "sandbox: pod user, sysctls, host namespaces left out",
    "kind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  hostPID: true\n  securityContext:\n"
    "    runAsUser: 1000\n    sysctls: [{name: net.ipv4.tcp_syncookies, value: \"1\"}]\n  containers: [{name: a}]\n", -1,
    { { "process.user", "{\"uid\":1000,\"gid\":0,\"additionalGids\":[0]}" },
      { "linux.sysctl", "{\"net.ipv4.tcp_syncookies\":\"1\"}" },
      { "linux.namespaces", "[{\"type\":\"ipc\"},{\"type\":\"mount\"}]" },
      { "root.readonly", "true" },
      { "process.noNewPrivileges", "true" },
      { "annotations.io\\.kubernetes\\.cri\\.container-type", "" } } },
  { "image names as containerd has them",
    "kind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n  - {name: a, image: \"quay.io/x/y\"}\n"
    "  - {name: b, image: \"localhost:5000/y:1\"}\n  - {name: c, image: \"org/app@sha256:00\"}\n"
    "  containers: [{name: d, image: \"localhost/y\"}]\n", 3,
    { { "annotations.io\\.kubernetes\\.cri\\.image-name", "\"localhost/y:latest\"" } } },
  { "image names: a registry with a port, a tag",
    "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: b, image: \"localhost:5000/y:1\"}]\n", 0,
    { { "annotations.io\\.kubernetes\\.cri\\.image-name", "\"localhost:5000/y:1\"" } } },
  { "image names: a domain, no tag",
    "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: \"quay.io/x/y\"}]\n", 0,
    { { "annotations.io\\.kubernetes\\.cri\\.image-name", "\"quay.io/x/y:latest\"" } } },
  { "image names: a digest",
    "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: \"org/app@sha256:00\"}]\n", 0,
    { { "annotations.io\\.kubernetes\\.cri\\.image-name", "\"docker.io/org/app@sha256:00\"" } } },
  { "sandbox without a user: the image's (root), no groups",
    "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a}]\n", -1,
    { { "process.user", "{\"uid\":0,\"gid\":0}" }, { "hostname", "\"p\"" } } },
};

/* hr_json_get_path splits on '.', which annotation keys contain: these
 * checks name a member through a backslash-escaped path. */
static const struct hr_json *
get_escaped (const struct hr_json *v, const char *path)
{
  char seg[256];
  while (v && *path)
    {
      size_t n = 0;
      while (*path && *path != '.' && n + 1 < sizeof seg)
        {
          if (*path == '\\' && path[1])
            path++;
          seg[n++] = *path++;
        }
      seg[n] = '\0';
      if (*path == '.')
        path++;
      char *end;
      long idx = strtol (seg, &end, 10);
      v = *end == '\0' && hr_json_is_array (v) ? hr_json_at (v, (size_t) idx) : hr_json_get (v, seg);
    }
  return v;
}

static void
test_derive (void)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (derive); i++)
    {
      struct hr_yaml_docs d = { 0 };
      struct hr_error err = { 0 };
      int r = hr_yaml_parse (derive[i].manifest, strlen (derive[i].manifest), "m.yaml", &d, &err);
      cleanup_free struct hr_kube_pod *pods = NULL;
      size_t n = 0, skipped = 0;
      if (r == 0)
        r = hr_kube_pods (d.docs[0], &pods, &n, &skipped, &err);
      ok (r == 0 && n == 1, "derive: %s: one pod", derive[i].name);
      if (r < 0 || n != 1)
        {
          diag ("%s", err.msg);
          hr_yaml_docs_release (&d);
          continue;
        }
      struct hr_kube_target sb = { 0 }, t = { 0 };
      r = hr_kube_sandbox (&pods[0], &node, &sb, &err);
      if (r == 0 && derive[i].container >= 0)
        r = hr_kube_container (&pods[0], (size_t) derive[i].container, &node, sb.config, &t, &err);
      check_int (r, ==, 0);
      const struct hr_json *config = derive[i].container >= 0 ? t.config : sb.config;
      for (size_t k = 0; k < HR_ARRAY_SIZE (derive[i].e) && derive[i].e[k].path; k++)
        {
          const struct hr_json *v = get_escaped (config, derive[i].e[k].path);
          cleanup_free char *s = NULL;
          size_t len;
          if (v)
            hr_json_serialize (v, false, &s, &len, NULL);
          if (strstr (derive[i].e[k].path, "annotations.io") && derive[i].e[k].json[0] == '\0')
            {
              /* annotation spot checks: present */
              ok (hr_json_len (hr_json_get (config, "annotations")) >= 5, "derive: %s: CRI annotations",
                  derive[i].name);
              continue;
            }
          ok ((s == NULL && derive[i].e[k].json[0] == '\0') || (s && strcmp (s, derive[i].e[k].json) == 0),
              "derive: %s: %s", derive[i].name, derive[i].e[k].path);
          if (!((s == NULL && derive[i].e[k].json[0] == '\0') || (s && strcmp (s, derive[i].e[k].json) == 0)))
            diag ("  got %s, want %s", s ? s : "(absent)", derive[i].e[k].json[0] ? derive[i].e[k].json : "(absent)");
        }
      hr_kube_target_release (&t);
      hr_kube_target_release (&sb);
      hr_yaml_docs_release (&d);
    }
}

/* Mount order: kubelet's and containerd's binds after the defaults, sorted
 * by depth, stable; /dev/shm's default tmpfs gives way to the bind. */
static void
test_mounts (void)
{
  const char *m = "kind: Pod\nmetadata: {name: p, uid: u}\nspec:\n  automountServiceAccountToken: false\n"
                  "  containers:\n  - name: a\n    volumeMounts:\n    - {name: data, mountPath: /data}\n"
                  "    - {name: deep, mountPath: /a/b/c/d, readOnly: true}\n"
                  "  volumes:\n  - {name: data, emptyDir: {}}\n  - {name: deep, projected: {sources: []}}\n";
  static const char *const want[] = {
    "/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/data", "/etc/hosts",
    "/dev/termination-log", "/etc/hostname", "/etc/resolv.conf", "/dev/shm", "/a/b/c/d",
  };
  struct hr_yaml_docs d = { 0 };
  struct hr_error err = { 0 };
  cleanup_free struct hr_kube_pod *pods = NULL;
  size_t n = 0, skipped = 0;
  struct hr_kube_target sb = { 0 }, t = { 0 };
  int r = hr_yaml_parse (m, strlen (m), "m.yaml", &d, &err);
  if (r == 0)
    r = hr_kube_pods (d.docs[0], &pods, &n, &skipped, &err);
  if (r == 0)
    r = hr_kube_sandbox (&pods[0], &node, &sb, &err);
  if (r == 0)
    r = hr_kube_container (&pods[0], 0, &node, sb.config, &t, &err);
  check_int (r, ==, 0);
  const struct hr_json *mounts = hr_json_get (t.config, "mounts");
  check_int (hr_json_len (mounts), ==, HR_ARRAY_SIZE (want));
  for (size_t i = 0; i < HR_ARRAY_SIZE (want) && i < hr_json_len (mounts); i++)
    check_str (hr_json_string (hr_json_get (hr_json_at (mounts, i), "destination")), want[i]);
  const struct hr_json *deep = hr_json_at (mounts, 12);
  check_str (hr_json_string (hr_json_get (deep, "source")), "/var/lib/kubelet/pods/u/volumes/kubernetes.io~projected/deep");
  cleanup_free char *opts = NULL;
  size_t len;
  hr_json_serialize (hr_json_get (deep, "options"), false, &opts, &len, NULL);
  check_str (opts, "[\"rbind\",\"rprivate\",\"ro\"]");
  /* the origin of a finding on mounts[6] is the volumeMount's line */
  const struct hr_kube_origin *o = hr_kube_origin_of (&t, HR_CTL_MOUNTS, "mounts[6].options");
  check_int (o ? o->line : 0, ==, 8);
  o = hr_kube_origin_of (&t, HR_CTL_MOUNTS, "mounts[12].source");
  check_int (o ? o->line : 0, ==, 9);
  hr_kube_target_release (&t);
  hr_kube_target_release (&sb);
  hr_yaml_docs_release (&d);
}

static void
test_pods (void)
{
  static const struct
  {
    const char *name, *yaml;
    size_t pods, skipped;
    const char *error;
  } cases[] = {
    { "Deployment", "kind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: []}}}\n", 1, 0, NULL },
    { "CronJob", "kind: CronJob\nspec: {jobTemplate: {spec: {template: {spec: {containers: []}}}}}\n", 1, 0, NULL },
    { "List of three, one skipped",
      "kind: List\nitems:\n- {kind: Pod, spec: {}}\n- {kind: Service}\n- {kind: Job, spec: {template: {spec: {}}}}\n", 2, 1,
      NULL },
    { "a Service", "kind: Service\n", 0, 1, NULL },
    { "no kind", "a: 1\n", 0, 1, NULL },
    { "a workload without a template", "kind: Deployment\nmetadata: {name: d}\nspec: {}\n", 0, 0,
      "line 1: Deployment \"d\" has no pod template spec" },
    { "not an object", "- 1\n", 0, 0, "line 1: a document that is not an object" },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    {
      struct hr_yaml_docs d = { 0 };
      struct hr_error err = { 0 };
      cleanup_free struct hr_kube_pod *pods = NULL;
      size_t n = 0, skipped = 0;
      int r = hr_yaml_parse (cases[i].yaml, strlen (cases[i].yaml), "m.yaml", &d, &err);
      if (r == 0)
        r = hr_kube_pods (d.docs[0], &pods, &n, &skipped, &err);
      if (cases[i].error)
        {
          ok (r < 0, "pods: %s: refused", cases[i].name);
          check_str (err.msg, cases[i].error);
        }
      else
        ok (r == 0 && n == cases[i].pods && skipped == cases[i].skipped, "pods: %s: %zu pods, %zu skipped",
            cases[i].name, n, skipped);
      hr_yaml_docs_release (&d);
    }
}

/* Past a table's limit the derivation fails instead of dropping entries. */
static void
test_limits (void)
{
  char m[16384];
  size_t off = (size_t) snprintf (m, sizeof m, "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                                  "  - name: a\n    volumeMounts:\n");
  for (int i = 0; i < 61; i++)
    off += (size_t) snprintf (m + off, sizeof m - off, "    - {name: v, mountPath: /m%d}\n", i);
  struct hr_yaml_docs d = { 0 };
  struct hr_error err = { 0 };
  cleanup_free struct hr_kube_pod *pods = NULL;
  size_t n = 0, skipped = 0;
  struct hr_kube_target sb = { 0 }, t = { 0 };
  int r = hr_yaml_parse (m, off, "m.yaml", &d, &err);
  if (r == 0)
    r = hr_kube_pods (d.docs[0], &pods, &n, &skipped, &err);
  if (r == 0)
    r = hr_kube_sandbox (&pods[0], &node, &sb, &err);
  check_int (r, ==, 0);
  if (r == 0)
    check_int (hr_kube_container (&pods[0], 0, &node, sb.config, &t, &err), ==, -E2BIG);
  check_str (err.msg, "line 6: more than 60 volumeMounts");
  ok (t.config == NULL, "limits: nothing derived past the limit");
  hr_kube_target_release (&sb);
  hr_yaml_docs_release (&d);
  free (pods);
  pods = NULL;
  n = skipped = 0;
  memset (&sb, 0, sizeof sb);

  off = (size_t) snprintf (m, sizeof m, "kind: Pod\nspec:\n  securityContext:\n    supplementalGroups: [");
  for (int i = 0; i < 257; i++)
    off += (size_t) snprintf (m + off, sizeof m - off, "%s%d", i ? ", " : "", i + 1);
  off += (size_t) snprintf (m + off, sizeof m - off, "]\n  containers: [{name: a}]\n");
  memset (&err, 0, sizeof err);
  r = hr_yaml_parse (m, off, "m.yaml", &d, &err);
  if (r == 0)
    r = hr_kube_pods (d.docs[0], &pods, &n, &skipped, &err);
  if (r == 0)
    r = hr_kube_sandbox (&pods[0], &node, &sb, &err);
  check_int (r, ==, -E2BIG);
  check_str (err.msg, "line 4: more than 256 supplementalGroups");
  hr_kube_target_release (&sb);
  hr_yaml_docs_release (&d);
}

static void
test_node_managed (void)
{
  static const struct
  {
    const char *source;
    bool managed;
  } cases[] = {
    { "/var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/v", true },
    { "/var/lib/kubelet/pods/u/etc-hosts", true },
    { "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/ID/hostname", true },
    { "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/ID/shm", true },
    { "/var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/..", false },
    { "/var/lib/kubelet/pods/../../../etc", false },
    { "/var/lib/kubelet/pods/u/./x", false },
    { "/var/lib/kubelet/pods//x", false },
    { "/var/lib/kubelet/config.yaml", false },
    { "/var/run/docker.sock", false },
    { "/dev/shm", false },
    { NULL, false },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    ok (hr_kube_source_is_node_managed (cases[i].source) == cases[i].managed, "node-managed: \"%s\": %s",
        cases[i].source ? cases[i].source : "(null)", cases[i].managed ? "yes" : "no");
}

int
main (void)
{
  test_yaml ();
  test_pods ();
  test_derive ();
  test_mounts ();
  test_limits ();
  test_node_managed ();
  return done_testing ();
}
