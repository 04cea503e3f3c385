/* bench/micro: hardrun's own work on a config, stage by stage, without a
 * runtime and without process start-up.
 *
 *   micro [-n ITER] [-b SECONDS] [-d DATADIR] [-t DIR] CONFIG...
 *   micro generate BASE KB OUT
 *   micro spawn PROGRAM [ARG...]
 *   micro platform
 *
 * The first form runs the create pipeline of hardrun (argv parse, profile,
 * read, parse, validate, apply, serialize, write-back, free) on each CONFIG
 * over many iterations and prints, per stage, the median, minimum and
 * maximum wall-clock time of one call, the median CPU time of the thread
 * (which a busy machine's preemptions do not inflate) and the median per KB
 * of config. Every stage of one iteration runs before the next iteration
 * starts, so a noisy moment of the machine spreads over all stages alike.
 * Apply is also broken down by control, and seccomp's share by step, on a
 * deep copy of the parsed config.
 *
 * Write-back is timed three ways: hr_writeback() on /dev/shm when that is a
 * tmpfs (where containerd and Docker keep bundles; fsync does nothing
 * there), and in a second pass, alternately, hr_writeback() on DIR (a disk:
 * fsync costs what it costs there) and the same steps without its two fsync
 * calls. The second pass runs apart because fsync leaves the journal busy
 * for a while, which would slow the stages after it.
 *
 * Freed memory stays in the process (mallopt), so that the stages are timed
 * without the page faults of a fresh process; run-bench counts those.
 *
 * The policy runs against tests/unit/host-fake.c: AppArmor and SELinux
 * absent, all 41 capabilities in the bounding set, bind sources resolving
 * to themselves. What the real host probe adds shows in run-bench's
 * whole-binary figures.
 *
 * The second form writes a compact config of about KB kilobytes: BASE with
 * bind mounts, env entries and annotations added in the proportions a large
 * pod has them, all of which the restricted profile accepts.
 *
 * The third runs PROGRAM and prints what the kernel accounted to it:
 * "maxrss_kb minflt majflt utime_us stime_us". A small process has to do
 * this: a child's peak RSS includes the parent image it was forked from,
 * and a Python parent is 18 MB.
 *
 * The fourth measures what every process start pays on this machine and
 * what hardrun cannot change: a system call, and the first touch of a page
 * (a minor page fault), which virtual machines make expensive. */
#include "config.h"
#include "cleanup.h"
#include "cmdline.h"
#include "error.h"
#include "json.h"
#include "spec.h"
#include "writeback.h"
#include "policy/policy.h"
#include "policy/profile.h"
#include "policy/process.h"
#include "policy/seccomp.h"
#include "policy/seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TMPFS_MAGIC_ 0x01021994
#define MAX_ITER 20000

/* ------------------------------------------------------------------ */
/* Stages                                                              */

enum stage
{
  S_CMDLINE,
  S_PROFILE,
  S_READ,
  S_PARSE,
  S_VALIDATE,
  S_APPLY,
  S_SERIALIZE,
  S_WRITEBACK_TMPFS,
  S_FREE,
  /* the disk pass */
  S_WRITEBACK,
  S_WRITEBACK_NOSYNC,
  /* breakdowns */
  S_COPY,
  S_APPLY_HARDENED,
  S_SECCOMP_LOAD,
  S_SECCOMP_RESOLVE,
  S_SECCOMP_CACHED,
  S_COUNT,
};

static const char *const stage_names[S_COUNT] = {
  [S_CMDLINE] = "argv parse",
  [S_PROFILE] = "profile (built-in)",
  [S_READ] = "read config.json",
  [S_PARSE] = "parse",
  [S_VALIDATE] = "validate",
  [S_APPLY] = "apply (all controls)",
  [S_SERIALIZE] = "serialize",
  [S_WRITEBACK_TMPFS] = "write-back, tmpfs",
  [S_FREE] = "free the document",
  [S_WRITEBACK] = "write-back, disk",
  [S_WRITEBACK_NOSYNC] = "write-back, disk, no fsync",
  [S_COPY] = "deep copy (hr_json_copy)",
  [S_APPLY_HARDENED] = "apply, already hardened",
  [S_SECCOMP_LOAD] = "seccomp: load profile",
  [S_SECCOMP_RESOLVE] = "seccomp: resolve profile",
  [S_SECCOMP_CACHED] = "seccomp: cached filter",
};

/* The stages one create goes through, in order, with its bundle on tmpfs;
 * on a disk, S_WRITEBACK takes S_WRITEBACK_TMPFS's place. */
static const enum stage create_path[] = {
  S_CMDLINE, S_PROFILE, S_READ, S_PARSE, S_VALIDATE, S_APPLY, S_SERIALIZE, S_WRITEBACK_TMPFS, S_FREE,
};
#define DISK_PASS_MAX 100

/* The controls in hr_policy_apply()'s order, for the breakdown. */
static const struct
{
  enum hr_control_id id;
  hr_control_fn fn;
} controls[] = {
  { HR_CTL_USER, hr_ctl_user },
  { HR_CTL_CAPS, hr_ctl_caps },
  { HR_CTL_NO_NEW_PRIVILEGES, hr_ctl_no_new_privileges },
  { HR_CTL_ROOTFS, hr_ctl_rootfs },
  { HR_CTL_PATHS, hr_ctl_paths },
  { HR_CTL_MOUNTS, hr_ctl_mounts },
  { HR_CTL_DEVICES, hr_ctl_devices },
  { HR_CTL_NAMESPACES, hr_ctl_namespaces },
  { HR_CTL_SYSCTLS, hr_ctl_sysctls },
  { HR_CTL_HOOKS, hr_ctl_hooks },
  { HR_CTL_ANNOTATIONS, hr_ctl_annotations },
  { HR_CTL_PIDS, hr_ctl_pids },
  { HR_CTL_SECCOMP, hr_ctl_seccomp },
  { HR_CTL_APPARMOR, hr_ctl_apparmor },
  { HR_CTL_SELINUX, hr_ctl_selinux },
};
#define NCONTROLS HR_ARRAY_SIZE (controls)

/* One series of samples, in nanoseconds. */
struct series
{
  double *ns;                   /* owned */
  size_t n;
};

struct samples
{
  struct series stage[S_COUNT];
  struct series cpu[S_COUNT];   /* the thread's CPU time */
  struct series control[NCONTROLS];
};

struct summary
{
  double median, min, max;      /* nanoseconds; all 0 when no samples */
};

static double
clock_ns (clockid_t id)
{
  struct timespec ts;
  clock_gettime (id, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static double
now_ns (void)
{
  return clock_ns (CLOCK_MONOTONIC);
}

static double
cpu_ns (void)
{
  return clock_ns (CLOCK_THREAD_CPUTIME_ID);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static struct summary
summarize (struct series *s)
{
  struct summary r = { 0, 0, 0 };
  if (s->n == 0)
    return r;
  qsort (s->ns, s->n, sizeof *s->ns, cmp_double);
  r.min = s->ns[0];
  r.max = s->ns[s->n - 1];
  r.median = s->n % 2 ? s->ns[s->n / 2] : (s->ns[s->n / 2 - 1] + s->ns[s->n / 2]) / 2;
  return r;
}

static void
record (struct series *s, double ns)
{
  if (s->n < MAX_ITER)
    s->ns[s->n++] = ns;
}

static void
samples_release (struct samples *sm)
{
  for (size_t i = 0; i < S_COUNT; i++)
    {
      free (sm->stage[i].ns);
      free (sm->cpu[i].ns);
    }
  for (size_t i = 0; i < NCONTROLS; i++)
    free (sm->control[i].ns);
  memset (sm, 0, sizeof *sm);
}

static int
samples_init (struct samples *sm, struct hr_error *err)
{
  memset (sm, 0, sizeof *sm);
  for (size_t i = 0; i < S_COUNT; i++)
    if ((sm->stage[i].ns = calloc (MAX_ITER, sizeof (double))) == NULL
        || (sm->cpu[i].ns = calloc (MAX_ITER, sizeof (double))) == NULL)
      goto oom;
  for (size_t i = 0; i < NCONTROLS; i++)
    if ((sm->control[i].ns = calloc (MAX_ITER, sizeof (double))) == NULL)
      goto oom;
  return 0;
oom:
  samples_release (sm);
  return hr_error_set (err, ENOMEM, "out of memory");
}

/* ------------------------------------------------------------------ */
/* The environment of one run                                          */

struct bench
{
  const char *datadir;          /* borrowed: hardrun's profiles/ */
  char seccomp_dir[PATH_MAX];
  char apparmor_dir[PATH_MAX];
  char disk_dir[PATH_MAX];      /* write-back target on DIR ("" if none) */
  char tmpfs_dir[PATH_MAX];     /* write-back target on /dev/shm ("" if none) */
  char state_dir[PATH_MAX];
  int disk_fd, tmpfs_fd;
  long fs_type;                 /* of disk_dir */
  unsigned iterations;          /* fixed count, or 0 for the time budget */
  double budget_s;
};

static void
bench_release (struct bench *b)
{
  if (b->disk_fd >= 0)
    {
      unlinkat (b->disk_fd, "config.json", 0);
      close (b->disk_fd);
      rmdir (b->disk_dir);
    }
  if (b->tmpfs_fd >= 0)
    {
      unlinkat (b->tmpfs_fd, "config.json", 0);
      close (b->tmpfs_fd);
      rmdir (b->tmpfs_dir);
    }
  if (b->state_dir[0])
    {
      /* the filter cache hr_ctl_seccomp filled */
      hr_seccomp_cache_clear (b->state_dir);
      rmdir (b->state_dir);
    }
  b->disk_fd = b->tmpfs_fd = -1;
}

static int
make_temp_dir (const char *parent, const char *what, char *ret, size_t size, int *ret_fd, struct hr_error *err)
{
  if ((size_t) snprintf (ret, size, "%s/hardrun-micro-%s.XXXXXX", parent, what) >= size)
    return hr_error_set (err, ENAMETOOLONG, "\"%s\": path too long", parent);
  if (mkdtemp (ret) == NULL)
    {
      int e = errno;
      ret[0] = '\0';
      return hr_error_setsys (err, e, "cannot create a directory in \"%s\"", parent);
    }
  if (ret_fd)
    {
      *ret_fd = open (ret, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (*ret_fd < 0)
        return hr_error_setsys (err, errno, "cannot open \"%s\"", ret);
    }
  return 0;
}

static int
bench_init (struct bench *b, const char *datadir, const char *tmp, struct hr_error *err)
{
  struct statfs sfs;
  b->disk_fd = b->tmpfs_fd = -1;
  b->datadir = datadir;
  snprintf (b->seccomp_dir, sizeof b->seccomp_dir, "%s/seccomp", datadir);
  snprintf (b->apparmor_dir, sizeof b->apparmor_dir, "%s/apparmor", datadir);
  int r = make_temp_dir (tmp, "disk", b->disk_dir, sizeof b->disk_dir, &b->disk_fd, err);
  if (r < 0)
    return r;
  b->fs_type = fstatfs (b->disk_fd, &sfs) == 0 ? (long) sfs.f_type : 0;
  r = make_temp_dir (tmp, "state", b->state_dir, sizeof b->state_dir, NULL, err);
  if (r < 0)
    return r;
  if (statfs ("/dev/shm", &sfs) == 0 && sfs.f_type == TMPFS_MAGIC_
      && make_temp_dir ("/dev/shm", "tmpfs", b->tmpfs_dir, sizeof b->tmpfs_dir, &b->tmpfs_fd, err) < 0)
    {
      b->tmpfs_dir[0] = '\0';
      b->tmpfs_fd = -1;
    }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Write-back without fsync: hr_writeback()'s steps minus its fsync, to   */
/* show what that costs on the same file system.                       */

static int
writeback_nosync (int dirfd, const char *name, const struct stat *orig, const char *data, size_t len)
{
  char lock[NAME_MAX + 1];
  snprintf (lock, sizeof lock, "%s%s", name, HR_LOCK_SUFFIX);
  cleanup_close int fd = openat (dirfd, lock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return -errno;
  int r = 0;
  if (flock (fd, LOCK_EX | LOCK_NB) < 0 || fchmod (fd, orig->st_mode & 07777) < 0
      || fchown (fd, orig->st_uid, orig->st_gid) < 0)
    r = -errno;
  else if ((r = hr_write_all (fd, data, len)) == 0 && renameat (dirfd, lock, dirfd, name) < 0)
    r = -errno;
  if (r < 0)
    unlinkat (dirfd, lock, 0);
  return r;
}

/* ------------------------------------------------------------------ */
/* One config                                                          */

/* The command line containerd's shim gives runc for a create. */
static char *shim_argv[] = {
  "runc", "--root", "/run/containerd/runc/k8s.io",
  "--log", "/run/containerd/io.containerd.runtime.v2.task/k8s.io/0123456789abcdef/log.json",
  "--log-format", "json", "--systemd-cgroup", "create",
  "--bundle", "/run/containerd/io.containerd.runtime.v2.task/k8s.io/0123456789abcdef",
  "--pid-file", "/run/containerd/io.containerd.runtime.v2.task/k8s.io/0123456789abcdef/init.pid",
  "0123456789abcdef", NULL,
};

#define TIME(sm, st, stmt)                                              \
  do                                                                    \
    {                                                                   \
      double t0_ = now_ns (), c0_ = cpu_ns ();                          \
      stmt;                                                             \
      double c1_ = cpu_ns ();                                           \
      record (&(sm)->stage[st], now_ns () - t0_);                       \
      record (&(sm)->cpu[st], c1_ - c0_);                               \
    }                                                                   \
  while (0)

/* Lets glibc merge the small chunks the last iteration freed, untimed:
 * otherwise the first large allocation of the next one (reading the file)
 * pays for merging everything the previous document left. */
static void
settle_heap (void)
{
  /* volatile: the compiler may drop a malloc whose result is only freed */
  void *volatile p = malloc (256 * 1024);
  free (p);
}

/* One iteration of the pipeline on PATH, but for the disk write-back.
 * Stores the hardened text of the first iteration in *HARDENED (when not
 * yet set). */
static int
iterate (const struct bench *b, const char *path, struct samples *sm, char **hardened, size_t *hardened_len,
         struct hr_error *err)
{
  struct hr_cmdline cmd;
  struct hr_profile prof;
  int r = 0;

  settle_heap ();
  TIME (sm, S_CMDLINE, {
    r = hr_cmdline_parse ((int) HR_ARRAY_SIZE (shim_argv) - 1, shim_argv, &cmd, err);
    if (r == 0)
      hr_cmdline_free (&cmd);
  });
  if (r < 0)
    return r;

  /* The profile stays for the rest of the iteration; its release is timed
   * with "free". */
  TIME (sm, S_PROFILE, r = hr_profile_builtin ("restricted", &prof, err));
  if (r < 0)
    return r;

  cleanup_free char *buf = NULL;
  size_t len = 0;
  TIME (sm, S_READ, {
    int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
      r = hr_error_setsys (err, errno, "\"%s\": cannot open", path);
    else
      {
        r = hr_read_fd_limited (fd, path, HR_JSON_MAX_BYTES, &buf, &len, err);
        close (fd);
      }
  });
  cleanup_json struct hr_json *doc = NULL;
  cleanup_json struct hr_json *copy = NULL;
  cleanup_free char *out = NULL;
  size_t out_len = 0;
  struct hr_report rep = { 0 };
  struct hr_policy_ctx ctx = {
    .profile = &prof,
    .container_id = "0123456789abcdef",
    .bundle_dir = b->disk_dir,
    .seccomp_dir = b->seccomp_dir,
    .apparmor_dir = b->apparmor_dir,
    .state_dir = b->state_dir,
  };
  if (r < 0)
    goto out;

  TIME (sm, S_PARSE, r = hr_json_parse (buf, len, "config.json", &doc, err));
  if (r < 0)
    goto out;
  TIME (sm, S_VALIDATE, r = hr_spec_validate (doc, "config.json", err));
  if (r < 0)
    goto out;
  TIME (sm, S_COPY, copy = hr_json_copy (doc));
  if (copy == NULL)
    {
      r = hr_error_set (err, ENOMEM, "out of memory");
      goto out;
    }

  TIME (sm, S_APPLY, r = hr_policy_apply (&ctx, doc, &rep, err));
  if (r < 0)
    goto out;
  if (rep.refused)
    {
      char why[1536];
      hr_report_refusals (&rep, why, sizeof why);
      r = hr_error_set (err, EPERM, "\"%s\": the restricted profile refuses it: %s", path, why);
      goto out;
    }
  hr_report_release (&rep);

  TIME (sm, S_SERIALIZE, r = hr_json_serialize (doc, false, &out, &out_len, err));
  if (r < 0)
    goto out;

  struct stat orig = { .st_mode = S_IFREG | 0644, .st_uid = geteuid (), .st_gid = getegid () };
  if (b->tmpfs_fd >= 0)
    {
      TIME (sm, S_WRITEBACK_TMPFS,
            r = hr_writeback (b->tmpfs_fd, "config.json", &orig, out, out_len, "config.json", err));
      if (r < 0)
        goto out;
    }

  /* The controls one by one, on the copy, in hr_policy_apply()'s order. */
  for (size_t i = 0; i < NCONTROLS; i++)
    {
      struct hr_apply a = { .ctx = &ctx, .control = controls[i].id, .mode = prof.mode[controls[i].id],
                            .report = &rep };
      if (a.mode == HR_MODE_OFF)
        continue;
      double t0 = now_ns ();
      r = controls[i].fn (&a, copy, err);
      record (&sm->control[i], now_ns () - t0);
      if (r < 0)
        goto out;
    }
  hr_report_release (&rep);

  /* seccomp's two steps, as hr_ctl_seccomp takes them */
  {
    char file[PATH_MAX + 16];
    cleanup_json struct hr_json *profile = NULL;
    cleanup_json struct hr_json *want = NULL;
    snprintf (file, sizeof file, "%s/default.json", b->seccomp_dir);
    uint64_t caps = hr_caps_from_list (hr_json_get_path (doc, "process.capabilities.bounding"), NULL);
    TIME (sm, S_SECCOMP_LOAD, r = hr_seccomp_load_profile (file, &profile, err));
    if (r < 0)
      goto out;
    TIME (sm, S_SECCOMP_RESOLVE,
          r = hr_seccomp_resolve (profile, hr_seccomp_native_arch (), caps, 0, &want, err));
    if (r < 0)
      goto out;
    /* what hr_ctl_seccomp does instead once the cache has the filter */
    cleanup_json struct hr_json *cached = NULL;
    TIME (sm, S_SECCOMP_CACHED, {
      char key[512];
      cleanup_free char *text = NULL;
      size_t text_len = 0;
      cleanup_close int fd = open (file, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || hr_read_fd_limited (fd, file, HR_JSON_MAX_BYTES, &text, &text_len, err) < 0
          || hr_seccomp_cache_key (text, text_len, hr_seccomp_native_arch (), caps, false, key, sizeof key) < 0
          || hr_seccomp_cache_get (b->state_dir, key, &cached) < 0)
        r = hr_error_set (err, ENOENT, "the filter cache has no entry for \"%s\"", file);
    });
    if (r < 0)
      goto out;
  }

  /* A config hardrun has already hardened: parsed untimed, then applied. */
  if (*hardened == NULL)
    {
      *hardened = steal_pointer (&out);
      *hardened_len = out_len;
    }
  {
    cleanup_json struct hr_json *again = NULL;
    r = hr_json_parse (*hardened, *hardened_len, "config.json", &again, err);
    if (r < 0)
      goto out;
    TIME (sm, S_APPLY_HARDENED, r = hr_policy_apply (&ctx, again, &rep, err));
    if (r < 0)
      goto out;
    if (rep.changed || rep.refused)
      {
        r = hr_error_set (err, EPROTO, "\"%s\": applying the profile twice changes the config again", path);
        goto out;
      }
    hr_report_release (&rep);
  }

  TIME (sm, S_FREE, {
    hr_json_free (steal_pointer (&doc));
    hr_profile_release (&prof);
  });
  return 0;

out:
  hr_report_release (&rep);
  hr_profile_release (&prof);
  return r;
}

#define ROW_FMT "  %-30s %10.1f %10.1f %10.1f %10.1f %9.2f\n"
#define HEAD_FMT "  %-30s %11s %11s %11s %11s %10s\n"

static void
print_row (const char *name, struct series *wall, struct series *cpu, double kb)
{
  struct summary w = summarize (wall);
  if (cpu == NULL)
    {
      printf ("  %-30s %10.1f %10.1f %10.1f %10s %9.2f\n", name, w.median / 1e3, w.min / 1e3, w.max / 1e3, "",
              w.median / 1e3 / kb);
      return;
    }
  struct summary c = summarize (cpu);
  printf (ROW_FMT, name, w.median / 1e3, w.min / 1e3, w.max / 1e3, c.median / 1e3, w.median / 1e3 / kb);
}

/* What one config's run adds to the summary table. */
struct result
{
  char name[64];
  double kb;
  unsigned iterations;
  double stage[S_COUNT];        /* wall-clock medians, ns */
  double cpu[S_COUNT];          /* CPU-time medians, ns */
};

/* The disk pass: hr_writeback() and the same without fsync, alternately,
 * N times each. */
static int
disk_pass (const struct bench *b, const char *data, size_t len, unsigned n, struct samples *sm,
           struct hr_error *err)
{
  struct stat orig = { .st_mode = S_IFREG | 0644, .st_uid = geteuid (), .st_gid = getegid () };
  for (unsigned i = 0; i < n; i++)
    {
      int r;
      TIME (sm, S_WRITEBACK, r = hr_writeback (b->disk_fd, "config.json", &orig, data, len, "config.json", err));
      if (r < 0)
        return r;
      TIME (sm, S_WRITEBACK_NOSYNC, r = writeback_nosync (b->disk_fd, "config.json", &orig, data, len));
      if (r < 0)
        return hr_error_setsys (err, -r, "\"%s\": cannot write", b->disk_dir);
    }
  return 0;
}

static int
run_config (const struct bench *b, const char *path, struct result *res, struct hr_error *err)
{
  struct stat st;
  if (stat (path, &st) < 0)
    return hr_error_setsys (err, errno, "\"%s\"", path);
  const char *base = strrchr (path, '/');
  snprintf (res->name, sizeof res->name, "%s", base ? base + 1 : path);
  res->kb = (double) st.st_size / 1024;

  struct samples sm;
  int r = samples_init (&sm, err);
  if (r < 0)
    return r;
  cleanup_free char *hardened = NULL;
  size_t hardened_len = 0;

  /* One untimed round: page cache, allocator and lazy binding warm. */
  struct samples warm;
  if ((r = samples_init (&warm, err)) < 0)
    goto out;
  r = iterate (b, path, &warm, &hardened, &hardened_len, err);
  if (r == 0)
    r = disk_pass (b, hardened, hardened_len, 1, &warm, err);
  samples_release (&warm);
  if (r < 0)
    goto out;

  double start = now_ns ();
  unsigned n = 0;
  for (;;)
    {
      if (b->iterations ? n >= b->iterations : (n >= 5 && now_ns () - start >= b->budget_s * 1e9))
        break;
      if (n >= MAX_ITER)
        break;
      r = iterate (b, path, &sm, &hardened, &hardened_len, err);
      if (r < 0)
        goto out;
      n++;
    }
  res->iterations = n;
  unsigned ndisk = n < DISK_PASS_MAX ? n : DISK_PASS_MAX;
  if ((r = disk_pass (b, hardened, hardened_len, ndisk, &sm, err)) < 0)
    goto out;

  printf ("\n%s: %.1f KB, %u iterations, %u of the disk pass (times of one call)\n", res->name, res->kb, n,
          ndisk);
  printf (HEAD_FMT, "stage", "median µs", "min µs", "max µs", "cpu µs", "µs/KB");
  for (int s = 0; s < S_COUNT; s++)
    {
      if (sm.stage[s].n == 0)
        continue;
      if (s == S_WRITEBACK)
        printf ("  disk pass (fsync: %s):\n", b->disk_dir);
      else if (s == S_COPY)
        printf ("  breakdowns:\n");
      res->stage[s] = summarize (&sm.stage[s]).median;
      res->cpu[s] = summarize (&sm.cpu[s]).median;
      print_row (stage_names[s], &sm.stage[s], &sm.cpu[s], res->kb);
    }
  double tmpfs = 0, tmpfs_cpu = 0;
  for (size_t i = 0; i < HR_ARRAY_SIZE (create_path); i++)
    {
      tmpfs += res->stage[create_path[i]];
      tmpfs_cpu += res->cpu[create_path[i]];
    }
  double disk = tmpfs - res->stage[S_WRITEBACK_TMPFS] + res->stage[S_WRITEBACK];
  double disk_cpu = tmpfs_cpu - res->cpu[S_WRITEBACK_TMPFS] + res->cpu[S_WRITEBACK];
  printf ("  %-30s %10.1f %10s %10s %10.1f %9.2f\n", "= create, bundle on tmpfs", tmpfs / 1e3, "", "",
          tmpfs_cpu / 1e3, tmpfs / 1e3 / res->kb);
  printf ("  %-30s %10.1f %10s %10s %10.1f %9.2f\n", "= create, bundle on disk", disk / 1e3, "", "",
          disk_cpu / 1e3, disk / 1e3 / res->kb);
  printf ("  apply, control by control:\n");
  double controls_total = 0;
  for (size_t i = 0; i < NCONTROLS; i++)
    {
      if (sm.control[i].n == 0)
        continue;
      controls_total += summarize (&sm.control[i]).median;
      char label[64];
      snprintf (label, sizeof label, "  %s", hr_control_name (controls[i].id));
      print_row (label, &sm.control[i], NULL, res->kb);
    }
  printf ("  %-30s %10.1f\n", "  = sum of the controls", controls_total / 1e3);
  if (NCONTROLS != HR_CTL_COUNT)
    printf ("  (hardrun has %d controls; this breakdown knows %zu)\n", (int) HR_CTL_COUNT, (size_t) NCONTROLS);

out:
  samples_release (&sm);
  return r;
}

static const char *
fs_name (long type)
{
  switch (type)
    {
    case 0xEF53:
      return "ext2/3/4";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case TMPFS_MAGIC_:
      return "tmpfs";
    case 0x794c7630:
      return "overlayfs";
    default:
      return "other";
    }
}

static void
print_summary (const struct result *res, size_t n, const struct bench *b)
{
  printf ("\nsummary: median µs of one call, wall-clock (CPU time of the whole create in brackets)\n");
  printf ("  %-24s %7s %8s %8s %8s %9s %11s %18s %18s %7s\n", "config", "KB", "parse", "validate", "apply",
          "serialize", "write-back", "create, tmpfs", "create, disk", "µs/KB");
  for (size_t i = 0; i < n; i++)
    {
      const struct result *r = &res[i];
      double tmpfs = 0, cpu = 0;
      for (size_t k = 0; k < HR_ARRAY_SIZE (create_path); k++)
        {
          tmpfs += r->stage[create_path[k]];
          cpu += r->cpu[create_path[k]];
        }
      double disk = tmpfs - r->stage[S_WRITEBACK_TMPFS] + r->stage[S_WRITEBACK];
      char t[32], d[32];
      snprintf (t, sizeof t, "%.1f (%.1f)", tmpfs / 1e3, cpu / 1e3);
      snprintf (d, sizeof d, "%.1f", disk / 1e3);
      printf ("  %-24s %7.1f %8.1f %8.1f %8.1f %9.1f %11.1f %18s %18s %7.2f\n", r->name, r->kb,
              r->stage[S_PARSE] / 1e3, r->stage[S_VALIDATE] / 1e3, r->stage[S_APPLY] / 1e3,
              r->stage[S_SERIALIZE] / 1e3, r->stage[S_WRITEBACK_TMPFS] / 1e3, t, d, tmpfs / 1e3 / r->kb);
    }
  printf ("  (write-back: on tmpfs; on disk %s it is in each config's table)\n", fs_name (b->fs_type));
  /* Growth between the smallest and the largest config: the slope says
   * what one more KB costs once the fixed costs are paid. */
  if (n >= 2)
    {
      const struct result *lo = &res[0], *hi = &res[0];
      for (size_t i = 1; i < n; i++)
        {
          if (res[i].kb < lo->kb)
            lo = &res[i];
          if (res[i].kb > hi->kb)
            hi = &res[i];
        }
      double dkb = hi->kb - lo->kb;
      if (dkb > 0)
        {
          printf ("  marginal cost from %s to %s, µs per added KB (CPU time):\n", lo->name, hi->name);
          double sum = 0;
          for (size_t k = 0; k < HR_ARRAY_SIZE (create_path); k++)
            {
              enum stage s = create_path[k];
              double v = (hi->cpu[s] - lo->cpu[s]) / 1e3 / dkb;
              sum += v;
              printf ("    %-28s %8.2f\n", stage_names[s], v);
            }
          printf ("    %-28s %8.2f\n", "= create, tmpfs", sum);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Generated configs                                                   */

static struct hr_json *
new_strings (const char *const *v, size_t n)
{
  struct hr_json *arr = hr_json_new_array ();
  for (size_t i = 0; arr && i < n; i++)
    if (hr_json_append (arr, hr_json_new_string (v[i]), NULL) < 0)
      {
        hr_json_free (arr);
        return NULL;
      }
  return arr;
}

/* Adds one pod volume: a read-only bind of a kubelet volume directory
 * (two levels below /var/lib/kubelet, which the mounts control allows).
 * Returns its serialized size. */
static long
add_mount (struct hr_json *mounts, unsigned i, struct hr_error *err)
{
  static const char *const opts[] = { "rbind", "ro", "nosuid", "nodev", "rprivate" };
  char dest[96], src[192];
  snprintf (dest, sizeof dest, "/var/run/volumes/config-%05u", i);
  snprintf (src, sizeof src,
            "/var/lib/kubelet/pods/6c1a9f0e-2b7d-4e58-9f31-%012u/volumes/kubernetes.io~configmap/config-%05u", i, i);
  struct hr_json *m = hr_json_new_object ();
  if (m == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  int r;
  if ((r = hr_json_set (m, "destination", hr_json_new_string (dest), err)) < 0
      || (r = hr_json_set (m, "type", hr_json_new_string ("bind"), err)) < 0
      || (r = hr_json_set (m, "source", hr_json_new_string (src), err)) < 0
      || (r = hr_json_set (m, "options", new_strings (opts, HR_ARRAY_SIZE (opts)), err)) < 0)
    {
      hr_json_free (m);
      return r;
    }
  if ((r = hr_json_append (mounts, m, err)) < 0)
    return r;
  /* {"destination":"D","type":"bind","source":"S","options":[...]}, */
  long n = (long) (strlen ("{\"destination\":\"\",\"type\":\"bind\",\"source\":\"\",\"options\":[]},")
                   + strlen (dest) + strlen (src));
  for (size_t k = 0; k < HR_ARRAY_SIZE (opts); k++)
    n += (long) strlen (opts[k]) + 3;
  return n;
}

static long
add_env (struct hr_json *env, unsigned i, unsigned k, struct hr_error *err)
{
  char e[128];
  snprintf (e, sizeof e, "SERVICE_%05u_PORT_%u_TCP_ADDR=10.96.%u.%u", i, k, (i / 250) % 250, i % 250 + 1);
  int r = hr_json_append (env, hr_json_new_string (e), err);
  return r < 0 ? r : (long) strlen (e) + 3;
}

static long
add_annotation (struct hr_json *ann, unsigned i, unsigned k, struct hr_error *err)
{
  char key[96], val[128];
  snprintf (key, sizeof key, "example.com/checksum-%05u-%u", i, k);
  snprintf (val, sizeof val, "sha256:%016x%016x%016x%016x", i * 2654435761u, k + 1, i ^ 0x5bd1e995u, i + k);
  /* Appended directly: hr_json_set() looks for an existing key first,
   * which makes thousands of inserts quadratic. */
  if (ann->u.obj.len >= ann->u.obj.cap)
    {
      size_t cap = ann->u.obj.cap ? ann->u.obj.cap * 2 : 64;
      char **keys = realloc (ann->u.obj.keys, cap * sizeof *keys);
      if (keys == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
      ann->u.obj.keys = keys;
      struct hr_json **vals = realloc (ann->u.obj.vals, cap * sizeof *vals);
      if (vals == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
      ann->u.obj.vals = vals;
      ann->u.obj.cap = cap;
    }
  char *kd = strdup (key);
  struct hr_json *v = hr_json_new_string (val);
  if (kd == NULL || v == NULL)
    {
      free (kd);
      hr_json_free (v);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  ann->u.obj.keys[ann->u.obj.len] = kd;
  ann->u.obj.vals[ann->u.obj.len] = v;
  ann->u.obj.len++;
  return (long) (strlen (key) + strlen (val) + 6);
}

static int
generate (const char *base, double kb, const char *out_path, struct hr_error *err)
{
  cleanup_close int fd = open (base, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hr_error_setsys (err, errno, "\"%s\": cannot open", base);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r = hr_read_fd_limited (fd, base, HR_JSON_MAX_BYTES, &buf, &len, err);
  if (r < 0)
    return r;
  cleanup_json struct hr_json *doc = NULL;
  if ((r = hr_json_parse (buf, len, base, &doc, err)) < 0)
    return r;
  struct hr_json *process = hr_json_ensure_object (doc, "process");
  struct hr_json *env = process ? hr_json_ensure_array (process, "env") : NULL;
  struct hr_json *mounts = hr_json_ensure_array (doc, "mounts");
  struct hr_json *ann = hr_json_ensure_object (doc, "annotations");
  if (env == NULL || mounts == NULL || ann == NULL)
    return hr_error_set (err, EINVAL, "\"%s\": \"process.env\", \"mounts\" or \"annotations\" has the wrong type", base);

  cleanup_free char *first = NULL;
  size_t size = 0;
  if ((r = hr_json_serialize (doc, false, &first, &size, err)) < 0)
    return r;
  const double target = kb * 1024;
  long est = (long) size;
  /* Per pod volume: one mount, four env entries, three annotations. */
  for (unsigned i = 0; est < target; i++)
    {
      if (hr_json_len (mounts) + 1 > HR_SPEC_MAX_MOUNTS - 8 || hr_json_len (env) + 4 > HR_SPEC_MAX_ENV
          || hr_json_len (ann) + 3 > HR_SPEC_MAX_ANNOTATIONS)
        return hr_error_set (err, E2BIG, "%.0f KB would exceed hardrun's limits on mounts, env or annotations", kb);
      long n = add_mount (mounts, i, err);
      for (unsigned k = 0; n >= 0 && k < 4; k++)
        {
          long m = add_env (env, i, k, err);
          n = m < 0 ? m : n + m;
        }
      for (unsigned k = 0; n >= 0 && k < 3; k++)
        {
          long m = add_annotation (ann, i, k, err);
          n = m < 0 ? m : n + m;
        }
      if (n < 0)
        return (int) n;
      est += n;
    }

  cleanup_free char *text = NULL;
  if ((r = hr_json_serialize (doc, false, &text, &size, err)) < 0)
    return r;
  if (size > HR_JSON_MAX_BYTES)
    return hr_error_set (err, EFBIG, "%.0f KB is above hardrun's file limit", kb);
  cleanup_close int out = open (out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0)
    return hr_error_setsys (err, errno, "\"%s\": cannot create", out_path);
  if ((r = hr_write_all (out, text, size)) < 0)
    return hr_error_setsys (err, -r, "\"%s\": cannot write", out_path);
  fprintf (stderr, "%s: %zu bytes, %zu mounts, %zu env entries, %zu annotations\n", out_path, size,
           hr_json_len (mounts), hr_json_len (env), hr_json_len (ann));
  return 0;
}

/* ------------------------------------------------------------------ */

static int
spawn (char **argv)
{
  pid_t pid = vfork ();
  if (pid < 0)
    {
      perror ("micro: vfork");
      return 1;
    }
  if (pid == 0)
    {
      execvp (argv[0], argv);
      _exit (127);
    }
  int status;
  struct rusage ru;
  while (wait4 (pid, &status, 0, &ru) < 0)
    if (errno != EINTR)
      {
        perror ("micro: wait4");
        return 1;
      }
  printf ("%ld %ld %ld %lld %lld\n", ru.ru_maxrss, ru.ru_minflt, ru.ru_majflt,
          (long long) ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
          (long long) ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static int
platform (void)
{
  enum { ROUNDS = 7, CALLS = 20000, PAGES = 1024 };
  double sys[ROUNDS], fault[ROUNDS];
  long page = sysconf (_SC_PAGESIZE);
  for (int r = 0; r < ROUNDS; r++)
    {
      double t0 = now_ns ();
      for (int i = 0; i < CALLS; i++)
        (void) getppid ();
      sys[r] = (now_ns () - t0) / CALLS;

      size_t len = (size_t) PAGES * (size_t) page;
      volatile char *p = mmap (NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
        {
          perror ("micro: mmap");
          return 1;
        }
      t0 = now_ns ();
      for (size_t off = 0; off < len; off += (size_t) page)
        p[off] = 1;
      fault[r] = (now_ns () - t0) / PAGES;
      munmap ((void *) p, len);
    }
  qsort (sys, ROUNDS, sizeof *sys, cmp_double);
  qsort (fault, ROUNDS, sizeof *fault, cmp_double);
  printf ("system call (getppid): median %.2f µs, min %.2f µs\n", sys[ROUNDS / 2] / 1e3, sys[0] / 1e3);
  printf ("first touch of an anonymous page (minor fault): median %.2f µs, min %.2f µs\n", fault[ROUNDS / 2] / 1e3,
          fault[0] / 1e3);
  return 0;
}

static void
usage (FILE *f)
{
  fprintf (f,
           "usage: micro [-n ITERATIONS] [-b SECONDS] [-d DATADIR] [-t DIR] CONFIG...\n"
           "       micro generate BASE KB OUT\n"
           "       micro spawn PROGRAM [ARG...]\n"
           "       micro platform\n"
           "\n"
           "  -n ITERATIONS  fixed number of timed iterations per config\n"
           "  -b SECONDS     otherwise, iterate this long per config (default 2)\n"
           "  -d DATADIR     hardrun's profiles directory (default: $HARDRUN_DATADIR or ./profiles)\n"
           "  -t DIR         where write-back goes, on disk (default: $TMPDIR or /var/tmp)\n");
}

int
main (int argc, char **argv)
{
  struct hr_error err = { 0 };

  if (argc >= 2 && strcmp (argv[1], "generate") == 0)
    {
      if (argc != 5)
        {
          usage (stderr);
          return 2;
        }
      char *end;
      double kb = strtod (argv[3], &end);
      if (*end || kb <= 0)
        {
          fprintf (stderr, "micro: \"%s\": expected a size in KB\n", argv[3]);
          return 2;
        }
      if (generate (argv[2], kb, argv[4], &err) < 0)
        {
          fprintf (stderr, "micro: %s\n", err.msg);
          return 1;
        }
      return 0;
    }

  if (argc >= 3 && strcmp (argv[1], "spawn") == 0)
    return spawn (argv + 2);
  if (argc == 2 && strcmp (argv[1], "platform") == 0)
    return platform ();

  struct bench b = { .disk_fd = -1, .tmpfs_fd = -1, .budget_s = 2 };
  const char *datadir = getenv ("HARDRUN_DATADIR");
  const char *tmp = getenv ("TMPDIR");
  int opt;
  while ((opt = getopt (argc, argv, "n:b:d:t:h")) != -1)
    switch (opt)
      {
      case 'n':
        b.iterations = (unsigned) strtoul (optarg, NULL, 10);
        if (b.iterations == 0 || b.iterations > MAX_ITER)
          {
            fprintf (stderr, "micro: -n: expected 1 to %d\n", MAX_ITER);
            return 2;
          }
        break;
      case 'b':
        b.budget_s = strtod (optarg, NULL);
        break;
      case 'd':
        datadir = optarg;
        break;
      case 't':
        tmp = optarg;
        break;
      case 'h':
        usage (stdout);
        return 0;
      default:
        usage (stderr);
        return 2;
      }
  if (optind >= argc)
    {
      usage (stderr);
      return 2;
    }
  if (datadir == NULL || *datadir == '\0')
    datadir = "profiles";
  if (tmp == NULL || *tmp == '\0')
    tmp = "/var/tmp";

  /* Keep freed memory in the process: otherwise each iteration gives the
   * top of the heap back and faults it in again, and the stage that happens
   * to grow the heap first pays for it. A hardrun process faults in every
   * page it uses once; run-bench counts those faults for the whole binary. */
  mallopt (M_TRIM_THRESHOLD, INT_MAX);
  mallopt (M_MMAP_THRESHOLD, 64 * 1024 * 1024);

  int status = 0;
  if (bench_init (&b, datadir, tmp, &err) < 0)
    {
      fprintf (stderr, "micro: %s\n", err.msg);
      bench_release (&b);
      return 1;
    }
  printf ("hardrun micro-benchmark: restricted profile, profiles from %s\n", datadir);
  printf ("write-back on %s (%s)%s%s\n", b.disk_dir, fs_name (b.fs_type), b.tmpfs_fd >= 0 ? " and " : "",
          b.tmpfs_fd >= 0 ? b.tmpfs_dir : "");

  size_t n = (size_t) (argc - optind);
  cleanup_free struct result *res = calloc (n, sizeof *res);
  size_t done = 0;
  if (res == NULL)
    {
      fprintf (stderr, "micro: out of memory\n");
      status = 1;
    }
  for (size_t i = 0; res && i < n; i++)
    {
      if (run_config (&b, argv[optind + (int) i], &res[done], &err) < 0)
        {
          fprintf (stderr, "micro: %s\n", err.msg);
          hr_error_clear (&err);
          status = 1;
          continue;
        }
      done++;
    }
  if (done > 0)
    print_summary (res, done, &b);
  bench_release (&b);
  return status;
}
