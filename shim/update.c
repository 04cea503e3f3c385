#include "config.h"
#include "update.h"
#include "cleanup.h"
#include "record.h"
#include "spec.h"
#include "writeback.h"
#include "policy/update.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A resources document is small; Docker's is a few hundred bytes. */
#define MAX_RESOURCES_BYTES (1024u * 1024)

/* Puts DATA where the runtime will read "-": a memory file on fd 0. */
static int
replace_stdin (const char *data, size_t len, struct hr_error *err)
{
  cleanup_close int fd = memfd_create ("hardrun-update", MFD_CLOEXEC);
  if (fd < 0)
    return hr_error_setsys (err, errno, "cannot keep the resources for the runtime");
  int r = hr_write_all (fd, data, len);
  if (r < 0)
    return hr_error_setsys (err, -r, "cannot keep the resources for the runtime");
  if (lseek (fd, 0, SEEK_SET) < 0 || dup2 (fd, STDIN_FILENO) < 0)
    return hr_error_setsys (err, errno, "cannot keep the resources for the runtime");
  return 0;
}

/* Loads the -r document: FILE, or standard input for "-". */
static int
load_resources (const char *from, struct hr_json **ret, struct hr_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r;
  const char *name = strcmp (from, "-") == 0 ? "resources (standard input)" : from;
  if (strcmp (from, "-") == 0)
    {
      r = hr_read_stream_limited (STDIN_FILENO, name, MAX_RESOURCES_BYTES, &buf, &len, err);
      if (r == 0)
        r = replace_stdin (buf, len, err);
    }
  else
    {
      /* runc opens the path as given, following symlinks */
      cleanup_close int fd = open (from, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0)
        return hr_error_setsys (err, errno, "cannot open resources file \"%s\"", from);
      r = hr_read_stream_limited (fd, name, MAX_RESOURCES_BYTES, &buf, &len, err);
    }
  if (r < 0)
    return r;
  return hr_json_parse (buf, len, name, ret, err);
}

/* The last value of flag ID, or NULL. */
static const struct hr_flag *
last_flag (const struct hr_cmdline *cmd, enum hr_opt_id id)
{
  const struct hr_flag *f = NULL;
  for (size_t i = 0; i < cmd->n_flags; i++)
    if (cmd->flags[i].id == id)
      f = &cmd->flags[i];
  return f;
}

int
hr_harden_update (const struct hr_cmdline *cmd, struct hr_settings *s, struct hr_report *ret_report,
                  struct hr_error *err)
{
  if (!hr_record_id_valid (cmd->id))
    return hr_error_set (err, EINVAL, "update: container ID \"%s\" is not valid", cmd->id ? cmd->id : "");
  cleanup_json struct hr_json *record = NULL;
  int r = hr_record_load (s->state_dir, cmd->root, cmd->id, &record, err);
  if (r < 0)
    return r;
  r = hr_settings_select (s, cmd, NULL, hr_json_string (hr_json_get (record, "profile")), err);
  if (r < 0)
    return r;

  struct hr_update_request req = { 0 };
  hr_json_int_value (hr_json_get (record, "pidsLimit"), 0, INT64_MAX, &req.created_pids_limit);
  cleanup_json struct hr_json *resources = NULL;
  const struct hr_flag *rf = last_flag (cmd, HR_OPT_RESOURCES);
  /* runc: a non-empty -r replaces every other flag */
  if (rf && rf->value && rf->value[0])
    {
      r = load_resources (rf->value, &resources, err);
      if (r < 0)
        return hr_error_prefix (err, "update of container \"%s\"", cmd->id);
      req.resources = resources;
    }
  else
    {
      const struct hr_flag *pf = last_flag (cmd, HR_OPT_PIDS_LIMIT);
      if (pf && pf->value)
        {
          if (!hr_parse_go_int (pf->value, &req.pids_limit))
            return hr_error_set (err, EINVAL, "update: invalid value \"%s\" for --pids-limit", pf->value);
          req.pids_flag = true;
        }
    }

  const struct hr_policy_ctx ctx = { .profile = &s->profile, .container_id = cmd->id, .state_dir = s->state_dir };
  r = hr_update_apply (&ctx, &req, ret_report, err);
  if (r < 0)
    return hr_error_prefix (err, "update of container \"%s\"", cmd->id);
  if (ret_report->refused)
    {
      char why[1536];
      hr_report_refusals (ret_report, why, sizeof why);
      r = hr_error_set (err, EPERM, "hardrun refused update of container \"%s\" (profile \"%s\"): %s", cmd->id,
                        s->profile.name, why);
      hr_harden_audit (cmd, s, NULL, NULL, ret_report, err);
      return r;
    }
  hr_harden_audit (cmd, s, NULL, NULL, ret_report, NULL);
  return 0;
}
