/* Scope-bound ownership helpers: a variable declared with one of these
 * attributes releases what it owns when it leaves scope. Hand ownership on
 * with steal_pointer() / steal_fd(), which leave the variable empty. */
#ifndef HARDRUN_CLEANUP_H
#define HARDRUN_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
hr_freep (void *p)
{
  void **pp = (void **) p;
  int saved = errno;
  free (*pp);
  errno = saved;
}

static inline void
hr_closep (int *fd)
{
  int saved = errno;
  if (*fd >= 0)
    close (*fd);
  errno = saved;
}

static inline void
hr_fclosep (FILE **f)
{
  int saved = errno;
  if (*f)
    fclose (*f);
  errno = saved;
}

#define cleanup_free __attribute__ ((cleanup (hr_freep)))
#define cleanup_close __attribute__ ((cleanup (hr_closep)))
#define cleanup_fclose __attribute__ ((cleanup (hr_fclosep)))

static inline void *
hr_steal_pointer (void *pp)
{
  void **p = (void **) pp;
  void *ret = *p;
  *p = NULL;
  return ret;
}
#define steal_pointer(pp) hr_steal_pointer (pp)

static inline int
steal_fd (int *fd)
{
  int ret = *fd;
  *fd = -1;
  return ret;
}

#define HR_ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

#endif
