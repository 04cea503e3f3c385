/* hardrun-hook: hardrun's own OCI hook. hardrun adds it to the poststart
 * and poststop hooks of every container it hardens; it reads the container
 * state from stdin and appends a lifecycle record to the audit trail.
 *
 *   hardrun-hook poststart|poststop KEY
 *
 * It takes no path and no free text from its argv: a spec can name it with
 * any argv (when the hooks control is off). KEY, 16 hex digits, names the
 * audit sink hardrun wrote into its state directory (shim/hooksink.h); the
 * event is one of two words. Anything else is ignored, and a key that
 * names no sink of hardrun's makes the hook write nothing.
 *
 * It must never fail a container (runc kills a container whose poststart
 * hook fails), so it always exits 0, and it is quick: one read, one write. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "hooksink.h"
#include "log.h"
#include "json.h"

#define MAX_STATE (256 * 1024)

static void
put (struct hr_json *o, const char *key, const struct hr_json *state, const char *from)
{
  const struct hr_json *v = hr_json_get (state, from);
  if (v && (v->type == HR_JSON_STRING || v->type == HR_JSON_NUMBER))
    hr_json_set (o, key, hr_json_copy (v), NULL);
}

int
main (int argc, char **argv)
{
  const char *event = NULL;
  if (argc > 1 && (strcmp (argv[1], "poststart") == 0 || strcmp (argv[1], "poststop") == 0))
    event = argv[1];
  char *file = NULL;
  bool use_syslog = false;
  bool sink = event && argc == 3 && hr_hook_sink_read (HARDRUN_STATE_DIR, argv[2], &file, &use_syslog) == 0;

  static char buf[MAX_STATE];
  size_t len = 0;
  ssize_t n;
  while (len < sizeof buf && (n = read (STDIN_FILENO, buf + len, sizeof buf - len)) > 0)
    len += (size_t) n;
  if (!sink)
    return 0;                   /* the state was read: runc's write does not fail */

  struct hr_json *state = NULL;
  struct hr_error err = { 0 };
  if (len == 0 || hr_json_parse (buf, len, "state", &state, &err) < 0)
    state = NULL;

  struct hr_json *rec = hr_json_new_object ();
  if (rec == NULL)
    return 0;
  char when[64];
  hr_log_time (when, sizeof when);
  hr_json_set (rec, "time", hr_json_new_string (when), NULL);
  hr_json_set (rec, "event", hr_json_new_string (event), NULL);
  put (rec, "id", state, "id");
  put (rec, "pid", state, "pid");
  put (rec, "status", state, "status");
  put (rec, "bundle", state, "bundle");

  char *line = NULL;
  size_t llen = 0;
  if (hr_json_serialize (rec, false, &line, &llen, &err) == 0)
    {
      line[llen] = '\n';
      if (use_syslog)
        {
          openlog ("hardrun-hook", LOG_PID, LOG_AUTHPRIV);
          syslog (LOG_INFO, "%.*s", (int) llen, line);
          closelog ();
        }
      if (file)
        {
          int fd = open (file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
          if (fd >= 0)
            {
              if (write (fd, line, llen + 1) < 0)
                {
                  /* nothing to do: a hook must not fail the container */
                }
              close (fd);
            }
        }
      free (line);
    }
  hr_json_free (rec);
  hr_json_free (state);
  free (file);
  return 0;
}
