/* The host probes for namespaces (host.h): which namespaces the kernel
 * has, and what a joined user namespace's maps say.
 *
 * A joined user namespace: what a namespace
 * file's uid_map and gid_map say, read from hardrun's own namespace so
 * that the outside ids are host ids. A namespace file has no map of its
 * own: a child process enters the namespace and hardrun reads the child's
 * maps. */
#include "config.h"
#include "host.h"
#include "cleanup.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

/* A uid_map holds at most 340 lines of three 10-digit numbers. */
#define MAX_MAP_BYTES 16384

static int
read_map (const char *path, char **ret, struct hr_error *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hr_error_setsys (err, errno, "cannot open \"%s\"", path);
  size_t len;
  return hr_read_stream_limited (fd, path, MAX_MAP_BYTES, ret, &len, err);
}

static int
read_maps (const char *dir, char **ret_uid_map, char **ret_gid_map, struct hr_error *err)
{
  char p[64];
  cleanup_free char *u = NULL, *g = NULL;
  snprintf (p, sizeof p, "%s/uid_map", dir);
  int r = read_map (p, &u, err);
  if (r < 0)
    return r;
  snprintf (p, sizeof p, "%s/gid_map", dir);
  if ((r = read_map (p, &g, err)) < 0)
    return r;
  *ret_uid_map = steal_pointer (&u);
  *ret_gid_map = steal_pointer (&g);
  return 0;
}

int
hr_host_userns_maps (const char *path, char **ret_uid_map, char **ret_gid_map, struct hr_error *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hr_error_setsys (err, errno, "cannot open user namespace \"%s\"", path);
  int type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0)
    return hr_error_setsys (err, errno, "\"%s\" is no namespace", path);
  if (type != CLONE_NEWUSER)
    return hr_error_set (err, EINVAL, "\"%s\" is no user namespace", path);

  /* hardrun's own namespace cannot be entered again (EINVAL): its maps
   * are its own */
  struct stat ns, self;
  if (fstat (fd, &ns) < 0)
    return hr_error_setsys (err, errno, "cannot examine user namespace \"%s\"", path);
  if (stat ("/proc/self/ns/user", &self) == 0 && self.st_dev == ns.st_dev && self.st_ino == ns.st_ino)
    return read_maps ("/proc/self", ret_uid_map, ret_gid_map, err);

  /* The child enters the namespace, says whether it could (an errno
   * byte), and waits until hardrun has read its maps and closed the
   * other pipe. */
  int ready[2], done[2];
  if (pipe2 (ready, O_CLOEXEC) < 0)
    return hr_error_setsys (err, errno, "pipe");
  if (pipe2 (done, O_CLOEXEC) < 0)
    {
      int e = errno;
      close (ready[0]);
      close (ready[1]);
      return hr_error_setsys (err, e, "pipe");
    }
  pid_t pid = fork ();
  if (pid < 0)
    {
      int e = errno;
      close (ready[0]);
      close (ready[1]);
      close (done[0]);
      close (done[1]);
      return hr_error_setsys (err, e, "fork");
    }
  if (pid == 0)
    {
      close (ready[0]);
      close (done[1]);
      unsigned char code = setns (fd, CLONE_NEWUSER) < 0 ? (unsigned char) errno : 0;
      if (write (ready[1], &code, 1) != 1)
        _exit (1);
      char c;
      while (read (done[0], &c, 1) < 0 && errno == EINTR)
        ;
      _exit (0);
    }
  close (ready[1]);
  close (done[0]);
  unsigned char code = 0;
  ssize_t n;
  while ((n = read (ready[0], &code, 1)) < 0 && errno == EINTR)
    ;
  int r;
  if (n != 1)
    r = hr_error_set (err, EIO, "cannot enter user namespace \"%s\"", path);
  else if (code != 0)
    r = hr_error_setsys (err, code, "cannot enter user namespace \"%s\"", path);
  else
    {
      char dir[64];
      snprintf (dir, sizeof dir, "/proc/%d", (int) pid);
      r = read_maps (dir, ret_uid_map, ret_gid_map, err);
    }
  close (ready[0]);
  close (done[1]);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return r;
}

bool
hr_host_has_namespace (const char *type)
{
  static const struct
  {
    const char *oci, *proc;
  } map[] = {
    { "pid", "pid" }, { "network", "net" }, { "mount", "mnt" },     { "ipc", "ipc" },
    { "uts", "uts" }, { "user", "user" },   { "cgroup", "cgroup" }, { "time", "time" },
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp (map[i].oci, type) == 0)
      {
        char p[64];
        snprintf (p, sizeof p, "/proc/self/ns/%s", map[i].proc);
        return access (p, F_OK) == 0;
      }
  return false;
}
