/* The real host-path resolver (shim/host-path.c) and the in-root walk
 * (shim/pathname.c) on real files: symlinks, "..", procfs links, a bind
 * mount's identity, directories others could change. */
#include "config.h"
#include "host.h"
#include "pathname.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[PATH_MAX];

static const char *
at (const char *rel)
{
  static char buf[4][PATH_MAX];
  static int k;
  k = (k + 1) % 4;
  snprintf (buf[k], sizeof buf[k], "%s/%s", top, rel);
  return buf[k];
}

/* Resolves PATH: 0 and where it leads in *LEADS (static), or -errno. */
static int
resolve (const char *path, const char **leads, struct hr_host_object *ret)
{
  static char buf[PATH_MAX];
  static struct hr_error err;
  memset (&err, 0, sizeof err);
  int r = hr_host_resolve (path, ret, &err);
  if (r == 0)
    {
      snprintf (buf, sizeof buf, "%s", ret->path);
      *leads = buf;
    }
  else
    *leads = err.msg;
  return r;
}

static void
check_leads (const char *path, const char *want, const char *what)
{
  struct hr_host_object o = { 0 };
  const char *leads;
  int r = resolve (path, &leads, &o);
  ok (r == 0 && strcmp (leads, want) == 0, "%s", what);
  if (r != 0 || strcmp (leads, want) != 0)
    diag ("  %s -> %d %s (want %s)", path, r, leads, want);
  hr_host_object_release (&o);
}

static void
check_fails (const char *path, int want, const char *what)
{
  struct hr_host_object o = { 0 };
  const char *leads;
  int r = resolve (path, &leads, &o);
  ok (r == want, "%s", what);
  if (r != want)
    diag ("  %s -> %d %s (want %d)", path, r, leads, want);
  hr_host_object_release (&o);
}

static void
in_root (const char *root, const char *path, const char *want, const char *want_via, const char *what)
{
  static const char *const avoid[] = { "/proc", "/dev/fd", NULL };
  char *got = NULL, *via = NULL;
  struct hr_error err = { 0 };
  int r = hr_path_resolve_in_root (root, path, avoid, &got, &via, &err);
  bool good = r == 0 && got && strcmp (got, want) == 0
              && (want_via ? via && strcmp (via, want_via) == 0 : via == NULL);
  ok (good, "in root: %s", what);
  if (!good)
    diag ("  %s -> %d %s via %s (want %s via %s)", path, r, got ? got : err.msg, via ? via : "-", want,
          want_via ? want_via : "-");
  free (got);
  free (via);
}

int
main (void)
{
  char tmpl[] = "/tmp/hardrun-hostpath-XXXXXX";
  if (mkdtemp (tmpl) == NULL)
    skip_all ("cannot make a temporary directory");
  /* the walk reports what it reached without the /tmp symlinks a host may have */
  if (realpath (tmpl, top) == NULL)
    skip_all ("cannot resolve the temporary directory");

  mkdir (at ("a"), 0755);
  mkdir (at ("a/b"), 0755);
  mkdir (at ("etc"), 0755);
  symlink ("a/b", at ("rel"));
  symlink ("/proc/self/root", at ("pself"));
  symlink (at ("a"), at ("abs"));
  symlink ("loop2", at ("loop1"));
  symlink ("loop1", at ("loop2"));
  symlink ("b/../../etc", at ("a/up"));
  close (open (at ("file"), O_CREAT | O_WRONLY, 0644));

  /* Mounts first: the resolver reads the mount table once per process. */
  bool bound = false, tmp = false, overlay = false;
  if (geteuid () == 0 && unshare (CLONE_NEWNS) == 0 && mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0)
    {
      mkdir (at ("vol"), 0755);
      mkdir (at ("vol2"), 0755);
      bound = mount ("/", at ("vol"), "none", MS_BIND, NULL) == 0;
      tmp = mount ("tmpfs", at ("vol2"), "tmpfs", 0, "size=64k") == 0;
      mkdir (at ("ovu"), 0755);
      mkdir (at ("ovw"), 0755);
      mkdir (at ("ov"), 0755);
      char opts[PATH_MAX * 3];
      snprintf (opts, sizeof opts, "lowerdir=/etc,upperdir=%s,workdir=%s", at ("ovu"), at ("ovw"));
      overlay = mount ("overlay", at ("ov"), "overlay", 0, opts) == 0;
    }

  check_leads (at ("rel"), at ("a/b"), "a relative symlink");
  check_leads (at ("abs/b/"), at ("a/b"), "an absolute symlink, then more");
  check_leads (at ("a/./b/.."), at ("a"), "\".\" and \"..\"");
  check_leads (at ("rel/.."), at ("a"), "\"..\" after a symlink is the physical parent");
  check_leads (at ("a/up"), at ("etc"), "\"..\" inside a symlink's target");
  check_fails (at ("missing"), -ENOENT, "a missing name");
  check_fails (at ("file/x"), -ENOTDIR, "a file used as a directory");
  check_fails (at ("loop1"), -ELOOP, "a symlink loop");
  check_fails (at ("pself"), -EXDEV, "a symlink to /proc/self/root");
  check_fails ("/proc/self/root/etc", -EXDEV, "/proc/self/root");
  check_fails ("/proc/thread-self/cwd", -EXDEV, "/proc/thread-self");
  char p1[64];
  snprintf (p1, sizeof p1, "/proc/%d/root/etc", (int) getpid ());
  check_fails (p1, -EXDEV, "/proc/PID/root");
  check_fails ("/dev/fd/0", -EXDEV, "/dev/fd/N (through /proc/self/fd)");
  check_leads ("/proc/sys/kernel", "/proc/sys/kernel", "procfs directories themselves resolve");

  /* identity: what is mounted, whatever it is called */
  struct hr_host_object o = { 0 };
  const char *leads;
  ok (resolve (at ("a"), &leads, &o) == 0 && strcmp (o.identity, o.path) == 0, "nothing bound: identity is the path");
  ok (o.swappable == NULL, "a root-owned chain is not swappable");
  hr_host_object_release (&o);

  if (bound && tmp)
    {
      int r = resolve (at ("vol"), &leads, &o);
      ok (r == 0 && strcmp (o.identity, "/") == 0, "a volume onto which / is bound is \"/\"");
      hr_host_object_release (&o);
      r = resolve (at ("vol/etc"), &leads, &o);
      ok (r == 0 && strcmp (o.identity, "/etc") == 0, "below it, \"/etc\"");
      hr_host_object_release (&o);
      r = resolve (at ("vol2"), &leads, &o);
      ok (r == 0 && strcmp (o.identity, at ("vol2")) == 0, "a tmpfs of its own is itself");
      if (r == 0 && strcmp (o.identity, at ("vol2")) != 0)
        diag ("  identity %s", o.identity);
      hr_host_object_release (&o);
      umount2 (at ("vol2"), MNT_DETACH);
      umount2 (at ("vol"), MNT_DETACH);
    }
  else
    diag ("skipped the identity checks: binding needs root and a mount namespace");
  if (overlay)
    {
      int r = resolve (at ("ov/ssl"), &leads, &o);
      ok (r == 0 && o.layers && strncmp (o.layers, "/etc:", 5) == 0, "an overlay's layers: /etc first");
      hr_host_object_release (&o);
      umount2 (at ("ov"), MNT_DETACH);
    }
  else
    diag ("skipped the overlay check: it needs root and a mount namespace");

  /* directories others could change */
  mkdir (at ("shared"), 0777);
  chmod (at ("shared"), 0777);
  mkdir (at ("shared/vol"), 0755);
  ok (resolve (at ("shared/vol"), &leads, &o) == 0 && o.swappable && strstr (o.swappable, "writable by anyone"),
      "a world-writable parent");
  hr_host_object_release (&o);
  chmod (at ("shared"), 01777);
  ok (resolve (at ("shared/vol"), &leads, &o) == 0 && o.swappable == NULL,
      "a sticky world-writable parent and a root-owned entry");
  hr_host_object_release (&o);
  if (geteuid () == 0)
    {
      chown (at ("shared/vol"), 4242, 4242);
      ok (resolve (at ("shared/vol"), &leads, &o) == 0 && o.swappable && strstr (o.swappable, "writable by anyone"),
          "a sticky parent and an entry of another user");
      hr_host_object_release (&o);
      mkdir (at ("home"), 0755);
      chown (at ("home"), 4242, 4242);
      mkdir (at ("home/v"), 0755);
      ok (resolve (at ("home/v"), &leads, &o) == 0 && o.swappable && strstr (o.swappable, "belongs to uid 4242"),
          "a parent of another user");
      hr_host_object_release (&o);
    }

  /* inside a root, as the runtime resolves the container's paths */
  mkdir (at ("r"), 0755);
  mkdir (at ("r/proc"), 0755);
  mkdir (at ("r/srv"), 0755);
  symlink ("/proc/self/fd/7", at ("r/work"));
  symlink ("../../../srv", at ("r/up"));
  symlink ("/srv", at ("r/abs"));
  in_root (at ("r"), "/srv/x", "/srv/x", NULL, "a plain path, partly missing");
  in_root (at ("r"), "/work", "/proc/self/fd/7", "/proc", "a symlink into /proc");
  in_root (at ("r"), "/work/../../../../tmp", "/tmp", "/proc", "out of /proc again by \"..\"");
  in_root (at ("r"), "/up/a", "/srv/a", NULL, "\"..\" stops at the root");
  in_root (at ("r"), "/abs/b", "/srv/b", NULL, "an absolute symlink is taken from the root");
  in_root (at ("r"), "/dev/fd/3", "/dev/fd/3", "/dev/fd", "a missing path under /dev/fd");

  char cmd[PATH_MAX + 16];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", top);
  if (system (cmd) != 0)
    diag ("could not remove %s", top);
  return done_testing ();
}
