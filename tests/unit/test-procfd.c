/* exec's process file as a descriptor: which paths name one, reading a
 * pipe and a regular file, and the sealed copy handed over. */
#include "config.h"
#include "procfd.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct
{
  const char *path;
  int fd;
} numbers[] = {
  { "/dev/fd/63", 63 },
  { "/dev/fd/0", 0 },
  { "/proc/self/fd/7", 7 },
  { "/proc/thread-self/fd/12", 12 },
  { "/dev/fd/", -1 },
  { "/dev/fd/6a", -1 },
  { "/dev/fd/-1", -1 },
  { "/dev/fd/63/x", -1 },
  { "/dev/fd/1234567890", -1 },
  { "/proc/1/fd/3", -1 },
  { "/tmp/process.json", -1 },
  { "dev/fd/3", -1 },
  { "/dev/stdin", -1 },
};

int
main (void)
{
  for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
    check_int (hr_procfd_number (numbers[i].path), ==, numbers[i].fd);
  check_int (hr_procfd_number (NULL), ==, -1);

  struct hr_error err = { 0 };
  char *buf = NULL;
  size_t len = 0;
  static const char doc[] = "{\"args\":[\"true\"]}";

  /* a pipe, read to its end */
  int p[2];
  ok (pipe (p) == 0, "pipe");
  ok (write (p[1], doc, strlen (doc)) == (ssize_t) strlen (doc), "write");
  close (p[1]);
  check_int (hr_procfd_read (p[0], "pipe", 1 << 20, &buf, &len, &err), ==, 0);
  check_str (buf, doc);
  free (buf);
  buf = NULL;

  /* the copy handed over at the pipe's number: sealed, read from the start
   * by whoever opens /proc/self/fd/N, and no longer close-on-exec */
  check_int (hr_procfd_handover (p[0], "{\"args\":[\"id\"]}", 15, "pipe", &err), ==, 0);
  check_int (fcntl (p[0], F_GETFD) & FD_CLOEXEC, ==, 0);
  check_int (fcntl (p[0], F_GET_SEALS) & F_SEAL_WRITE, !=, 0);
  check_int (hr_procfd_read (p[0], "copy", 1 << 20, &buf, &len, &err), ==, 0);
  check_str (buf, "{\"args\":[\"id\"]}");
  free (buf);
  buf = NULL;
  check_int (hr_procfd_read (p[0], "copy again", 1 << 20, &buf, &len, &err) == 0 && len == 15, ==, 1);
  free (buf);
  buf = NULL;
  close (p[0]);

  /* over the limit */
  ok (pipe (p) == 0, "pipe");
  ok (write (p[1], doc, strlen (doc)) == (ssize_t) strlen (doc), "write");
  close (p[1]);
  check_int (hr_procfd_read (p[0], "pipe", 4, &buf, &len, &err), ==, -EFBIG);
  check_contains (err.msg, "larger than 4 bytes");
  close (p[0]);

  /* not open; not a file or a pipe */
  check_int (hr_procfd_read (999, "/dev/fd/999", 1 << 20, &buf, &len, &err), ==, -EBADF);
  check_contains (err.msg, "not an open descriptor");
  int d = open ("/", O_RDONLY | O_DIRECTORY);
  check_int (hr_procfd_read (d, "dir", 1 << 20, &buf, &len, &err), ==, -EINVAL);
  close (d);
  return done_testing ();
}
