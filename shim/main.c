/* hardrun: a drop-in runc that hardens what it starts.
 *
 * main() is the only place that prints and exits. It parses the command
 * line, hardens the commands that start processes, and execs the real
 * runtime with the arguments it received. */
#include "config.h"
#include "cleanup.h"
#include "cmdline.h"
#include "error.h"
#include "harden.h"
#include "json.h"
#include "log.h"
#include "runtime.h"
#include "record.h"
#include "policy/exec.h"
#include "policyfile.h"
#include "admin.h"
#include "update.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: hardrun [HARDRUN OPTIONS] [RUNC GLOBAL OPTIONS] COMMAND [ARGS...]\n"
           "\n"
           "hardrun is used in place of runc. On create, run, restore and exec it\n"
           "hardens the container's spec, then executes the real runtime (runc or\n"
           "crun) with the same arguments. update may not lift a limit of the\n"
           "container's profile. Every other command passes through.\n"
           "\n"
           "hardrun options (anywhere before COMMAND; never passed to the runtime):\n"
           "  --hardrun-profile NAME   hardening profile (default: restricted;\n"
           "                           built in: restricted, baseline, audit, privileged)\n"
           "  --hardrun-policy FILE    policy file (default: %s)\n"
           "  --hardrun-runtime PATH   the real runtime (default: search PATH for runc, then crun)\n"
           "  --hardrun-help           this text\n"
           "\n"
           "Invoked as hardrun-NAME (a symlink), hardrun selects profile NAME.\n"
           "\n"
           "hardrun's own commands:\n"
           "  hardrun explain [--json] BUNDLE|CONFIG   what hardrun would change, without running\n"
           "  hardrun explain --kubernetes [--json|--sarif] FILE...\n"
           "                                           the same for Kubernetes manifests\n"
           "  hardrun policy check [FILE]              validate a policy and its profiles\n"
           "  hardrun policy show [PROFILE]            print the effective profile\n"
           "\n"
           "Exit status: the runtime's; 1 when hardrun refuses or fails before it.\n"
           "See hardrun(8).\n",
           HARDRUN_POLICY_FILE);
}

/* Reports ERR where the engine reads it: runc's --log file in runc's format,
 * and stderr. */
static int
report_error (const struct hr_cmdline *cmd, const struct hr_error *err)
{
  const char *msg = err->msg[0] ? err->msg : strerror (err->code);
  /* Engines put the runtime's name before the log message themselves. */
  if (cmd)
    {
      struct hr_log log = { .path = cmd->log, .json = cmd->log_format && strcmp (cmd->log_format, "json") == 0 };
      hr_log_write (&log, HR_LOG_ERROR, msg);
    }
  fprintf (stderr, "hardrun: %s\n", msg);
  return 1;
}

static void
warn_findings (const struct hr_cmdline *cmd, const struct hr_settings *s, const struct hr_report *rep)
{
  if (cmd->log == NULL || rep->n == 0)
    return;
  char msg[2048];
  size_t off = (size_t) snprintf (msg, sizeof msg, "hardrun: profile \"%s\" (%s): ", s->profile.name,
                                  s->rule);
  size_t changed = 0, audited = 0;
  for (size_t i = 0; i < rep->n; i++)
    {
      if (rep->items[i].action == HR_ACT_CHANGED)
        changed++;
      else if (rep->items[i].action == HR_ACT_AUDIT)
        audited++;
    }
  snprintf (msg + off, sizeof msg - off, "%zu change(s), %zu audit finding(s)", changed, audited);
  struct hr_log log = { .path = cmd->log, .json = cmd->log_format && strcmp (cmd->log_format, "json") == 0 };
  hr_log_write (&log, HR_LOG_WARNING, msg);
}

static int
exec_runtime (const struct hr_cmdline *cmd, const char *from_policy, char **argv, struct hr_error *err)
{
  char path[PATH_MAX];
  int r = hr_runtime_find (cmd->runtime, from_policy, path, sizeof path, NULL, err);
  if (r < 0)
    return r;
  fflush (NULL);
  return hr_runtime_exec (path, argv ? argv : cmd->runtime_argv, err);
}

/* Runs the runtime as a child with the received argv; its exit status. */
static int
run_runtime (const struct hr_cmdline *cmd, const char *from_policy, struct hr_error *err)
{
  char path[PATH_MAX];
  int r = hr_runtime_find (cmd->runtime, from_policy, path, sizeof path, NULL, err);
  if (r < 0)
    return r;
  return hr_runtime_run (path, cmd->runtime_argv, err);
}

/* The runtime named in the policy file, for commands that pass through. A
 * policy that cannot be read is not their concern: create already failed
 * closed on it, and delete must still work. A container hardrun created
 * has the answer in its record, read for a fraction of what parsing the
 * policy costs, and it is the runtime that holds the container even if the
 * policy has changed since. */
static char *
policy_runtime (const struct hr_cmdline *cmd)
{
  /* the command line wins over both */
  if (cmd->runtime)
    return NULL;
  /* Without a policy file there is nothing to look up: one access() is
   * all a pass-through command pays. (A container created under a policy
   * that has since been removed goes to the default runtime, as every
   * command does then.) */
  const char *path = cmd->policy_file ? cmd->policy_file : HARDRUN_POLICY_FILE;
  if (access (path, F_OK) < 0)
    return NULL;
  char *rt = NULL;
  if (cmd->id && hr_record_runtime (HARDRUN_STATE_DIR, cmd->root, cmd->id, &rt) == 0)
    return rt;
  struct hr_policy p;
  struct hr_error e = { 0 };
  if (hr_policy_load (path, true, &p, &e) < 0)
    return NULL;
  rt = p.runtime ? strdup (p.runtime) : NULL;
  hr_policy_release (&p);
  return rt;
}

/* "hardrun features": the runtime's features with hardrun's annotations. */
static int
features (const struct hr_cmdline *cmd, struct hr_error *err)
{
  char path[PATH_MAX];
  int r = hr_runtime_find (cmd->runtime, NULL, path, sizeof path, NULL, err);
  if (r < 0)
    return r;
  cleanup_free char *out = NULL;
  size_t len = 0;
  int status = hr_runtime_capture (path, cmd->runtime_argv, HR_JSON_MAX_BYTES, &out, &len, err);
  if (status < 0)
    return status;
  if (status != 0)
    {
      fwrite (out, 1, len, stdout);
      return hr_error_set (err, EIO, "\"%s features\" exited with status %d", path, status);
    }
  cleanup_json struct hr_json *doc = NULL;
  r = hr_json_parse (out, len, "runtime features", &doc, err);
  if (r < 0)
    return r;
  struct hr_json *ann = hr_json_ensure_object (doc, "annotations");
  if (ann == NULL)
    return hr_error_set (err, EINVAL, "runtime features: \"annotations\" is not an object");
  if ((r = hr_json_set (ann, "io.hardrun.version", hr_json_new_string (PACKAGE_VERSION), err)) < 0
      || (r = hr_json_set (ann, "io.hardrun.runtime", hr_json_new_string (path), err)) < 0)
    return r;
  cleanup_free char *json = NULL;
  r = hr_json_serialize (doc, true, &json, &len, err);
  if (r < 0)
    return r;
  fwrite (json, 1, len, stdout);
  fputc ('\n', stdout);
  return 0;
}

int
main (int argc, char **argv)
{
  struct hr_error err = { 0 };
  struct hr_cmdline cmd;

  if (hr_cmdline_parse (argc, argv, &cmd, &err) < 0)
    return report_error (NULL, &err);

  if (cmd.hardrun_help)
    {
      usage (stdout);
      hr_cmdline_free (&cmd);
      return 0;
    }
  if (getenv (HR_LOOP_GUARD_ENV))
    {
      hr_error_set (&err, ELOOP, "started by itself: the runtime path leads back to hardrun "
                    "(set --hardrun-runtime to the real runc or crun)");
      int status = report_error (&cmd, &err);
      hr_cmdline_free (&cmd);
      return status;
    }

  int r = 0;
  struct hr_exec_argv exec_argv = { 0 };
  struct hr_settings settings = { 0 };
  if (cmd.command == HR_CMD_DELETE && cmd.id && !cmd.usage_error)
    {
      /* The container's exec ceiling goes with it, once it has said which
       * runtime holds the container. */
      cleanup_free char *rt = policy_runtime (&cmd);
      hr_record_remove (HARDRUN_STATE_DIR, cmd.root, cmd.id);
      r = exec_runtime (&cmd, rt, NULL, &err);
    }
  else if (cmd.command == HR_CMD_NONE && (cmd.version || cmd.help))
    {
      /* Tools read the first line of "runc --version" and the top of
       * "runc --help": the runtime's output comes first and unchanged,
       * hardrun's own lines after it. */
      cleanup_free char *rt = policy_runtime (&cmd);
      int status = run_runtime (&cmd, rt, &err);
      /* without the word "version": docker takes the last line that has
       * it for the runtime's */
      if (cmd.version)
        printf ("hardrun %s\n", PACKAGE_VERSION);
      else
        {
          printf ("\n");
          usage (stdout);
        }
      if (status >= 0)
        {
          hr_cmdline_free (&cmd);
          return status;
        }
      r = status;
    }
  else if (cmd.command == HR_CMD_FEATURES && !cmd.command_help && !cmd.usage_error)
    {
      r = features (&cmd, &err);
      if (r == 0)
        {
          hr_cmdline_free (&cmd);
          return 0;
        }
    }
  else if (hr_command_hardens (cmd.command) && !cmd.command_help)
    {
      if (cmd.usage_error)
        r = hr_error_set (&err, EINVAL, "%s: %s", cmd.command_name, cmd.usage_message);
      else if (cmd.command != HR_CMD_EXEC && cmd.n_args != 1)
        r = hr_error_set (&err, EINVAL, "\"%s\" requires exactly 1 argument (the container ID), got %zu",
                          cmd.command_name, cmd.n_args);
      else if (cmd.command == HR_CMD_EXEC && cmd.id == NULL)
        r = hr_error_set (&err, EINVAL, "\"exec\" requires a container ID");
      else
        {
          struct hr_report rep = { 0 };
          r = hr_settings_load (&cmd, &settings, &err);
          if (r == 0)
            {
              if (cmd.command == HR_CMD_EXEC)
                r = hr_harden_exec (&cmd, &settings, &rep, &exec_argv, &err);
              else
                r = hr_harden_bundle (&cmd, &settings, &rep, &err);
              if (r == 0)
                warn_findings (&cmd, &settings, &rep);
              hr_report_release (&rep);
            }
        }
      if (r == 0)
        r = exec_runtime (&cmd, settings.policy.runtime, exec_argv.argv, &err);
      hr_exec_argv_release (&exec_argv);
    }
  else if (cmd.command == HR_CMD_UPDATE && !cmd.command_help)
    {
      /* An update may not lift a limit the container's profile holds. A
       * command line runc would reject is refused, not passed on: crun
       * reads some of them ("-r-", "--pids=-1") as updates. */
      struct hr_report rep = { 0 };
      if (cmd.usage_error)
        r = hr_error_set (&err, EINVAL, "update: %s", cmd.usage_message);
      else if (cmd.n_args != 1)
        r = hr_error_set (&err, EINVAL, "\"update\" requires exactly 1 argument (the container ID), got %zu",
                          cmd.n_args);
      else
        r = hr_settings_load (&cmd, &settings, &err);
      if (r == 0)
        r = hr_harden_update (&cmd, &settings, &rep, &err);
      hr_report_release (&rep);
      if (r == 0)
        r = exec_runtime (&cmd, settings.policy.runtime, NULL, &err);
    }
  else if (cmd.command == HR_CMD_HARDRUN_EXPLAIN || cmd.command == HR_CMD_HARDRUN_POLICY)
    {
      int status = hr_admin_main (&cmd, &err);
      if (status >= 0)
        {
          hr_cmdline_free (&cmd);
          return status;
        }
      r = status;
    }
  else
    {
      cleanup_free char *rt = policy_runtime (&cmd);
      r = exec_runtime (&cmd, rt, NULL, &err);
    }

  /* Only failures reach this point. */
  (void) r;
  int status = report_error (&cmd, &err);
  hr_settings_release (&settings);
  hr_cmdline_free (&cmd);
  return status;
}
