#include "config.h"
#include "log.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *
level_name (enum hr_log_level l)
{
  switch (l)
    {
    case HR_LOG_ERROR:
      return "error";
    case HR_LOG_WARNING:
      return "warning";
    default:
      return "info";
    }
}

/* Appends S as a JSON (or logfmt) string body, escaped. */
static unsigned
put_escaped (char *buf, unsigned size, unsigned off, const char *s)
{
  for (; *s && off + 8 < size; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c == '"' || c == '\\')
        {
          buf[off++] = '\\';
          buf[off++] = (char) c;
        }
      else if (c == '\n')
        {
          buf[off++] = '\\';
          buf[off++] = 'n';
        }
      else if (c == '\t')
        {
          buf[off++] = '\\';
          buf[off++] = 't';
        }
      else if (c < 0x20 || c == 0x7f)
        off += (unsigned) snprintf (buf + off, size - off, "\\u%04x", c);
      else
        buf[off++] = (char) c;
    }
  return off;
}

int
hr_log_format (bool json, enum hr_log_level level, const char *msg, long long epoch, char *buf, unsigned size)
{
  char when[64];
  time_t t = (time_t) epoch;
  struct tm tm;
  gmtime_r (&t, &tm);
  strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);

  unsigned off;
  if (json)
    off = (unsigned) snprintf (buf, size, "{\"level\":\"%s\",\"msg\":\"", level_name (level));
  else
    off = (unsigned) snprintf (buf, size, "time=\"%s\" level=%s msg=\"", when, level_name (level));
  if (off >= size)
    return -ENOSPC;
  off = put_escaped (buf, size, off, msg);
  int n;
  if (json)
    n = snprintf (buf + off, size - off, "\",\"time\":\"%s\"}\n", when);
  else
    n = snprintf (buf + off, size - off, "\"\n");
  if (n < 0 || (unsigned) n >= size - off)
    return -ENOSPC;
  return (int) (off + (unsigned) n);
}

int
hr_log_write (const struct hr_log *log, enum hr_log_level level, const char *msg)
{
  char line[8192];
  if (log == NULL || log->path == NULL || *log->path == '\0')
    return -ENOENT;
  int n = hr_log_format (log->json, level, msg, (long long) time (NULL), line, sizeof line);
  if (n < 0)
    return n;
  /* O_NONBLOCK: a FIFO with no reader must not hang hardrun. */
  cleanup_close int fd = open (log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
  if (fd < 0)
    return -errno;
  struct stat st;
  if (fstat (fd, &st) < 0 || S_ISDIR (st.st_mode))
    return -EISDIR;
  if (write (fd, line, (size_t) n) != n)
    return -EIO;
  return 0;
}

void
hr_log_time (char *buf, unsigned long size)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, size - n, ".%06ldZ", ts.tv_nsec / 1000);
}

