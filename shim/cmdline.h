/* What runc was asked to do: a pure parse of runc 1.1's command line.
 *
 * The parser follows runc's CLI library (urfave/cli 1.22.1 over Go's flag
 * package) exactly: one or two leading dashes, "--name=value" and
 * "--name value", booleans as "--name" or "--name=BOOL", parsing stops at the
 * first non-flag or at "--", and for every command except exec and ps the
 * arguments are first reordered so that flags written after the container ID
 * still count. hardrun's own options ("--hardrun-NAME VALUE" or
 * "--hardrun-NAME=VALUE") may stand anywhere before the subcommand and are
 * left out of the argv handed to the runtime.
 *
 * No I/O, no allocation besides the argv copy in struct hr_cmdline. */
#ifndef HARDRUN_CMDLINE_H
#define HARDRUN_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum hr_command
{
  HR_CMD_NONE = 0,              /* no subcommand */
  HR_CMD_UNKNOWN,               /* a word runc does not know */
  HR_CMD_CREATE,
  HR_CMD_RUN,
  HR_CMD_START,
  HR_CMD_EXEC,
  HR_CMD_KILL,
  HR_CMD_DELETE,
  HR_CMD_STATE,
  HR_CMD_LIST,
  HR_CMD_PS,
  HR_CMD_EVENTS,
  HR_CMD_PAUSE,
  HR_CMD_RESUME,
  HR_CMD_UPDATE,
  HR_CMD_CHECKPOINT,
  HR_CMD_RESTORE,
  HR_CMD_SPEC,
  HR_CMD_FEATURES,
  HR_CMD_HELP,                  /* "runc help" / "runc h" */
  /* hardrun's own commands: names runc will never use */
  HR_CMD_HARDRUN_EXPLAIN,       /* hardrun explain */
  HR_CMD_HARDRUN_POLICY,        /* hardrun policy check|show */
};

/* Options whose value hardrun reads. Everything else is only skipped. */
enum hr_opt_id
{
  HR_OPT_OTHER = 0,
  HR_OPT_BUNDLE,
  HR_OPT_PID_FILE,
  HR_OPT_CONSOLE_SOCKET,
  HR_OPT_PROCESS,
  HR_OPT_USER,
  HR_OPT_CAP,
  HR_OPT_ADDITIONAL_GIDS,
  HR_OPT_APPARMOR,
  HR_OPT_PROCESS_LABEL,
  HR_OPT_NO_NEW_PRIVS,
  HR_OPT_ENV,
  HR_OPT_CWD,
  HR_OPT_TTY,
  HR_OPT_DETACH,
  HR_OPT_LSM_PROFILE,
  HR_OPT_LSM_MOUNT_CONTEXT,
  HR_OPT_HELP,
  HR_OPT_RESOURCES,             /* update -r/--resources FILE|- */
  HR_OPT_PIDS_LIMIT,            /* update --pids-limit N */
  /* update's other numbers, by how runc parses them */
  HR_OPT_UPDATE_INT,            /* an int flag: Go's ParseInt (s, 0, 64) */
  HR_OPT_UPDATE_UINT,           /* ParseUint (s, 10, 64) */
  HR_OPT_UPDATE_SINT,           /* ParseInt (s, 10, 64) */
  HR_OPT_UPDATE_MEMORY,         /* "-1" or go-units RAMInBytes */
};

/* One subcommand flag as written, for commands that may rewrite it (exec). */
struct hr_flag
{
  enum hr_opt_id id;
  int index;                    /* position in runtime_argv */
  int count;                    /* 1 ("--x", "--x=v") or 2 ("--x v") */
  const char *value;            /* borrowed; NULL for a bare boolean */
  bool bool_value;              /* the boolean's value, for boolean flags */
};

#define HR_CMDLINE_MAX_FLAGS 256

struct hr_cmdline
{
  /* The argv for the real runtime: the received argv minus hardrun's own
   * options, NULL-terminated. The array is owned; the strings are borrowed
   * from the argv given to hr_cmdline_parse(). */
  char **runtime_argv;
  int runtime_argc;

  const char *argv0;            /* borrowed: how hardrun was invoked */

  /* hardrun's own options (borrowed) */
  const char *policy_file;
  const char *profile;
  const char *runtime;
  bool hardrun_help;

  /* runc's global options (borrowed) */
  const char *root;
  const char *log;
  const char *log_format;
  bool debug;
  bool help;                    /* --help / -h before the subcommand */
  bool version;                 /* --version / -v */

  enum hr_command command;
  const char *command_name;     /* borrowed, NULL for HR_CMD_NONE */
  int command_index;            /* position of the subcommand in runtime_argv */

  /* The subcommand's options hardrun reads (borrowed; last one wins). */
  const char *bundle;
  const char *process_file;
  const char *pid_file;
  bool command_help;            /* the subcommand's --help was given */

  struct hr_flag flags[HR_CMDLINE_MAX_FLAGS];
  size_t n_flags;

  /* Positional arguments of the subcommand, after flag parsing (and after
   * reordering, where runc reorders). Owned array of borrowed strings. */
  const char **args;
  size_t n_args;
  int args_index;               /* for exec/ps: position of args[0] in runtime_argv */
  const char *id;               /* args[0] or NULL */

  /* Set when runc itself would reject the command line: the message runc's
   * CLI library would print (without the "Incorrect Usage" banner). */
  bool usage_error;
  char usage_message[256];
};

/* Parses ARGV (ARGC entries, argv[0] first). Fills RET on success; RET must be
 * released with hr_cmdline_free(). A command line that runc would reject is
 * not a failure: it sets RET->usage_error. Returns negative errno only on
 * hardrun's own option errors (a --hardrun-* option without a value or
 * unknown) and on allocation failure. */
int hr_cmdline_parse (int argc, char **argv, struct hr_cmdline *ret, struct hr_error *err);

void hr_cmdline_free (struct hr_cmdline *cmd);

/* True for the commands that start a container process from a bundle or a
 * process description, and so are hardened. */
bool hr_command_hardens (enum hr_command cmd);

const char *hr_command_name (enum hr_command cmd);

/* Parses a Go strconv.ParseBool value. Returns false if not one. */
bool hr_parse_go_bool (const char *s, bool *ret);

/* Parses an int flag's value as runc's CLI library does (Go's
 * strconv.ParseInt (S, 0, 64): a sign, then decimal, 0x/0o/0b or a leading
 * 0 for octal, with underscores between digits). Returns false if Go
 * rejects it. */
bool hr_parse_go_int (const char *s, int64_t *ret);

#endif
