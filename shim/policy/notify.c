/* notify: see notify.h and docs/monitor.md. */
#include "config.h"
#include "policy/notify.h"
#include "cleanup.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why each is watched: docs/monitor.md, "Which syscalls notify". clone3
 * is not: the C library tries it for every thread and fork and falls back
 * on its ENOSYS. Only
 * their errno rules notify: clone and socket have errno rules for the
 * namespace flags and for AF_ALG and AF_VSOCK alone, so ordinary forks
 * and sockets stay in the kernel. */
const char *const hr_notify_syscalls[] = {
  "mount", "umount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree",
  "mount_setattr", "pivot_root", "unshare", "setns", "clone", "ptrace", "process_vm_readv",
  "process_vm_writev", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
  "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "open_by_handle_at",
  "socket", NULL,
};

bool
hr_notify_watched (const char *name)
{
  for (size_t i = 0; name && hr_notify_syscalls[i]; i++)
    if (strcmp (hr_notify_syscalls[i], name) == 0)
      return true;
  return false;
}

#define MAX_WATCHED 64

struct watch
{
  const char *name;             /* borrowed from the spec */
  long errnum;                  /* -1: the errno rules disagree */
};

static bool
is_action (const struct hr_json *rule, const char *action)
{
  const char *a = hr_json_string (hr_json_get (rule, "action"));
  return a && strcmp (a, action) == 0;
}

/* The errno of an SCMP_ACT_ERRNO rule (runc's default: EPERM). */
static long
rule_errno (const struct hr_json *rule)
{
  int64_t n = EPERM;
  const struct hr_json *e = hr_json_get (rule, "errnoRet");
  if (e && !hr_json_int_value (e, 0, 4095, &n))
    return -1;
  return (long) n;
}

static struct watch *
watch_find (struct watch *w, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (w[i].name && name && strcmp (w[i].name, name) == 0)
      return &w[i];
  return NULL;
}

static bool
uses_agent (const struct hr_json *sc)
{
  const struct hr_json *lp = hr_json_get (sc, "listenerPath");
  if (hr_json_is_string (lp) && lp->u.str.len > 0)
    return true;
  const char *def = hr_json_string (hr_json_get (sc, "defaultAction"));
  if (def && strcmp (def, "SCMP_ACT_NOTIFY") == 0)
    return true;
  const struct hr_json *rules = hr_json_get (sc, "syscalls");
  for (size_t i = 0; i < hr_json_len (rules); i++)
    if (is_action (hr_json_at (rules, i), "SCMP_ACT_NOTIFY"))
      return true;
  return false;
}

/* Is NAME notifying (watched, errno rules agree)? */
static bool
notifies (struct watch *w, size_t n, const char *name)
{
  struct watch *x = name ? watch_find (w, n, name) : NULL;
  return x && x->errnum >= 0;
}

/* Splits errno rule I of RULES: its notifying names go into a rule of
 * their own with SCMP_ACT_NOTIFY, placed where it was. */
static int
split_rule (struct hr_json *rules, size_t i, struct watch *w, size_t nw, struct hr_error *err)
{
  struct hr_json *rule = hr_json_at (rules, i);
  struct hr_json *names = hr_json_get (rule, "names");
  cleanup_json struct hr_json *notify = hr_json_copy (rule);
  cleanup_json struct hr_json *nnames = hr_json_new_array ();
  if (notify == NULL || nnames == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  for (size_t k = hr_json_len (names); k > 0; k--)
    {
      const char *name = hr_json_string (hr_json_at (names, k - 1));
      if (!notifies (w, nw, name))
        continue;
      int r = hr_json_insert (nnames, 0, hr_json_take_at (names, k - 1), err);
      if (r < 0)
        return r;
    }
  hr_json_remove (notify, "errnoRet");
  int r = hr_json_set (notify, "action", hr_json_new_string ("SCMP_ACT_NOTIFY"), err);
  if (r == 0)
    r = hr_json_set (notify, "names", steal_pointer (&nnames), err);
  if (r < 0)
    return r;
  if (hr_json_len (names) == 0)
    {
      /* every name notifies: the rule becomes the notify rule */
      hr_json_remove_at (rules, i);
      return hr_json_insert (rules, i, steal_pointer (&notify), err);
    }
  return hr_json_insert (rules, i, steal_pointer (&notify), err);
}

int
hr_notify_rewrite (struct hr_json *spec, const char *socket, enum hr_notify_result *ret_result, size_t *ret_count,
                   struct hr_error *err)
{
  struct hr_json *sc = hr_json_get (hr_json_get (spec, "linux"), "seccomp");
  struct watch w[MAX_WATCHED];
  size_t nw = 0;
  if (ret_count)
    *ret_count = 0;
  if (!hr_json_is_object (sc))
    {
      *ret_result = HR_NOTIFY_NO_FILTER;
      return 0;
    }
  if (uses_agent (sc))
    {
      *ret_result = HR_NOTIFY_WORKLOAD_AGENT;
      return 0;
    }
  struct hr_json *rules = hr_json_get (sc, "syscalls");
  for (size_t i = 0; i < hr_json_len (rules); i++)
    {
      const struct hr_json *rule = hr_json_at (rules, i);
      if (!is_action (rule, "SCMP_ACT_ERRNO"))
        continue;
      long e = rule_errno (rule);
      const struct hr_json *names = hr_json_get (rule, "names");
      for (size_t k = 0; k < hr_json_len (names); k++)
        {
          const char *name = hr_json_string (hr_json_at (names, k));
          if (!hr_notify_watched (name))
            continue;
          struct watch *x = watch_find (w, nw, name);
          if (x == NULL && nw < MAX_WATCHED)
            w[nw++] = (struct watch) { .name = name, .errnum = e };
          else if (x && x->errnum != e)
            x->errnum = -1;
        }
    }
  char meta[HR_NOTIFY_META_MAX];
  size_t off = (size_t) snprintf (meta, sizeof meta, "%s", HR_NOTIFY_META_PREFIX);
  size_t count = 0;
  for (size_t i = 0; i < nw; i++)
    {
      if (w[i].errnum < 0)
        continue;
      int n = snprintf (meta + off, sizeof meta - off, " %s=%ld", w[i].name, w[i].errnum);
      if (n < 0 || (size_t) n >= sizeof meta - off)
        return hr_error_set (err, E2BIG, "linux.seccomp: listenerMetadata longer than %d bytes", HR_NOTIFY_META_MAX);
      off += (size_t) n;
      count++;
    }
  if (count == 0)
    {
      *ret_result = HR_NOTIFY_NOTHING_WATCHED;
      return 0;
    }
  /* Walk backwards: a split inserts at I, behind which nothing is left to
   * visit. The meta string is built first, from names borrowed from the
   * rules the split moves. */
  for (size_t i = hr_json_len (rules); i > 0; i--)
    {
      const struct hr_json *rule = hr_json_at (rules, i - 1);
      if (!is_action (rule, "SCMP_ACT_ERRNO"))
        continue;
      bool any = false;
      const struct hr_json *names = hr_json_get (rule, "names");
      for (size_t k = 0; k < hr_json_len (names) && !any; k++)
        any = notifies (w, nw, hr_json_string (hr_json_at (names, k)));
      int r = any ? split_rule (rules, i - 1, w, nw, err) : 0;
      if (r < 0)
        return r;
    }
  int r = hr_json_set (sc, "listenerPath", hr_json_new_string (socket), err);
  if (r == 0)
    r = hr_json_set (sc, "listenerMetadata", hr_json_new_string (meta), err);
  if (r < 0)
    return r;
  *ret_result = HR_NOTIFY_ON;
  if (ret_count)
    *ret_count = count;
  return 0;
}

int
hr_notify_revert (struct hr_json *spec, bool *ret_undone, struct hr_error *err)
{
  struct hr_json *sc = hr_json_get (hr_json_get (spec, "linux"), "seccomp");
  const char *meta = hr_json_string (hr_json_get (sc, "listenerMetadata"));
  *ret_undone = false;
  if (meta == NULL || strncmp (meta, HR_NOTIFY_META_PREFIX " ", strlen (HR_NOTIFY_META_PREFIX) + 1) != 0)
    return 0;
  struct hr_json *rules = hr_json_get (sc, "syscalls");
  for (size_t i = 0; i < hr_json_len (rules); i++)
    {
      struct hr_json *rule = hr_json_at (rules, i);
      if (!is_action (rule, "SCMP_ACT_NOTIFY"))
        continue;
      /* the names of one notify rule came from one errno rule */
      int e = hr_notify_meta_errno (meta, hr_json_string (hr_json_at (hr_json_get (rule, "names"), 0)));
      if (e < 0)
        e = EPERM;              /* never allow what was handed over */
      int r = hr_json_set (rule, "action", hr_json_new_string ("SCMP_ACT_ERRNO"), err);
      if (r == 0)
        r = hr_json_set (rule, "errnoRet", hr_json_new_u64 ((uint64_t) e), err);
      if (r < 0)
        return r;
    }
  hr_json_remove (sc, "listenerPath");
  hr_json_remove (sc, "listenerMetadata");
  *ret_undone = true;
  return 0;
}

int
hr_notify_meta_errno (const char *meta, const char *name)
{
  size_t plen = strlen (HR_NOTIFY_META_PREFIX), nlen = strlen (name);
  if (meta == NULL || strncmp (meta, HR_NOTIFY_META_PREFIX, plen) != 0)
    return -1;
  for (const char *p = meta + plen; *p;)
    {
      while (*p == ' ')
        p++;
      const char *end = strchr (p, ' ');
      size_t len = end ? (size_t) (end - p) : strlen (p);
      if (len > nlen + 1 && strncmp (p, name, nlen) == 0 && p[nlen] == '=')
        {
          char *stop;
          long e = strtol (p + nlen + 1, &stop, 10);
          return stop == p + len && e >= 0 && e <= 4095 ? (int) e : -1;
        }
      p += len;
    }
  return -1;
}
