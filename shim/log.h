/* Messages in runc's own log format, where the engine reads them.
 *
 * containerd, Docker and Podman pass runc "--log FILE --log-format json" and
 * show the last {"level":"error","msg":...} line when the runtime fails.
 * hardrun writes its own messages there in the same format (logrus JSON or
 * text), so the user sees why a container was refused. */
#ifndef HARDRUN_LOG_H
#define HARDRUN_LOG_H

#include <stdbool.h>

enum hr_log_level
{
  HR_LOG_ERROR,
  HR_LOG_WARNING,
  HR_LOG_INFO,
};

struct hr_log
{
  const char *path;             /* borrowed: runc's --log, or NULL */
  bool json;                    /* --log-format json */
};

/* Appends one line to the log file. Failing to open it is not an error
 * (runc's log is best effort for hardrun): returns negative errno so callers
 * may ignore it. */
int hr_log_write (const struct hr_log *log, enum hr_log_level level, const char *msg);

/* Formats one line into BUF (without opening anything): used by tests. */
int hr_log_format (bool json, enum hr_log_level level, const char *msg, long long epoch, char *buf, unsigned size);

/* The current time for audit records: 2026-11-28T23:20:34.828508Z. */
void hr_log_time (char *buf, unsigned long size);

#endif
