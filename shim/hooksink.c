/* The audit sink of hardrun-hook; see hooksink.h. */
#include "config.h"
#include "hooksink.h"
#include "cleanup.h"
#include "hash.h"
#include "json.h"
#include "policy/profile.h"
#include "spec.h"
#include "writeback.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SINK 8192

static uint32_t
fold (uint64_t h)
{
  return (uint32_t) (h ^ (h >> 32));
}

void
hr_hook_sink_key (const struct hr_hook_sink *s, char ret[HR_HOOK_KEY_LEN + 1])
{
  char desc[2 * PATH_MAX + HR_HOOK_CHANGED_MAX + 48];
  int n = snprintf (desc, sizeof desc, "%s\n%d\n%s", s->file ? "file" : "none", s->syslog ? 1 : 0,
                    s->file ? s->file : "");
  if (s->monitor && n > 0 && (size_t) n < sizeof desc)
    n += snprintf (desc + n, sizeof desc - (size_t) n, "\nmonitor\n%s", s->monitor);
  uint32_t sink = fold (hr_fnv1a (desc));
  if (n >= 0 && (size_t) n < sizeof desc)
    snprintf (desc + n, sizeof desc - (size_t) n, "\n%s", s->changed ? s->changed : "");
  snprintf (ret, HR_HOOK_KEY_LEN + 1, "%08" PRIx32 "%08" PRIx32, sink, fold (hr_fnv1a (desc)));
}

void
hr_hook_sink_release (struct hr_hook_sink *s)
{
  if (s == NULL)
    return;
  free (s->file);
  free (s->monitor);
  free (s->changed);
  memset (s, 0, sizeof *s);
}

static bool
key_valid (const char *key)
{
  if (key == NULL || strlen (key) != HR_HOOK_KEY_LEN)
    return false;
  return strspn (key, "0123456789abcdef") == HR_HOOK_KEY_LEN;
}

bool
hr_hook_key_same_sink (const char *key, const char *other)
{
  return key_valid (key) && key_valid (other) && memcmp (key, other, HR_HOOK_KEY_LEN / 2) == 0;
}

bool
hr_hook_changed_valid (const char *changed)
{
  if (changed == NULL || strlen (changed) >= HR_HOOK_CHANGED_MAX)
    return false;
  bool seen[HR_CTL_COUNT] = { false };
  const char *p = changed;
  while (*p)
    {
      size_t n = strcspn (p, ",");
      char name[64];
      if (n == 0 || n >= sizeof name)
        return false;
      memcpy (name, p, n);
      name[n] = '\0';
      int c = hr_control_from_name (name);
      if (c < 0 || seen[c])
        return false;
      seen[c] = true;
      p += n;
      if (*p == ',' && *++p == '\0')
        return false;
    }
  return true;
}

/* An absolute path, or JSON null / absent (NULL) */
static bool
path_or_null (const struct hr_json *v, const char **ret)
{
  *ret = NULL;
  if (v == NULL || v->type == HR_JSON_NULL)
    return true;
  const char *p = hr_json_string (v);
  if (p == NULL || p[0] != '/' || strlen (p) >= PATH_MAX)
    return false;
  *ret = p;
  return true;
}

static int
sink_path (const char *state_dir, const char *key, char *buf, size_t size)
{
  int n = snprintf (buf, size, "%s/sinks/%s.json", state_dir, key);
  return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int
hr_hook_sink_read (const char *state_dir, const char *key, struct hr_hook_sink *ret)
{
  char path[PATH_MAX];
  memset (ret, 0, sizeof *ret);
  if (!key_valid (key) || sink_path (state_dir, key, path, sizeof path) < 0)
    return -EINVAL;
  cleanup_close int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return -errno;
  struct stat st;
  if (fstat (fd, &st) < 0)
    return -errno;
  if (!S_ISREG (st.st_mode) || st.st_uid != geteuid () || (st.st_mode & 022) || st.st_nlink != 1)
    return -EPERM;
  cleanup_free char *buf = NULL;
  size_t len = 0;
  struct hr_error err = { 0 };
  cleanup_json struct hr_json *doc = NULL;
  if (hr_read_fd_limited (fd, path, MAX_SINK, &buf, &len, &err) < 0 || hr_json_parse (buf, len, path, &doc, &err) < 0)
    return -EINVAL;
  const char *f, *m;
  const char *changed = hr_json_string (hr_json_get (doc, "changed"));
  if (!path_or_null (hr_json_get (doc, "file"), &f) || !path_or_null (hr_json_get (doc, "monitor"), &m)
      || !hr_json_is_bool (hr_json_get (doc, "syslog")) || !hr_hook_changed_valid (changed))
    return -EINVAL;
  /* the file must be what the key says: a sink that was edited is not one */
  struct hr_hook_sink got = { .file = (char *) f, .syslog = hr_json_get (doc, "syslog")->type == HR_JSON_TRUE,
                              .monitor = (char *) m, .changed = (char *) changed };
  char want[HR_HOOK_KEY_LEN + 1];
  hr_hook_sink_key (&got, want);
  if (strcmp (want, key) != 0)
    return -EINVAL;
  ret->syslog = got.syslog;
  if ((f && (ret->file = strdup (f)) == NULL) || (m && (ret->monitor = strdup (m)) == NULL)
      || (ret->changed = strdup (changed)) == NULL)
    {
      hr_hook_sink_release (ret);
      return -ENOMEM;
    }
  return 0;
}

int
hr_hook_sink_write (const char *state_dir, const struct hr_hook_sink *s, struct hr_error *err)
{
  char key[HR_HOOK_KEY_LEN + 1], dir[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX + 32];
  const char *changed = s->changed ? s->changed : "";
  if (!hr_hook_changed_valid (changed))
    return hr_error_set (err, EINVAL, "hook sink: \"%s\": not a list of controls", changed);
  struct hr_hook_sink norm = *s;
  norm.changed = (char *) changed;
  hr_hook_sink_key (&norm, key);
  struct hr_hook_sink have;
  if (hr_hook_sink_read (state_dir, key, &have) == 0)
    {
      hr_hook_sink_release (&have);
      return 0;
    }
  if (snprintf (dir, sizeof dir, "%s/sinks", state_dir) >= (int) sizeof dir || sink_path (state_dir, key, path, sizeof path) < 0)
    return hr_error_set (err, ENAMETOOLONG, "hook sink: state directory \"%s\": path too long", state_dir);
  if (mkdir (state_dir, 0700) < 0 && errno != EEXIST)
    return hr_error_setsys (err, errno, "hook sink: \"%s\"", state_dir);
  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return hr_error_setsys (err, errno, "hook sink: \"%s\"", dir);
  cleanup_json struct hr_json *doc = hr_json_new_object ();
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (doc == NULL || hr_json_set (doc, "file", s->file ? hr_json_new_string (s->file) : hr_json_new_null (), err) < 0
      || hr_json_set (doc, "syslog", hr_json_new_bool (s->syslog), err) < 0
      || (s->monitor && hr_json_set (doc, "monitor", hr_json_new_string (s->monitor), err) < 0)
      || hr_json_set (doc, "changed", hr_json_new_string (changed), err) < 0
      || hr_json_serialize (doc, false, &text, &len, err) < 0)
    return hr_error_set (err, ENOMEM, "out of memory");
  snprintf (tmp, sizeof tmp, "%s.%ld.tmp", path, (long) getpid ());
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return hr_error_setsys (err, errno, "hook sink: \"%s\"", tmp);
  if (hr_write_all (fd, text, len) < 0 || rename (tmp, path) < 0)
    {
      int e = errno;
      unlink (tmp);
      return hr_error_setsys (err, e ? e : EIO, "hook sink: \"%s\"", path);
    }
  return 0;
}
