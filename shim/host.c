/* The host probe: what the policy asks of the machine it runs on.
 *
 * Nothing here runs at program load. libapparmor and libselinux are opened
 * with dlopen() by the first function that needs them: linked in, they would
 * be loaded, relocated and (libselinux) run a constructor that probes the
 * filesystems on every hardrun invocation, even those that only pass
 * "state" or "kill" through to runc. Where a library is not installed, the
 * same test runc makes is used instead. */
#include "config.h"
#include "host.h"
#include "cleanup.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>
#endif
#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#if defined(HAVE_APPARMOR) || defined(HAVE_SELINUX)
#define LIBAPPARMOR "libapparmor.so.1"
#define LIBSELINUX "libselinux.so.1"

/* SYM of the shared library SONAME, or NULL. The library stays loaded. */
static void *
lib_symbol (const char *soname, const char *sym)
{
  void *h = dlopen (soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  return h ? dlsym (h, sym) : NULL;
}
#endif

/* ---- AppArmor ---- */

#define APPARMOR_FS "/sys/kernel/security/apparmor"

static bool
kernel_has_apparmor (void)
{
  return access ("/sys/module/apparmor/parameters/enabled", F_OK) == 0;
}

bool
hr_host_apparmor_enabled (void)
{
  if (!kernel_has_apparmor ())
    return false;
#ifdef HAVE_APPARMOR
  __typeof__ (aa_is_enabled) *is_enabled
    = (__typeof__ (aa_is_enabled) *) lib_symbol (LIBAPPARMOR, "aa_is_enabled");
  if (is_enabled != NULL)
    return is_enabled () == 1;
#endif
  /* The test runc itself makes (libcontainer/apparmor.IsEnabled). */
  char buf[2] = "";
  cleanup_close int fd = open ("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || access (APPARMOR_FS, F_OK) < 0)
    return false;
  return read (fd, buf, 1) == 1 && buf[0] == 'Y';
}

/* The directory where the kernel lists AppArmor's profiles. */
static char *
apparmor_fs (void)
{
#ifdef HAVE_APPARMOR
  __typeof__ (aa_find_mountpoint) *find_mountpoint
    = (__typeof__ (aa_find_mountpoint) *) lib_symbol (LIBAPPARMOR, "aa_find_mountpoint");
  char *mnt = NULL;
  if (find_mountpoint != NULL && find_mountpoint (&mnt) == 0 && mnt != NULL)
    return mnt;
  free (mnt);
#endif
  return strdup (APPARMOR_FS);
}

bool
hr_host_apparmor_profile_loaded (const char *name)
{
  cleanup_free char *fs = apparmor_fs ();
  cleanup_free char *line = NULL;
  cleanup_fclose FILE *f = NULL;
  char path[PATH_MAX];
  size_t cap = 0;
  ssize_t n;

  if (fs == NULL || (size_t) snprintf (path, sizeof path, "%s/profiles", fs) >= sizeof path)
    return false;
  f = fopen (path, "re");
  if (f == NULL)
    return false;
  /* One profile a line: "NAME (MODE)". A name may itself contain spaces and
   * parentheses, so the mode is cut at the last " (". */
  while ((n = getline (&line, &cap, f)) > 0)
    {
      if (line[n - 1] == '\n')
        line[--n] = '\0';
      char *mode = strrchr (line, '(');
      if (mode == NULL || mode == line || mode[-1] != ' ')
        continue;
      mode[-1] = '\0';
      if (strcmp (line, name) == 0)
        return true;
    }
  return false;
}

/* The parser is found in these directories only, whatever PATH hardrun got
 * from its caller. */
static const char *const parser_dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin" };
#define PARSER_ENV_PATH "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
/* What of the parser's output ends up in the error message. */
#define PARSER_OUTPUT_MAX 1024

static void
close_from (int lowfd)
{
#ifdef SYS_close_range
  if (syscall (SYS_close_range, (unsigned) lowfd, ~0U, 0) == 0)
    return;
#endif
  long max = sysconf (_SC_OPEN_MAX);
  if (max < 0 || max > 65536)
    max = 65536;
  for (int fd = lowfd; fd < max; fd++)
    close (fd);
}

/* Output of a child for a one-line message: trailing space cut, newlines
 * turned into "; ". */
static void
squash_output (const char *in, size_t len, char *out, size_t size)
{
  size_t o = 0;
  while (len > 0 && (in[len - 1] == '\n' || in[len - 1] == ' ' || in[len - 1] == '\t'))
    len--;
  for (size_t i = 0; i < len && o + 3 < size; i++)
    {
      if (in[i] == '\n')
        {
          out[o++] = ';';
          out[o++] = ' ';
        }
      else if ((unsigned char) in[i] < 0x20)
        out[o++] = ' ';
      else
        out[o++] = in[i];
    }
  out[o] = '\0';
}

int
hr_host_apparmor_load (const char *file, struct hr_error *err)
{
  char paths[HR_ARRAY_SIZE (parser_dirs)][64];
  char *const envp[] = { (char *) PARSER_ENV_PATH, NULL };
  char *const argv[] = { (char *) "apparmor_parser", (char *) "-Kr", (char *) "--", (char *) file, NULL };
  cleanup_close int rd = -1;
  cleanup_close int wr = -1;
  cleanup_close int devnull = -1;
  char out[PARSER_OUTPUT_MAX];
  size_t out_len = 0;
  int status = 0;
  pid_t pid;

  /* Everything the child needs is prepared before fork: between fork and
   * exec it calls async-signal-safe functions only. */
  for (size_t i = 0; i < HR_ARRAY_SIZE (parser_dirs); i++)
    snprintf (paths[i], sizeof paths[i], "%s/apparmor_parser", parser_dirs[i]);
  {
    int p[2];
    if (pipe2 (p, O_CLOEXEC) < 0)
      return hr_error_setsys (err, errno, "cannot load AppArmor profile file \"%s\": pipe", file);
    rd = p[0];
    wr = p[1];
  }
  devnull = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0)
    return hr_error_setsys (err, errno, "cannot open \"/dev/null\"");

  pid = fork ();
  if (pid < 0)
    return hr_error_setsys (err, errno, "cannot load AppArmor profile file \"%s\": fork", file);
  if (pid == 0)
    {
      static const char msg[] = "apparmor_parser: cannot execute\n";
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      /* Moved above the standard descriptors first: hardrun may have been
       * started with one of them closed, and the pipe may sit there. */
      int in = fcntl (devnull, F_DUPFD, 3), o = fcntl (wr, F_DUPFD, 3);
      if (in < 0 || o < 0 || dup2 (in, STDIN_FILENO) < 0 || dup2 (o, STDOUT_FILENO) < 0
          || dup2 (o, STDERR_FILENO) < 0)
        _exit (127);
      close_from (3);
      for (size_t i = 0; i < HR_ARRAY_SIZE (parser_dirs); i++)
        execve (paths[i], argv, envp);
      if (write (STDERR_FILENO, msg, sizeof msg - 1) < 0)
        _exit (127);
      _exit (127);
    }

  close (steal_fd (&wr));
  for (;;)
    {
      char buf[4096];
      ssize_t n = read (rd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      /* Keep the first bytes, drain the rest so the parser never blocks. */
      size_t room = PARSER_OUTPUT_MAX - out_len;
      size_t take = (size_t) n < room ? (size_t) n : room;
      memcpy (out + out_len, buf, take);
      out_len += take;
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return hr_error_setsys (err, errno, "cannot load AppArmor profile file \"%s\": waitpid", file);

  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;

  char output[PARSER_OUTPUT_MAX * 2 + 1];
  char how[64];
  squash_output (out, out_len, output, sizeof output);
  if (WIFEXITED (status))
    snprintf (how, sizeof how, "exited with status %d", WEXITSTATUS (status));
  else if (WIFSIGNALED (status))
    snprintf (how, sizeof how, "was killed by signal %d", WTERMSIG (status));
  else
    snprintf (how, sizeof how, "failed");
  return hr_error_set (err, EIO, "cannot load AppArmor profile file \"%s\": apparmor_parser %s%s%s", file, how,
                       output[0] ? ": " : "", output);
}

/* ---- SELinux ---- */

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

bool
hr_host_selinux_enabled (void)
{
  struct statfs sfs0;
  if (statfs ("/sys/fs/selinux", &sfs0) < 0 && statfs ("/selinux", &sfs0) < 0)
    return false;
#ifdef HAVE_SELINUX
  __typeof__ (is_selinux_enabled) *is_enabled
    = (__typeof__ (is_selinux_enabled) *) lib_symbol (LIBSELINUX, "is_selinux_enabled");
  if (is_enabled != NULL)
    return is_enabled () > 0;
#endif
  /* Without libselinux: selinuxfs mounted where runc looks first, and a
   * policy loaded (hardrun's own context is not "kernel"). */
  struct statfs sfs;
  char ctx[64] = "";
  if (statfs ("/sys/fs/selinux", &sfs) < 0 || (unsigned long) sfs.f_type != (unsigned long) SELINUX_MAGIC)
    return false;
  cleanup_close int fd = open ("/proc/self/attr/current", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, ctx, sizeof ctx - 1) : -1;
  return n > 0 && strncmp (ctx, "kernel", 6) != 0;
}

/* ---- namespaces ---- */

int
hr_host_namespace_is_host (const char *type, const char *path, bool *ret, struct hr_error *err)
{
  static const struct
  {
    const char *oci, *proc;
  } map[] = {
    { "pid", "pid" }, { "network", "net" }, { "mount", "mnt" },     { "ipc", "ipc" },
    { "uts", "uts" }, { "user", "user" },   { "cgroup", "cgroup" }, { "time", "time" },
  };
  static const char *const host_dirs[] = { "/proc/1/ns", "/proc/self/ns" };
  const char *proc = NULL;
  struct stat st;

  for (size_t i = 0; i < HR_ARRAY_SIZE (map); i++)
    if (strcmp (map[i].oci, type) == 0)
      proc = map[i].proc;
  if (proc == NULL)
    return hr_error_set (err, EINVAL, "unknown namespace type \"%s\"", type);
  if (stat (path, &st) < 0)
    return hr_error_setsys (err, errno, "cannot examine namespace \"%s\"", path);

  /* /proc/1/ns is unreadable on some hosts even for root; hardrun's own
   * namespaces are the host's whenever it runs on the host. */
  bool is_host = false;
  for (size_t i = 0; i < HR_ARRAY_SIZE (host_dirs) && !is_host; i++)
    {
      char p[64];
      struct stat host;
      snprintf (p, sizeof p, "%s/%s", host_dirs[i], proc);
      if (stat (p, &host) == 0 && host.st_dev == st.st_dev && host.st_ino == st.st_ino)
        is_host = true;
    }
  *ret = is_host;
  return 0;
}

/* ---- capabilities ---- */

static bool
caps_from_status (uint64_t *ret)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/status", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    return false;
  while (getline (&line, &cap, f) > 0)
    {
      if (strncmp (line, "CapBnd:", 7) != 0)
        continue;
      char *end;
      errno = 0;
      unsigned long long v = strtoull (line + 7, &end, 16);
      if (errno != 0 || end == line + 7 || (*end != '\n' && *end != '\0'))
        return false;
      *ret = (uint64_t) v;
      return true;
    }
  return false;
}

uint64_t
hr_host_bounding_caps (void)
{
  uint64_t caps = 0;
  if (caps_from_status (&caps))
    return caps;
  /* No /proc: ask the kernel capability by capability. */
  for (int c = 0; c < 64; c++)
    {
      int r = prctl (PR_CAPBSET_READ, (unsigned long) c, 0, 0, 0);
      if (r < 0)
        break;
      if (r == 1)
        caps |= UINT64_C (1) << c;
    }
  return caps;
}

/* ---- sockets ---- */

/* Asked once per path and process: a create asks for every supplementary
 * group, and containerd gives root a dozen. */
bool
hr_host_socket_group (const char *path, uint32_t *ret_gid)
{
  static struct
  {
    const char *path;
    bool is;
    uint32_t gid;
  } seen[32];
  static size_t n_seen;
  for (size_t i = 0; i < n_seen; i++)
    if (seen[i].path == path || strcmp (seen[i].path, path) == 0)
      {
        *ret_gid = seen[i].gid;
        return seen[i].is;
      }
  struct stat st;
  bool is = stat (path, &st) == 0 && S_ISSOCK (st.st_mode) && (st.st_mode & S_IWGRP);
  *ret_gid = is ? (uint32_t) st.st_gid : 0;
  if (n_seen < HR_ARRAY_SIZE (seen))
    seen[n_seen++] = (__typeof__ (seen[0])) { path, is, *ret_gid };
  return is;
}

/* ---- paths ---- */

/* The kernel resolves the whole path in one open(), and /proc/self/fd
 * names what it found: three system calls where glibc's realpath() makes a
 * readlink() per component (nine for a kubelet volume). realpath() remains
 * for when /proc cannot answer. */
char *
hr_host_realpath (const char *path)
{
  int fd = open (path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  char link[64], buf[PATH_MAX];
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink (link, buf, sizeof buf);
  close (fd);
  static const char deleted[] = " (deleted)";
  if (n <= 0 || (size_t) n >= sizeof buf || buf[0] != '/'
      || ((size_t) n >= sizeof deleted - 1 && memcmp (buf + n - (sizeof deleted - 1), deleted, sizeof deleted - 1) == 0))
    return realpath (path, NULL);
  buf[n] = '\0';
  return strdup (buf);
}
