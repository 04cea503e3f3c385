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
hr_hook_sink_key (const char *file, bool syslog, const char *changed, char ret[HR_HOOK_KEY_LEN + 1])
{
  char desc[PATH_MAX + HR_HOOK_CHANGED_MAX + 32];
  int n = snprintf (desc, sizeof desc, "%s\n%d\n%s", file ? "file" : "none", syslog ? 1 : 0, file ? file : "");
  uint32_t sink = fold (hr_fnv1a (desc));
  if (n >= 0 && (size_t) n < sizeof desc)
    snprintf (desc + n, sizeof desc - (size_t) n, "\n%s", changed ? changed : "");
  snprintf (ret, HR_HOOK_KEY_LEN + 1, "%08" PRIx32 "%08" PRIx32, sink, fold (hr_fnv1a (desc)));
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

static int
sink_path (const char *state_dir, const char *key, char *buf, size_t size)
{
  int n = snprintf (buf, size, "%s/sinks/%s.json", state_dir, key);
  return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int
hr_hook_sink_read (const char *state_dir, const char *key, char **ret_file, bool *ret_syslog,
                   char **ret_changed)
{
  char path[PATH_MAX];
  *ret_file = NULL;
  *ret_syslog = false;
  *ret_changed = NULL;
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
  const struct hr_json *file = hr_json_get (doc, "file");
  const char *f = hr_json_string (file);
  if ((file && file->type != HR_JSON_NULL && (f == NULL || f[0] != '/')) || !hr_json_is_bool (hr_json_get (doc, "syslog")))
    return -EINVAL;
  const char *changed = hr_json_string (hr_json_get (doc, "changed"));
  if (!hr_hook_changed_valid (changed))
    return -EINVAL;
  /* the file must be what the key says: a sink that was edited is not one */
  bool syslog = hr_json_get (doc, "syslog")->type == HR_JSON_TRUE;
  char want[HR_HOOK_KEY_LEN + 1];
  hr_hook_sink_key (f, syslog, changed, want);
  if (strcmp (want, key) != 0)
    return -EINVAL;
  cleanup_free char *file_copy = f ? strdup (f) : NULL;
  char *changed_copy = strdup (changed);
  if ((f && file_copy == NULL) || changed_copy == NULL)
    {
      free (changed_copy);
      return -ENOMEM;
    }
  *ret_file = steal_pointer (&file_copy);
  *ret_changed = changed_copy;
  *ret_syslog = syslog;
  return 0;
}

int
hr_hook_sink_write (const char *state_dir, const char *file, bool syslog, const char *changed,
                    struct hr_error *err)
{
  char key[HR_HOOK_KEY_LEN + 1], dir[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX + 32];
  if (changed == NULL)
    changed = "";
  if (!hr_hook_changed_valid (changed))
    return hr_error_set (err, EINVAL, "hook sink: \"%s\": not a list of controls", changed);
  hr_hook_sink_key (file, syslog, changed, key);
  char *have = NULL, *have_changed = NULL;
  bool have_syslog;
  if (hr_hook_sink_read (state_dir, key, &have, &have_syslog, &have_changed) == 0)
    {
      free (have);
      free (have_changed);
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
  if (doc == NULL || hr_json_set (doc, "file", file ? hr_json_new_string (file) : hr_json_new_null (), err) < 0
      || hr_json_set (doc, "syslog", hr_json_new_bool (syslog), err) < 0
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
