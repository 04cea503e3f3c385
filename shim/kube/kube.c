/* Kubernetes manifests to containerd 1.6 CRI configs: see kube.h and
 * docs/kubernetes.md. "kubelet" below is kubelet's kuberuntime (what it
 * sends over the CRI); "containerd" is pkg/cri/server/container_create_linux.go,
 * sandbox_run_linux.go and pkg/cri/opts/spec_linux.go of containerd 1.6,
 * over oci/spec.go's defaults. */
#include "config.h"
#include "kube/kube.h"
#include "cleanup.h"
#include "pathname.h"
#include "policy/process.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define MAX_PODS 4096
#define MAX_DEVICES 1024
#define MAX_VOLUME_MOUNTS 60           /* per container; kubelet's and containerd's own come on top */
#define MAX_GROUPS 256
#define KUBELET_ROOT "/var/lib/kubelet"
#define CRI_ROOT "/var/lib/containerd/io.containerd.grpc.v1.cri"
#define CRI_STATE "/run/containerd/io.containerd.grpc.v1.cri"
#define DEFAULT_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* containerd's oci.defaultUnixCaps(), in its order */
static const char *const default_caps[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
  "CAP_AUDIT_WRITE",
};

/* containerd's default spec: masked and read-only paths (the sandbox keeps
 * them) */
static const char *const ctrd_masked[] = {
  "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
  "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
};
static const char *const ctrd_readonly[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};
/* kubelet's securitycontext defaults for procMount Default (Kubernetes 1.26) */
static const char *const kubelet_masked[] = {
  "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
  "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static const char *
str_of (const struct hr_json *o, const char *key)
{
  return hr_json_string (hr_json_get (o, key));
}

static bool
bool_of (const struct hr_json *o, const char *key, bool *ret)
{
  const struct hr_json *v = hr_json_get (o, key);
  if (!hr_json_is_bool (v))
    return false;
  *ret = v->type == HR_JSON_TRUE;
  return true;
}

static bool
true_of (const struct hr_json *o, const char *key)
{
  bool b = false;
  return bool_of (o, key, &b) && b;
}

static bool
int_of (const struct hr_json *o, const char *key, int64_t *ret)
{
  return hr_json_int_value (hr_json_get (o, key), INT64_MIN, INT64_MAX, ret);
}

static unsigned
line_of (const struct hr_json *v, unsigned fallback)
{
  return v && v->line ? v->line : fallback;
}

/* The builders below do not stop at a failed allocation: they note it
 * here, and hr_kube_sandbox and hr_kube_container fail with ENOMEM at the
 * end rather than return a config with a piece missing (a wrong
 * prediction). One derivation runs at a time. */
static bool build_failed;

static int
set (struct hr_json *o, const char *key, struct hr_json *v)
{
  int r = hr_json_set (o, key, v, NULL);
  build_failed |= r < 0;
  return r;
}

static int
append (struct hr_json *a, struct hr_json *v)
{
  int r = hr_json_append (a, v, NULL);
  build_failed |= r < 0;
  return r;
}

static struct hr_json *
str_array (const char *const *v, size_t n)
{
  struct hr_json *a = hr_json_new_array ();
  for (size_t i = 0; a && i < n; i++)
    if (hr_json_append (a, hr_json_new_string (v[i]), NULL) < 0)
      {
        hr_json_free (a);
        return NULL;
      }
  return a;
}

void
hr_kube_target_release (struct hr_kube_target *t)
{
  hr_json_free (t->config);
  for (size_t i = 0; i < t->n_origins; i++)
    {
      free (t->origins[i].field);
      free (t->origins[i].hint);
    }
  free (t->origins);
  for (size_t i = 0; i < t->n_notes; i++)
    free (t->notes[i]);
  free (t->notes);
  memset (t, 0, sizeof *t);
}

const char *
hr_kube_role_name (enum hr_kube_role r)
{
  switch (r)
    {
    case HR_KUBE_SANDBOX:
      return "sandbox";
    case HR_KUBE_INIT:
      return "init";
    case HR_KUBE_EPHEMERAL:
      return "ephemeral";
    default:
      return "container";
    }
}

static void origin (struct hr_kube_target *t, enum hr_control_id control, const char *field, unsigned line,
                    const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));

static void
origin (struct hr_kube_target *t, enum hr_control_id control, const char *field, unsigned line, const char *fmt, ...)
{
  struct hr_kube_origin *o = realloc (t->origins, (t->n_origins + 1) * sizeof *o);
  if (o == NULL)
    {
      build_failed = true;
      return;
    }
  t->origins = o;
  va_list ap;
  va_start (ap, fmt);
  char *hint = NULL;
  if (vasprintf (&hint, fmt, ap) < 0)
    {
      hint = NULL;
      build_failed = true;
    }
  va_end (ap);
  o[t->n_origins] = (struct hr_kube_origin) {
    .field = field ? strdup (field) : NULL, .control = control, .line = line ? line : t->line, .hint = hint,
  };
  t->n_origins++;
}

static void note (struct hr_kube_target *t, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
note (struct hr_kube_target *t, const char *fmt, ...)
{
  char **n = realloc (t->notes, (t->n_notes + 1) * sizeof *n);
  if (n == NULL)
    {
      build_failed = true;
      return;
    }
  t->notes = n;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&t->notes[t->n_notes], fmt, ap) >= 0)
    t->n_notes++;
  else
    build_failed = true;
  va_end (ap);
}

const struct hr_kube_origin *
hr_kube_origin_of (const struct hr_kube_target *t, enum hr_control_id control, const char *field)
{
  const struct hr_kube_origin *best = NULL;
  size_t best_len = 0;
  for (size_t i = 0; i < t->n_origins; i++)
    {
      const struct hr_kube_origin *o = &t->origins[i];
      if (o->control != control)
        continue;
      if (o->field == NULL)
        {
          if (best == NULL)
            best = o;
          continue;
        }
      size_t n = strlen (o->field);
      if (field && strncmp (field, o->field, n) == 0 && (field[n] == '\0' || field[n] == '.' || field[n] == '[')
          && (best == NULL || best->field == NULL || n > best_len))
        {
          best = o;
          best_len = n;
        }
    }
  return best;
}

bool
hr_kube_source_is_node_managed (const char *source)
{
  static const char *const roots[] = { KUBELET_ROOT "/pods/", CRI_ROOT "/sandboxes/", CRI_STATE "/sandboxes/" };
  bool under = false;
  for (size_t i = 0; source && i < HR_ARRAY_SIZE (roots); i++)
    under |= strncmp (source, roots[i], strlen (roots[i])) == 0;
  if (!under)
    return false;
  /* names from the manifest (a volume's, the pod's uid) are in the path:
   * one that climbs out is not a path kubelet makes */
  for (const char *c = source; c; c = strchr (c + 1, '/'))
    if (strncmp (c, "/./", 3) == 0 || strcmp (c, "/.") == 0 || strncmp (c, "/../", 4) == 0 || strcmp (c, "/..") == 0
        || strncmp (c, "//", 2) == 0)
      return false;
  return true;
}

/* ------------------------------------------------------------------ */
/* Workloads                                                           */

static int
add_pod (const struct hr_json *obj, struct hr_kube_pod **pods, size_t *n, size_t *skipped, struct hr_error *err)
{
  const char *kind = str_of (obj, "kind");
  const struct hr_json *meta = hr_json_get (obj, "metadata");
  const struct hr_json *spec = hr_json_get (obj, "spec");
  const struct hr_json *tmpl = NULL;
  if (kind == NULL)
    {
      (*skipped)++;
      return 0;
    }
  if (strcmp (kind, "Pod") == 0)
    tmpl = obj;
  else if (strcmp (kind, "Deployment") == 0 || strcmp (kind, "StatefulSet") == 0 || strcmp (kind, "DaemonSet") == 0
           || strcmp (kind, "ReplicaSet") == 0 || strcmp (kind, "Job") == 0
           || strcmp (kind, "ReplicationController") == 0)
    tmpl = hr_json_get (spec, "template");
  else if (strcmp (kind, "CronJob") == 0)
    tmpl = hr_json_get_path (spec, "jobTemplate.spec.template");
  else
    {
      (*skipped)++;
      return 0;
    }
  if (!hr_json_is_object (hr_json_get (tmpl, "spec")))
    return hr_error_set (err, EINVAL, "line %u: %s \"%s\" has no pod template spec", line_of (obj, 0), kind,
                         str_of (meta, "name") ? str_of (meta, "name") : "");
  if (*n >= MAX_PODS)
    return hr_error_set (err, E2BIG, "more than %d pods", MAX_PODS);
  struct hr_kube_pod *p = realloc (*pods, (*n + 1) * sizeof *p);
  if (p == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  *pods = p;
  struct hr_kube_pod *pod = &p[(*n)++];
  memset (pod, 0, sizeof *pod);
  snprintf (pod->kind, sizeof pod->kind, "%s", kind);
  snprintf (pod->name, sizeof pod->name, "%s", str_of (meta, "name") ? str_of (meta, "name") : "");
  const char *ns = str_of (meta, "namespace");
  snprintf (pod->namespace, sizeof pod->namespace, "%s", ns && *ns ? ns : "default");
  pod->line = line_of (obj, 1);
  pod->meta = hr_json_get (tmpl, "metadata");
  pod->spec = hr_json_get (tmpl, "spec");
  return 0;
}

int
hr_kube_pods (const struct hr_json *doc, struct hr_kube_pod **ret, size_t *ret_n, size_t *ret_skipped,
              struct hr_error *err)
{
  if (doc == NULL || doc->type == HR_JSON_NULL)
    return 0;
  if (!hr_json_is_object (doc))
    return hr_error_set (err, EINVAL, "line %u: a document that is not an object", line_of (doc, 1));
  const char *kind = str_of (doc, "kind");
  if (kind && strlen (kind) >= 4 && strcmp (kind + strlen (kind) - 4, "List") == 0)
    {
      const struct hr_json *items = hr_json_get (doc, "items");
      for (size_t i = 0; i < hr_json_len (items); i++)
        {
          int r = add_pod (hr_json_at (items, i), ret, ret_n, ret_skipped, err);
          if (r < 0)
            return r;
        }
      return 0;
    }
  return add_pod (doc, ret, ret_n, ret_skipped, err);
}

/* ------------------------------------------------------------------ */
/* Pieces of the spec                                                  */

/* The security context field KEY: the container's, else the pod's
 * (kubelet's determineEffectiveSecurityContext). */
static const struct hr_json *
effective (const struct hr_kube_pod *pod, const struct hr_json *c, const char *key)
{
  const struct hr_json *v = hr_json_get (hr_json_get (c, "securityContext"), key);
  if (v == NULL)
    v = hr_json_get (hr_json_get (pod->spec, "securityContext"), key);
  return v;
}

static int
cmp_u32 (const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  return x < y ? -1 : x > y;
}

/* process.user: containerd's WithUser (uid[:gid]; the primary gid joins
 * additionalGids), WithAdditionalGIDs and WithSupplementalGroups (merged,
 * sorted, unique). The image's USER and /etc/group are not known: root,
 * and no groups of its own. */
static struct hr_json *
user_object (const struct hr_kube_pod *pod, const struct hr_json *c, bool sandbox, struct hr_kube_target *t)
{
  const struct hr_json *psc = hr_json_get (pod->spec, "securityContext");
  int64_t uid = 0, gid = 0;
  bool have_uid, have_gid;
  if (sandbox)
    {
      have_uid = int_of (psc, "runAsUser", &uid);
      have_gid = int_of (psc, "runAsGroup", &gid);
    }
  else
    {
      have_uid = hr_json_int_value (effective (pod, c, "runAsUser"), 0, UINT32_MAX, &uid);
      have_gid = hr_json_int_value (effective (pod, c, "runAsGroup"), 0, UINT32_MAX, &gid);
    }
  if (!have_gid)
    gid = 0;
  if (!have_uid && have_gid)
    note (t, "runAsGroup without runAsUser: containerd refuses to create this container");
  if (!have_uid)
    {
      uid = 0;
      gid = 0;
      note (t, "runAsUser is not set: the image's USER decides; predicted as root (0:0)");
    }
  else if (!have_gid)
    note (t, "runAsGroup is not set: the group comes from the image's /etc/passwd; predicted as 0");
  uint32_t gids[MAX_GROUPS + 2];
  size_t n = 0;
  /* WithUser runs when a user is given (or the image names one) and
   * makes the primary gid an additional one too. For the sandbox it runs
   * last and so replaces the supplemental groups set before it; for a
   * container the groups are merged in after it. */
  if (!sandbox || have_uid)
    gids[n++] = (uint32_t) gid;
  const struct hr_json *supp = hr_json_get (psc, "supplementalGroups");
  for (size_t i = 0; i < hr_json_len (supp) && n < MAX_GROUPS && !(sandbox && have_uid); i++)
    {
      int64_t g;
      if (hr_json_int_value (hr_json_at (supp, i), 0, UINT32_MAX, &g))
        gids[n++] = (uint32_t) g;
    }
  int64_t fs;
  if (!(sandbox && have_uid) && int_of (psc, "fsGroup", &fs) && fs >= 0 && fs <= UINT32_MAX)
    gids[n++] = (uint32_t) fs;
  qsort (gids, n, sizeof gids[0], cmp_u32);
  struct hr_json *u = hr_json_new_object ();
  set (u, "uid", hr_json_new_i64 (uid));
  set (u, "gid", hr_json_new_i64 (gid));
  if (n > 0)
    {
      struct hr_json *a = hr_json_new_array ();
      for (size_t i = 0; i < n; i++)
        if (i == 0 || gids[i] != gids[i - 1])
          append (a, hr_json_new_i64 (gids[i]));
      set (u, "additionalGids", a);
    }
  return u;
}

static void
caps_add (int *list, size_t *n, int cap)
{
  for (size_t i = 0; i < *n; i++)
    if (list[i] == cap)
      return;
  list[(*n)++] = cap;
}

static void
caps_drop (int *list, size_t *n, int cap)
{
  for (size_t i = 0; i < *n; i++)
    if (list[i] == cap)
      {
        memmove (&list[i], &list[i + 1], (*n - i - 1) * sizeof *list);
        (*n)--;
        return;
      }
}

static bool
has_all (const struct hr_json *list)
{
  for (size_t i = 0; i < hr_json_len (list); i++)
    {
      const char *s = hr_json_string (hr_json_at (list, i));
      if (s && strcasecmp (s, "ALL") == 0)
        return true;
    }
  return false;
}

/* process.capabilities: containerd's WithCapabilities over the defaults;
 * privileged gets every capability containerd has. No inheritable or
 * ambient set. */
static struct hr_json *
caps_object (const struct hr_json *sc, const struct hr_kube_node *node, bool privileged, struct hr_kube_target *t)
{
  int list[HR_CAP_LAST + 1 + 64];
  size_t n = 0;
  for (size_t i = 0; i < HR_ARRAY_SIZE (default_caps); i++)
    list[n++] = hr_cap_from_name (default_caps[i]);
  const struct hr_json *caps = hr_json_get (sc, "capabilities");
  const struct hr_json *add = hr_json_get (caps, "add"), *drop = hr_json_get (caps, "drop");
  if (caps)
    {
      if (has_all (add))
        {
          n = 0;
          for (int c = 0; c <= HR_CAP_LAST; c++)
            if (node->all_caps & (UINT64_C (1) << c))
              list[n++] = c;
        }
      if (has_all (drop))
        n = 0;
      for (size_t i = 0; i < hr_json_len (add); i++)
        {
          const char *s = hr_json_string (hr_json_at (add, i));
          char name[64];
          if (s == NULL || strcasecmp (s, "ALL") == 0)
            continue;
          snprintf (name, sizeof name, "CAP_%s", s);
          int cap = hr_cap_from_name (name);
          if (cap < 0)
            note (t, "capability \"%s\" is unknown: the container would not start", s);
          else if (n < HR_ARRAY_SIZE (list))
            caps_add (list, &n, cap);
        }
      for (size_t i = 0; i < hr_json_len (drop); i++)
        {
          const char *s = hr_json_string (hr_json_at (drop, i));
          char name[64];
          if (s == NULL || strcasecmp (s, "ALL") == 0)
            continue;
          snprintf (name, sizeof name, "CAP_%s", s);
          int cap = hr_cap_from_name (name);
          if (cap >= 0)
            caps_drop (list, &n, cap);
        }
    }
  if (privileged)
    {
      n = 0;
      for (int c = 0; c <= HR_CAP_LAST; c++)
        if (node->all_caps & (UINT64_C (1) << c))
          list[n++] = c;
    }
  struct hr_json *o = hr_json_new_object ();
  static const char *const sets[] = { "bounding", "effective", "permitted" };
  for (size_t s = 0; s < 3; s++)
    {
      struct hr_json *a = hr_json_new_array ();
      for (size_t i = 0; i < n; i++)
        append (a, hr_json_new_string (hr_cap_name (list[i])));
      set (o, sets[s], a);
    }
  return o;
}

static struct hr_json *
mount_object (const char *dest, const char *type, const char *source, const char *const *opts, size_t n_opts)
{
  struct hr_json *m = hr_json_new_object ();
  set (m, "destination", hr_json_new_string (dest));
  set (m, "type", hr_json_new_string (type));
  set (m, "source", hr_json_new_string (source));
  set (m, "options", str_array (opts, n_opts));
  return m;
}

/* oci.defaultMounts() without /run (oci.WithoutRunMount) */
static int
default_mounts (struct hr_json *mounts, bool with_cgroup)
{
  static const char *const proc[] = { "nosuid", "noexec", "nodev" };
  static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k" };
  static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" };
  static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" };
  static const char *const mq[] = { "nosuid", "noexec", "nodev" };
  static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro" };
  static const char *const cg[] = { "nosuid", "noexec", "nodev", "relatime", "ro" };
  append (mounts, mount_object ("/proc", "proc", "proc", proc, 3));
  append (mounts, mount_object ("/dev", "tmpfs", "tmpfs", dev, 4));
  append (mounts, mount_object ("/dev/pts", "devpts", "devpts", pts, 6));
  append (mounts, mount_object ("/dev/shm", "tmpfs", "shm", shm, 5));
  append (mounts, mount_object ("/dev/mqueue", "mqueue", "mqueue", mq, 3));
  append (mounts, mount_object ("/sys", "sysfs", "sysfs", sys, 4));
  if (with_cgroup)
    append (mounts, mount_object ("/sys/fs/cgroup", "cgroup", "cgroup", cg, 5));
  return 0;
}

/* A seccomp or AppArmor profile choice: RuntimeDefault, Localhost (with
 * its file), Unconfined, or "" for none given. */
struct profile_choice
{
  char type[32];
  char ref[256];
  unsigned line;
  const char *from;             /* "securityContext.seccompProfile", an annotation, ... */
};

static void
choice_from_field (const struct hr_json *p, struct profile_choice *ret, const char *from)
{
  const char *type = str_of (p, "type");
  const char *ref = str_of (p, "localhostProfile");
  snprintf (ret->type, sizeof ret->type, "%s", type ? type : "");
  snprintf (ret->ref, sizeof ret->ref, "%s", ref ? ref : "");
  ret->line = line_of (p, 0);
  ret->from = from;
}

/* the annotations' spelling: runtime/default, docker/default, localhost/X, unconfined */
static void
choice_from_annotation (const struct hr_json *v, struct profile_choice *ret, const char *from)
{
  const char *s = hr_json_string (v);
  if (s == NULL)
    return;
  if (strcmp (s, "runtime/default") == 0 || strcmp (s, "docker/default") == 0)
    snprintf (ret->type, sizeof ret->type, "RuntimeDefault");
  else if (strncmp (s, "localhost/", 10) == 0)
    {
      snprintf (ret->type, sizeof ret->type, "Localhost");
      snprintf (ret->ref, sizeof ret->ref, "%s", s + 10);
    }
  else if (strcmp (s, "unconfined") == 0)
    snprintf (ret->type, sizeof ret->type, "Unconfined");
  ret->line = line_of (v, 0);
  ret->from = from;
}

static struct profile_choice
seccomp_choice (const struct hr_kube_pod *pod, const struct hr_json *c, bool sandbox)
{
  struct profile_choice ch = { .from = "" };
  const struct hr_json *ann = hr_json_get (pod->meta, "annotations");
  const struct hr_json *f = sandbox ? NULL : hr_json_get (hr_json_get (c, "securityContext"), "seccompProfile");
  char key[320];
  if (f)
    choice_from_field (f, &ch, "containers[].securityContext.seccompProfile");
  else if ((f = hr_json_get (hr_json_get (pod->spec, "securityContext"), "seccompProfile")))
    choice_from_field (f, &ch, "spec.securityContext.seccompProfile");
  else if (!sandbox && snprintf (key, sizeof key, "container.seccomp.security.alpha.kubernetes.io/%s",
                                 str_of (c, "name") ? str_of (c, "name") : "") > 0
           && hr_json_get (ann, key))
    choice_from_annotation (hr_json_get (ann, key), &ch, "annotation container.seccomp.security.alpha.kubernetes.io");
  else if (hr_json_get (ann, "seccomp.security.alpha.kubernetes.io/pod"))
    choice_from_annotation (hr_json_get (ann, "seccomp.security.alpha.kubernetes.io/pod"), &ch,
                            "annotation seccomp.security.alpha.kubernetes.io/pod");
  return ch;
}

/* containerd's RuntimeDefault filter when the node's is known, else (and
 * for a Localhost profile, a file on the node) a filter that is not
 * hardrun's, whose default action is an error. */
static struct hr_json *
seccomp_object (const struct profile_choice *ch, const struct hr_kube_node *node, struct hr_kube_target *t)
{
  if (strcmp (ch->type, "RuntimeDefault") != 0 && strcmp (ch->type, "Localhost") != 0)
    return NULL;
  if (strcmp (ch->type, "RuntimeDefault") == 0 && node->n_seccomp_defaults > 0)
    {
      /* containerd's filter allows some calls by capability: the one made
       * for this bounding set, else one made for any, else the first */
      bool unknown;
      uint64_t caps = hr_caps_from_list (hr_json_get_path (t->config, "process.capabilities.bounding"), &unknown);
      const struct hr_kube_seccomp_default *pick = NULL;
      for (size_t i = 0; i < node->n_seccomp_defaults; i++)
        {
          const struct hr_kube_seccomp_default *d = &node->seccomp_defaults[i];
          if ((d->have_caps && d->caps == caps) || (!d->have_caps && pick == NULL))
            pick = d;
        }
      if (pick == NULL)
        {
          pick = &node->seccomp_defaults[0];
          note (t, "containerd's RuntimeDefault seccomp filter was given for other capabilities than this "
                "container's: the calls it allows by capability may differ");
        }
      struct hr_json *c = hr_json_copy (pick->filter);
      build_failed |= c == NULL;
      return c;
    }
  if (strcmp (ch->type, "RuntimeDefault") == 0)
    note (t, "containerd's RuntimeDefault seccomp filter is not known (--runtime-default-seccomp FILE): predicted "
          "as a filter that is not hardrun's");
  struct hr_json *s = hr_json_new_object ();
  set (s, "defaultAction", hr_json_new_string ("SCMP_ACT_ERRNO"));
  set (s, "syscalls", hr_json_new_array ());
  if (strcmp (ch->type, "Localhost") == 0)
    note (t, "seccomp profile \"%s\" is a file on the node: predicted as a filter that is not hardrun's", ch->ref);
  return s;
}

/* What the fixed-size tables below can hold, checked before they are
 * filled: past a limit the prediction would be wrong, so it is an error. */
static int
check_limits (const struct hr_kube_pod *pod, const struct hr_json *c, struct hr_error *err)
{
  const struct hr_json *psc = hr_json_get (pod->spec, "securityContext");
  if (hr_json_len (hr_json_get (psc, "supplementalGroups")) > MAX_GROUPS)
    return hr_error_set (err, E2BIG, "line %u: more than %d supplementalGroups",
                         line_of (hr_json_get (psc, "supplementalGroups"), pod->line), MAX_GROUPS);
  if (c && hr_json_len (hr_json_get (c, "volumeMounts")) > MAX_VOLUME_MOUNTS)
    return hr_error_set (err, E2BIG, "line %u: more than %d volumeMounts",
                         line_of (hr_json_get (c, "volumeMounts"), pod->line), MAX_VOLUME_MOUNTS);
  return 0;
}

/* ------------------------------------------------------------------ */
/* The sandbox                                                         */

static const char *
pod_name (const struct hr_kube_pod *pod)
{
  const char *n = str_of (pod->meta, "name");
  return n && *n ? n : pod->name;
}

static bool
any_privileged (const struct hr_kube_pod *pod)
{
  static const char *const lists[] = { "initContainers", "containers", "ephemeralContainers" };
  for (size_t l = 0; l < 3; l++)
    {
      const struct hr_json *cs = hr_json_get (pod->spec, lists[l]);
      for (size_t i = 0; i < hr_json_len (cs); i++)
        if (true_of (hr_json_get (hr_json_at (cs, i), "securityContext"), "privileged"))
          return true;
    }
  return false;
}

/* The image reference as containerd names the image it pulled for it
 * (docker's normalization: docker.io and library/ for short names, the
 * tag latest when neither tag nor digest is given), for the image-name
 * annotation that policy rules may select on. */
static void
normalize_image (const char *image, char *buf, size_t size)
{
  if (image == NULL || *image == '\0')
    {
      snprintf (buf, size, "%s", "");
      return;
    }
  const char *slash = strchr (image, '/');
  bool domain = slash && (memchr (image, '.', (size_t) (slash - image)) || memchr (image, ':', (size_t) (slash - image))
                          || (slash - image == 9 && strncmp (image, "localhost", 9) == 0));
  const char *last = strrchr (image, '/');
  const char *name = last ? last + 1 : image;
  bool tagged = strchr (name, ':') != NULL || strchr (image, '@') != NULL;
  snprintf (buf, size, "%s%s%s%s", domain ? "" : "docker.io/", !domain && slash == NULL ? "library/" : "", image,
            tagged ? "" : ":latest");
}

static void
set_annotations (struct hr_json *config, const struct hr_kube_pod *pod, const char *type, const char *container,
                 const char *image)
{
  struct hr_json *a = hr_json_ensure_object (config, "annotations");
  const char *uid = str_of (pod->meta, "uid");
  set (a, "io.kubernetes.cri.container-type", hr_json_new_string (type));
  set (a, "io.kubernetes.cri.sandbox-id", hr_json_new_string ("SANDBOX-ID"));
  set (a, "io.kubernetes.cri.sandbox-namespace", hr_json_new_string (pod->namespace));
  set (a, "io.kubernetes.cri.sandbox-uid", hr_json_new_string (uid ? uid : "POD-UID"));
  set (a, "io.kubernetes.cri.sandbox-name", hr_json_new_string (pod_name (pod)));
  if (container)
    {
      set (a, "io.kubernetes.cri.container-name", hr_json_new_string (container));
      char ref[1024];
      normalize_image (image, ref, sizeof ref);
      set (a, "io.kubernetes.cri.image-name", hr_json_new_string (ref));
    }
  else
    set (a, "io.kubernetes.cri.sandbox-log-directory", hr_json_new_string ("/var/log/pods/POD"));
}

static void
append_ns (struct hr_json *list, const char *type, const char *path)
{
  struct hr_json *e = hr_json_new_object ();
  set (e, "type", hr_json_new_string (type));
  if (path)
    set (e, "path", hr_json_new_string (path));
  append (list, e);
}

/* Hints for what every container has from its pod. */
static void
pod_origins (const struct hr_kube_pod *pod, struct hr_kube_target *t)
{
  static const struct
  {
    const char *key;
  } host[] = { { "hostNetwork" }, { "hostPID" }, { "hostIPC" } };
  unsigned ns_line = 0;
  char hint[256] = "";
  for (size_t i = 0; i < HR_ARRAY_SIZE (host); i++)
    if (true_of (pod->spec, host[i].key))
      {
        if (!ns_line)
          ns_line = line_of (hr_json_get (pod->spec, host[i].key), 0);
        size_t off = strlen (hint);
        snprintf (hint + off, sizeof hint - off, "%sremove spec.%s", off ? "; " : "", host[i].key);
      }
  origin (t, HR_CTL_NAMESPACES, NULL, ns_line, "%s", ns_line ? hint : "none: the node decides the pod's namespaces");
  const struct hr_json *sysctls = hr_json_get (hr_json_get (pod->spec, "securityContext"), "sysctls");
  for (size_t i = 0; i < hr_json_len (sysctls); i++)
    {
      const struct hr_json *s = hr_json_at (sysctls, i);
      const char *name = str_of (s, "name");
      char field[320];
      if (name == NULL)
        continue;
      snprintf (field, sizeof field, "linux.sysctl.%s", name);
      origin (t, HR_CTL_SYSCTLS, field, line_of (s, 0),
              "remove \"%s\" from spec.securityContext.sysctls (the profile does not allow it)", name);
    }
  origin (t, HR_CTL_PIDS, NULL, 0, "none: the node sets the pids limit (no securityContext field does)");
  origin (t, HR_CTL_HOOKS, NULL, 0, "none: hooks come from the node");
  origin (t, HR_CTL_ANNOTATIONS, NULL, line_of (hr_json_get (pod->meta, "annotations"), 0),
          "remove the annotation from metadata.annotations");
  origin (t, HR_CTL_SELINUX, NULL, 0, "set securityContext.seLinuxOptions to what the profile requires");
}

int
hr_kube_sandbox (const struct hr_kube_pod *pod, const struct hr_kube_node *node, struct hr_kube_target *ret,
                 struct hr_error *err)
{
  struct hr_kube_target t = { .role = HR_KUBE_SANDBOX, .line = line_of (pod->spec, pod->line) };
  const struct hr_json *psc = hr_json_get (pod->spec, "securityContext");
  int r = check_limits (pod, NULL, err);
  if (r < 0)
    return r;
  build_failed = false;
  bool host_net = true_of (pod->spec, "hostNetwork"), host_pid = true_of (pod->spec, "hostPID"),
       host_ipc = true_of (pod->spec, "hostIPC");
  struct hr_json *c = t.config = hr_json_new_object ();
  if (c == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  set (c, "ociVersion", hr_json_new_string ("1.0.2-dev"));
  struct hr_json *proc = hr_json_ensure_object (c, "process");
  set (proc, "user", user_object (pod, NULL, true, &t));
  static const char *const args[] = { "/pause" };
  set (proc, "args", str_array (args, 1));
  static const char *const env[] = { DEFAULT_PATH_ENV };
  set (proc, "env", str_array (env, 1));
  set (proc, "cwd", hr_json_new_string ("/"));
  set (proc, "capabilities", caps_object (NULL, node, false, &t));
  set (proc, "noNewPrivileges", hr_json_new_bool (true));
  struct hr_json *root = hr_json_ensure_object (c, "root");
  set (root, "path", hr_json_new_string ("rootfs"));
  set (root, "readonly", hr_json_new_bool (true));
  if (!host_net)
    set (c, "hostname", hr_json_new_string (pod_name (pod)));
  struct hr_json *mounts = hr_json_ensure_array (c, "mounts");
  default_mounts (mounts, false);
  static const char *const rbind_ro[] = { "rbind", "ro" };
  append (mounts, mount_object ("/dev/shm", "bind", host_ipc ? "/dev/shm" : CRI_STATE "/sandboxes/SANDBOX-ID/shm",
                                        rbind_ro, 2));
  append (mounts, mount_object ("/etc/resolv.conf", "bind", CRI_ROOT "/sandboxes/SANDBOX-ID/resolv.conf",
                                        rbind_ro, 2));
  origin (&t, HR_CTL_MOUNTS, NULL, 0, "none: the node adds this mount to every pod");
  if (host_ipc)
    origin (&t, HR_CTL_MOUNTS, "mounts[6]", line_of (hr_json_get (pod->spec, "hostIPC"), 0),
            "remove spec.hostIPC (the pod would share the host's /dev/shm)");
  set_annotations (c, pod, "sandbox", NULL, NULL);
  struct hr_json *lx = hr_json_ensure_object (c, "linux");
  struct hr_json *sysctl = hr_json_ensure_object (lx, "sysctl");
  const struct hr_json *sysctls = hr_json_get (psc, "sysctls");
  for (size_t i = 0; i < hr_json_len (sysctls); i++)
    {
      const struct hr_json *s = hr_json_at (sysctls, i);
      const char *name = str_of (s, "name"), *value = str_of (s, "value");
      if (name)
        set (sysctl, name, hr_json_new_string (value ? value : ""));
    }
  if (hr_json_len (sysctl) == 0)
    hr_json_remove (lx, "sysctl");
  struct hr_json *res = hr_json_ensure_object (lx, "resources");
  struct hr_json *devs = hr_json_ensure_array (res, "devices");
  struct hr_json *deny = hr_json_new_object ();
  set (deny, "allow", hr_json_new_bool (false));
  set (deny, "access", hr_json_new_string ("rwm"));
  append (devs, deny);
  set (hr_json_ensure_object (res, "cpu"), "shares", hr_json_new_i64 (2));
  set (lx, "cgroupsPath", hr_json_new_string ("/kubepods/SANDBOX-ID"));
  struct hr_json *ns = hr_json_ensure_array (lx, "namespaces");
  if (!host_pid)
    append_ns (ns, "pid", NULL);
  if (!host_ipc)
    append_ns (ns, "ipc", NULL);
  if (!host_net)
    append_ns (ns, "uts", NULL);
  append_ns (ns, "mount", NULL);
  if (!host_net)
    append_ns (ns, "network", NULL);
  set (lx, "maskedPaths", str_array (ctrd_masked, HR_ARRAY_SIZE (ctrd_masked)));
  set (lx, "readonlyPaths", str_array (ctrd_readonly, HR_ARRAY_SIZE (ctrd_readonly)));
  struct profile_choice sc = seccomp_choice (pod, NULL, true);
  struct hr_json *filter = any_privileged (pod) ? NULL : seccomp_object (&sc, node, &t);
  if (filter)
    set (lx, "seccomp", filter);

  pod_origins (pod, &t);
  unsigned user_line = line_of (hr_json_get (psc, "runAsUser"), line_of (psc, 0));
  origin (&t, HR_CTL_USER, NULL, user_line,
          "set spec.securityContext.runAsUser (and runAsGroup) to a non-zero ID: the pod sandbox runs as it");
  origin (&t, HR_CTL_USER, "process.user.additionalGids", line_of (hr_json_get (psc, "supplementalGroups"), user_line),
          "remove group 0 from spec.securityContext.supplementalGroups and fsGroup");
  origin (&t, HR_CTL_CAPS, NULL, 0, "none: containerd gives the pod sandbox its default capabilities");
  origin (&t, HR_CTL_SECCOMP, NULL, sc.line,
          "none: the node applies its own seccomp profile (spec.securityContext.seccompProfile is replaced)");
  origin (&t, HR_CTL_APPARMOR, NULL, 0, "none: the pod sandbox gets no AppArmor profile from containerd");
  origin (&t, HR_CTL_PATHS, NULL, 0, "none: containerd's default masked and read-only paths");
  origin (&t, HR_CTL_DEVICES, NULL, 0, "none");
  origin (&t, HR_CTL_ROOTFS, NULL, 0, "none: the node adds the tmpfs to every pod sandbox");
  origin (&t, HR_CTL_NO_NEW_PRIVILEGES, NULL, 0, "none");
  if (build_failed)
    {
      hr_kube_target_release (&t);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  *ret = t;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Containers                                                          */

static const struct hr_json *
container_at (const struct hr_kube_pod *pod, size_t i, enum hr_kube_role *role)
{
  static const struct
  {
    const char *key;
    enum hr_kube_role role;
  } lists[] = { { "initContainers", HR_KUBE_INIT }, { "containers", HR_KUBE_CONTAINER },
                { "ephemeralContainers", HR_KUBE_EPHEMERAL } };
  for (size_t l = 0; l < 3; l++)
    {
      const struct hr_json *cs = hr_json_get (pod->spec, lists[l].key);
      if (i < hr_json_len (cs))
        {
          *role = lists[l].role;
          return hr_json_at (cs, i);
        }
      i -= hr_json_len (cs);
    }
  return NULL;
}

size_t
hr_kube_n_containers (const struct hr_kube_pod *pod)
{
  return hr_json_len (hr_json_get (pod->spec, "initContainers")) + hr_json_len (hr_json_get (pod->spec, "containers"))
         + hr_json_len (hr_json_get (pod->spec, "ephemeralContainers"));
}

/* A CRI mount as kubelet sends it. */
struct cri_mount
{
  char dest[PATH_MAX];
  char src[PATH_MAX];
  bool readonly;
  const char *propagation;      /* "rprivate", "rslave", "rshared" */
  unsigned line;
  char hint[512];
  bool host_path;
};

static size_t
path_parts (const char *p)
{
  char norm[PATH_MAX];
  if (!hr_path_normalize (p, norm, sizeof norm))
    return 0;
  size_t n = 1;
  for (const char *s = norm; *s; s++)
    n += *s == '/';
  return strcmp (norm, "/") == 0 ? 1 : n;
}

static bool
same_path (const char *a, const char *b)
{
  char na[PATH_MAX], nb[PATH_MAX];
  return hr_path_normalize (a, na, sizeof na) && hr_path_normalize (b, nb, sizeof nb) && strcmp (na, nb) == 0;
}

static const struct hr_json *
volume_named (const struct hr_kube_pod *pod, const char *name)
{
  const struct hr_json *vols = hr_json_get (pod->spec, "volumes");
  for (size_t i = 0; i < hr_json_len (vols); i++)
    {
      const char *n = str_of (hr_json_at (vols, i), "name");
      if (n && name && strcmp (n, name) == 0)
        return hr_json_at (vols, i);
    }
  return NULL;
}

/* Where kubelet has volume V on the node. */
static void
volume_source (const struct hr_kube_pod *pod, const struct hr_json *v, const char *name, char *buf, size_t size,
               bool *host_path)
{
  const char *uid = str_of (pod->meta, "uid");
  static const struct
  {
    const char *key, *plugin;
  } plugins[] = {
    { "emptyDir", "kubernetes.io~empty-dir" }, { "projected", "kubernetes.io~projected" },
    { "configMap", "kubernetes.io~configmap" }, { "secret", "kubernetes.io~secret" },
    { "downwardAPI", "kubernetes.io~downward-api" }, { "persistentVolumeClaim", "kubernetes.io~csi" },
    { "csi", "kubernetes.io~csi" }, { "ephemeral", "kubernetes.io~csi" }, { "nfs", "kubernetes.io~nfs" },
  };
  *host_path = false;
  const char *hp = str_of (hr_json_get (v, "hostPath"), "path");
  if (hp)
    {
      *host_path = true;
      snprintf (buf, size, "%s", hp);
      return;
    }
  const char *plugin = "kubernetes.io~unknown";
  for (size_t i = 0; i < HR_ARRAY_SIZE (plugins); i++)
    if (hr_json_get (v, plugins[i].key))
      plugin = plugins[i].plugin;
  snprintf (buf, size, KUBELET_ROOT "/pods/%s/volumes/%s/%s", uid ? uid : "POD-UID", plugin, name ? name : "");
}

static size_t
cri_mounts (const struct hr_kube_pod *pod, const struct hr_json *c, const char *cname, struct cri_mount *out,
            size_t max, struct hr_kube_target *t)
{
  size_t n = 0;
  const char *uid = str_of (pod->meta, "uid");
  const struct hr_json *vms = hr_json_get (c, "volumeMounts");
  for (size_t i = 0; i < hr_json_len (vms) && n < max; i++)
    {
      const struct hr_json *vm = hr_json_at (vms, i);
      const char *vname = str_of (vm, "name"), *path = str_of (vm, "mountPath"), *sub = str_of (vm, "subPath");
      const char *prop = str_of (vm, "mountPropagation");
      const struct hr_json *v = volume_named (pod, vname);
      if (path == NULL)
        continue;
      struct cri_mount *m = &out[n++];
      memset (m, 0, sizeof *m);
      snprintf (m->dest, sizeof m->dest, "%s", path);
      volume_source (pod, v, vname, m->src, sizeof m->src, &m->host_path);
      if (sub && *sub)
        {
          /* kubelet binds the subpath under volume-subpaths first: the
           * node sees that path, not the volume's */
          snprintf (m->src, sizeof m->src, KUBELET_ROOT "/pods/%s/volume-subpaths/%s/%s/%zu",
                    uid ? uid : "POD-UID", vname ? vname : "", cname, i);
          note (t, "volumeMounts[%zu] uses subPath: the node binds it from kubelet's volume-subpaths directory, "
                "so hardrun judges that path and not the volume's", i);
        }
      m->readonly = true_of (vm, "readOnly");
      m->propagation = prop && strcmp (prop, "Bidirectional") == 0 ? "rshared"
                       : prop && strcmp (prop, "HostToContainer") == 0 ? "rslave" : "rprivate";
      m->line = line_of (vm, t->line);
      if (m->host_path)
        snprintf (m->hint, sizeof m->hint,
                  "remove the hostPath volume \"%s\" (line %u), or mount it readOnly if the profile lists it "
                  "in readonlyHostPaths", vname ? vname : "", line_of (v, 0));
      else
        snprintf (m->hint, sizeof m->hint, "none: the node mounts volumes this way");
    }
  /* the service account token, which admission adds unless told not to */
  bool automount = true;
  if (!bool_of (pod->spec, "automountServiceAccountToken", &automount))
    automount = true;
  if (automount && n < max)
    {
      struct cri_mount *m = &out[n++];
      memset (m, 0, sizeof *m);
      snprintf (m->dest, sizeof m->dest, "/var/run/secrets/kubernetes.io/serviceaccount");
      snprintf (m->src, sizeof m->src, KUBELET_ROOT "/pods/%s/volumes/kubernetes.io~projected/kube-api-access",
                uid ? uid : "POD-UID");
      m->readonly = true;
      m->propagation = "rprivate";
      m->line = t->line;
      snprintf (m->hint, sizeof m->hint, "none (or set spec.automountServiceAccountToken: false)");
      note (t, "the service account token volume is added by admission (spec.automountServiceAccountToken is not false)");
    }
  bool have_hosts = false;
  for (size_t i = 0; i < n; i++)
    have_hosts |= same_path (out[i].dest, "/etc/hosts");
  if (!have_hosts && n < max)
    {
      struct cri_mount *m = &out[n++];
      memset (m, 0, sizeof *m);
      snprintf (m->dest, sizeof m->dest, "/etc/hosts");
      snprintf (m->src, sizeof m->src, KUBELET_ROOT "/pods/%s/etc-hosts", uid ? uid : "POD-UID");
      m->propagation = "rprivate";
      m->line = t->line;
      snprintf (m->hint, sizeof m->hint, "none: the node adds this mount to every container");
    }
  const char *term = str_of (c, "terminationMessagePath");
  if (term == NULL)
    term = "/dev/termination-log";
  if (*term && n < max)
    {
      struct cri_mount *m = &out[n++];
      memset (m, 0, sizeof *m);
      snprintf (m->dest, sizeof m->dest, "%s", term);
      snprintf (m->src, sizeof m->src, KUBELET_ROOT "/pods/%s/containers/%s/termination-log", uid ? uid : "POD-UID",
                cname);
      m->propagation = "rprivate";
      m->line = line_of (hr_json_get (c, "terminationMessagePath"), t->line);
      snprintf (m->hint, sizeof m->hint, "none: the node adds this mount to every container");
    }
  return n;
}

/* The node's devices, as containerd's oci.HostDevices lists them for a
 * privileged container (sorted by name, some directories skipped). */
static void
host_devices (const char *dir, struct hr_json *list, size_t *count)
{
  struct dirent **names = NULL;
  int n = scandir (dir, &names, NULL, alphasort);
  for (int i = 0; i < n; i++)
    {
      const char *name = names[i]->d_name;
      char path[PATH_MAX];
      struct stat st;
      if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0 || *count >= MAX_DEVICES)
        goto next;
      snprintf (path, sizeof path, "%s/%s", dir, name);
      if (lstat (path, &st) < 0)
        goto next;
      if (S_ISDIR (st.st_mode))
        {
          static const char *const skip[] = { "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev" };
          bool s = false;
          for (size_t k = 0; k < HR_ARRAY_SIZE (skip); k++)
            s |= strcmp (name, skip[k]) == 0;
          if (!s)
            host_devices (path, list, count);
          goto next;
        }
      if (strcmp (name, "console") == 0 || !(S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode)))
        goto next;
      struct hr_json *d = hr_json_new_object ();
      set (d, "path", hr_json_new_string (path));
      set (d, "type", hr_json_new_string (S_ISCHR (st.st_mode) ? "c" : "b"));
      set (d, "major", hr_json_new_i64 (major (st.st_rdev)));
      set (d, "minor", hr_json_new_i64 (minor (st.st_rdev)));
      set (d, "fileMode", hr_json_new_i64 (st.st_mode & 07777));
      set (d, "uid", hr_json_new_i64 (st.st_uid));
      set (d, "gid", hr_json_new_i64 (st.st_gid));
      append (list, d);
      (*count)++;
    next:
      free (names[i]);
    }
  free (names);
}

int
hr_kube_container (const struct hr_kube_pod *pod, size_t idx, const struct hr_kube_node *node,
                   const struct hr_json *sandbox_config, struct hr_kube_target *ret, struct hr_error *err)
{
  enum hr_kube_role role = HR_KUBE_CONTAINER;
  const struct hr_json *ct = container_at (pod, idx, &role);
  if (!hr_json_is_object (ct))
    return hr_error_set (err, EINVAL, "container %zu is not an object", idx);
  int r = check_limits (pod, ct, err);
  if (r < 0)
    return r;
  build_failed = false;
  struct hr_kube_target t = { .role = role, .line = line_of (ct, pod->line) };
  const char *cname = str_of (ct, "name");
  snprintf (t.name, sizeof t.name, "%s", cname ? cname : "");
  const struct hr_json *csc = hr_json_get (ct, "securityContext");
  const struct hr_json *psc = hr_json_get (pod->spec, "securityContext");
  bool privileged = true_of (csc, "privileged");
  const char *proc_mount = str_of (csc, "procMount");
  bool unmasked = proc_mount && strcmp (proc_mount, "Unmasked") == 0;
  struct hr_json *c = t.config = hr_json_new_object ();
  if (c == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  if (role == HR_KUBE_EPHEMERAL)
    note (&t, "an ephemeral container: added to a running pod by \"kubectl debug\", judged like the others");
  bool nonroot = false;
  const struct hr_json *rnr = effective (pod, ct, "runAsNonRoot");
  int64_t uid_v;
  if (hr_json_is_bool (rnr) && rnr->type == HR_JSON_TRUE)
    nonroot = true;
  if (nonroot && hr_json_int_value (effective (pod, ct, "runAsUser"), 0, UINT32_MAX, &uid_v) && uid_v == 0)
    note (&t, "runAsNonRoot with runAsUser 0: kubelet refuses to start this container");
  else if (nonroot && !effective (pod, ct, "runAsUser"))
    note (&t, "runAsNonRoot without runAsUser: kubelet starts it only if the image's USER is numeric and not 0");
  if (hr_json_get (pod->spec, "hostUsers") && !true_of (pod->spec, "hostUsers"))
    note (&t, "hostUsers: false needs user namespace support, which containerd 1.6's CRI lacks");

  set (c, "ociVersion", hr_json_new_string ("1.0.2-dev"));
  struct hr_json *proc = hr_json_ensure_object (c, "process");
  set (proc, "user", user_object (pod, ct, false, &t));
  struct hr_json *args = hr_json_new_array ();
  static const char *const which[] = { "command", "args" };
  for (size_t w = 0; w < 2; w++)
    for (size_t i = 0; i < hr_json_len (hr_json_get (ct, which[w])); i++)
      {
        const char *s = hr_json_string (hr_json_at (hr_json_get (ct, which[w]), i));
        append (args, hr_json_new_string (s ? s : ""));
      }
  if (hr_json_len (args) == 0)
    append (args, hr_json_new_string ("IMAGE-ENTRYPOINT"));
  set (proc, "args", args);
  struct hr_json *env = hr_json_new_array ();
  append (env, hr_json_new_string (DEFAULT_PATH_ENV));
  set (proc, "env", env);
  set (proc, "cwd", hr_json_new_string (str_of (ct, "workingDir") ? str_of (ct, "workingDir") : "/"));
  set (proc, "capabilities", caps_object (csc, node, privileged, &t));
  bool ape = true;
  if (bool_of (csc, "allowPrivilegeEscalation", &ape) && !ape)
    set (proc, "noNewPrivileges", hr_json_new_bool (true));

  /* AppArmor: the field, else the annotation; containerd's default when
   * neither says (and AppArmor is on) */
  struct profile_choice aa = { .from = "" };
  char key[320];
  snprintf (key, sizeof key, "container.apparmor.security.beta.kubernetes.io/%s", t.name);
  const struct hr_json *aaf = hr_json_get (csc, "appArmorProfile");
  if (aaf == NULL)
    aaf = hr_json_get (psc, "appArmorProfile");
  if (aaf)
    choice_from_field (aaf, &aa, "securityContext.appArmorProfile");
  else if (hr_json_get (hr_json_get (pod->meta, "annotations"), key))
    choice_from_annotation (hr_json_get (hr_json_get (pod->meta, "annotations"), key), &aa, key);
  if (node->apparmor && !privileged)
    {
      if (aa.type[0] == '\0' || strcmp (aa.type, "RuntimeDefault") == 0)
        set (proc, "apparmorProfile", hr_json_new_string ("cri-containerd.apparmor.d"));
      else if (strcmp (aa.type, "Localhost") == 0)
        set (proc, "apparmorProfile", hr_json_new_string (aa.ref));
    }
  else if (!node->apparmor && aa.type[0] && strcmp (aa.type, "Unconfined") != 0)
    note (&t, "the node applies no AppArmor profile: containerd fails a container that asks for one");

  struct hr_json *root = hr_json_ensure_object (c, "root");
  set (root, "path", hr_json_new_string ("rootfs"));
  bool ro_root = true_of (csc, "readOnlyRootFilesystem");
  if (ro_root)
    set (root, "readonly", hr_json_new_bool (true));

  /* mounts: kubelet's, containerd's extra ones, sorted by depth; then the
   * defaults not shadowed, then the binds */
  struct cri_mount cm[MAX_VOLUME_MOUNTS + 8];
  size_t n = cri_mounts (pod, ct, t.name, cm, MAX_VOLUME_MOUNTS + 3, &t);
  static const char *const extra_dest[] = { "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/dev/shm" };
  size_t n_cri = n;
  bool host_ipc = true_of (pod->spec, "hostIPC");
  for (size_t e = 0; e < HR_ARRAY_SIZE (extra_dest); e++)
    {
      bool found = false;
      for (size_t i = 0; i < n_cri; i++)
        found |= same_path (cm[i].dest, extra_dest[e]);
      if (found)
        continue;
      struct cri_mount *m = &cm[n++];
      memset (m, 0, sizeof *m);
      snprintf (m->dest, sizeof m->dest, "%s", extra_dest[e]);
      if (e == 3)
        snprintf (m->src, sizeof m->src, "%s", host_ipc ? "/dev/shm" : CRI_STATE "/sandboxes/SANDBOX-ID/shm");
      else
        snprintf (m->src, sizeof m->src, CRI_ROOT "/sandboxes/SANDBOX-ID/%s",
                  e == 0 ? "hostname" : e == 1 ? "hosts" : "resolv.conf");
      m->readonly = e < 3 && ro_root;
      m->propagation = "rprivate";
      m->line = e == 3 && host_ipc ? line_of (hr_json_get (pod->spec, "hostIPC"), t.line) : t.line;
      snprintf (m->hint, sizeof m->hint, "%s",
                e == 3 && host_ipc ? "remove spec.hostIPC (the container would share the host's /dev/shm)"
                                   : "none: the node adds this mount to every container");
    }
  /* stable insertion sort by the number of path parts */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && path_parts (cm[j].dest) < path_parts (cm[j - 1].dest); j--)
      {
        struct cri_mount tmp = cm[j];
        cm[j] = cm[j - 1];
        cm[j - 1] = tmp;
      }
  if (n >= 12)
    note (&t, "more than 11 mounts: containerd's sort of them is not stable, their order may differ");
  struct hr_json *mounts = hr_json_ensure_array (c, "mounts");
  cleanup_json struct hr_json *defaults = hr_json_new_array ();
  default_mounts (defaults, true);
  bool dev_supplied = false;
  for (size_t i = 0; i < n; i++)
    dev_supplied |= same_path (cm[i].dest, "/dev");
  for (size_t d = 0; d < hr_json_len (defaults); d++)
    {
      const char *dest = str_of (hr_json_at (defaults, d), "destination");
      bool shadowed = dev_supplied && strncmp (dest, "/dev/", 5) == 0;
      for (size_t i = 0; i < n; i++)
        shadowed |= same_path (cm[i].dest, dest);
      if (shadowed)
        continue;
      struct hr_json *m = hr_json_copy (hr_json_at (defaults, d));
      if (privileged)
        {
          /* WithWriteableSysfs, WithWriteableCgroupfs */
          const char *type = str_of (m, "type");
          struct hr_json *opts = hr_json_get (m, "options");
          for (size_t k = 0; type && (strcmp (type, "sysfs") == 0 || strcmp (type, "cgroup") == 0)
                             && k < hr_json_len (opts); k++)
            if (strcmp (hr_json_string (hr_json_at (opts, k)), "ro") == 0)
              hr_json_set_string_value (hr_json_at (opts, k), "rw", NULL);
        }
      append (mounts, m);
    }
  origin (&t, HR_CTL_MOUNTS, NULL, 0, "none: the node adds this mount to every container");
  bool rshared = false, rslave = false;
  for (size_t i = 0; i < n; i++)
    {
      char field[64];
      /* containerd resolves a source that is itself a symlink */
      char src[PATH_MAX];
      snprintf (src, sizeof src, "%s", cm[i].src);
      struct stat st;
      if (cm[i].host_path && lstat (src, &st) == 0 && S_ISLNK (st.st_mode))
        {
          cleanup_free char *resolved = realpath (src, NULL);
          if (resolved)
            snprintf (src, sizeof src, "%s", resolved);
        }
      if (cm[i].host_path)
        note (&t, "hostPath \"%s\" is judged by what it is on this machine; on the node it may resolve elsewhere",
              cm[i].src);
      const char *opts[3] = { "rbind", cm[i].propagation, cm[i].readonly ? "ro" : "rw" };
      rshared |= strcmp (cm[i].propagation, "rshared") == 0;
      rslave |= strcmp (cm[i].propagation, "rslave") == 0;
      snprintf (field, sizeof field, "mounts[%zu]", hr_json_len (mounts));
      origin (&t, HR_CTL_MOUNTS, field, cm[i].line, "%s", cm[i].hint);
      append (mounts, mount_object (cm[i].dest, "bind", src, opts, 3));
    }

  set_annotations (c, pod, "container", t.name, str_of (ct, "image"));
  struct hr_json *lx = hr_json_ensure_object (c, "linux");
  struct hr_json *res = hr_json_ensure_object (lx, "resources");
  struct hr_json *devs = hr_json_ensure_array (res, "devices");
  struct hr_json *rule = hr_json_new_object ();
  set (rule, "allow", hr_json_new_bool (privileged));
  set (rule, "access", hr_json_new_string ("rwm"));
  append (devs, rule);
  set (lx, "cgroupsPath", hr_json_new_string ("/kubepods/CONTAINER-ID"));
  if (privileged)
    {
      struct hr_json *list = hr_json_new_array ();
      size_t count = 0;
      host_devices ("/dev", list, &count);
      set (lx, "devices", list);
      note (&t, "privileged: the node's devices are predicted from this machine's /dev");
    }
  if (rshared)
    set (lx, "rootfsPropagation", hr_json_new_string ("rshared"));
  else if (rslave)
    set (lx, "rootfsPropagation", hr_json_new_string ("rslave"));

  /* namespaces: containerd's defaults, joined to the sandbox's where the
   * pod shares them; a joined namespace is the host's exactly when the
   * sandbox (as it runs) has none of its own */
  struct hr_json *ns = hr_json_ensure_array (lx, "namespaces");
  const struct hr_json *sns = hr_json_get (hr_json_get (sandbox_config, "linux"), "namespaces");
  static const char *const types[] = { "pid", "ipc", "uts", "mount", "network" };
  bool share_pid = true_of (pod->spec, "hostPID") || true_of (pod->spec, "shareProcessNamespace");
  for (size_t k = 0; k < HR_ARRAY_SIZE (types); k++)
    {
      bool joined = strcmp (types[k], "mount") != 0 && (strcmp (types[k], "pid") != 0 || share_pid);
      bool sandbox_has = false;
      for (size_t i = 0; i < hr_json_len (sns); i++)
        {
          const char *ty = str_of (hr_json_at (sns, i), "type");
          sandbox_has |= ty && strcmp (ty, types[k]) == 0;
        }
      char path[64];
      snprintf (path, sizeof path, "/proc/self/ns/%s", strcmp (types[k], "network") == 0 ? "net" : types[k]);
      append_ns (ns, types[k], joined && !sandbox_has ? path : NULL);
    }
  if (node->cgroup_unified && !privileged)
    append_ns (ns, "cgroup", NULL);
  if (!privileged && !unmasked)
    {
      set (lx, "maskedPaths", str_array (kubelet_masked, HR_ARRAY_SIZE (kubelet_masked)));
      set (lx, "readonlyPaths", str_array (ctrd_readonly, HR_ARRAY_SIZE (ctrd_readonly)));
    }
  struct profile_choice sc = seccomp_choice (pod, ct, false);
  struct hr_json *filter = privileged ? NULL : seccomp_object (&sc, node, &t);
  if (filter)
    set (lx, "seccomp", filter);

  /* where each control's findings come from */
  pod_origins (pod, &t);
  const struct hr_json *ru = effective (pod, ct, "runAsUser");
  origin (&t, HR_CTL_USER, NULL, line_of (ru, line_of (csc, t.line)),
          "set securityContext.runAsUser and runAsGroup to non-zero IDs, and runAsNonRoot: true");
  origin (&t, HR_CTL_USER, "process.user.additionalGids",
          line_of (hr_json_get (psc, "supplementalGroups"), line_of (ru, t.line)),
          "set securityContext.runAsGroup to a non-zero ID, and keep 0 out of spec.securityContext."
          "supplementalGroups and fsGroup");
  const struct hr_json *capsf = hr_json_get (csc, "capabilities");
  if (privileged)
    origin (&t, HR_CTL_CAPS, NULL, line_of (hr_json_get (csc, "privileged"), t.line),
            "set securityContext.privileged: false and capabilities.drop: [\"ALL\"]");
  else
    origin (&t, HR_CTL_CAPS, NULL, line_of (capsf, line_of (csc, t.line)),
            "set securityContext.capabilities.drop: [\"ALL\"] and add only what the profile allows");
  origin (&t, HR_CTL_NO_NEW_PRIVILEGES, NULL, line_of (hr_json_get (csc, "allowPrivilegeEscalation"), line_of (csc, t.line)),
          "set securityContext.allowPrivilegeEscalation: false");
  origin (&t, HR_CTL_ROOTFS, NULL, line_of (hr_json_get (csc, "readOnlyRootFilesystem"), line_of (csc, t.line)),
          "set securityContext.readOnlyRootFilesystem: true (with an emptyDir where the container writes)");
  origin (&t, HR_CTL_ROOTFS, "mounts", t.line,
          "none needed: the node adds the tmpfs (or mount an emptyDir there in containers[].volumeMounts)");
  origin (&t, HR_CTL_PATHS, NULL,
          line_of (hr_json_get (csc, privileged ? "privileged" : "procMount"), line_of (csc, t.line)),
          privileged ? "set securityContext.privileged: false"
          : unmasked ? "set securityContext.procMount: Default"
                     : "none: kubelet's masked and read-only paths are the node's");
  origin (&t, HR_CTL_DEVICES, NULL, line_of (hr_json_get (csc, "privileged"), line_of (csc, t.line)),
          "set securityContext.privileged: false");
  if (privileged || sc.type[0] == '\0' || strcmp (sc.type, "Unconfined") == 0)
    origin (&t, HR_CTL_SECCOMP, NULL, privileged ? line_of (hr_json_get (csc, "privileged"), t.line) : line_of (csc, t.line),
            privileged ? "set securityContext.privileged: false and seccompProfile.type: RuntimeDefault"
                       : "set securityContext.seccompProfile.type: RuntimeDefault");
  else
    origin (&t, HR_CTL_SECCOMP, NULL, sc.line,
            "none: the node applies its own seccomp profile in place of the %s one", sc.type);
  origin (&t, HR_CTL_APPARMOR, NULL, aa.line ? aa.line : line_of (csc, t.line),
          "set securityContext.appArmorProfile.type: RuntimeDefault%s", privileged ? " and privileged: false" : "");
  if (build_failed)
    {
      hr_kube_target_release (&t);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  *ret = t;
  return 0;
}
