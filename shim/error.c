#include "config.h"
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int
vset (struct hr_error *err, int code, bool sys, const char *fmt, va_list ap)
{
  if (code <= 0)
    code = code < 0 ? -code : EINVAL;
  if (err == NULL)
    return -code;
  err->code = code;
  int n = vsnprintf (err->msg, sizeof err->msg, fmt, ap);
  if (sys && n >= 0 && (size_t) n < sizeof err->msg)
    snprintf (err->msg + n, sizeof err->msg - n, ": %s", strerror (code));
  return -code;
}

int
hr_error_set (struct hr_error *err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int r = vset (err, code, false, fmt, ap);
  va_end (ap);
  return r;
}

int
hr_error_setsys (struct hr_error *err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int r = vset (err, code, true, fmt, ap);
  va_end (ap);
  return r;
}

int
hr_error_prefix (struct hr_error *err, const char *fmt, ...)
{
  char prefix[512];
  char old[HR_ERROR_MSG_MAX];
  va_list ap;

  if (err == NULL)
    return -EINVAL;
  va_start (ap, fmt);
  vsnprintf (prefix, sizeof prefix, fmt, ap);
  va_end (ap);
  memcpy (old, err->msg, sizeof old);
  snprintf (err->msg, sizeof err->msg, "%s: %s", prefix, old);
  if (err->code == 0)
    err->code = EINVAL;
  return -err->code;
}

void
hr_error_clear (struct hr_error *err)
{
  if (err == NULL)
    return;
  err->code = 0;
  err->msg[0] = '\0';
}
