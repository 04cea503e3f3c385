/* The SELinux MCS registry (see mcs.h). */
#include "config.h"
#include "policy/mcs.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_NAME HR_MCS_REGISTRY ".lock"
#define TMP_NAME HR_MCS_REGISTRY ".tmp"
/* "c1023,c1023 " + key + "\n" */
#define LINE_MAX_BYTES (12 + HR_MCS_MAX_KEY + 1)
#define REGISTRY_MAX_BYTES ((size_t) HR_MCS_MAX_ENTRIES * LINE_MAX_BYTES)
#define PAIR_INDEX(c1, c2) ((size_t) (c1) * HR_MCS_CATEGORIES + (c2))

struct mcs_entry
{
  unsigned c1, c2;
  char *key;                    /* owned */
};

struct registry
{
  const char *state_dir;        /* borrowed, for messages */
  struct mcs_entry *v;          /* owned */
  size_t n, cap;
  uint8_t *used;                /* owned: bitmap over PAIR_INDEX */
};

static void
registry_release (struct registry *reg)
{
  for (size_t i = 0; i < reg->n; i++)
    free (reg->v[i].key);
  free (reg->v);
  free (reg->used);
  reg->v = NULL;
  reg->used = NULL;
  reg->n = reg->cap = 0;
}
#define cleanup_registry __attribute__ ((cleanup (registry_release)))

static bool
pair_used (const struct registry *reg, unsigned c1, unsigned c2)
{
  size_t i = PAIR_INDEX (c1, c2);
  return reg->used[i / 8] & (1u << (i % 8));
}

static void
pair_mark (struct registry *reg, unsigned c1, unsigned c2, bool used)
{
  size_t i = PAIR_INDEX (c1, c2);
  if (used)
    reg->used[i / 8] |= (uint8_t) (1u << (i % 8));
  else
    reg->used[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

static int
check_key (const char *key, struct hr_error *err)
{
  size_t len = key ? strlen (key) : 0;
  if (len == 0 || len > HR_MCS_MAX_KEY)
    return hr_error_set (err, EINVAL, "invalid SELinux MCS pod key: expected 1 to %d characters", HR_MCS_MAX_KEY);
  for (size_t i = 0; i < len; i++)
    if (key[i] <= 0x20 || key[i] >= 0x7f)
      return hr_error_set (err, EINVAL, "invalid SELinux MCS pod key \"%.*s\": unexpected character", (int) len,
                           key);
  return 0;
}

static long
find_key (const struct registry *reg, const char *key)
{
  for (size_t i = 0; i < reg->n; i++)
    if (strcmp (reg->v[i].key, key) == 0)
      return (long) i;
  return -1;
}

static int
add_entry (struct registry *reg, unsigned c1, unsigned c2, const char *key, size_t key_len, struct hr_error *err)
{
  if (reg->n == reg->cap)
    {
      size_t ncap = reg->cap ? reg->cap * 2 : 64;
      struct mcs_entry *nv = realloc (reg->v, ncap * sizeof *nv);
      if (nv == NULL)
        return hr_error_set (err, ENOMEM, "out of memory");
      reg->v = nv;
      reg->cap = ncap;
    }
  char *k = strndup (key, key_len);
  if (k == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  reg->v[reg->n++] = (struct mcs_entry) { .c1 = c1, .c2 = c2, .key = k };
  pair_mark (reg, c1, c2, true);
  return 0;
}

/* "c<0..1023>" */
static bool
parse_category (const char **p, const char *end, unsigned *ret)
{
  const char *s = *p;
  unsigned v = 0;
  size_t digits = 0;
  if (s >= end || *s++ != 'c')
    return false;
  while (s < end && *s >= '0' && *s <= '9' && digits < 5)
    {
      v = v * 10 + (unsigned) (*s++ - '0');
      digits++;
    }
  if (digits == 0 || v >= HR_MCS_CATEGORIES)
    return false;
  *p = s;
  *ret = v;
  return true;
}

static int
cmp_key (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Sorting instead of comparing every pair: the registry may be large. */
static int
check_unique_keys (const struct registry *reg, struct hr_error *err)
{
  if (reg->n < 2)
    return 0;
  cleanup_free char **keys = malloc (reg->n * sizeof *keys);
  if (keys == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; i < reg->n; i++)
    keys[i] = reg->v[i].key;
  qsort (keys, reg->n, sizeof *keys, cmp_key);
  for (size_t i = 1; i < reg->n; i++)
    if (strcmp (keys[i - 1], keys[i]) == 0)
      return hr_error_set (err, EINVAL, "\"%s/%s\": pod key \"%s\" is listed twice", reg->state_dir,
                           HR_MCS_REGISTRY, keys[i]);
  return 0;
}

static int
registry_parse (struct registry *reg, const char *buf, size_t len, struct hr_error *err)
{
  size_t lineno = 0;
  const char *p = buf, *end = buf + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t) (end - p));
      unsigned c1, c2;
      lineno++;
      if (nl == NULL)
        return hr_error_set (err, EINVAL, "\"%s/%s\": line %zu: unterminated reservation", reg->state_dir,
                             HR_MCS_REGISTRY, lineno);
      const char *s = p;
      if (!parse_category (&s, nl, &c1) || s >= nl || *s++ != ',' || !parse_category (&s, nl, &c2) || s >= nl
          || *s++ != ' ' || c1 >= c2)
        return hr_error_set (err, EINVAL, "\"%s/%s\": line %zu: malformed reservation", reg->state_dir,
                             HR_MCS_REGISTRY, lineno);
      size_t key_len = (size_t) (nl - s);
      if (key_len == 0 || key_len > HR_MCS_MAX_KEY || memchr (s, ' ', key_len) || memchr (s, '\0', key_len))
        return hr_error_set (err, EINVAL, "\"%s/%s\": line %zu: malformed pod key", reg->state_dir, HR_MCS_REGISTRY,
                             lineno);
      if (reg->n >= HR_MCS_MAX_ENTRIES)
        return hr_error_set (err, E2BIG, "\"%s/%s\": more than %d reservations", reg->state_dir, HR_MCS_REGISTRY,
                             HR_MCS_MAX_ENTRIES);
      if (pair_used (reg, c1, c2))
        return hr_error_set (err, EINVAL, "\"%s/%s\": line %zu: pair \"c%u,c%u\" is reserved twice", reg->state_dir,
                             HR_MCS_REGISTRY, lineno, c1, c2);
      int r = add_entry (reg, c1, c2, s, key_len, err);
      if (r < 0)
        return r;
      p = nl + 1;
    }
  return check_unique_keys (reg, err);
}

/* Reads the registry in DIRFD; a missing one is empty. */
static int
registry_load (int dirfd, struct registry *reg, struct hr_error *err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  struct stat st;
  size_t len = 0;

  reg->used = calloc (PAIR_INDEX (HR_MCS_CATEGORIES, 0) / 8, 1);
  if (reg->used == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");

  fd = openat (dirfd, HR_MCS_REGISTRY, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return hr_error_setsys (err, errno, "cannot open \"%s/%s\"", reg->state_dir, HR_MCS_REGISTRY);
  if (fstat (fd, &st) < 0)
    return hr_error_setsys (err, errno, "cannot stat \"%s/%s\"", reg->state_dir, HR_MCS_REGISTRY);
  if (!S_ISREG (st.st_mode))
    return hr_error_set (err, EINVAL, "\"%s/%s\": not a regular file", reg->state_dir, HR_MCS_REGISTRY);
  if ((uintmax_t) st.st_size > REGISTRY_MAX_BYTES)
    return hr_error_set (err, E2BIG, "\"%s/%s\": larger than %zu bytes", reg->state_dir, HR_MCS_REGISTRY,
                         REGISTRY_MAX_BYTES);
  buf = malloc ((size_t) st.st_size + 1);
  if (buf == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  /* Read to the end, bounded: the file cannot change under the lock, but
   * the bound must not rest on that. */
  for (;;)
    {
      ssize_t n = read (fd, buf + len, (size_t) st.st_size + 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hr_error_setsys (err, errno, "cannot read \"%s/%s\"", reg->state_dir, HR_MCS_REGISTRY);
      if (n == 0)
        break;
      len += (size_t) n;
      if (len > (size_t) st.st_size)
        return hr_error_set (err, EIO, "\"%s/%s\": changed while read", reg->state_dir, HR_MCS_REGISTRY);
    }
  return registry_parse (reg, buf, len, err);
}

static int
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      buf += n;
      len -= (size_t) n;
    }
  return 0;
}

/* Replaces the registry in DIRFD with REG: temporary file, fsync, rename. */
static int
registry_store (int dirfd, const struct registry *reg, struct hr_error *err)
{
  cleanup_free char *buf = malloc (reg->n * LINE_MAX_BYTES + 1);
  size_t len = 0;
  int r;

  if (buf == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; i < reg->n; i++)
    len += (size_t) snprintf (buf + len, LINE_MAX_BYTES + 1, "c%u,c%u %s\n", reg->v[i].c1, reg->v[i].c2,
                              reg->v[i].key);

  cleanup_close int fd = openat (dirfd, TMP_NAME, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return hr_error_setsys (err, errno, "cannot create \"%s/%s\"", reg->state_dir, TMP_NAME);
  r = write_all (fd, buf, len);
  if (r == 0 && fsync (fd) < 0)
    r = -errno;
  if (r == 0 && close (steal_fd (&fd)) < 0)
    r = -errno;
  if (r == 0 && renameat (dirfd, TMP_NAME, dirfd, HR_MCS_REGISTRY) < 0)
    r = -errno;
  if (r < 0)
    {
      unlinkat (dirfd, TMP_NAME, 0);
      return hr_error_setsys (err, -r, "cannot write \"%s/%s\"", reg->state_dir, HR_MCS_REGISTRY);
    }
  return 0;
}

/* Opens STATE_DIR and takes the registry's lock; both stay held by the
 * returned descriptors. */
static int
registry_lock (const char *state_dir, bool create, int *ret_dirfd, int *ret_lockfd, struct hr_error *err)
{
  cleanup_close int dirfd = open (state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0 && errno == ENOENT && create)
    {
      if (mkdir (state_dir, 0700) < 0 && errno != EEXIST)
        return hr_error_setsys (err, errno, "cannot create state directory \"%s\"", state_dir);
      dirfd = open (state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  if (dirfd < 0)
    return hr_error_setsys (err, errno, "cannot open state directory \"%s\"", state_dir);

  cleanup_close int lockfd = openat (dirfd, LOCK_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lockfd < 0)
    return hr_error_setsys (err, errno, "cannot open \"%s/%s\"", state_dir, LOCK_NAME);
  while (flock (lockfd, LOCK_EX) < 0)
    if (errno != EINTR)
      return hr_error_setsys (err, errno, "cannot lock \"%s/%s\"", state_dir, LOCK_NAME);
  *ret_dirfd = steal_fd (&dirfd);
  *ret_lockfd = steal_fd (&lockfd);
  return 0;
}

static int
random_u32 (uint32_t *ret, struct hr_error *err)
{
  for (;;)
    {
      ssize_t n = getrandom (ret, sizeof *ret, 0);
      if (n == (ssize_t) sizeof *ret)
        return 0;
      if (n < 0 && errno != EINTR)
        return hr_error_setsys (err, errno, "cannot choose an SELinux MCS pair: getrandom");
    }
}

/* A uniformly random pair that no pod holds. */
static int
pick_pair (const struct registry *reg, unsigned *ret_c1, unsigned *ret_c2, struct hr_error *err)
{
  uint32_t rnd;
  int r;

  /* At most HR_MCS_MAX_ENTRIES of the 523776 pairs are taken: a random draw
   * is free at least seven times in eight. */
  for (int attempt = 0; attempt < 64; attempt++)
    {
      if ((r = random_u32 (&rnd, err)) < 0)
        return r;
      unsigned a = rnd % HR_MCS_CATEGORIES, b = (rnd / HR_MCS_CATEGORIES) % HR_MCS_CATEGORIES;
      if (a == b)
        continue;
      unsigned c1 = a < b ? a : b, c2 = a < b ? b : a;
      if (!pair_used (reg, c1, c2))
        {
          *ret_c1 = c1;
          *ret_c2 = c2;
          return 0;
        }
    }
  /* Unlucky: walk from a random place. */
  if ((r = random_u32 (&rnd, err)) < 0)
    return r;
  size_t total = PAIR_INDEX (HR_MCS_CATEGORIES, 0);
  for (size_t k = 0; k < total; k++)
    {
      size_t i = (rnd + k) % total;
      unsigned c1 = (unsigned) (i / HR_MCS_CATEGORIES), c2 = (unsigned) (i % HR_MCS_CATEGORIES);
      if (c1 < c2 && !pair_used (reg, c1, c2))
        {
          *ret_c1 = c1;
          *ret_c2 = c2;
          return 0;
        }
    }
  return hr_error_set (err, ENOSPC, "no free SELinux MCS pair");
}

int
hr_mcs_reserve (const char *state_dir, const char *pod_key, unsigned *ret_c1, unsigned *ret_c2,
                struct hr_error *err)
{
  cleanup_close int dirfd = -1;
  cleanup_close int lockfd = -1;
  cleanup_registry struct registry reg = { .state_dir = state_dir };
  unsigned c1 = 0, c2 = 0;
  int r;

  if ((r = check_key (pod_key, err)) < 0)
    return r;
  if ((r = registry_lock (state_dir, true, &dirfd, &lockfd, err)) < 0)
    return r;
  if ((r = registry_load (dirfd, &reg, err)) < 0)
    return r;

  long i = find_key (&reg, pod_key);
  if (i >= 0)
    {
      *ret_c1 = reg.v[i].c1;
      *ret_c2 = reg.v[i].c2;
      return 0;
    }
  if (reg.n >= HR_MCS_MAX_ENTRIES)
    return hr_error_set (err, ENOSPC, "\"%s/%s\": all %d SELinux MCS reservations are taken", state_dir,
                         HR_MCS_REGISTRY, HR_MCS_MAX_ENTRIES);
  if ((r = pick_pair (&reg, &c1, &c2, err)) < 0)
    return r;
  if ((r = add_entry (&reg, c1, c2, pod_key, strlen (pod_key), err)) < 0)
    return r;
  if ((r = registry_store (dirfd, &reg, err)) < 0)
    return r;
  *ret_c1 = c1;
  *ret_c2 = c2;
  return 0;
}

int
hr_mcs_release (const char *state_dir, const char *pod_key, struct hr_error *err)
{
  cleanup_close int dirfd = -1;
  cleanup_close int lockfd = -1;
  cleanup_registry struct registry reg = { .state_dir = state_dir };
  int r;

  if ((r = check_key (pod_key, err)) < 0)
    return r;
  if ((r = registry_lock (state_dir, false, &dirfd, &lockfd, err)) < 0)
    {
      if (r != -ENOENT)
        return r;
      hr_error_clear (err);     /* no state directory: nothing is reserved */
      return 0;
    }
  if ((r = registry_load (dirfd, &reg, err)) < 0)
    return r;

  long i = find_key (&reg, pod_key);
  if (i < 0 || reg.v == NULL)
    return 0;
  pair_mark (&reg, reg.v[i].c1, reg.v[i].c2, false);
  free (reg.v[i].key);
  memmove (&reg.v[i], &reg.v[i + 1], (reg.n - (size_t) i - 1) * sizeof reg.v[0]);
  reg.n--;
  return registry_store (dirfd, &reg, err);
}
