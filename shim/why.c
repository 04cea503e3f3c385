/* hardrun why ID: the last create (or run, restore) decision for ID in the
 * audit file and the hook's records after it, told in order. */
#include "config.h"
#include "why.h"
#include "cleanup.h"
#include "json.h"
#include "policyfile.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Only the end of a long audit trail is read. */
#define WHY_MAX_BYTES (32 * 1024 * 1024)

static bool
is_start_decision (const struct hr_json *rec)
{
  const char *ev = hr_json_string (hr_json_get (rec, "event"));
  const char *cmd = hr_json_string (hr_json_get (rec, "command"));
  return ev && strcmp (ev, "decision") == 0 && cmd
         && (strcmp (cmd, "create") == 0 || strcmp (cmd, "run") == 0 || strcmp (cmd, "restore") == 0);
}

/* The records of ID from the last start decision on (owned), in order. */
static int
collect (const char *file, const char *id, struct hr_json **ret, struct hr_error *err)
{
  cleanup_close int fd = open (file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  struct stat st;
  if (fd < 0 && errno == ENOENT)
    {
      /* nothing recorded yet */
      *ret = hr_json_new_array ();
      return *ret ? 0 : hr_error_set (err, ENOMEM, "out of memory");
    }
  if (fd < 0 || fstat (fd, &st) < 0)
    return hr_error_setsys (err, errno, "audit file \"%s\"", file);
  if (!S_ISREG (st.st_mode))
    return hr_error_set (err, EINVAL, "audit file \"%s\": not a regular file", file);
  off_t from = st.st_size > WHY_MAX_BYTES ? st.st_size - WHY_MAX_BYTES : 0;
  if (lseek (fd, from, SEEK_SET) < 0)
    return hr_error_setsys (err, errno, "audit file \"%s\"", file);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r = hr_read_fd_limited (fd, file, WHY_MAX_BYTES, &buf, &len, err);
  if (r < 0)
    return r;

  struct hr_json *out = hr_json_new_array ();
  if (out == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  char *line = buf, *end = buf + len;
  if (from > 0)
    {
      /* the first line is cut */
      char *nl = memchr (line, '\n', len);
      line = nl ? nl + 1 : end;
    }
  while (line < end)
    {
      char *nl = memchr (line, '\n', (size_t) (end - line));
      size_t n = nl ? (size_t) (nl - line) : (size_t) (end - line);
      struct hr_json *rec = NULL;
      struct hr_error e = { 0 };
      /* a cheap test before parsing: the ID must be on the line */
      if (n > 0 && memmem (line, n, id, strlen (id)) && hr_json_parse (line, n, file, &rec, &e) == 0)
        {
          const char *rid = hr_json_string (hr_json_get (rec, "id"));
          if (rid && strcmp (rid, id) == 0)
            {
              if (is_start_decision (rec))
                {
                  /* a new container by that name: start over */
                  hr_json_free (out);
                  out = hr_json_new_array ();
                }
              if (out == NULL || hr_json_append (out, rec, err) < 0)
                {
                  hr_json_free (out);
                  return hr_error_set (err, ENOMEM, "out of memory");
                }
              rec = NULL;
            }
          hr_json_free (rec);
        }
      line = nl ? nl + 1 : end;
    }
  *ret = out;
  return 0;
}

static const char *
str (const struct hr_json *o, const char *key)
{
  const char *s = hr_json_string (hr_json_get (o, key));
  return s ? s : "";
}

static void
print_decision (const struct hr_json *rec)
{
  printf ("%s  %s: profile \"%s\" (selected by %s): %s\n", str (rec, "time"), str (rec, "command"),
          str (rec, "profile"), str (rec, "rule"), str (rec, "result"));
  if (*str (rec, "error"))
    printf ("    %s\n", str (rec, "error"));
  const struct hr_json *fs = hr_json_get (rec, "findings");
  for (size_t i = 0; i < hr_json_len (fs); i++)
    {
      const struct hr_json *f = hr_json_at (fs, i);
      printf ("    %-8s %-18s %s: %s\n", str (f, "action"), str (f, "control"), str (f, "field"), str (f, "message"));
    }
}

static void
print_record (const struct hr_json *rec)
{
  const char *ev = str (rec, "event");
  if (strcmp (ev, "decision") == 0)
    {
      if (is_start_decision (rec))
        print_decision (rec);
      else
        printf ("%s  %s: %s\n", str (rec, "time"), str (rec, "command"), str (rec, "result"));
      return;
    }
  if (strcmp (ev, "poststart") == 0)
    {
      const struct hr_json *pid = hr_json_get (rec, "pid");
      int64_t p = 0;
      hr_json_int_value (pid, 0, INT64_MAX, &p);
      printf ("%s  started (pid %lld)\n", str (rec, "time"), (long long) p);
      return;
    }
  if (strcmp (ev, "exit") == 0)
    {
      int64_t code = 0, sig = 0, secs = 0;
      hr_json_int_value (hr_json_get (rec, "seconds"), 0, INT64_MAX, &secs);
      if (hr_json_int_value (hr_json_get (rec, "exitStatus"), 0, 255, &code))
        printf ("%s  exited with status %lld, %lld s after start\n", str (rec, "time"), (long long) code,
                (long long) secs);
      else if (hr_json_int_value (hr_json_get (rec, "signal"), 1, 64, &sig))
        printf ("%s  killed by signal %lld, %lld s after start\n", str (rec, "time"), (long long) sig,
                (long long) secs);
      else
        printf ("%s  ended (exit status unknown), %lld s after start\n", str (rec, "time"), (long long) secs);
      if (*str (rec, "hint"))
        printf ("    hint: %s\n", str (rec, "hint"));
      return;
    }
  if (strcmp (ev, "poststop") == 0)
    {
      printf ("%s  stopped and deleted\n", str (rec, "time"));
      return;
    }
  printf ("%s  %s\n", str (rec, "time"), ev);
}

int
hr_why_main (const struct hr_cmdline *cmd, struct hr_error *err)
{
  bool json = false;
  const char *id = NULL;
  for (size_t i = 0; i < cmd->n_args; i++)
    {
      if (strcmp (cmd->args[i], "--json") == 0)
        json = true;
      else if (id == NULL)
        id = cmd->args[i];
      else
        return hr_error_set (err, EINVAL, "why: one container ID, got \"%s\" too", cmd->args[i]);
    }
  if (id == NULL || *id == '\0' || strlen (id) > 1024)
    return hr_error_set (err, EINVAL, "why: usage: hardrun why [--json] ID");

  struct hr_policy p;
  int r = hr_policy_load (cmd->policy_file, cmd->policy_file != NULL, &p, err);
  if (r < 0)
    return r;
  if (p.audit_file == NULL)
    {
      hr_policy_release (&p);
      return hr_error_set (err, ENOENT, "why: the policy keeps no audit file (\"audit.file\"), so there is no "
                           "record to read; \"hardrun explain BUNDLE\" shows what hardrun changes");
    }
  cleanup_json struct hr_json *recs = NULL;
  r = collect (p.audit_file, id, &recs, err);
  if (r == 0 && hr_json_len (recs) == 0)
    r = hr_error_set (err, ENOENT, "why: no record of container \"%s\" in \"%s\"", id, p.audit_file);
  hr_policy_release (&p);
  if (r < 0)
    return r;

  if (json)
    {
      cleanup_free char *text = NULL;
      size_t len;
      if ((r = hr_json_serialize (recs, true, &text, &len, err)) < 0)
        return r;
      printf ("%s\n", text);
      return 0;
    }
  printf ("container \"%s\"\n", id);
  for (size_t i = 0; i < hr_json_len (recs); i++)
    print_record (hr_json_at (recs, i));
  const struct hr_json *first = hr_json_at (recs, 0);
  if (!is_start_decision (first))
    printf ("(no create decision on record: the audit file holds only later events)\n");
  return 0;
}
