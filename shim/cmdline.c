/* runc 1.1 command-line parser; see cmdline.h for the rules it follows. */
#include "config.h"
#include "cmdline.h"
#include "cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct opt_def
{
  const char *names;            /* comma-separated, as runc declares them */
  bool is_bool;
  enum hr_opt_id id;
};

#define HELP_OPT { "help,h", true, HR_OPT_HELP }
#define END_OPT { NULL, false, HR_OPT_OTHER }

static const struct opt_def global_opts[] = {
  { "debug", true, HR_OPT_OTHER },
  { "log", false, HR_OPT_OTHER },
  { "log-format", false, HR_OPT_OTHER },
  { "root", false, HR_OPT_OTHER },
  { "criu", false, HR_OPT_OTHER },
  { "systemd-cgroup", true, HR_OPT_OTHER },
  { "rootless", false, HR_OPT_OTHER },
  { "help,h", true, HR_OPT_OTHER },
  { "version,v", true, HR_OPT_OTHER },
  END_OPT,
};

static const struct opt_def create_opts[] = {
  { "bundle,b", false, HR_OPT_BUNDLE },
  { "console-socket", false, HR_OPT_CONSOLE_SOCKET },
  { "pid-file", false, HR_OPT_PID_FILE },
  { "no-pivot", true, HR_OPT_OTHER },
  { "no-new-keyring", true, HR_OPT_OTHER },
  { "preserve-fds", false, HR_OPT_OTHER },
  HELP_OPT, END_OPT,
};

static const struct opt_def run_opts[] = {
  { "bundle,b", false, HR_OPT_BUNDLE },
  { "console-socket", false, HR_OPT_CONSOLE_SOCKET },
  { "detach,d", true, HR_OPT_DETACH },
  { "keep", true, HR_OPT_OTHER },
  { "pid-file", false, HR_OPT_PID_FILE },
  { "no-subreaper", true, HR_OPT_OTHER },
  { "no-pivot", true, HR_OPT_OTHER },
  { "no-new-keyring", true, HR_OPT_OTHER },
  { "preserve-fds", false, HR_OPT_OTHER },
  HELP_OPT, END_OPT,
};

static const struct opt_def exec_opts[] = {
  { "console-socket", false, HR_OPT_CONSOLE_SOCKET },
  { "cwd", false, HR_OPT_CWD },
  { "env,e", false, HR_OPT_ENV },
  { "tty,t", true, HR_OPT_TTY },
  { "user,u", false, HR_OPT_USER },
  { "additional-gids,g", false, HR_OPT_ADDITIONAL_GIDS },
  { "process,p", false, HR_OPT_PROCESS },
  { "detach,d", true, HR_OPT_DETACH },
  { "pid-file", false, HR_OPT_PID_FILE },
  { "process-label", false, HR_OPT_PROCESS_LABEL },
  { "apparmor", false, HR_OPT_APPARMOR },
  { "no-new-privs", true, HR_OPT_NO_NEW_PRIVS },
  { "cap,c", false, HR_OPT_CAP },
  { "preserve-fds", false, HR_OPT_OTHER },
  { "cgroup", false, HR_OPT_OTHER },
  { "ignore-paused", true, HR_OPT_OTHER },
  HELP_OPT, END_OPT,
};

static const struct opt_def restore_opts[] = {
  { "console-socket", false, HR_OPT_CONSOLE_SOCKET },
  { "image-path", false, HR_OPT_OTHER },
  { "work-path", false, HR_OPT_OTHER },
  { "tcp-established", true, HR_OPT_OTHER },
  { "ext-unix-sk", true, HR_OPT_OTHER },
  { "shell-job", true, HR_OPT_OTHER },
  { "file-locks", true, HR_OPT_OTHER },
  { "manage-cgroups-mode", false, HR_OPT_OTHER },
  { "bundle,b", false, HR_OPT_BUNDLE },
  { "detach,d", true, HR_OPT_DETACH },
  { "pid-file", false, HR_OPT_PID_FILE },
  { "no-subreaper", true, HR_OPT_OTHER },
  { "no-pivot", true, HR_OPT_OTHER },
  { "empty-ns", false, HR_OPT_OTHER },
  { "auto-dedup", true, HR_OPT_OTHER },
  { "lazy-pages", true, HR_OPT_OTHER },
  { "lsm-profile", false, HR_OPT_LSM_PROFILE },
  { "lsm-mount-context", false, HR_OPT_LSM_MOUNT_CONTEXT },
  HELP_OPT, END_OPT,
};

static const struct opt_def checkpoint_opts[] = {
  { "image-path", false, HR_OPT_OTHER },
  { "work-path", false, HR_OPT_OTHER },
  { "parent-path", false, HR_OPT_OTHER },
  { "leave-running", true, HR_OPT_OTHER },
  { "tcp-established", true, HR_OPT_OTHER },
  { "ext-unix-sk", true, HR_OPT_OTHER },
  { "shell-job", true, HR_OPT_OTHER },
  { "lazy-pages", true, HR_OPT_OTHER },
  { "status-fd", false, HR_OPT_OTHER },
  { "page-server", false, HR_OPT_OTHER },
  { "file-locks", true, HR_OPT_OTHER },
  { "pre-dump", true, HR_OPT_OTHER },
  { "manage-cgroups-mode", false, HR_OPT_OTHER },
  { "empty-ns", false, HR_OPT_OTHER },
  { "auto-dedup", true, HR_OPT_OTHER },
  HELP_OPT, END_OPT,
};

static const struct opt_def kill_opts[] = { { "all,a", true, HR_OPT_OTHER }, HELP_OPT, END_OPT };
static const struct opt_def delete_opts[] = { { "force,f", true, HR_OPT_OTHER }, HELP_OPT, END_OPT };
static const struct opt_def list_opts[] = {
  { "format,f", false, HR_OPT_OTHER }, { "quiet,q", true, HR_OPT_OTHER }, HELP_OPT, END_OPT
};
static const struct opt_def ps_opts[] = { { "format,f", false, HR_OPT_OTHER }, HELP_OPT, END_OPT };
static const struct opt_def events_opts[] = {
  { "interval", false, HR_OPT_OTHER }, { "stats", true, HR_OPT_OTHER }, HELP_OPT, END_OPT
};
static const struct opt_def update_opts[] = {
  { "resources,r", false, HR_OPT_RESOURCES },
  { "blkio-weight", false, HR_OPT_UPDATE_INT },
  { "cpu-period", false, HR_OPT_UPDATE_UINT },
  { "cpu-quota", false, HR_OPT_UPDATE_SINT },
  { "cpu-share", false, HR_OPT_UPDATE_UINT },
  { "cpu-rt-period", false, HR_OPT_UPDATE_UINT },
  { "cpu-rt-runtime", false, HR_OPT_UPDATE_SINT },
  { "cpuset-cpus", false, HR_OPT_OTHER },
  { "cpuset-mems", false, HR_OPT_OTHER },
  { "kernel-memory", false, HR_OPT_UPDATE_MEMORY },
  { "kernel-memory-tcp", false, HR_OPT_UPDATE_MEMORY },
  { "memory", false, HR_OPT_UPDATE_MEMORY },
  { "memory-reservation", false, HR_OPT_UPDATE_MEMORY },
  { "memory-swap", false, HR_OPT_UPDATE_MEMORY },
  { "pids-limit", false, HR_OPT_PIDS_LIMIT },
  { "l3-cache-schema", false, HR_OPT_OTHER },
  { "mem-bw-schema", false, HR_OPT_OTHER },
  HELP_OPT, END_OPT,
};
static const struct opt_def spec_opts[] = {
  { "bundle,b", false, HR_OPT_BUNDLE }, { "rootless", true, HR_OPT_OTHER }, HELP_OPT, END_OPT
};
static const struct opt_def help_only_opts[] = { HELP_OPT, END_OPT };
static const struct opt_def no_opts[] = { END_OPT };

struct command_def
{
  const char *name;
  enum hr_command cmd;
  const struct opt_def *opts;
  bool skip_reorder;            /* runc sets SkipArgReorder (exec, ps) */
};

static const struct command_def commands[] = {
  { "checkpoint", HR_CMD_CHECKPOINT, checkpoint_opts, false },
  { "create", HR_CMD_CREATE, create_opts, false },
  { "delete", HR_CMD_DELETE, delete_opts, false },
  { "events", HR_CMD_EVENTS, events_opts, false },
  { "exec", HR_CMD_EXEC, exec_opts, true },
  { "kill", HR_CMD_KILL, kill_opts, false },
  { "list", HR_CMD_LIST, list_opts, false },
  { "pause", HR_CMD_PAUSE, help_only_opts, false },
  { "ps", HR_CMD_PS, ps_opts, true },
  { "restore", HR_CMD_RESTORE, restore_opts, false },
  { "resume", HR_CMD_RESUME, help_only_opts, false },
  { "run", HR_CMD_RUN, run_opts, false },
  { "spec", HR_CMD_SPEC, spec_opts, false },
  { "start", HR_CMD_START, help_only_opts, false },
  { "state", HR_CMD_STATE, help_only_opts, false },
  { "update", HR_CMD_UPDATE, update_opts, false },
  { "features", HR_CMD_FEATURES, help_only_opts, false },
  { "help", HR_CMD_HELP, no_opts, false },
  { "h", HR_CMD_HELP, no_opts, false },
  /* hardrun's own commands: arguments are parsed by their handlers */
  { "explain", HR_CMD_HARDRUN_EXPLAIN, no_opts, true },
  { "policy", HR_CMD_HARDRUN_POLICY, no_opts, true },
};

static const char *const command_names[] = {
  [HR_CMD_NONE] = "",
  [HR_CMD_UNKNOWN] = "unknown",
  [HR_CMD_CREATE] = "create",
  [HR_CMD_RUN] = "run",
  [HR_CMD_START] = "start",
  [HR_CMD_EXEC] = "exec",
  [HR_CMD_KILL] = "kill",
  [HR_CMD_DELETE] = "delete",
  [HR_CMD_STATE] = "state",
  [HR_CMD_LIST] = "list",
  [HR_CMD_PS] = "ps",
  [HR_CMD_EVENTS] = "events",
  [HR_CMD_PAUSE] = "pause",
  [HR_CMD_RESUME] = "resume",
  [HR_CMD_UPDATE] = "update",
  [HR_CMD_CHECKPOINT] = "checkpoint",
  [HR_CMD_RESTORE] = "restore",
  [HR_CMD_SPEC] = "spec",
  [HR_CMD_FEATURES] = "features",
  [HR_CMD_HELP] = "help",
  [HR_CMD_HARDRUN_EXPLAIN] = "explain",
  [HR_CMD_HARDRUN_POLICY] = "policy",
};

const char *
hr_command_name (enum hr_command cmd)
{
  if ((size_t) cmd < HR_ARRAY_SIZE (command_names) && command_names[cmd])
    return command_names[cmd];
  return "unknown";
}

bool
hr_command_hardens (enum hr_command cmd)
{
  return cmd == HR_CMD_CREATE || cmd == HR_CMD_RUN || cmd == HR_CMD_RESTORE || cmd == HR_CMD_EXEC;
}

bool
hr_parse_go_bool (const char *s, bool *ret)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
  for (size_t i = 0; i < HR_ARRAY_SIZE (yes); i++)
    if (strcmp (s, yes[i]) == 0)
      {
        *ret = true;
        return true;
      }
  for (size_t i = 0; i < HR_ARRAY_SIZE (no); i++)
    if (strcmp (s, no[i]) == 0)
      {
        *ret = false;
        return true;
      }
  return false;
}

static char
lower (char c)
{
  return (char) (c | 0x20);
}

/* Go's strconv.underscoreOK: underscores only between digits, or right
 * after a base prefix. */
static bool
underscores_ok (const char *s)
{
  char saw = '^';
  size_t i = 0, n = strlen (s);
  bool hex = false;
  if (n >= 2 && s[0] == '0' && (lower (s[1]) == 'b' || lower (s[1]) == 'o' || lower (s[1]) == 'x'))
    {
      i = 2;
      saw = '0';
      hex = lower (s[1]) == 'x';
    }
  for (; i < n; i++)
    {
      if ((s[i] >= '0' && s[i] <= '9') || (hex && lower (s[i]) >= 'a' && lower (s[i]) <= 'f'))
        {
          saw = '0';
          continue;
        }
      if (s[i] == '_')
        {
          if (saw != '0')
            return false;
          saw = '_';
          continue;
        }
      if (saw == '_')
        return false;
      saw = '!';
    }
  return saw != '_';
}

bool
hr_parse_go_int (const char *s, int64_t *ret)
{
  bool neg = false;
  if (*s == '+' || *s == '-')
    neg = *s++ == '-';
  const char *unsigned_part = s;
  size_t n = strlen (s);
  if (n == 0)
    return false;
  unsigned base = 10;
  if (s[0] == '0')
    {
      if (n >= 3 && lower (s[1]) == 'b')
        base = 2, s += 2;
      else if (n >= 3 && lower (s[1]) == 'o')
        base = 8, s += 2;
      else if (n >= 3 && lower (s[1]) == 'x')
        base = 16, s += 2;
      else
        base = 8, s += 1;
    }
  uint64_t v = 0;
  bool underscores = false;
  for (; *s; s++)
    {
      unsigned d;
      if (*s == '_')
        {
          underscores = true;
          continue;
        }
      if (*s >= '0' && *s <= '9')
        d = (unsigned) (*s - '0');
      else if (lower (*s) >= 'a' && lower (*s) <= 'z')
        d = (unsigned) (lower (*s) - 'a' + 10);
      else
        return false;
      if (d >= base || v > (UINT64_MAX - d) / base)
        return false;
      v = v * base + d;
    }
  if (underscores && !underscores_ok (unsigned_part))
    return false;
  if ((!neg && v > (uint64_t) INT64_MAX) || (neg && v > (uint64_t) INT64_MAX + 1))
    return false;
  *ret = neg ? (int64_t) (0 - v) : (int64_t) v;
  return true;
}

static void usage_error (struct hr_cmdline *cmd, const char *fmt, const char *a, const char *b);

/* strconv.ParseUint (S, 10, 64) or, with SIGNED, ParseInt (S, 10, 64). */
static bool
decimal_ok (const char *s, bool is_signed)
{
  bool neg = false;
  if (is_signed && (*s == '+' || *s == '-'))
    neg = *s++ == '-';
  if (*s == '\0')
    return false;
  uint64_t v = 0;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t) (*s - '0')) / 10)
        return false;
      v = v * 10 + (uint64_t) (*s - '0');
    }
  return !is_signed || v <= (uint64_t) INT64_MAX + (neg ? 1 : 0);
}

/* go-units RAMInBytes's pattern: ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$
 * (runc also takes "-1"). */
static bool
memory_ok (const char *s)
{
  if (strcmp (s, "-1") == 0)
    return true;
  if (*s < '0' || *s > '9')
    return false;
  while (*s >= '0' && *s <= '9')
    s++;
  while (*s == '.' && s[1] >= '0' && s[1] <= '9')
    for (s++; *s >= '0' && *s <= '9'; s++)
      ;
  if (*s == ' ')
    s++;
  if (*s && strchr ("kKmMgGtTpP", *s))
    s++;
  if (*s == 'i' || *s == 'I')
    s++;
  if (*s == 'b' || *s == 'B')
    s++;
  return *s == '\0';
}

/* update: the values runc would reject. crun copies its numeric flags'
 * text into a JSON document unquoted, so a value such as
 * "1},\"pids\":{\"limit\":-1" would be read as more resources there: every
 * number must be one runc takes. The int flags are parsed by Go's flag
 * package whatever else is given; the others only when -r is not. */
static void
check_update_values (struct hr_cmdline *cmd)
{
  bool resources = false;
  for (size_t i = 0; i < cmd->n_flags; i++)
    if (cmd->flags[i].id == HR_OPT_RESOURCES)
      resources = cmd->flags[i].value && cmd->flags[i].value[0];
  for (size_t i = 0; i < cmd->n_flags && !cmd->usage_error; i++)
    {
      const struct hr_flag *f = &cmd->flags[i];
      const char *v = f->value ? f->value : "";
      int64_t n;
      bool ok = true;
      switch (f->id)
        {
        case HR_OPT_PIDS_LIMIT:
        case HR_OPT_UPDATE_INT:
          ok = hr_parse_go_int (v, &n);
          break;
        case HR_OPT_UPDATE_UINT:
        case HR_OPT_UPDATE_SINT:
          ok = resources || *v == '\0' || decimal_ok (v, f->id == HR_OPT_UPDATE_SINT);
          break;
        case HR_OPT_UPDATE_MEMORY:
          ok = resources || *v == '\0' || memory_ok (v);
          break;
        default:
          break;
        }
      if (!ok)
        {
          char flag[128];
          const char *written = cmd->runtime_argv[f->index];
          snprintf (flag, sizeof flag, "%.*s", (int) strcspn (written, "="), written);
          usage_error (cmd, "invalid value \"%s\" for flag %s", v, flag);
        }
    }
}

/* Which of DEF's comma-separated names equals NAME[0..len)? -1 if none. */
static int
opt_name_index (const struct opt_def *def, const char *name, size_t len)
{
  const char *p = def->names;
  for (int i = 0; *p; i++)
    {
      const char *end = strchr (p, ',');
      size_t n = end ? (size_t) (end - p) : strlen (p);
      if (n == len && memcmp (p, name, len) == 0)
        return i;
      if (end == NULL)
        break;
      p = end + 1;
    }
  return -1;
}

static const struct opt_def *
opt_lookup (const struct opt_def *opts, const char *name, size_t len, int *ret_form)
{
  for (; opts->names; opts++)
    {
      int i = opt_name_index (opts, name, len);
      if (i >= 0)
        {
          *ret_form = i;
          return opts;
        }
    }
  return NULL;
}

static void
usage_error (struct hr_cmdline *cmd, const char *fmt, const char *a, const char *b)
{
  if (cmd->usage_error)
    return;
  cmd->usage_error = true;
  snprintf (cmd->usage_message, sizeof cmd->usage_message, fmt, a, b ? b : "");
}

/* One parsed flag. */
struct parsed
{
  const struct opt_def *def;
  int form;
  int count;
  const char *value;
  bool bool_value;
};

/* State of one Go flag.FlagSet parse: which name form each option was set
 * by, for urfave's "Cannot use two forms of the same flag" check. */
struct flagset
{
  const struct opt_def *opts;
  int used_form[64];
};

static void
flagset_init (struct flagset *fs, const struct opt_def *opts)
{
  fs->opts = opts;
  for (size_t k = 0; k < HR_ARRAY_SIZE (fs->used_form); k++)
    fs->used_form[k] = -1;
}

enum
{
  PARSE_STOP = 0,               /* not a flag: positional arguments start here */
  PARSE_TERMINATOR = -1,        /* "--": consumed, positional arguments follow */
  PARSE_USAGE = -2,             /* runc would reject the command line */
};

/* Go's flag.FlagSet.parseOne on SEQ[i] (of N). Returns the number of entries
 * consumed (1 or 2) and fills P, or one of the PARSE_* values. */
static int
parse_one (struct hr_cmdline *cmd, struct flagset *fs, const char *const *seq, size_t n, size_t i,
           struct parsed *p)
{
  const char *s = seq[i];
  size_t len = strlen (s);
  if (len < 2 || s[0] != '-')
    return PARSE_STOP;
  size_t minuses = 1;
  if (s[1] == '-')
    {
      minuses = 2;
      if (len == 2)
        return PARSE_TERMINATOR;
    }
  const char *name = s + minuses;
  if (name[0] == '-' || name[0] == '=')
    {
      usage_error (cmd, "bad flag syntax: %s", s, NULL);
      return PARSE_USAGE;
    }
  const char *eq = strchr (name, '=');
  size_t name_len = eq ? (size_t) (eq - name) : strlen (name);
  int form = 0;
  const struct opt_def *def = opt_lookup (fs->opts, name, name_len, &form);
  if (def == NULL)
    {
      char buf[128];
      snprintf (buf, sizeof buf, "%.*s", (int) (name_len > 100 ? 100 : name_len), name);
      usage_error (cmd, "flag provided but not defined: -%s", buf, NULL);
      return PARSE_USAGE;
    }
  *p = (struct parsed) { .def = def, .form = form, .count = 1 };
  if (def->is_bool)
    {
      p->bool_value = true;
      if (eq && !hr_parse_go_bool (eq + 1, &p->bool_value))
        {
          usage_error (cmd, "invalid boolean value \"%s\" for -%s", eq + 1, def->names);
          return PARSE_USAGE;
        }
    }
  else if (eq)
    p->value = eq + 1;
  else if (i + 1 < n)
    {
      p->value = seq[i + 1];
      p->count = 2;
    }
  else
    {
      usage_error (cmd, "flag needs an argument: %s", s, NULL);
      return PARSE_USAGE;
    }

  size_t k = (size_t) (def - fs->opts);
  if (k < HR_ARRAY_SIZE (fs->used_form))
    {
      if (fs->used_form[k] >= 0 && fs->used_form[k] != form)
        {
          usage_error (cmd, "Cannot use two forms of the same flag: %s%s", def->names, NULL);
          return PARSE_USAGE;
        }
      fs->used_form[k] = form;
    }
  return p->count;
}

/* urfave/cli 1.22.1 reorderArgs: every argument that starts with "-" (other
 * than "-") moves to the front, together with the argument right after it
 * when that one does not start with "-" and the flag has no "=". Everything
 * from "--" on stays at the end. Fills ORDER with indices into ARGS. */
static void
reorder_args (const char *const *args, size_t n, int *order)
{
  size_t nf = 0, nn = 0;
  int *nonflags = order + n;    /* scratch: second half of the buffer */
  bool read_value = false;
  for (size_t i = 0; i < n; i++)
    {
      const char *a = args[i];
      if (strcmp (a, "--") == 0)
        {
          for (size_t j = i; j < n; j++)
            nonflags[nn++] = (int) j;
          break;
        }
      if (read_value && a[0] != '-')
        {
          read_value = false;
          order[nf++] = (int) i;
          continue;
        }
      read_value = false;
      if (strcmp (a, "-") != 0 && a[0] == '-')
        {
          order[nf++] = (int) i;
          read_value = strchr (a, '=') == NULL;
        }
      else
        nonflags[nn++] = (int) i;
    }
  memmove (order + nf, nonflags, nn * sizeof (int));
}

static void
record_sub_flag (struct hr_cmdline *cmd, const struct parsed *p, int argv_index)
{

  switch (p->def->id)
    {
    case HR_OPT_BUNDLE:
      cmd->bundle = p->value;
      break;
    case HR_OPT_PROCESS:
      cmd->process_file = p->value;
      break;
    case HR_OPT_PID_FILE:
      cmd->pid_file = p->value;
      break;
    case HR_OPT_HELP:
      cmd->command_help = p->bool_value;
      break;
    default:
      break;
    }
  if (cmd->n_flags < HR_CMDLINE_MAX_FLAGS)
    cmd->flags[cmd->n_flags++] = (struct hr_flag) {
      .id = p->def->id,
      .index = argv_index,
      .count = p->count,
      .value = p->def->is_bool ? NULL : p->value,
      .bool_value = p->bool_value,
    };
  else
    usage_error (cmd, "too many options (more than %s)", "256", NULL);
}

static void
record_global_flag (struct hr_cmdline *cmd, const struct parsed *p)
{
  const char *n = p->def->names;
  if (strcmp (n, "log") == 0)
    cmd->log = p->value;
  else if (strcmp (n, "log-format") == 0)
    cmd->log_format = p->value;
  else if (strcmp (n, "root") == 0)
    cmd->root = p->value;
  else if (strcmp (n, "debug") == 0)
    cmd->debug = p->bool_value;
  else if (strcmp (n, "help,h") == 0)
    cmd->help = p->bool_value;
  else if (strcmp (n, "version,v") == 0)
    cmd->version = p->bool_value;
}

/* hardrun's own options. Returns the number of argv entries consumed
 * (1 or 2), 0 if ARG is not one, negative errno on error. */
static int
hardrun_option (struct hr_cmdline *cmd, char **argv, int argc, int i, struct hr_error *err)
{
  static const char prefix[] = "--hardrun-";
  const char *arg = argv[i];
  if (strncmp (arg, prefix, sizeof prefix - 1) != 0)
    return 0;
  const char *name = arg + sizeof prefix - 1;
  const char *eq = strchr (name, '=');
  size_t len = eq ? (size_t) (eq - name) : strlen (name);

  if (len == 4 && memcmp (name, "help", 4) == 0 && eq == NULL)
    {
      cmd->hardrun_help = true;
      return 1;
    }

  const char **target = NULL;
  if (len == 6 && memcmp (name, "policy", 6) == 0)
    target = &cmd->policy_file;
  else if (len == 7 && memcmp (name, "profile", 7) == 0)
    target = &cmd->profile;
  else if (len == 7 && memcmp (name, "runtime", 7) == 0)
    target = &cmd->runtime;
  else
    return hr_error_set (err, EINVAL, "unknown option \"%s\" (hardrun's options are "
                         "--hardrun-policy, --hardrun-profile, --hardrun-runtime and --hardrun-help)",
                         arg);

  const char *value;
  int used = 1;
  if (eq)
    value = eq + 1;
  else if (i + 1 < argc)
    {
      value = argv[i + 1];
      used = 2;
    }
  else
    return hr_error_set (err, EINVAL, "option \"%s\" needs a value", arg);
  if (*value == '\0')
    return hr_error_set (err, EINVAL, "option \"--hardrun-%.*s\" needs a non-empty value", (int) len, name);
  *target = value;
  return used;
}

int
hr_cmdline_parse (int argc, char **argv, struct hr_cmdline *ret, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  ret->argv0 = argc > 0 ? argv[0] : "hardrun";
  ret->command_index = -1;
  ret->args_index = -1;

  ret->runtime_argv = calloc ((size_t) argc + 1, sizeof (char *));
  if (ret->runtime_argv == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  ret->runtime_argv[ret->runtime_argc++] = (char *) ret->argv0;

  /* Global section: hardrun's options are taken out; runc's are parsed the
   * way Go's flag package does, one at a time, so that hardrun's options may
   * stand between them (Docker puts runtimeArgs first). */
  struct flagset fs;
  flagset_init (&fs, global_opts);
  int i = 1;
  while (i < argc)
    {
      int used = hardrun_option (ret, argv, argc, i, err);
      if (used < 0)
        {
          hr_cmdline_free (ret);
          return used;
        }
      if (used > 0)
        {
          i += used;
          continue;
        }
      struct parsed p;
      int r = parse_one (ret, &fs, (const char *const *) argv, (size_t) argc, (size_t) i, &p);
      if (r == PARSE_STOP)
        break;
      if (r == PARSE_TERMINATOR)
        {
          ret->runtime_argv[ret->runtime_argc++] = argv[i++];
          break;
        }
      if (r == PARSE_USAGE)
        {
          /* runc stops here with a usage error; hand on the rest verbatim. */
          for (; i < argc; i++)
            ret->runtime_argv[ret->runtime_argc++] = argv[i];
          return 0;
        }
      record_global_flag (ret, &p);
      for (int k = 0; k < r; k++)
        ret->runtime_argv[ret->runtime_argc++] = argv[i++];
    }

  if (ret->help || ret->version || i >= argc)
    {
      for (; i < argc; i++)
        ret->runtime_argv[ret->runtime_argc++] = argv[i];
      ret->command = HR_CMD_NONE;
      return 0;
    }

  /* The subcommand. */
  ret->command_name = argv[i];
  ret->command_index = ret->runtime_argc;
  ret->runtime_argv[ret->runtime_argc++] = argv[i++];
  const struct command_def *def = NULL;
  for (size_t k = 0; k < HR_ARRAY_SIZE (commands); k++)
    if (strcmp (commands[k].name, ret->command_name) == 0)
      def = &commands[k];

  int first_sub = ret->runtime_argc;
  for (; i < argc; i++)
    ret->runtime_argv[ret->runtime_argc++] = argv[i];
  size_t n_sub = (size_t) (ret->runtime_argc - first_sub);
  const char *const *sub = (const char *const *) ret->runtime_argv + first_sub;

  if (def == NULL)
    {
      ret->command = HR_CMD_UNKNOWN;
      return 0;
    }
  ret->command = def->cmd;

  /* order[k] is the runtime_argv index of the k-th argument as runc's CLI
   * library sees it after reordering. */
  cleanup_free int *order = calloc (2 * n_sub + 1, sizeof (int));
  cleanup_free const char **seq = calloc (n_sub + 1, sizeof (char *));
  ret->args = calloc (n_sub + 1, sizeof (char *));
  if (order == NULL || seq == NULL || ret->args == NULL)
    {
      hr_cmdline_free (ret);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  if (def->skip_reorder)
    for (size_t k = 0; k < n_sub; k++)
      order[k] = (int) k;
  else
    reorder_args (sub, n_sub, order);
  for (size_t k = 0; k < n_sub; k++)
    seq[k] = sub[order[k]];

  for (size_t k = 0; k < n_sub; k++)
    order[k] += first_sub;

  size_t consumed = 0;
  if (def->opts != no_opts)     /* "help" and hardrun's commands parse their own */
    {
      flagset_init (&fs, def->opts);
      while (consumed < n_sub)
        {
          struct parsed p;
          int r = parse_one (ret, &fs, seq, n_sub, consumed, &p);
          if (r == PARSE_STOP)
            break;
          if (r == PARSE_TERMINATOR)
            {
              consumed++;
              break;
            }
          if (r == PARSE_USAGE)
            return 0;
          record_sub_flag (ret, &p, order[consumed]);
          consumed += (size_t) r;
        }
    }
  for (size_t k = consumed; k < n_sub; k++)
    ret->args[ret->n_args++] = seq[k];
  if (ret->command == HR_CMD_UPDATE)
    check_update_values (ret);
  if (ret->n_args > 0)
    {
      ret->id = ret->args[0];
      ret->args_index = order[consumed];
    }
  return 0;
}

void
hr_cmdline_free (struct hr_cmdline *cmd)
{
  if (cmd == NULL)
    return;
  free (cmd->runtime_argv);
  cmd->runtime_argv = NULL;
  free ((void *) cmd->args);
  cmd->args = NULL;
}
