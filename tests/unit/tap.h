/* A small TAP producer for hardrun's unit tests.
 *
 *   plan_lazy ();                     -- "1..N" printed at the end
 *   ok (cond, "name %d", i);          -- one test point
 *   check_int (a, ==, b);             -- reports file:line and both values
 *   check_str (a, b);                 -- string equality, NULL-safe
 *   skip_all ("reason");              -- "1..0 # SKIP reason", exit 0
 *   return done_testing ();           -- exit status: 0 if all passed
 */
#ifndef HARDRUN_TAP_H
#define HARDRUN_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failed;

static inline void __attribute__ ((format (printf, 2, 3)))
tap_ok_ (bool cond, const char *fmt, ...)
{
  va_list ap;
  printf ("%s %d - ", cond ? "ok" : "not ok", ++tap_count);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  if (!cond)
    tap_failed++;
  fflush (stdout);
}
#define ok(cond, ...) tap_ok_ ((cond), __VA_ARGS__)

static inline void __attribute__ ((format (printf, 1, 2)))
diag (const char *fmt, ...)
{
  va_list ap;
  printf ("# ");
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
}

#define check_int(a, op, b)                                                                   \
  do                                                                                          \
    {                                                                                         \
      long long a_ = (long long) (a), b_ = (long long) (b);                                   \
      bool c_ = a_ op b_;                                                                     \
      tap_ok_ (c_, "%s:%d: %s %s %s", __FILE__, __LINE__, #a, #op, #b);                       \
      if (!c_)                                                                                \
        diag ("  left: %lld  right: %lld", a_, b_);                                           \
    }                                                                                         \
  while (0)

#define check_str(a, b)                                                                       \
  do                                                                                          \
    {                                                                                         \
      const char *a_ = (a), *b_ = (b);                                                        \
      bool c_ = (a_ == NULL && b_ == NULL) || (a_ && b_ && strcmp (a_, b_) == 0);            \
      tap_ok_ (c_, "%s:%d: %s == %s", __FILE__, __LINE__, #a, #b);                            \
      if (!c_)                                                                                \
        diag ("  left: \"%s\"\n#  right: \"%s\"", a_ ? a_ : "(null)", b_ ? b_ : "(null)");    \
    }                                                                                         \
  while (0)

/* Substring check: HAYSTACK contains NEEDLE. */
#define check_contains(haystack, needle)                                                      \
  do                                                                                          \
    {                                                                                         \
      const char *h_ = (haystack), *n_ = (needle);                                            \
      bool c_ = h_ && n_ && strstr (h_, n_) != NULL;                                          \
      tap_ok_ (c_, "%s:%d: %s contains \"%s\"", __FILE__, __LINE__, #haystack, n_ ? n_ : ""); \
      if (!c_)                                                                                \
        diag ("  in: \"%s\"", h_ ? h_ : "(null)");                                           \
    }                                                                                         \
  while (0)

static inline void
skip_all (const char *reason)
{
  printf ("1..0 # SKIP %s\n", reason);
  exit (0);
}

static inline int
done_testing (void)
{
  printf ("1..%d\n", tap_count);
  if (tap_failed)
    printf ("# failed %d of %d\n", tap_failed, tap_count);
  return tap_failed ? 1 : 0;
}

#endif
