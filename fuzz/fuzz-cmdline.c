/* fuzz-cmdline: runc's command line as the engines write it.
 *
 * Input: argv[1..], one argument per line (or NUL-separated); argv[0] is
 * "hardrun". A final newline ends the last argument. The checks:
 *
 *  - hr_cmdline_parse fails only when a "--hardrun-" option is at fault;
 *  - the runtime's argv is the input minus hardrun's own options and their
 *    values, in order, and nothing after the subcommand is dropped;
 *  - the positions it records (subcommand, flags, exec's arguments) point
 *    at what they name;
 *  - parsing the runtime's argv again finds the same command, ID, bundle
 *    and process file: runc is handed what hardrun judged;
 *  - for exec: the argv hr_exec_apply_flags makes, read the way runc and
 *    crun read it, is held to a restricted ceiling (a "UID:GID" --user that
 *    is not root, no capability beyond CAP_NET_BIND_SERVICE, no_new_privs
 *    on, the container's labels; without --process, --user and
 *    --no-new-privs named), still parses without a usage error, keeps the
 *    container ID and the process's arguments, and applying the flags again
 *    changes nothing. */
#include "config.h"
#include "fuzz.h"
#include "cmdline.h"
#include "policy/exec.h"
#include "policy/policy.h"
#include "policy/profile.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 4096
#define CAP_NET_BIND_SERVICE 10

static const char hardrun_prefix[] = "--hardrun-";

static bool
is_hardrun_option (const char *s)
{
  return strncmp (s, hardrun_prefix, sizeof hardrun_prefix - 1) == 0;
}

static bool
same_str (const char *a, const char *b)
{
  return (a == NULL && b == NULL) || (a && b && strcmp (a, b) == 0);
}

static const char *
show (const char *s)
{
  return s ? s : "(null)";
}

/* Splits BUF[0..size) in place at NUL and newline bytes into ARGV[1..];
 * BUF has room for one more byte. Returns argc. */
static int
split_argv (char *buf, size_t size, char **argv, char *argv0)
{
  int n = 0;
  argv[n++] = argv0;
  char *start = buf;
  buf[size] = '\0';
  for (size_t i = 0; i <= size && n < MAX_ARGS; i++)
    if (i == size || buf[i] == '\0' || buf[i] == '\n')
      {
        if (i == size && start == buf + size)
          break;                /* a final separator ends the last argument */
        buf[i] = '\0';
        argv[n++] = start;
        start = buf + i + 1;
      }
  argv[n] = NULL;
  return n;
}

/* May ARGV[i] be left out of the runtime's argv? DROPPED tells which
 * entries before it were. */
static bool
drop_allowed (char **argv, int i, const bool *dropped)
{
  if (is_hardrun_option (argv[i]))
    return true;
  const char *prev = i > 1 && dropped[i - 1] ? argv[i - 1] : NULL;
  return prev && is_hardrun_option (prev) && strchr (prev, '=') == NULL && strcmp (prev, "--hardrun-help") != 0;
}

static void
check_runtime_argv (int argc, char **argv, const struct hr_cmdline *cmd)
{
  static bool dropped[MAX_ARGS + 1];
  FUZZ_INVARIANT ("runtime-argv-shape",
                  cmd->runtime_argv != NULL && cmd->runtime_argc >= 1 && cmd->runtime_argc <= argc
                    && cmd->runtime_argv[0] == argv[0] && cmd->runtime_argv[cmd->runtime_argc] == NULL,
                  "runtime_argc %d for argc %d", cmd->runtime_argc, argc);

  /* The runtime's argv is a subsequence of ARGV (the very strings). */
  int j = 1;
  int command_at = argc;        /* the subcommand's position in ARGV */
  memset (dropped, 0, sizeof dropped);
  for (int k = 1; k < cmd->runtime_argc; k++)
    {
      while (j < argc && argv[j] != cmd->runtime_argv[k])
        dropped[j++] = true;
      FUZZ_INVARIANT ("runtime-argv-subsequence", j < argc, "runtime_argv[%d] \"%s\" is not from the input, in order",
                      k, show (cmd->runtime_argv[k]));
      if (k == cmd->command_index)
        command_at = j;
      j++;
    }
  while (j < argc)
    dropped[j++] = true;

  for (int i = 1; i < argc; i++)
    {
      if (!dropped[i])
        continue;
      FUZZ_INVARIANT ("drops-only-hardrun-options", drop_allowed (argv, i, dropped),
                      "argv[%d] \"%s\" was left out of the runtime's argv", i, argv[i]);
      FUZZ_INVARIANT ("drops-nothing-after-command", i < command_at,
                      "argv[%d] \"%s\" after the subcommand was left out", i, argv[i]);
    }
}

static void
check_positions (const struct hr_cmdline *cmd)
{
  const int n = cmd->runtime_argc;
  char *const *rv = cmd->runtime_argv;
  bool in_order = cmd->command == HR_CMD_EXEC || cmd->command == HR_CMD_PS;

  if (cmd->command == HR_CMD_NONE)
    FUZZ_INVARIANT ("command-position", cmd->command_index < 0 && cmd->command_name == NULL, "no command, index %d",
                    cmd->command_index);
  else
    FUZZ_INVARIANT ("command-position",
                    cmd->command_index > 0 && cmd->command_index < n && rv[cmd->command_index] == cmd->command_name,
                    "command \"%s\" at %d", show (cmd->command_name), cmd->command_index);

  FUZZ_INVARIANT ("flag-count", cmd->n_flags <= HR_CMDLINE_MAX_FLAGS, "%zu flags", cmd->n_flags);
  for (size_t i = 0; i < cmd->n_flags; i++)
    {
      const struct hr_flag *f = &cmd->flags[i];
      /* After runc's reordering a flag's value may stand anywhere after the
       * subcommand ("create '' -b": -b takes ''), so only the flag itself
       * has a fixed place. */
      FUZZ_INVARIANT ("flag-position",
                      f->index > cmd->command_index && f->index < n && (f->count == 1 || f->count == 2)
                        && rv[f->index][0] == '-',
                      "flags[%zu] at %d (count %d) of %d", i, f->index, f->count, n);
      if (!in_order)
        continue;
      /* exec's flags are rewritten in place: the value must be where the
       * index and count say. */
      FUZZ_INVARIANT ("flag-position", f->index + f->count <= n, "flags[%zu] at %d (count %d) of %d", i, f->index,
                      f->count, n);
      if (f->count == 2)
        FUZZ_INVARIANT ("flag-value-position", f->value == rv[f->index + 1], "flags[%zu] \"%s\": value \"%s\"", i,
                        rv[f->index], show (f->value));
      else if (f->value)
        FUZZ_INVARIANT ("flag-value-position",
                        f->value > rv[f->index] && f->value <= rv[f->index] + strlen (rv[f->index]) && f->value[-1] == '=',
                        "flags[%zu] \"%s\": value \"%s\"", i, rv[f->index], f->value);
    }

  FUZZ_INVARIANT ("args-id", cmd->n_args > 0 ? cmd->id == cmd->args[0] : cmd->id == NULL, "id \"%s\"", show (cmd->id));
  if (in_order && cmd->n_args > 0)
    {
      FUZZ_INVARIANT ("args-position", cmd->args_index > 0 && (size_t) cmd->args_index + cmd->n_args == (size_t) n,
                      "args at %d, %zu of them, argc %d", cmd->args_index, cmd->n_args, n);
      for (size_t k = 0; k < cmd->n_args; k++)
        FUZZ_INVARIANT ("args-position", rv[cmd->args_index + (int) k] == cmd->args[k], "args[%zu] \"%s\"", k,
                        cmd->args[k]);
    }
}

/* Parsing the runtime's argv again gives the same reading. */
static void
check_reparse (const struct hr_cmdline *cmd)
{
  struct hr_cmdline again;
  struct hr_error err = { 0 };
  int r = hr_cmdline_parse (cmd->runtime_argc, cmd->runtime_argv, &again, &err);
  FUZZ_INVARIANT ("reparse", r == 0, "parsing the runtime's argv failed: %s", err.msg);
  if (r < 0)
    return;
  bool same_argv = again.runtime_argc == cmd->runtime_argc;
  for (int k = 0; same_argv && k < cmd->runtime_argc; k++)
    same_argv = strcmp (again.runtime_argv[k], cmd->runtime_argv[k]) == 0;
  FUZZ_INVARIANT ("reparse-same-argv", same_argv, "the runtime's argv changed when parsed again (%d -> %d entries)",
                  cmd->runtime_argc, again.runtime_argc);
  FUZZ_INVARIANT ("reparse-same-reading",
                  again.command == cmd->command && same_str (again.id, cmd->id) && same_str (again.bundle, cmd->bundle)
                    && same_str (again.process_file, cmd->process_file) && same_str (again.root, cmd->root)
                    && same_str (again.log, cmd->log) && again.usage_error == cmd->usage_error
                    && again.n_args == cmd->n_args && again.command_help == cmd->command_help,
                  "command %s/%s id \"%s\"/\"%s\" bundle \"%s\"/\"%s\" process \"%s\"/\"%s\"",
                  hr_command_name (cmd->command), hr_command_name (again.command), show (cmd->id), show (again.id),
                  show (cmd->bundle), show (again.bundle), show (cmd->process_file), show (again.process_file));
  FUZZ_INVARIANT ("reparse-no-hardrun-options",
                  again.profile == NULL && again.policy_file == NULL && again.runtime == NULL && !again.hardrun_help,
                  "a hardrun option reached the runtime's argv");
  hr_cmdline_free (&again);
}

/* ---- exec's flags ---- */

static struct hr_profile restricted;
static char ceiling_apparmor[] = "hardrun-default";
static char ceiling_selinux[] = "system_u:system_r:container_t:s0:c1,c2";

/* A container hardrun created under the restricted profile. */
static struct hr_ceiling
record_ceiling (void)
{
  return (struct hr_ceiling) {
    .from_record = true,
    .uid = 65534,
    .gid = 65534,
    .bounding = UINT64_C (1) << CAP_NET_BIND_SERVICE,
    .apparmor = ceiling_apparmor,
    .selinux = ceiling_selinux,
  };
}

/* The last occurrence of flag ID, whose value Go's flag package keeps;
 * NULL if unset. */
static const struct hr_flag *
last_flag (const struct hr_cmdline *cmd, enum hr_opt_id id)
{
  const struct hr_flag *last = NULL;
  for (size_t i = 0; i < cmd->n_flags; i++)
    if (cmd->flags[i].id == id)
      last = &cmd->flags[i];
  return last;
}

/* What runc or crun exec would run with, from OUT's flags, against C.
 * Without --process, --user and --no-new-privs must be named: crun starts
 * the process as root with no_new_privs off otherwise. */
static void
check_exec_effect (const struct hr_cmdline *out, const struct hr_ceiling *c)
{
  bool flags_only = out->process_file == NULL;
  const struct hr_flag *user = last_flag (out, HR_OPT_USER);
  FUZZ_INVARIANT ("exec-user-named", user != NULL || !flags_only, "no --user: crun would start the process as root");
  if (user)
    {
      /* runc: strings.SplitN(user, ":", 2) and Go's Atoi of each part;
       * crun: strtol, where "", "x" and a missing group are 0. Only
       * "UID:GID" that both read alike is safe. */
      const char *v = user->value ? user->value : "";
      const char *colon = strchr (v, ':');
      uint32_t uid = 0, gid = 0;
      bool both = colon && fuzz_go_atoi_u32 (v, (size_t) (colon - v), &uid)
                  && fuzz_go_atoi_u32 (colon + 1, strlen (colon + 1), &gid);
      FUZZ_INVARIANT ("exec-user-not-root", both && uid != 0, "--user \"%s\" may run as root", v);
      FUZZ_INVARIANT ("exec-group-not-root", both && gid != 0, "--user \"%s\" may run with group root", v);
    }
  const struct hr_flag *nnp = last_flag (out, HR_OPT_NO_NEW_PRIVS);
  FUZZ_INVARIANT ("exec-no-new-privs", nnp ? nnp->bool_value : !flags_only, "no_new_privs is not on");
  for (size_t i = 0; i < out->n_flags; i++)
    {
      const struct hr_flag *f = &out->flags[i];
      const char *v = f->value ? f->value : "";
      uint32_t g;
      int cap;
      switch (f->id)
        {
        case HR_OPT_ADDITIONAL_GIDS:
          if (fuzz_go_atoi_u32 (v, strlen (v), &g) && v[0] != '-')
            FUZZ_INVARIANT ("exec-no-root-group", g != 0, "--additional-gids \"%s\" is group root", v);
          break;
        case HR_OPT_CAP:
          cap = hr_cap_from_name (v);
          FUZZ_INVARIANT ("exec-caps-within-ceiling",
                          cap >= 0 && strcmp (v, hr_cap_name (cap)) == 0 && (c->bounding & (UINT64_C (1) << cap)),
                          "--cap \"%s\" is beyond the container's capabilities", v);
          break;
        default:
          break;
        }
    }
  const struct hr_flag *aa = last_flag (out, HR_OPT_APPARMOR);
  if (aa && aa->value && aa->value[0])
    FUZZ_INVARIANT ("exec-apparmor-kept", same_str (aa->value, c->apparmor), "--apparmor \"%s\"", aa->value);
  const struct hr_flag *label = last_flag (out, HR_OPT_PROCESS_LABEL);
  if (label && label->value && label->value[0])
    FUZZ_INVARIANT ("exec-label-kept", same_str (label->value, c->selinux), "--process-label \"%s\"", label->value);
}

static void
check_exec (const struct hr_cmdline *cmd)
{
  struct hr_ceiling c = record_ceiling ();
  struct hr_policy_ctx ctx = { .profile = &restricted, .container_id = cmd->id };
  struct hr_exec_argv xa, xa2;
  struct hr_report rep, rep2 = { 0 };
  struct hr_error err = { 0 };

  int r = hr_exec_apply_flags (&ctx, &c, cmd, &xa, &rep, &err);
  FUZZ_INVARIANT ("exec-flags-apply", r == 0, "%s", err.msg);
  if (r < 0 || rep.refused)
    {
      if (r == 0)
        hr_exec_argv_release (&xa);
      hr_report_release (&rep);
      return;
    }
  int n = 0;
  while (xa.argv[n])
    n++;

  struct hr_cmdline out;
  r = hr_cmdline_parse (n, xa.argv, &out, &err);
  FUZZ_INVARIANT ("exec-argv-parses", r == 0, "%s", err.msg);
  if (r == 0)
    {
      /* A flag rewritten in another spelling than the user's ("-u" and
       * "--user") is a usage error of its own kind. More than
       * HR_CMDLINE_MAX_FLAGS flags is hardrun's limit, not runc's: the
       * rewritten argv may pass it with the flags it adds, and is then
       * not read here. */
      bool too_many = out.usage_error && strstr (out.usage_message, "too many options") != NULL;
      FUZZ_INVARIANT (strstr (out.usage_message, "two forms") ? "exec-flag-two-forms" : "exec-argv-no-usage-error",
                      !out.usage_error || too_many, "the rewritten exec argv is rejected: %s", out.usage_message);
      if (!out.usage_error)
        {
          bool same_args = out.command == HR_CMD_EXEC && out.n_args == cmd->n_args
                           && same_str (out.process_file, cmd->process_file);
          for (size_t k = 0; same_args && k < cmd->n_args; k++)
            same_args = strcmp (out.args[k], cmd->args[k]) == 0;
          FUZZ_INVARIANT ("exec-argv-same-process", same_args, "the container ID or the process's arguments changed");
          check_exec_effect (&out, &c);
        }

      /* Idempotence: the rewritten argv needs no further change (runc
       * refuses one with a usage error anyway). */
      r = out.usage_error ? -1 : hr_exec_apply_flags (&ctx, &c, &out, &xa2, &rep2, &err);
      FUZZ_INVARIANT ("exec-flags-apply", r == 0 || out.usage_error, "second pass: %s", err.msg);
      if (r == 0)
        {
          for (size_t i = 0; i < rep2.n; i++)
            FUZZ_INVARIANT ("exec-idempotent", rep2.items[i].action != HR_ACT_CHANGED,
                            "second pass changed \"%s\": %s", rep2.items[i].field, rep2.items[i].message);
          bool same_argv = true;
          int k;
          for (k = 0; same_argv && xa.argv[k]; k++)
            same_argv = xa2.argv[k] && strcmp (xa.argv[k], xa2.argv[k]) == 0;
          FUZZ_INVARIANT ("exec-idempotent", same_argv && xa2.argv[k] == NULL, "second pass changed the argv");
          hr_exec_argv_release (&xa2);
        }
      hr_report_release (&rep2);
      hr_cmdline_free (&out);
    }
  hr_exec_argv_release (&xa);
  hr_report_release (&rep);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static char argv0[] = "hardrun";
  static bool ready;
  if (!ready)
    {
      if (hr_profile_builtin ("restricted", &restricted, NULL) < 0)
        abort ();
      ready = true;
    }
  if (size > 64 * 1024)
    return 0;

  char *buf = malloc (size + 1);
  char **argv = malloc ((MAX_ARGS + 1) * sizeof (char *));
  if (buf == NULL || argv == NULL)
    abort ();
  if (size)
    memcpy (buf, data, size);
  int argc = split_argv (buf, size, argv, argv0);

  struct hr_cmdline cmd;
  struct hr_error err = { 0 };
  int r = hr_cmdline_parse (argc, argv, &cmd, &err);
  if (r < 0)
    {
      bool has_hardrun_option = false;
      for (int i = 1; i < argc; i++)
        has_hardrun_option |= is_hardrun_option (argv[i]);
      FUZZ_INVARIANT ("fails-only-on-hardrun-options", has_hardrun_option && err.msg[0] && r == -err.code,
                      "failed (%d) without a hardrun option at fault: %s", r, err.msg);
    }
  else
    {
      FUZZ_INVARIANT ("usage-message", !cmd.usage_error || cmd.usage_message[0], "usage error without a message");
      check_runtime_argv (argc, argv, &cmd);
      check_positions (&cmd);
      check_reparse (&cmd);
      if (cmd.command == HR_CMD_EXEC && !cmd.usage_error && !cmd.command_help && cmd.id)
        check_exec (&cmd);
      hr_cmdline_free (&cmd);
    }
  free (argv);
  free (buf);
  return 0;
}
