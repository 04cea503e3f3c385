/* hardrun-hook's command line, parsed strictly (hooks/hardrun-hook.c,
 * policy/hooks.c, harden.c):
 *
 *   hardrun-hook poststart|poststop KEY [--attest TOKEN]
 *
 * A spec can name hardrun-hook with any argv (when the hooks control is
 * off), so the argv carries no path and no free text. KEY, 16 hex digits,
 * names the sink hardrun wrote (hooksink.h): the audit file, syslog and the
 * monitor's socket. --attest (poststart only) carries the attestation
 * expectation as a compact token of numbers and 0/1 flags (attest.h); a
 * forged one can at worst make the hook kill its own container.
 *
 * Every option appears at most once, each with a value its own validator
 * accepts; anything else makes the whole argv invalid, and the hook then
 * does nothing. A new option is one more row of the table in hookargs.c. */
#ifndef HARDRUN_HOOKARGS_H
#define HARDRUN_HOOKARGS_H

#include <stdbool.h>
#include <stddef.h>

/* At most this many argv elements (program name included). */
#define HR_HOOK_MAX_ARGS 16
/* No element is longer than this. */
#define HR_HOOK_MAX_ARG 512

struct hr_hook_args
{
  const char *event;            /* "poststart" or "poststop" */
  const char *key;              /* the sink's key */
  const char *attest;           /* the attestation token, or NULL */
};

/* Parses ARGC elements of ARGV (ARGV[0] is the program's name and is not
 * judged). Borrowed pointers into ARGV. Returns false when ARGV is not a
 * well-formed hardrun-hook command line. */
bool hr_hook_args_parse (int argc, const char *const *argv, struct hr_hook_args *ret);

#endif
