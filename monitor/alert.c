/* Falco-format alerts: see alert.h. */
#include "config.h"
#include "alert.h"
#include "cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *
hr_priority_name (enum hr_priority p)
{
  static const char *const names[] = { "Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
                                       "Informational", "Debug" };
  return (unsigned) p < sizeof names / sizeof names[0] ? names[p] : "Debug";
}

static const char *
ann (const struct hr_json *annotations, const char *const *keys)
{
  for (; *keys; keys++)
    {
      const char *v = hr_json_string (hr_json_get (annotations, *keys));
      if (v && *v)
        return v;
    }
  return NULL;
}

void
hr_who_from_annotations (const char *id, const struct hr_json *a, struct hr_who *who)
{
  static const char *const name_keys[] = { "io.kubernetes.cri.container-name", "io.kubernetes.container.name",
                                           "io.kubernetes.cri.sandbox-name", NULL };
  static const char *const image_keys[] = { "io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName",
                                            "org.opencontainers.image.ref.name", NULL };
  static const char *const ns_keys[] = { "io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace", NULL };
  static const char *const pod_keys[] = { "io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name", NULL };
  *who = (struct hr_who) {
    .id = id, .name = ann (a, name_keys), .image = ann (a, image_keys), .ns = ann (a, ns_keys), .pod = ann (a, pod_keys),
  };
}

/* "docker.io/library/busybox:1.36" -> repository and tag (a digest stays
 * with the repository's "@"). */
static void
split_image (const char *image, char *repo, size_t size, const char **tag)
{
  *tag = NULL;
  snprintf (repo, size, "%s", image ? image : "");
  if (image == NULL || strchr (repo, '@'))
    return;
  char *colon = strrchr (repo, ':');
  if (colon && strchr (colon, '/') == NULL)
    {
      *colon = '\0';
      *tag = image + (colon - repo) + 1;
    }
}

static struct hr_json *
str_or_null (const char *s)
{
  return s ? hr_json_new_string (s) : hr_json_new_null ();
}

struct hr_json *
hr_alert_new (const char *rule, enum hr_priority prio, const char *hostname, const char *tags_csv,
              const struct hr_who *who, const struct hr_proc *proc, const char *detail, struct hr_json *extra)
{
  cleanup_json struct hr_json *x = extra;
  cleanup_json struct hr_json *a = hr_json_new_object ();
  struct hr_json *f = hr_json_new_object ();
  struct hr_json *tags = hr_json_new_array ();
  if (a == NULL || f == NULL || tags == NULL)
    {
      hr_json_free (f);
      hr_json_free (tags);
      return NULL;
    }
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r (&ts.tv_sec, &tm);
  char when[64], clock[32];
  size_t n = strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (when + n, sizeof when - n, ".%09ldZ", ts.tv_nsec);
  n = strftime (clock, sizeof clock, "%H:%M:%S", &tm);
  snprintf (clock + n, sizeof clock - n, ".%09ld", ts.tv_nsec);

  char repo[512];
  const char *tag;
  split_image (who->image, repo, sizeof repo, &tag);
  const char *cname = who->name ? who->name : who->id;
  int r = 0;
  r |= hr_json_set (f, "container.id", str_or_null (who->id), NULL);
  r |= hr_json_set (f, "container.name", str_or_null (cname), NULL);
  r |= hr_json_set (f, "container.image.repository", str_or_null (who->image ? repo : NULL), NULL);
  r |= hr_json_set (f, "container.image.tag", str_or_null (tag), NULL);
  r |= hr_json_set (f, "k8s.ns.name", str_or_null (who->ns), NULL);
  r |= hr_json_set (f, "k8s.pod.name", str_or_null (who->pod), NULL);
  r |= hr_json_set (f, "proc.pid", proc && proc->pid > 0 ? hr_json_new_i64 (proc->pid) : hr_json_new_null (), NULL);
  r |= hr_json_set (f, "proc.exe", str_or_null (proc ? proc->exe : NULL), NULL);
  r |= hr_json_set (f, "proc.cmdline", str_or_null (proc ? proc->cmdline : NULL), NULL);
  r |= hr_json_set (f, "user.uid", proc && proc->uid >= 0 ? hr_json_new_i64 (proc->uid) : hr_json_new_null (), NULL);
  for (size_t i = 0; x && i < x->u.obj.len; i++)
    r |= hr_json_set (f, x->u.obj.keys[i], hr_json_copy (x->u.obj.vals[i]), NULL);

  char out[4096];
  snprintf (out, sizeof out,
            "%s: %s %s (%s container.id=%s container.name=%s image=%s k8s.ns=%s k8s.pod=%s proc.pid=%d "
            "proc.exe=%s user.uid=%lld)", clock, hr_priority_name (prio), rule, detail ? detail : "",
            who->id ? who->id : "<NA>", cname ? cname : "<NA>", who->image ? who->image : "<NA>",
            who->ns ? who->ns : "<NA>", who->pod ? who->pod : "<NA>", proc ? (int) proc->pid : -1,
            proc && proc->exe ? proc->exe : "<NA>", proc ? (long long) proc->uid : -1LL);

  char tbuf[256];
  snprintf (tbuf, sizeof tbuf, "%s", tags_csv ? tags_csv : "");
  for (char *save = NULL, *t = strtok_r (tbuf, ",", &save); t; t = strtok_r (NULL, ",", &save))
    r |= hr_json_append (tags, hr_json_new_string (t), NULL);

  r |= hr_json_set (a, "hostname", hr_json_new_string (hostname ? hostname : ""), NULL);
  r |= hr_json_set (a, "output", hr_json_new_string (out), NULL);
  r |= hr_json_set (a, "priority", hr_json_new_string (hr_priority_name (prio)), NULL);
  r |= hr_json_set (a, "rule", hr_json_new_string (rule), NULL);
  r |= hr_json_set (a, "source", hr_json_new_string ("syscall"), NULL);
  r |= hr_json_set (a, "tags", tags, NULL);
  r |= hr_json_set (a, "time", hr_json_new_string (when), NULL);
  r |= hr_json_set (a, "output_fields", f, NULL);
  return r ? NULL : steal_pointer (&a);
}
