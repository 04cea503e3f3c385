/* The runc command-line parser, table-driven: what hardrun must find in each
 * argv, and the exact argv the runtime must receive. */
#include "config.h"
#include "tap.h"
#include "cmdline.h"

#include <string.h>

struct expect
{
  const char *argv[32];         /* NULL-terminated; argv[0] is "hardrun" */
  enum hr_command command;
  const char *id;
  const char *bundle;
  const char *process;
  const char *log;
  const char *log_format;
  const char *root;
  const char *runtime_argv;     /* space-joined; NULL: same as argv */
  size_t n_args;                /* positional arguments, ID included */
  bool usage_error;
  const char *profile;          /* --hardrun-profile */
  int parse_fails;              /* hr_cmdline_parse returns < 0 */
};

#define A(...) { "hardrun", __VA_ARGS__, NULL }

static const struct expect cases[] = {
  /* containerd's runc v2 shim */
  { A ("--root", "/run/containerd/runc/default", "--log", "/b/log.json", "--log-format", "json", "create",
       "--bundle", "/b", "--pid-file", "/b/init.pid", "--console-socket", "/tmp/s.sock", "c1"),
    HR_CMD_CREATE, "c1", "/b", NULL, "/b/log.json", "json", "/run/containerd/runc/default", NULL, 1 },
  { A ("--root", "/r", "--debug", "--log", "/b/log.json", "--log-format", "json", "--systemd-cgroup", "create",
       "--bundle", "/b", "--pid-file", "/b/init.pid", "--no-pivot", "--no-new-keyring", "c1"),
    HR_CMD_CREATE, "c1", "/b", NULL, "/b/log.json", "json", "/r", NULL, 1 },
  { A ("--root", "/r", "--log", "/b/exec-log.json", "--log-format", "json", "exec", "--process",
       "/tmp/runc-process123", "--detach", "--pid-file", "/b/e1.pid", "c1"),
    HR_CMD_EXEC, "c1", NULL, "/tmp/runc-process123", "/b/exec-log.json", "json", "/r", NULL, 1 },
  { A ("--root", "/r", "--log", "/b/log.json", "--log-format", "json", "start", "c1"),
    HR_CMD_START, "c1", NULL, NULL, "/b/log.json", "json", "/r", NULL, 1 },
  { A ("--root", "/r", "--log", "/b/log.json", "--log-format", "json", "delete", "--force", "c1"),
    HR_CMD_DELETE, "c1", NULL, NULL, "/b/log.json", "json", "/r", NULL, 1 },
  { A ("--root", "/r", "kill", "c1", "15"), HR_CMD_KILL, "c1", NULL, NULL, NULL, NULL, "/r", NULL, 2 },
  { A ("--root", "/r", "kill", "--all", "c1", "9"), HR_CMD_KILL, "c1", NULL, NULL, NULL, NULL, "/r", NULL, 2 },
  { A ("--root", "/r", "ps", "--format", "json", "c1"), HR_CMD_PS, "c1", NULL, NULL, NULL, NULL, "/r", NULL, 1 },
  { A ("--root", "/r", "pause", "c1"), HR_CMD_PAUSE, "c1", NULL, NULL, NULL, NULL, "/r", NULL, 1 },
  { A ("--root", "/r", "resume", "c1"), HR_CMD_RESUME, "c1", NULL, NULL, NULL, NULL, "/r", NULL, 1 },
  { A ("--root", "/r", "update", "--resources", "-", "c1"), HR_CMD_UPDATE, "c1", NULL, NULL, NULL, NULL, "/r", NULL, 1 },
  { A ("features"), HR_CMD_FEATURES, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
  /* Docker: runtimeArgs come first, before runc's global options */
  { A ("--hardrun-profile", "baseline", "--root", "/var/run/docker/runtime-runc/moby", "--log",
       "/b/log.json", "--log-format", "json", "create", "--bundle", "/b", "--pid-file", "/b/init.pid", "c2"),
    HR_CMD_CREATE, "c2", "/b", NULL, "/b/log.json", "json", "/var/run/docker/runtime-runc/moby",
    "hardrun --root /var/run/docker/runtime-runc/moby --log /b/log.json --log-format json create --bundle /b "
    "--pid-file /b/init.pid c2", 1, false, "baseline" },
  { A ("--hardrun-profile=audit", "--hardrun-runtime", "/usr/bin/crun", "state", "c2"),
    HR_CMD_STATE, "c2", NULL, NULL, NULL, NULL, NULL, "hardrun state c2", 1, false, "audit" },
  { A ("--root", "/r", "--hardrun-policy", "/p.json", "--log", "/l", "run", "-d", "c3"),
    HR_CMD_RUN, "c3", NULL, NULL, "/l", NULL, "/r", "hardrun --root /r --log /l run -d c3", 1 },
  /* Podman */
  { A ("--log-format=json", "--log", "/u/oci-log", "create", "--bundle", "/u", "--pid-file", "/u/pidfile", "p1"),
    HR_CMD_CREATE, "p1", "/u", NULL, "/u/oci-log", "json", NULL, NULL, 1 },
  { A ("--log-format=json", "--log", "/u/exec-log", "exec", "--pid-file", "/u/e.pid", "--process", "/u/p.json",
       "--detach", "--tty", "--console-socket", "/u/c.sock", "p1"),
    HR_CMD_EXEC, "p1", NULL, "/u/p.json", "/u/exec-log", "json", NULL, NULL, 1 },
  /* every spelling runc accepts */
  { A ("create", "-b", "/x", "c"), HR_CMD_CREATE, "c", "/x", NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("create", "--bundle=/x", "c"), HR_CMD_CREATE, "c", "/x", NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("create", "-bundle", "/x", "c"), HR_CMD_CREATE, "c", "/x", NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("create", "-bundle=/x", "c"), HR_CMD_CREATE, "c", "/x", NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("create", "--b", "/x", "c"), HR_CMD_CREATE, "c", "/x", NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("-root", "/r", "-log-format", "text", "create", "c"), HR_CMD_CREATE, "c", NULL, NULL, NULL, "text", "/r", NULL, 1 },
  { A ("run", "--detach=true", "-b", "/x", "c"), HR_CMD_RUN, "c", "/x", NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("run", "-d=false", "--keep", "c"), HR_CMD_RUN, "c", NULL, NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("run", "--detach=maybe", "c"), HR_CMD_RUN, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, true },
  /* runc reorders flags written after the ID (not for exec and ps) */
  { A ("create", "c", "--bundle", "/late"), HR_CMD_CREATE, "c", "/late", NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("create", "c", "-b=/late"), HR_CMD_CREATE, "c", "/late", NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("restore", "c", "--bundle", "/late", "--image-path", "/img"),
    HR_CMD_RESTORE, "c", "/late", NULL, NULL, NULL, NULL, NULL, 1 },
  /* ... and takes the word after any dashed argument as its value: after
   * the boolean --no-pivot the ID stops flag parsing, so runc sees three
   * arguments and no bundle */
  { A ("create", "--no-pivot", "c", "--bundle", "/x"), HR_CMD_CREATE, "c", NULL, NULL, NULL, NULL, NULL, NULL, 3 },
  /* the last of repeated flags wins; two spellings of one flag are an error */
  { A ("create", "--bundle", "/a", "--bundle", "/b", "c"), HR_CMD_CREATE, "c", "/b", NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("create", "--bundle", "/a", "-b", "/b", "c"), HR_CMD_CREATE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, true },
  { A ("create", "--bogus", "c"), HR_CMD_CREATE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, true },
  { A ("create", "--bundle"), HR_CMD_CREATE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, true },
  { A ("create", "---bundle", "/x", "c"), HR_CMD_CREATE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, true },
  { A ("create", "--", "c"), HR_CMD_CREATE, "c", NULL, NULL, NULL, NULL, NULL, NULL, 1 },
  { A ("create", "--", "-b", "c"), HR_CMD_CREATE, "-b", NULL, NULL, NULL, NULL, NULL, NULL, 2 },
  /* exec: everything after the ID is the command */
  { A ("exec", "c", "sh", "-c", "--bundle"), HR_CMD_EXEC, "c", NULL, NULL, NULL, NULL, NULL, NULL, 4 },
  { A ("exec", "-u", "0:0", "--cap", "CAP_SYS_ADMIN", "--cap", "CAP_NET_RAW", "--no-new-privs=false", "c", "id"),
    HR_CMD_EXEC, "c", NULL, NULL, NULL, NULL, NULL, NULL, 2 },
  /* urfave rejects two spellings of one flag, even a repeatable one */
  { A ("exec", "--cap", "CAP_KILL", "-c", "CAP_NET_RAW", "c", "id"), HR_CMD_EXEC, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, true },
  { A ("exec", "-p", "/p.json", "c"), HR_CMD_EXEC, "c", NULL, "/p.json", NULL, NULL, NULL, NULL, 1 },
  { A ("exec", "--process=/p.json", "c"), HR_CMD_EXEC, "c", NULL, "/p.json", NULL, NULL, NULL, NULL, 1 },
  { A ("exec", "c", "--process", "/p.json"), HR_CMD_EXEC, "c", NULL, NULL, NULL, NULL, NULL, NULL, 3 },
  /* global section */
  { A ("--root=/r", "--", "create", "c"), HR_CMD_CREATE, "c", NULL, NULL, NULL, NULL, "/r", NULL, 1 },
  { A ("--version"), HR_CMD_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
  { A ("-v"), HR_CMD_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
  { A ("--bogus", "create", "c"), HR_CMD_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, true },
  { A ("frobnicate", "c"), HR_CMD_UNKNOWN, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
  { A ("--root", "create", "c"), HR_CMD_UNKNOWN, NULL, NULL, NULL, NULL, NULL, "create", NULL, 0 },
  /* hardrun's own options fail loudly */
  { A ("--hardrun-profile"), HR_CMD_NONE, .parse_fails = 1 },
  { A ("--hardrun-bogus", "x", "create", "c"), HR_CMD_NONE, .parse_fails = 1 },
  { A ("--hardrun-profile=", "create", "c"), HR_CMD_NONE, .parse_fails = 1 },
};

static void
join (char *const *argv, char *buf, size_t size)
{
  size_t off = 0;
  buf[0] = '\0';
  for (size_t i = 0; argv[i] && off < size; i++)
    off += (size_t) snprintf (buf + off, size - off, "%s%s", i ? " " : "", argv[i]);
}

int
main (void)
{
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    {
      const struct expect *e = &cases[c];
      int argc = 0;
      char *argv[32];
      while (e->argv[argc])
        {
          argv[argc] = (char *) e->argv[argc];
          argc++;
        }
      argv[argc] = NULL;
      char want[1024], got[1024];
      join (argv, want, sizeof want);
      diag ("case %zu: %s", c, want);

      struct hr_cmdline cmd;
      struct hr_error err = { 0 };
      int r = hr_cmdline_parse (argc, argv, &cmd, &err);
      if (e->parse_fails)
        {
          check_int (r, <, 0);
          check_contains (err.msg, "--hardrun-");
          continue;
        }
      check_int (r, ==, 0);
      check_int (cmd.usage_error, ==, e->usage_error);
      if (e->usage_error)
        {
          hr_cmdline_free (&cmd);
          continue;
        }
      check_int (cmd.command, ==, e->command);
      check_str (cmd.id, e->id);
      check_str (cmd.bundle, e->bundle);
      check_str (cmd.process_file, e->process);
      check_str (cmd.log, e->log);
      check_str (cmd.log_format, e->log_format);
      check_str (cmd.root, e->root);
      check_str (cmd.profile, e->profile);
      check_int (cmd.n_args, ==, e->n_args);
      join (cmd.runtime_argv, got, sizeof got);
      check_str (got, e->runtime_argv ? e->runtime_argv : want);
      hr_cmdline_free (&cmd);
    }

  /* exec flags are recorded where they stand, so they can be rewritten */
  {
    char *argv[] = { "hardrun", "--root", "/r", "exec", "-u", "0:0", "--cap", "CAP_SYS_ADMIN",
                     "--cap=CAP_NET_RAW", "--apparmor", "unconfined", "c", "id", NULL };
    struct hr_cmdline cmd;
    struct hr_error err = { 0 };
    check_int (hr_cmdline_parse (13, argv, &cmd, &err), ==, 0);
    check_int (cmd.n_flags, ==, 4);
    check_int (cmd.flags[0].id, ==, HR_OPT_USER);
    check_int (cmd.flags[0].index, ==, 4);
    check_int (cmd.flags[0].count, ==, 2);
    check_str (cmd.flags[0].value, "0:0");
    check_int (cmd.flags[2].id, ==, HR_OPT_CAP);
    check_int (cmd.flags[2].count, ==, 1);
    check_str (cmd.flags[2].value, "CAP_NET_RAW");
    check_int (cmd.flags[3].id, ==, HR_OPT_APPARMOR);
    check_int (cmd.args_index, ==, 11);
    hr_cmdline_free (&cmd);
  }

  ok (hr_command_hardens (HR_CMD_CREATE) && hr_command_hardens (HR_CMD_RUN) && hr_command_hardens (HR_CMD_RESTORE)
        && hr_command_hardens (HR_CMD_EXEC) && !hr_command_hardens (HR_CMD_STATE) && !hr_command_hardens (HR_CMD_KILL),
      "create, run, restore and exec are hardened; state and kill are not");
  return done_testing ();
}
