/* The error object every fallible function fills.
 *
 * A fallible function returns a negative errno value and describes the
 * failure in a struct hr_error. Callers add context as the error rises with
 * hr_error_prefix(). Only main() prints it. Messages start lowercase, name
 * their subject in quotes and have no trailing period. */
#ifndef HARDRUN_ERROR_H
#define HARDRUN_ERROR_H

#include <stdbool.h>

#define HR_ERROR_MSG_MAX 2048

struct hr_error
{
  int code;                     /* positive errno value, 0 when unset */
  char msg[HR_ERROR_MSG_MAX];
};

/* Fills ERR (if not NULL) and returns -CODE (CODE is a positive errno;
 * 0 becomes EINVAL). */
int hr_error_set (struct hr_error *err, int code, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Like hr_error_set, and appends ": strerror(code)". */
int hr_error_setsys (struct hr_error *err, int code, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Prepends "CONTEXT: " to the message; returns -err->code. */
int hr_error_prefix (struct hr_error *err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

void hr_error_clear (struct hr_error *err);

#endif
