/* The JSON document model (shim/json.c) and the spec loader (shim/spec.c).
 *
 * Round trips over the real configs in tests/data/configs, exact numbers,
 * unknown keys, every limit at and over its bound, duplicate keys under Go's
 * field matching, malformed input, the access and mutation API, the type
 * checks of hr_spec_validate and the file checks of hr_bundle_load and
 * hr_process_file_load. Error messages are asserted in full: they are what
 * a user of docker, podman or containerd reads. */
#include "config.h"
#include "cleanup.h"
#include "json.h"
#include "spec.h"
#include "tap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* A growing byte buffer for building large documents. */
struct buf
{
  char *s;
  size_t len, cap;
};

static void
buf_add (struct buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      size_t cap = b->cap ? b->cap : 256;
      while (b->len + n + 1 > cap)
        cap *= 2;
      char *p = realloc (b->s, cap);
      if (p == NULL)
        {
          printf ("Bail out! out of memory\n");
          exit (1);
        }
      b->s = p;
      b->cap = cap;
    }
  memcpy (b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void
buf_str (struct buf *b, const char *s)
{
  buf_add (b, s, strlen (s));
}

static void __attribute__ ((format (printf, 2, 3)))
buf_fmt (struct buf *b, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (tmp, sizeof tmp, fmt, ap);
  va_end (ap);
  buf_add (b, tmp, (size_t) n);
}

/* Appends N copies of S. */
static void
buf_rep (struct buf *b, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    buf_str (b, s);
}

/* Appends N bytes C. */
static void
buf_fill (struct buf *b, char c, size_t n)
{
  cleanup_free char *tmp = malloc (n);
  memset (tmp, c, n);
  buf_add (b, tmp, n);
}

static void
buf_free (struct buf *b)
{
  free (b->s);
  memset (b, 0, sizeof *b);
}

/* The message hr_json_parse gives for BUF[0..LEN), or "ok". The result
 * lives until the next call. */
static const char *
parse_error_n (const char *buf, size_t len)
{
  static struct hr_error err;
  cleanup_json struct hr_json *doc = NULL;
  hr_error_clear (&err);
  if (hr_json_parse (buf, len, "config.json", &doc, &err) == 0)
    return "ok";
  return err.msg;
}

static const char *
parse_error (const char *s)
{
  return parse_error_n (s, strlen (s));
}

/* Parses S, which must be valid; NULL (and a failed test point) if not. */
static struct hr_json *
parse_ok (const char *s)
{
  struct hr_error err = { 0 };
  struct hr_json *doc = NULL;
  if (hr_json_parse (s, strlen (s), "config.json", &doc, &err) < 0)
    {
      ok (false, "parse %.60s", s);
      diag ("  %s", err.msg);
      return NULL;
    }
  return doc;
}

/* Serializes V; owned result ("" on failure, with a failed test point). */
static char *
serialize (const struct hr_json *v, bool pretty)
{
  struct hr_error err = { 0 };
  char *out = NULL;
  size_t len = 0;
  if (hr_json_serialize (v, pretty, &out, &len, &err) < 0)
    {
      ok (false, "serialize: %s", err.msg);
      return strdup ("");
    }
  if (strlen (out) != len)
    ok (false, "serialize: length %zu but strlen %zu", len, strlen (out));
  return out;
}

/* Parses S and serializes it compactly; owned result, "" on failure. */
static char *
reserialize (const char *s)
{
  cleanup_json struct hr_json *doc = parse_ok (s);
  if (doc == NULL)
    return strdup ("");
  return serialize (doc, false);
}

static unsigned
hex4 (const char *s)
{
  unsigned v = 0;
  for (int i = 0; i < 4; i++)
    {
      char c = s[i];
      v = v * 16 + (unsigned) (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
  return v;
}

static size_t
utf8_put (char *out, unsigned cp)
{
  if (cp < 0x80)
    {
      out[0] = (char) cp;
      return 1;
    }
  if (cp < 0x800)
    {
      out[0] = (char) (0xc0 | (cp >> 6));
      out[1] = (char) (0x80 | (cp & 0x3f));
      return 2;
    }
  if (cp < 0x10000)
    {
      out[0] = (char) (0xe0 | (cp >> 12));
      out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
      out[2] = (char) (0x80 | (cp & 0x3f));
      return 3;
    }
  out[0] = (char) (0xf0 | (cp >> 18));
  out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char) (0x80 | (cp & 0x3f));
  return 4;
}

/* The compact text hr_json_serialize must give for the valid JSON text IN:
 * whitespace between tokens dropped; "\/" and \uXXXX escapes (Go writes
 * \u0026 for "&") replaced by the UTF-8 they stand for, as yajl writes
 * them raw; escapes of control characters, '"' and '\' kept. */
static char *
minify (const char *in, size_t len)
{
  char *out = malloc (len + 1);
  size_t o = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++)
    {
      char c = in[i];
      if (!in_string)
        {
          if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
          if (c == '"')
            in_string = true;
          out[o++] = c;
          continue;
        }
      if (c == '"')
        in_string = false;
      if (c != '\\')
        {
          out[o++] = c;
          continue;
        }
      char e = in[i + 1];
      if (e == '/')
        {
          out[o++] = '/';
          i++;
          continue;
        }
      if (e != 'u')
        {
          out[o++] = '\\';
          out[o++] = e;
          i++;
          continue;
        }
      unsigned cp = hex4 (in + i + 2);
      size_t used = 6;
      if (cp >= 0xd800 && cp < 0xdc00)
        {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4 (in + i + 8) - 0xdc00);
          used = 12;
        }
      if (cp < 0x20 || cp == '"' || cp == '\\')
        {
          memcpy (out + o, in + i, used);
          o += used;
        }
      else
        o += utf8_put (out + o, cp);
      i += used - 1;
    }
  out[o] = '\0';
  return out;
}

static char *
read_file (const char *path, size_t *ret_len)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return NULL;
  struct buf b = { 0 };
  char tmp[8192];
  size_t n;
  while ((n = fread (tmp, 1, sizeof tmp, f)) > 0)
    buf_add (&b, tmp, n);
  fclose (f);
  if (b.s == NULL)
    buf_add (&b, "", 0);
  *ret_len = b.len;
  return b.s;
}

static int
write_file (const char *path, const char *data, size_t len)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return -1;
  ssize_t n = write (fd, data, len);
  close (fd);
  return n == (ssize_t) len ? 0 : -1;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* ------------------------------------------------------------------ */
/* Round trips over the corpus of real configs                         */

static const char *const corpus_expected[] = {
  "runc-spec.json", "runc-spec-rootless.json", "crun-spec.json", "docker.json",
  "podman.json", "containerd-ctr.json", "containerd-cri.json",
};

static void
test_corpus_file (const char *dir, const char *name)
{
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  size_t len = 0;
  cleanup_free char *text = read_file (path, &len);
  if (text == NULL)
    {
      ok (false, "%s: readable", name);
      return;
    }
  ok (len < 64 * 1024, "%s: smaller than 64 KiB (%zu bytes)", name, len);

  struct hr_error err = { 0 };
  cleanup_json struct hr_json *doc = NULL;
  int r = hr_json_parse (text, len, name, &doc, &err);
  ok (r == 0, "%s: parses", name);
  if (r < 0)
    {
      diag ("  %s", err.msg);
      return;
    }
  r = hr_spec_validate (doc, name, &err);
  ok (r == 0, "%s: passes hr_spec_validate", name);
  if (r < 0)
    diag ("  %s", err.msg);

  /* Compact and pretty output both parse back to an equal tree. */
  cleanup_free char *compact = serialize (doc, false);
  cleanup_free char *pretty = serialize (doc, true);
  cleanup_json struct hr_json *from_compact = parse_ok (compact);
  cleanup_json struct hr_json *from_pretty = parse_ok (pretty);
  ok (hr_json_equal (doc, from_compact), "%s: compact output parses back equal", name);
  ok (hr_json_equal (doc, from_pretty), "%s: pretty output parses back equal", name);

  /* The compact output is the input minus whitespace, byte for byte: same
   * key order, same number text, same string bytes. */
  cleanup_free char *min = minify (text, len);
  ok (strcmp (compact, min) == 0, "%s: compact output equals the input without whitespace", name);
  if (strcmp (compact, min) != 0)
    {
      size_t i = 0;
      while (compact[i] && compact[i] == min[i])
        i++;
      diag ("  first difference at byte %zu: \"%.40s\" vs \"%.40s\"", i, compact + i, min + i);
    }
  cleanup_free char *again = reserialize (min);
  ok (strcmp (again, min) == 0, "%s: compact input serializes byte-identically", name);

  cleanup_json struct hr_json *copy = hr_json_copy (doc);
  ok (hr_json_equal (doc, copy), "%s: hr_json_copy is equal", name);
}

static void
test_corpus (void)
{
  const char *top = getenv ("HARDRUN_SRCDIR");
  char dir[PATH_MAX];
  snprintf (dir, sizeof dir, "%s/tests/data/configs", top && *top ? top : ".");

  DIR *d = opendir (dir);
  ok (d != NULL, "corpus directory %s exists", dir);
  if (d == NULL)
    return;
  char *names[256];
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir (d)) != NULL && n < HR_ARRAY_SIZE (names))
    {
      size_t l = strlen (de->d_name);
      if (l > 5 && strcmp (de->d_name + l - 5, ".json") == 0)
        names[n++] = strdup (de->d_name);
    }
  closedir (d);
  qsort (names, n, sizeof *names, cmp_str);

  for (size_t i = 0; i < HR_ARRAY_SIZE (corpus_expected); i++)
    {
      bool found = false;
      for (size_t j = 0; j < n; j++)
        found = found || strcmp (names[j], corpus_expected[i]) == 0;
      ok (found, "corpus has %s", corpus_expected[i]);
    }
  for (size_t i = 0; i < n; i++)
    {
      test_corpus_file (dir, names[i]);
      free (names[i]);
    }
  diag ("round-tripped %zu corpus configs", n);
}

/* ------------------------------------------------------------------ */
/* Numbers keep their text                                             */

static void
test_numbers (void)
{
  static const char *const texts[] = {
    "18446744073709551615", "18446744073709551616", "-9223372036854775808",
    "-9223372036854775809", "1e400", "-1E-400", "0.1", "0.10", "1.5e+3", "-0", "0",
    "123456789012345678901234567890", "4294967296", "2.2250738585072011e-308",
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (texts); i++)
    {
      char in[128];
      snprintf (in, sizeof in, "{\"v\":%s,\"a\":[%s]}", texts[i], texts[i]);
      cleanup_free char *out = reserialize (in);
      check_str (out, in);
    }

  /* A seccomp rule's uint64 argument, the reason numbers are kept as text. */
  const char *seccomp = "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":"
                        "[{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
                        "\"value\":18446744073709551615,\"valueTwo\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}}}";
  cleanup_free char *out = reserialize (seccomp);
  check_str (out, seccomp);
  cleanup_json struct hr_json *doc = parse_ok (seccomp);
  const struct hr_json *syscalls = hr_json_get_path (doc, "linux.seccomp.syscalls");
  const struct hr_json *arg = hr_json_at (hr_json_get (hr_json_at (syscalls, 0), "args"), 0);
  uint64_t u = 0;
  ok (hr_json_u64_value (hr_json_get (arg, "value"), &u) && u == UINT64_MAX,
      "uint64 argument reads as 18446744073709551615");
  check_str (hr_json_get (arg, "value")->u.str.s, "18446744073709551615");

  /* Constructors write exact text too. */
  cleanup_json struct hr_json *big = hr_json_new_u64 (UINT64_MAX);
  cleanup_json struct hr_json *small = hr_json_new_i64 (INT64_MIN);
  check_str (big->u.str.s, "18446744073709551615");
  check_str (small->u.str.s, "-9223372036854775808");
  int64_t i64 = 0;
  ok (hr_json_int_value (small, INT64_MIN, INT64_MAX, &i64) && i64 == INT64_MIN, "INT64_MIN reads back");
}

/* hr_json_int_value / hr_json_u64_value over the edges of their ranges. */
static void
test_int_value (void)
{
  static const struct
  {
    const char *text;
    int64_t min, max;
    bool ok;
    int64_t value;
  } cases[] = {
    { "0", 0, UINT32_MAX, true, 0 },
    { "4294967295", 0, UINT32_MAX, true, 4294967295LL },
    { "4294967296", 0, UINT32_MAX, false, 0 },
    { "-1", 0, UINT32_MAX, false, 0 },
    { "-0", 0, UINT32_MAX, true, 0 },
    { "9223372036854775807", INT64_MIN, INT64_MAX, true, INT64_MAX },
    { "9223372036854775808", INT64_MIN, INT64_MAX, false, 0 },
    { "-9223372036854775808", INT64_MIN, INT64_MAX, true, INT64_MIN },
    { "-9223372036854775809", INT64_MIN, INT64_MAX, false, 0 },
    { "18446744073709551615", INT64_MIN, INT64_MAX, false, 0 },
    { "18446744073709551616", INT64_MIN, INT64_MAX, false, 0 },
    { "-1000", -1000, 1000, true, -1000 },
    { "-1001", -1000, 1000, false, 0 },
    { "1001", -1000, 1000, false, 0 },
    { "1.0", INT64_MIN, INT64_MAX, false, 0 },
    { "1e3", INT64_MIN, INT64_MAX, false, 0 },
    { "1E3", INT64_MIN, INT64_MAX, false, 0 },
    { "0.5", INT64_MIN, INT64_MAX, false, 0 },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    {
      char in[64];
      snprintf (in, sizeof in, "[%s]", cases[i].text);
      cleanup_json struct hr_json *doc = parse_ok (in);
      int64_t v = 12345;
      bool got = hr_json_int_value (hr_json_at (doc, 0), cases[i].min, cases[i].max, &v);
      ok (got == cases[i].ok && (!got || v == cases[i].value), "int_value %s in [%" PRId64 ", %" PRId64 "] -> %s",
          cases[i].text, cases[i].min, cases[i].max, cases[i].ok ? "ok" : "refused");
      if (!got)
        ok (v == 12345, "int_value %s leaves the result untouched when refused", cases[i].text);
    }

  static const struct
  {
    const char *text;
    bool ok;
    uint64_t value;
  } ucases[] = {
    { "0", true, 0 },
    { "-0", true, 0 },
    { "18446744073709551615", true, UINT64_MAX },
    { "18446744073709551616", false, 0 },
    { "-1", false, 0 },
    { "1e2", false, 0 },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (ucases); i++)
    {
      char in[64];
      snprintf (in, sizeof in, "[%s]", ucases[i].text);
      cleanup_json struct hr_json *doc = parse_ok (in);
      uint64_t v = 0;
      bool got = hr_json_u64_value (hr_json_at (doc, 0), &v);
      ok (got == ucases[i].ok && (!got || v == ucases[i].value), "u64_value %s -> %s", ucases[i].text,
          ucases[i].ok ? "ok" : "refused");
    }

  /* Not a number at all. */
  cleanup_json struct hr_json *doc = parse_ok ("[\"1\",true,null]");
  int64_t v;
  uint64_t u;
  for (size_t i = 0; i < 3; i++)
    ok (!hr_json_int_value (hr_json_at (doc, i), INT64_MIN, INT64_MAX, &v)
            && !hr_json_u64_value (hr_json_at (doc, i), &u),
        "element %zu of [\"1\",true,null] is not an integer", i);
  ok (!hr_json_int_value (NULL, 0, 1, &v), "int_value (NULL) is refused");
}

/* ------------------------------------------------------------------ */
/* Unknown keys are kept, in order, at every level                     */

static void
test_unknown_keys (void)
{
  const char *in =
    "{\"zz.unknown\":{\"b\":1,\"a\":[true,null,{\"y\":\"\",\"x\":{}}]},"
    "\"ociVersion\":\"1.0.2\","
    "\"process\":{\"futureField\":[],\"user\":{\"uid\":0,\"gid\":0,\"extra\":\"u\"},\"args\":[\"sh\"],"
    "\"cwd\":\"/\",\"capabilities\":{\"bounding\":[],\"next\":{\"k\":1}}},"
    "\"root\":{\"path\":\"rootfs\",\"idmap\":{\"z\":0,\"a\":1}},"
    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\",\"uidMappings\":[{\"m\":1}]}],"
    "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"X\"],"
    "\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"new\":{}}]},"
    "\"intelRdt\":{\"closID\":\"x\"},\"personality\":{\"domain\":\"LINUX\"}},"
    "\"vm\":{\"hypervisor\":{\"path\":\"/x\"}},"
    "\"a\":0}";
  cleanup_free char *out = reserialize (in);
  check_str (out, in);

  cleanup_json struct hr_json *doc = parse_ok (in);
  struct hr_error err = { 0 };
  ok (hr_spec_validate (doc, "config.json", &err) == 0, "a spec with unknown keys at every level validates");
  if (doc)
    {
      check_str (doc->u.obj.keys[0], "zz.unknown");
      check_str (doc->u.obj.keys[doc->u.obj.len - 1], "a");
    }
  check_int (hr_json_member_index (doc, "zz.unknown"), ==, 0);
  check_int (hr_json_member_index (doc, "A"), ==, (long) hr_json_len (doc) - 1);
  const struct hr_json *user = hr_json_get_path (doc, "process.user");
  check_int (hr_json_len (user), ==, 3);
  check_str (hr_json_string (hr_json_get (user, "extra")), "u");
}

/* ------------------------------------------------------------------ */
/* Limits, at and over                                                 */

static void
test_limit_depth (void)
{
  /* Arrays: 64 levels parse, 65 do not. */
  for (int n = HR_JSON_MAX_DEPTH; n <= HR_JSON_MAX_DEPTH + 1; n++)
    {
      struct buf b = { 0 };
      buf_rep (&b, "[", (size_t) n);
      buf_rep (&b, "]", (size_t) n);
      if (n <= HR_JSON_MAX_DEPTH)
        check_str (parse_error (b.s), "ok");
      else
        {
          struct buf want = { 0 };
          buf_str (&want, "config.json: \"");
          buf_rep (&want, "[0]", HR_JSON_MAX_DEPTH);
          buf_str (&want, "\": nested deeper than 64 levels");
          check_str (parse_error (b.s), want.s);
          buf_free (&want);
        }
      buf_free (&b);
    }

  /* Objects: the path names every key on the way down. */
  for (int n = HR_JSON_MAX_DEPTH; n <= HR_JSON_MAX_DEPTH + 1; n++)
    {
      struct buf b = { 0 };
      buf_rep (&b, "{\"a\":", (size_t) n - 1);
      buf_str (&b, "{}");
      buf_rep (&b, "}", (size_t) n - 1);
      if (n <= HR_JSON_MAX_DEPTH)
        check_str (parse_error (b.s), "ok");
      else
        {
          struct buf want = { 0 };
          buf_str (&want, "config.json: \"a");
          buf_rep (&want, ".a", HR_JSON_MAX_DEPTH - 1);
          buf_str (&want, "\": nested deeper than 64 levels");
          check_str (parse_error (b.s), want.s);
          buf_free (&want);
        }
      buf_free (&b);
    }

  /* Mixed, where the path shows array indexes inside keys. */
  struct buf b = { 0 };
  buf_str (&b, "{\"mounts\":[0,");
  buf_rep (&b, "[", HR_JSON_MAX_DEPTH - 1);
  buf_rep (&b, "]", HR_JSON_MAX_DEPTH - 1);
  buf_str (&b, "]}");
  struct buf want = { 0 };
  buf_str (&want, "config.json: \"mounts[1]");
  buf_rep (&want, "[0]", HR_JSON_MAX_DEPTH - 2);
  buf_str (&want, "\": nested deeper than 64 levels");
  check_str (parse_error (b.s), want.s);
  buf_free (&want);
  buf_free (&b);
}

static void
test_limit_members (void)
{
  /* Array elements. */
  for (size_t n = HR_JSON_MAX_MEMBERS; n <= HR_JSON_MAX_MEMBERS + 1; n++)
    {
      struct buf b = { 0 };
      buf_str (&b, "{\"env\":[0");
      buf_rep (&b, ",0", n - 1);
      buf_str (&b, "]}");
      check_str (parse_error (b.s), n <= HR_JSON_MAX_MEMBERS ? "ok"
                                    : "config.json: \"env[65536]\": array has more than 65536 elements");
      buf_free (&b);
    }

  /* Object members, nested and at the top level. */
  for (size_t n = HR_JSON_MAX_MEMBERS; n <= HR_JSON_MAX_MEMBERS + 1; n++)
    {
      struct buf b = { 0 };
      buf_str (&b, "{\"annotations\":{");
      for (size_t i = 0; i < n; i++)
        buf_fmt (&b, "%s\"k%zu\":\"\"", i ? "," : "", i);
      buf_str (&b, "}}");
      check_str (parse_error (b.s), n <= HR_JSON_MAX_MEMBERS ? "ok"
                                    : "config.json: \"annotations\": object has more than 65536 members");
      buf_free (&b);
    }
  struct buf b = { 0 };
  buf_str (&b, "{");
  for (size_t i = 0; i <= HR_JSON_MAX_MEMBERS; i++)
    buf_fmt (&b, "%s\"k%zu\":0", i ? "," : "", i);
  buf_str (&b, "}");
  check_str (parse_error (b.s), "config.json: line 1: object has more than 65536 members");
  buf_free (&b);
}

static void
test_limit_string (void)
{
  for (size_t n = HR_JSON_MAX_STRING; n <= HR_JSON_MAX_STRING + 1; n++)
    {
      struct buf b = { 0 };
      buf_str (&b, "{\"hostname\":\"");
      buf_fill (&b, 'x', n);
      buf_str (&b, "\"}");
      check_str (parse_error (b.s), n <= HR_JSON_MAX_STRING ? "ok"
                                    : "config.json: \"hostname\": string longer than 1048576 bytes");
      buf_free (&b);

      /* The same for a key. */
      buf_str (&b, "{\"annotations\":{\"");
      buf_fill (&b, 'k', n);
      buf_str (&b, "\":\"v\"}}");
      check_str (parse_error (b.s), n <= HR_JSON_MAX_STRING ? "ok"
                                    : "config.json: \"annotations\": key longer than 1048576 bytes");
      buf_free (&b);
    }
}

/* A document of exactly LEN bytes: {"a":["xxx",...]}, five strings. */
static void
doc_of_size (struct buf *b, size_t len)
{
  const size_t nstr = 5, overhead = 8 + nstr * 2 + (nstr - 1);
  size_t total = len - overhead, each = total / nstr;
  buf_str (b, "{\"a\":[");
  for (size_t i = 0; i < nstr; i++)
    {
      buf_str (b, i ? ",\"" : "\"");
      buf_fill (b, 'x', i + 1 < nstr ? each : total - each * (nstr - 1));
      buf_str (b, "\"");
    }
  buf_str (b, "]}");
}

static void
test_limit_file (void)
{
  struct buf b = { 0 };
  doc_of_size (&b, HR_JSON_MAX_BYTES);
  check_int (b.len, ==, HR_JSON_MAX_BYTES);
  check_str (parse_error_n (b.s, b.len), "ok");
  buf_free (&b);

  doc_of_size (&b, HR_JSON_MAX_BYTES + 1);
  check_int (b.len, ==, HR_JSON_MAX_BYTES + 1);
  struct hr_error err = { 0 };
  struct hr_json *doc = NULL;
  int r = hr_json_parse (b.s, b.len, "config.json", &doc, &err);
  check_int (r, ==, -EFBIG);
  check_str (err.msg, "config.json: larger than 4194304 bytes");
  ok (doc == NULL, "no document on error");
  buf_free (&b);
}

/* {"n":[[0,...],[0,...],...]} with VALUES values in all. */
static void
doc_of_values (struct buf *b, size_t values, size_t *ret_outer, size_t *ret_inner)
{
  /* The root, the outer array, 16 inner arrays; the rest are numbers. */
  const size_t inner = 16;
  size_t numbers = values - 2 - inner;
  size_t per = (numbers + inner - 1) / inner;
  buf_str (b, "{\"n\":[");
  size_t left = numbers;
  for (size_t i = 0; i < inner; i++)
    {
      size_t k = left < per ? left : per;
      buf_str (b, i ? ",[" : "[");
      if (k)
        {
          buf_str (b, "0");
          buf_rep (b, ",0", k - 1);
        }
      buf_str (b, "]");
      if (k && left - k == 0)
        {
          *ret_outer = i;
          *ret_inner = k - 1;
        }
      left -= k;
    }
  buf_str (b, "]}");
}

static void
test_limit_nodes (void)
{
  size_t outer = 0, inner = 0;
  struct buf b = { 0 };
  doc_of_values (&b, HR_JSON_MAX_NODES, &outer, &inner);
  check_str (parse_error_n (b.s, b.len), "ok");
  buf_free (&b);

  doc_of_values (&b, HR_JSON_MAX_NODES + 1, &outer, &inner);
  char want[256];
  snprintf (want, sizeof want, "config.json: \"n[%zu][%zu]\": more than 1000000 values", outer, inner);
  check_str (parse_error_n (b.s, b.len), want);
  buf_free (&b);
}

/* ------------------------------------------------------------------ */
/* Duplicate keys under Go's field matching                            */

struct error_case
{
  const char *what;
  const char *doc;              /* NUL-terminated unless LEN is set */
  size_t len;
  const char *error;            /* the full message, or "ok" */
};

static void
run_error_cases (const struct error_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      const char *got = parse_error_n (cases[i].doc, cases[i].len ? cases[i].len : strlen (cases[i].doc));
      bool same = strcmp (got, cases[i].error) == 0;
      ok (same, "%s", cases[i].what);
      if (!same)
        diag ("  got:  %s\n#   want: %s", got, cases[i].error);
    }
}

static void
test_duplicates (void)
{
  static const struct error_case cases[] = {
    { "top level: \"process\" and \"Process\"", "{\"process\":{},\"Process\":{}}", 0,
      "config.json: line 1: key \"Process\" duplicates \"process\"" },
    { "top level, pretty: the line of the later key", "{\n  \"process\": {},\n  \"hostname\": \"h\",\n  \"PROCESS\": {}\n}\n", 0,
      "config.json: line 4: key \"PROCESS\" duplicates \"process\"" },
    { "top level: the same key twice", "{\"hostname\":\"a\",\"hostname\":\"b\"}", 0,
      "config.json: line 1: key \"hostname\" duplicates \"hostname\"" },
    { "process: \"user\" and \"User\"", "{\"process\":{\"user\":{},\"User\":{}}}", 0,
      "config.json: \"process\": key \"User\" duplicates \"user\"" },
    { "process.user: \"uid\" and \"UID\"", "{\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0,\"UID\":0}}}", 0,
      "config.json: \"process.user\": key \"UID\" duplicates \"uid\"" },
    { "process.user, pretty", "{\n \"process\": {\n  \"user\": {\n   \"uid\": 1000,\n   \"Uid\": 0\n  }\n }\n}", 0,
      "config.json: \"process.user\": key \"Uid\" duplicates \"uid\"" },
    { "annotations", "{\"annotations\":{\"io.x\":\"1\",\"IO.X\":\"2\"}}", 0,
      "config.json: \"annotations\": key \"IO.X\" duplicates \"io.x\"" },
    { "an object in an array: mounts[1]",
      "{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\",\"Destination\":\"/c\"}]}", 0,
      "config.json: \"mounts[1]\": key \"Destination\" duplicates \"destination\"" },
    { "deep in arrays: linux.seccomp.syscalls[0].args[1]",
      "{\"linux\":{\"seccomp\":{\"syscalls\":[{\"names\":[],\"args\":[{\"index\":0},{\"value\":1,\"VALUE\":2}]}]}}}", 0,
      "config.json: \"linux.seccomp.syscalls[0].args[1]\": key \"VALUE\" duplicates \"value\"" },
    { "arrays of arrays", "[1,[2,{\"x\":1,\"X\":1}]]", 0, "config.json: \"[1][1]\": key \"X\" duplicates \"x\"" },
    { "KELVIN SIGN as an escape: \"\\u212Aind\" vs \"kind\"", "{\"linux\":{\"kind\":1,\"\\u212Aind\":2}}", 0,
      "config.json: \"linux\": key \"\xe2\x84\xaaind\" duplicates \"kind\"" },
    { "KELVIN SIGN as raw UTF-8: \"\xe2\x84\xaaind\" vs \"KIND\"", "{\"linux\":{\"\xe2\x84\xaaind\":1,\"KIND\":2}}", 0,
      "config.json: \"linux\": key \"KIND\" duplicates \"\xe2\x84\xaaind\"" },
    { "LONG S as raw UTF-8 at the top level: \"proce\xc5\xbfs\" vs \"process\"",
      "{\"process\":{},\"proce\xc5\xbfs\":{}}", 0,
      "config.json: line 1: key \"proce\xc5\xbfs\" duplicates \"process\"" },
    { "LONG S as an escape: \"proce\\u017Fs\" first", "{\"proce\\u017Fs\":{},\"Process\":{}}", 0,
      "config.json: line 1: key \"Process\" duplicates \"proce\xc5\xbfs\"" },
    { "LONG S in process.user: \"u\\u017Fername\" vs \"username\"",
      "{\"process\":{\"user\":{\"username\":\"a\",\"u\\u017Fername\":\"b\"}}}", 0,
      "config.json: \"process.user\": key \"u\xc5\xbf" "ername\" duplicates \"username\"" },
    { "both special letters: \"\\u212Aey\\u017F\" vs \"keys\"", "{\"a\":[{\"keys\":1,\"\\u212Aey\\u017F\":2}]}", 0,
      "config.json: \"a[0]\": key \"\xe2\x84\xaa" "ey\xc5\xbf\" duplicates \"keys\"" },
    /* Not duplicates: Go folds only ASCII letters, KELVIN SIGN and LONG S. */
    { "\"i\" and DOTLESS I are distinct", "{\"i\":1,\"\\u0131\":2}", 0, "ok" },
    { "\"k\" and ANGSTROM SIGN are distinct", "{\"k\":1,\"\\u212B\":2}", 0, "ok" },
    { "\"kind\" and \"kinds\" are distinct", "{\"kind\":1,\"kinds\":2}", 0, "ok" },
    { "\"a\" and \"\xc3\xa1\" are distinct", "{\"a\":1,\"\xc3\xa1\":2}", 0, "ok" },
    { "the same key in sibling objects", "{\"a\":{\"x\":1},\"b\":{\"x\":1},\"c\":[{\"x\":1},{\"X\":1}]}", 0, "ok" },
  };
  run_error_cases (cases, HR_ARRAY_SIZE (cases));

  /* An object of 16 or more members is checked by sorting: the later of
   * the two is still the one named. */
  struct buf b = { 0 };
  buf_str (&b, "{\"linux\":{\"sysctl\":{");
  for (int i = 0; i < 40; i++)
    buf_fmt (&b, "%s\"%s%d\":\"1\"", i ? "," : "", i == 31 ? "NET.K" : "net.k", i == 31 ? 3 : i);
  buf_str (&b, "}}}");
  check_str (parse_error (b.s), "config.json: \"linux.sysctl\": key \"NET.K3\" duplicates \"net.k3\"");
  buf_free (&b);

  /* Many members and no duplicate. */
  buf_str (&b, "{");
  for (int i = 0; i < 1000; i++)
    buf_fmt (&b, "%s\"key%d\":%d", i ? "," : "", i, i);
  buf_str (&b, "}");
  check_str (parse_error (b.s), "ok");
  buf_free (&b);

  static const struct
  {
    const char *a, *b;
    bool equal;
  } keys[] = {
    { "process", "Process", true },
    { "process", "PROCESS", true },
    { "kind", "\xe2\x84\xaaind", true },
    { "KIND", "\xe2\x84\xaaind", true },
    { "process", "proce\xc5\xbfs", true },
    { "PROCESS", "proce\xc5\xbfs", true },
    { "\xe2\x84\xaa", "\xc5\xbf", false },
    { "process", "processes", false },
    { "", "", true },
    { "a", "", false },
    { "\xc3\xa1", "\xc3\x81", false },
    { "uid", "ui", false },
    { "\xe2\x84", "k", false },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (keys); i++)
    ok (hr_json_key_equal (keys[i].a, keys[i].b) == keys[i].equal
            && hr_json_key_equal (keys[i].b, keys[i].a) == keys[i].equal,
        "key_equal (\"%s\", \"%s\") is %s", keys[i].a, keys[i].b, keys[i].equal ? "true" : "false");
}

/* ------------------------------------------------------------------ */
/* Malformed input                                                     */

static void
test_bad_input (void)
{
  static const char nul_end[] = "{}\0";
  static const char nul_in_string[] = "{\"a\":\"x\0y\"}";
  static const struct error_case cases[] = {
    /* UTF-8 that Go would not read as it is. */
    { "overlong C0 80 in a value", "{\"hostname\":\"\xc0\x80\"}", 0,
      "config.json: \"hostname\": string is not valid UTF-8" },
    { "overlong E0 80 AF in a value", "{\"hostname\":\"\xe0\x80\xaf\"}", 0,
      "config.json: \"hostname\": string is not valid UTF-8" },
    { "surrogate ED A0 80 in a value", "{\"process\":{\"cwd\":\"/\xed\xa0\x80\"}}", 0,
      "config.json: \"process.cwd\": string is not valid UTF-8" },
    { "F5 80 80 80 (above U+10FFFF)", "{\"hostname\":\"\xf5\x80\x80\x80\"}", 0,
      "config.json: \"hostname\": string is not valid UTF-8" },
    { "F4 90 80 80 (U+110000)", "{\"hostname\":\"\xf4\x90\x80\x80\"}", 0,
      "config.json: \"hostname\": string is not valid UTF-8" },
    { "a lone F5 byte", "{\"hostname\":\"\xf5\"}", 0,
      "config.json: line 1: invalid JSON: lexical error: invalid bytes in UTF8 string." },
    { "a truncated sequence E2 84", "{\"hostname\":\"\xe2\x84\"}", 0,
      "config.json: line 1: invalid JSON: lexical error: invalid bytes in UTF8 string." },
    { "a lone continuation byte", "{\"hostname\":\"\x80\"}", 0,
      "config.json: line 1: invalid JSON: lexical error: invalid bytes in UTF8 string." },
    { "invalid UTF-8 in an array element", "{\"process\":{\"args\":[\"sh\",\"\xed\xa0\x80\"]}}", 0,
      "config.json: \"process.args[1]\": string is not valid UTF-8" },
    { "invalid UTF-8 in a key", "{\"process\":{\"\xc0\x80\":1}}", 0,
      "config.json: \"process\": key is not valid UTF-8" },
    { "invalid UTF-8 in a top-level key", "{\"\xc0\x80\":1}", 0,
      "config.json: line 1: key is not valid UTF-8" },
    /* Escapes yajl would decode silently. */
    { "\\u0000 in a value", "{\"hostname\":\"a\\u0000b\"}", 0,
      "config.json: line 1: string contains a NUL character (\\u0000)" },
    { "\\u0000 in a key, line 3", "{\n\"annotations\": {\n\"a\\u0000\": \"b\"}}", 0,
      "config.json: line 3: string contains a NUL character (\\u0000)" },
    { "a lone high surrogate", "{\"a\":\"\\ud800\"}", 0, "config.json: line 1: string has a lone surrogate escape" },
    { "a lone low surrogate", "{\"a\":\"\\uDFFF\"}", 0, "config.json: line 1: string has a lone surrogate escape" },
    { "a high surrogate and a letter", "{\"a\":\"\\ud800x\"}", 0,
      "config.json: line 1: string has a lone surrogate escape" },
    { "a high surrogate and an escaped letter", "{\"a\":\"\\ud800\\u0041\"}", 0,
      "config.json: line 1: string has a lone surrogate escape" },
    { "two high surrogates", "{\"a\":\"\\ud800\\ud800\"}", 0,
      "config.json: line 1: string has a lone surrogate escape" },
    { "a low surrogate first", "{\"a\":\"\\udc00\\ud800\"}", 0,
      "config.json: line 1: string has a lone surrogate escape" },
    { "a surrogate escape on line 2", "{\n\"a\":\"\\udc00\"}", 0,
      "config.json: line 2: string has a lone surrogate escape" },
    { "an escaped backslash before u0000 is text", "{\"a\":\"\\\\u0000\"}", 0, "ok" },
    { "a surrogate pair is fine", "{\"a\":\"\\ud83d\\ude00\"}", 0, "ok" },
    /* Truncated, empty, trailing garbage, NUL bytes. */
    { "empty", "", 0, "config.json: empty document" },
    { "only blanks", "  \t ", 0, "config.json: line 1: invalid JSON: parse error: premature EOF" },
    { "truncated after a key", "{\"a\":", 0, "config.json: line 1: invalid JSON: parse error: premature EOF" },
    { "truncated inside a string", "{\"a\":\"abc", 0, "config.json: line 1: invalid JSON: parse error: premature EOF" },
    { "truncated inside an array, line 3", "{\n\"a\": [1,\n2", 0,
      "config.json: line 3: invalid JSON: parse error: premature EOF" },
    { "truncated after a number", "{\"a\":1", 0, "config.json: line 1: invalid JSON: parse error: premature EOF" },
    { "trailing garbage", "{} x", 0, "config.json: line 1: invalid JSON: parse error: trailing garbage" },
    { "two documents", "{}{}", 0, "config.json: line 1: invalid JSON: parse error: trailing garbage" },
    { "a stray bracket on line 2", "{\"a\":1}\n]", 0, "config.json: line 2: invalid JSON: parse error: trailing garbage" },
    { "a syntax error on line 4", "{\n\"a\":\n[1,\n2,,]}", 0,
      "config.json: line 4: invalid JSON: parse error: unallowed token at this point in JSON text" },
    { "a NUL byte at the end", nul_end, sizeof nul_end - 1, "config.json: contains a NUL byte" },
    { "a NUL byte in a string", nul_in_string, sizeof nul_in_string - 1, "config.json: contains a NUL byte" },
    { "a comment", "{/* x */}", 0,
      "config.json: line 1: invalid JSON: lexical error: probable comment found in input text, comments are not enabled." },
    { "a trailing comma", "{\"a\":true,}", 0,
      "config.json: line 1: invalid JSON: parse error: invalid object key (must be a string)" },
    { "a leading zero", "[01]", 0,
      "config.json: line 1: invalid JSON: parse error: after array element, I expect ',' or ']'" },
    { "NaN", "{\"a\":NaN}", 0, "config.json: line 1: invalid JSON: lexical error: invalid char in json text." },
    { "a raw tab in a string", "{\"a\":\"x\ty\"}", 0,
      "config.json: line 1: invalid JSON: lexical error: invalid character inside string." },
    { "a byte order mark", "\xef\xbb\xbf{}", 0,
      "config.json: line 1: invalid JSON: lexical error: invalid char in json text." },
    { "a top-level scalar parses", "\"x\"", 0, "ok" },
  };
  run_error_cases (cases, HR_ARRAY_SIZE (cases));

  /* The surrogate pair arrives as UTF-8. */
  cleanup_json struct hr_json *doc = parse_ok ("{\"a\":\"\\ud83d\\ude00\\u00e9\\/\"}");
  check_str (hr_json_string (hr_json_get (doc, "a")), "\xf0\x9f\x98\x80\xc3\xa9/");

  /* Valid JSON but not a spec. */
  cleanup_json struct hr_json *scalar = parse_ok ("[1]");
  struct hr_error err = { 0 };
  check_int (hr_spec_validate (scalar, "config.json", &err), ==, -EINVAL);
  check_str (err.msg, "config.json: expected a JSON object");
}

/* ------------------------------------------------------------------ */
/* Access and mutation                                                 */

static void
test_access (void)
{
  cleanup_json struct hr_json *doc
    = parse_ok ("{\"Process\":{\"user\":{\"uid\":7},\"env\":null,\"args\":[\"a\",\"b\"]},\"hostname\":null,"
                "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}}}");
  ok (hr_json_get (doc, "process") != NULL, "get finds \"Process\" for \"process\"");
  ok (hr_json_get (doc, "PROCESS") == hr_json_get (doc, "process"), "get matches keys case-insensitively");
  ok (hr_json_get (doc, "proce\xc5\xbfs") == hr_json_get (doc, "process"), "get matches LONG S");
  ok (hr_json_get (doc, "hostname") == NULL, "get treats null as absent");
  const struct hr_json *m = hr_json_member (doc, "hostname");
  ok (m != NULL && m->type == HR_JSON_NULL, "member returns the null node");
  ok (hr_json_member (doc, "missing") == NULL, "member of a missing key is NULL");
  ok (hr_json_get (NULL, "x") == NULL && hr_json_get (hr_json_get_path (doc, "process.args"), "x") == NULL,
      "get on NULL or a non-object is NULL");
  check_int (hr_json_member_index (doc, "linux"), ==, 2);
  check_int (hr_json_member_index (doc, "nope"), ==, -1);

  const struct hr_json *uid = hr_json_get_path (doc, "process.user.uid");
  int64_t v = 0;
  ok (hr_json_int_value (uid, 0, UINT32_MAX, &v) && v == 7, "get_path process.user.uid is 7");
  check_str (hr_json_string (hr_json_get_path (doc, "linux.seccomp.defaultAction")), "SCMP_ACT_ERRNO");
  ok (hr_json_get_path (doc, "process.env") == NULL, "get_path through null is NULL");
  ok (hr_json_get_path (doc, "process.env.x") == NULL, "get_path below null is NULL");
  ok (hr_json_get_path (doc, "process.user.uid.x") == NULL, "get_path below a number is NULL");
  ok (hr_json_get_path (doc, "process.missing") == NULL, "get_path of a missing key is NULL");
  ok (hr_json_get_path (doc, "") == doc, "get_path of \"\" is the document");
  const struct hr_json *args = hr_json_get_path (doc, "process.args");
  check_int (hr_json_len (args), ==, 2);
  check_str (hr_json_string (hr_json_at (args, 1)), "b");
  ok (hr_json_at (args, 2) == NULL, "at past the end is NULL");
  ok (hr_json_string (hr_json_at (args, 0)) && !hr_json_string (args), "string of a non-string is NULL");
}

static void
test_mutation (void)
{
  struct hr_error err = { 0 };
  cleanup_json struct hr_json *doc = parse_ok ("{\"ociVersion\":\"1.0.2\",\"Process\":{\"args\":[\"sh\"]},\"hostname\":\"h\"}");

  /* set: an existing member keeps its place and spelling. */
  check_int (hr_json_set (doc, "process", hr_json_new_object (), &err), ==, 0);
  cleanup_free char *s1 = serialize (doc, false);
  check_str (s1, "{\"ociVersion\":\"1.0.2\",\"Process\":{},\"hostname\":\"h\"}");
  /* set: a new member is appended. */
  check_int (hr_json_set (doc, "annotations", hr_json_new_object (), &err), ==, 0);
  check_int (hr_json_set (hr_json_get (doc, "annotations"), "a", hr_json_new_string ("1"), &err), ==, 0);
  check_int (hr_json_set (doc, "hostname", hr_json_new_null (), &err), ==, 0);
  cleanup_free char *s2 = serialize (doc, false);
  check_str (s2, "{\"ociVersion\":\"1.0.2\",\"Process\":{},\"hostname\":null,\"annotations\":{\"a\":\"1\"}}");
  /* set on a non-object fails and frees the value (valgrind checks). */
  check_int (hr_json_set (hr_json_get (doc, "ociVersion"), "x", hr_json_new_string ("leak?"), &err), ==, -EINVAL);
  check_str (err.msg, "cannot set \"x\" on a non-object");
  check_int (hr_json_set (doc, "x", NULL, &err), ==, -ENOMEM);

  /* remove. */
  ok (hr_json_remove (doc, "PROCESS"), "remove finds \"Process\"");
  ok (!hr_json_remove (doc, "process"), "remove of a missing key is false");
  ok (!hr_json_remove (NULL, "process"), "remove on NULL is false");
  cleanup_free char *s3 = serialize (doc, false);
  check_str (s3, "{\"ociVersion\":\"1.0.2\",\"hostname\":null,\"annotations\":{\"a\":\"1\"}}");

  /* ensure_object / ensure_array. */
  struct hr_json *linux_ = hr_json_ensure_object (doc, "linux");
  ok (linux_ && linux_->type == HR_JSON_OBJECT, "ensure_object creates an object");
  ok (hr_json_ensure_object (doc, "LINUX") == linux_, "ensure_object returns the existing one");
  struct hr_json *host = hr_json_ensure_object (doc, "hostname");
  ok (host && host->type == HR_JSON_OBJECT && hr_json_member_index (doc, "hostname") == 1,
      "ensure_object replaces null in place");
  ok (hr_json_ensure_object (doc, "ociVersion") == NULL, "ensure_object refuses a string in the way");
  struct hr_json *masked = hr_json_ensure_array (linux_, "maskedPaths");
  ok (masked && masked->type == HR_JSON_ARRAY, "ensure_array creates an array");
  ok (hr_json_ensure_array (doc, "annotations") == NULL, "ensure_array refuses an object in the way");

  /* append / insert / remove_at. */
  check_int (hr_json_append (masked, hr_json_new_string ("/b"), &err), ==, 0);
  check_int (hr_json_insert (masked, 0, hr_json_new_string ("/a"), &err), ==, 0);
  check_int (hr_json_insert (masked, 2, hr_json_new_string ("/d"), &err), ==, 0);
  check_int (hr_json_insert (masked, 2, hr_json_new_string ("/c"), &err), ==, 0);
  check_int (hr_json_insert (masked, 5, hr_json_new_string ("/z"), &err), ==, -EINVAL);
  check_int (hr_json_insert (masked, 0, NULL, &err), ==, -ENOMEM);
  check_int (hr_json_append (doc, hr_json_new_string ("/z"), &err), ==, -EINVAL);
  check_str (err.msg, "cannot append to a non-array");
  cleanup_free char *s4 = serialize (masked, false);
  check_str (s4, "[\"/a\",\"/b\",\"/c\",\"/d\"]");
  hr_json_remove_at (masked, 1);
  hr_json_remove_at (masked, 9);
  hr_json_remove_at (doc, 0);
  cleanup_free char *s5 = serialize (masked, false);
  check_str (s5, "[\"/a\",\"/c\",\"/d\"]");

  /* Many inserts at the front keep the order. */
  struct hr_json *arr = hr_json_new_array ();
  for (int i = 0; i < 100; i++)
    hr_json_insert (arr, 0, hr_json_new_i64 (i), NULL);
  int64_t first = -1, last = -1;
  hr_json_int_value (hr_json_at (arr, 0), 0, 1000, &first);
  hr_json_int_value (hr_json_at (arr, 99), 0, 1000, &last);
  ok (hr_json_len (arr) == 100 && first == 99 && last == 0, "100 inserts at the front");
  hr_json_free (arr);

  /* set_string_value turns any node into a string. */
  struct hr_json *ann = hr_json_get (doc, "annotations");
  check_int (hr_json_set_string_value (ann, "now a string", &err), ==, 0);
  check_str (hr_json_string (hr_json_get (doc, "annotations")), "now a string");

  /* copy is deep; equal is exact. */
  cleanup_json struct hr_json *copy = hr_json_copy (doc);
  ok (hr_json_equal (doc, copy), "a copy is equal");
  hr_json_set (copy, "extra", hr_json_new_bool (true), NULL);
  ok (!hr_json_equal (doc, copy), "changing the copy leaves the original alone");
  ok (hr_json_get (doc, "extra") == NULL, "the original has no \"extra\"");
  ok (hr_json_copy (NULL) == NULL, "copy of NULL is NULL");
  ok (hr_json_equal (NULL, NULL) && !hr_json_equal (doc, NULL), "equal with NULL");

  static const struct
  {
    const char *a, *b;
    bool equal;
  } eq[] = {
    { "{\"a\":1,\"b\":2}", "{\"a\":1,\"b\":2}", true },
    { "{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}", false },
    { "{\"a\":1}", "{\"A\":1}", false },
    { "[1]", "[1.0]", false },
    { "[1]", "[1,1]", false },
    { "[true]", "[false]", false },
    { "[null]", "[null]", true },
    { "[\"a\"]", "[\"a\\u0000\"]", false },
    { "{\"a\":[{\"b\":{}}]}", "{ \"a\" : [ { \"b\" : { } } ] }", true },
    { "{\"a\":\"\\u00e9\"}", "{\"a\":\"\xc3\xa9\"}", true },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (eq); i++)
    {
      struct hr_json *a = NULL, *b = NULL;
      hr_json_parse (eq[i].a, strlen (eq[i].a), "a", &a, NULL);
      hr_json_parse (eq[i].b, strlen (eq[i].b), "b", &b, NULL);
      ok (a && (b || !eq[i].equal) && hr_json_equal (a, b) == eq[i].equal, "equal (%s, %s) is %s", eq[i].a,
          eq[i].b, eq[i].equal ? "true" : "false");
      hr_json_free (a);
      hr_json_free (b);
    }

  /* A tree built in memory serializes as expected, escapes included. */
  cleanup_json struct hr_json *built = hr_json_new_object ();
  hr_json_set (built, "s", hr_json_new_string ("q\"b\\n\n\x01"), NULL);
  hr_json_set (built, "u", hr_json_new_u64 (0), NULL);
  hr_json_set (built, "f", hr_json_new_bool (false), NULL);
  cleanup_free char *s6 = serialize (built, false);
  cleanup_json struct hr_json *back = parse_ok (s6);
  ok (hr_json_equal (built, back), "a built tree with escapes parses back equal: %s", s6);
}

/* ------------------------------------------------------------------ */
/* hr_spec_validate                                                    */

static void
test_spec_validate (void)
{
  static const struct
  {
    const char *doc;
    const char *error;          /* NULL: valid */
  } cases[] = {
    { "{\"process\":{\"user\":{\"uid\":\"0\"}}}",
      "config.json: \"process.user.uid\": expected an integer from 0 to 4294967295" },
    { "{\"process\":{\"user\":{\"uid\":4294967296}}}",
      "config.json: \"process.user.uid\": expected an integer from 0 to 4294967295, got 4294967296" },
    { "{\"process\":{\"user\":{\"uid\":-1}}}",
      "config.json: \"process.user.uid\": expected an integer from 0 to 4294967295, got -1" },
    { "{\"process\":{\"user\":{\"uid\":1.5}}}",
      "config.json: \"process.user.uid\": expected an integer from 0 to 4294967295, got 1.5" },
    { "{\"process\":{\"user\":{\"UID\":1e3}}}",
      "config.json: \"process.user.uid\": expected an integer from 0 to 4294967295, got 1e3" },
    { "{\"process\":{\"user\":{\"uid\":4294967295,\"gid\":0,\"additionalGids\":[1,4294967296]}}}",
      "config.json: \"process.user.additionalGids[1]\": expected an integer from 0 to 4294967295, got 4294967296" },
    { "{\"process\":{\"oomScoreAdj\":9223372036854775808}}",
      "config.json: \"process.oomScoreAdj\": expected a 64-bit integer, got 9223372036854775808" },
    { "{\"root\":{\"path\":\"rootfs\",\"readonly\":\"yes\"}}", "config.json: \"root.readonly\": expected a boolean" },
    { "{\"mounts\":{}}", "config.json: \"mounts\": expected an array" },
    { "{\"mounts\":\"/proc\"}", "config.json: \"mounts\": expected an array" },
    { "{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":5}]}",
      "config.json: \"mounts[1].destination\": expected a string" },
    { "{\"mounts\":[{\"destination\":\"/a\",\"options\":[\"ro\",true]}]}",
      "config.json: \"mounts[0].options[1]\": expected a string" },
    { "{\"mounts\":[7]}", "config.json: \"mounts[0]\": expected an object" },
    { "{\"annotations\":{\"a\":\"b\",\"c\":1}}", "config.json: \"annotations.c\": expected a string" },
    { "{\"annotations\":{\"a\":null}}", "config.json: \"annotations.a\": expected a string" },
    { "{\"annotations\":[]}", "config.json: \"annotations\": expected an object" },
    { "{\"process\":{\"args\":\"sh\"}}", "config.json: \"process.args\": expected an array" },
    { "{\"process\":{\"terminal\":1}}", "config.json: \"process.terminal\": expected a boolean" },
    { "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\",null]}}}",
      "config.json: \"process.capabilities.bounding[1]\": expected a string" },
    { "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\",\"path\":[]}]}}",
      "config.json: \"linux.namespaces[1].path\": expected a string" },
    { "{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":-5,\"size\":1}]}}",
      "config.json: \"linux.uidMappings[0].hostID\": expected an integer from 0 to 4294967295, got -5" },
    { "{\"linux\":{\"sysctl\":{\"net.x\":0}}}", "config.json: \"linux.sysctl.net.x\": expected a string" },
    { "{\"linux\":{\"resources\":{\"pids\":{\"limit\":\"10\"}}}}",
      "config.json: \"linux.resources.pids.limit\": expected a 64-bit integer" },
    { "{\"linux\":{\"seccomp\":{\"defaultAction\":0}}}",
      "config.json: \"linux.seccomp.defaultAction\": expected a string" },
    { "{\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"timeout\":\"5\"}]}}",
      "config.json: \"hooks.prestart[0].timeout\": expected a 64-bit integer" },
    { "{\"Hooks\":{\"Poststop\":{}}}", "config.json: \"hooks.poststop\": expected an array" },
    { "{\"process\":[]}", "config.json: \"process\": expected an object" },
    /* Valid: null stands for absent, unknown members are not checked. */
    { "{\"process\":null,\"root\":{\"readonly\":null},\"mounts\":null,\"annotations\":null}", NULL },
    { "{\"process\":{\"user\":{\"uid\":0,\"gid\":4294967295,\"umask\":18}},\"unknown\":\"x\"}", NULL },
    { "{\"process\":{\"user\":{\"uid\":-0}}}", NULL },
    { "{\"process\":{\"oomScoreAdj\":-1000},\"linux\":{\"resources\":{\"pids\":{\"limit\":-1}}}}", NULL },
  };
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    {
      cleanup_json struct hr_json *doc = parse_ok (cases[i].doc);
      struct hr_error err = { 0 };
      int r = hr_spec_validate (doc, "config.json", &err);
      if (cases[i].error == NULL)
        {
          ok (r == 0, "valid: %s", cases[i].doc);
          if (r < 0)
            diag ("  %s", err.msg);
          continue;
        }
      ok (r < 0 && strcmp (err.msg, cases[i].error) == 0, "%s", cases[i].error);
      if (r >= 0 || strcmp (err.msg, cases[i].error) != 0)
        diag ("  got: %s", r < 0 ? err.msg : "(valid)");
    }

  /* A path longer than HR_SPEC_MAX_PATH. */
  struct buf b = { 0 };
  buf_str (&b, "{\"root\":{\"path\":\"");
  buf_fill (&b, 'p', HR_SPEC_MAX_PATH + 1);
  buf_str (&b, "\"}}");
  cleanup_json struct hr_json *longpath = parse_ok (b.s);
  struct hr_error err = { 0 };
  check_int (hr_spec_validate (longpath, "config.json", &err), ==, -ENAMETOOLONG);
  check_str (err.msg, "config.json: \"root.path\": path longer than 4096 bytes");
  buf_free (&b);

  /* 8192 mounts are fine, 8193 are over the limit. */
  for (size_t n = HR_SPEC_MAX_MOUNTS; n <= HR_SPEC_MAX_MOUNTS + 1; n++)
    {
      buf_str (&b, "{\"mounts\":[");
      for (size_t i = 0; i < n; i++)
        buf_str (&b, i ? ",{\"destination\":\"/m\"}" : "{\"destination\":\"/m\"}");
      buf_str (&b, "]}");
      cleanup_json struct hr_json *doc = parse_ok (b.s);
      int r = hr_spec_validate (doc, "config.json", &err);
      if (n <= HR_SPEC_MAX_MOUNTS)
        ok (r == 0, "%zu mounts validate", n);
      else
        {
          check_int (r, ==, -E2BIG);
          check_str (err.msg, "config.json: \"mounts\": more than 8192 entries");
        }
      buf_free (&b);
    }

  /* 16385 annotations are over the limit. */
  buf_str (&b, "{\"annotations\":{");
  for (size_t i = 0; i <= HR_SPEC_MAX_ANNOTATIONS; i++)
    buf_fmt (&b, "%s\"a%zu\":\"\"", i ? "," : "", i);
  buf_str (&b, "}}");
  cleanup_json struct hr_json *many = parse_ok (b.s);
  check_int (hr_spec_validate (many, "config.json", &err), ==, -E2BIG);
  check_str (err.msg, "config.json: \"annotations\": more than 16384 entries");
  buf_free (&b);

  /* A bare process object. */
  cleanup_json struct hr_json *proc = parse_ok ("{\"args\":[\"sh\"],\"user\":{\"uid\":\"x\"}}");
  check_int (hr_process_validate (proc, "process file", &err), ==, -EINVAL);
  check_str (err.msg, "process file: \"user.uid\": expected an integer from 0 to 4294967295");
  cleanup_json struct hr_json *arr = parse_ok ("[]");
  check_int (hr_process_validate (arr, "process file", &err), ==, -EINVAL);
  check_str (err.msg, "process file: expected a JSON object");
}

/* ------------------------------------------------------------------ */
/* hr_bundle_load / hr_process_file_load                               */

static char tmpdir[PATH_MAX];

/* TMPDIR/REL, in one of 8 rotating buffers. */
static const char *
tmp_path (const char *rel)
{
  static char paths[8][PATH_MAX * 2];
  static int next;
  char *p = paths[next++ % 8];
  snprintf (p, PATH_MAX * 2, "%s/%s", tmpdir, rel);
  return p;
}

static const char valid_spec[] = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
                                 "\"root\":{\"path\":\"rootfs\"}}";

/* Loads the bundle DIR; returns the error message or "ok". */
static const char *
bundle_error (const char *dir, int *ret_code)
{
  static struct hr_error err;
  struct hr_doc_file f;
  hr_error_clear (&err);
  int r = hr_bundle_load (dir, &f, &err);
  if (ret_code)
    *ret_code = r;
  if (r < 0)
    return err.msg;
  hr_doc_file_release (&f);
  return "ok";
}

static void
test_bundle_load (void)
{
  int code = 0;
  char want[PATH_MAX * 3];

  /* A plain bundle. */
  mkdir (tmp_path ("plain"), 0755);
  write_file (tmp_path ("plain/config.json"), valid_spec, strlen (valid_spec));
  struct hr_doc_file f;
  struct hr_error err = { 0 };
  int r = hr_bundle_load (tmp_path ("plain"), &f, &err);
  ok (r == 0, "a plain bundle loads");
  if (r == 0)
    {
      check_str (f.name, "config.json");
      check_str (f.display, "config.json");
      check_str (f.dir, tmp_path ("plain"));
      ok (f.dirfd >= 0 && S_ISREG (f.st.st_mode) && f.st.st_size == (off_t) strlen (valid_spec),
          "the directory is open and the file's stat is kept");
      check_str (hr_json_string (hr_json_get_path (f.doc, "root.path")), "rootfs");
      hr_doc_file_release (&f);
      hr_doc_file_release (&f);
      ok (f.dirfd == -1 && f.doc == NULL, "release twice is harmless");
    }
  else
    diag ("  %s", err.msg);

  /* A bundle of "" or NULL is the current directory. */
  int cwd = open (".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (chdir (tmp_path ("plain")) == 0)
    {
      check_str (bundle_error (NULL, NULL), "ok");
      check_str (bundle_error ("", NULL), "ok");
      check_str (bundle_error (".", NULL), "ok");
      if (fchdir (cwd) < 0)
        diag ("cannot go back to the old directory");
    }
  close (cwd);

  /* config.json is a symlink, to a valid file next to it. */
  mkdir (tmp_path ("symlink"), 0755);
  write_file (tmp_path ("symlink/real.json"), valid_spec, strlen (valid_spec));
  if (symlink ("real.json", tmp_path ("symlink/config.json")) < 0)
    diag ("symlink: %s", strerror (errno));
  check_str (bundle_error (tmp_path ("symlink"), &code),
             "config.json: is a symbolic link; refusing to follow it");
  check_int (code, ==, -ELOOP);

  /* A bundle path with "..". */
  mkdir (tmp_path ("plain/sub"), 0755);
  const char *dotdot = tmp_path ("plain/sub/..");
  snprintf (want, sizeof want, "config.json: the path \"%s\" has a \"..\" component", dotdot);
  check_str (bundle_error (dotdot, &code), want);
  check_int (code, ==, -EINVAL);
  const char *mid = tmp_path ("plain/sub/../../plain");
  snprintf (want, sizeof want, "config.json: the path \"%s\" has a \"..\" component", mid);
  check_str (bundle_error (mid, NULL), want);
  check_str (bundle_error ("../bundle", NULL), "config.json: the path \"../bundle\" has a \"..\" component");
  check_str (bundle_error ("..", NULL), "config.json: the path \"..\" has a \"..\" component");
  /* ".." inside a name is not a component. */
  mkdir (tmp_path ("a..b"), 0755);
  write_file (tmp_path ("a..b/config.json"), valid_spec, strlen (valid_spec));
  check_str (bundle_error (tmp_path ("a..b"), NULL), "ok");
  mkdir (tmp_path ("..c"), 0755);
  write_file (tmp_path ("..c/config.json"), valid_spec, strlen (valid_spec));
  check_str (bundle_error (tmp_path ("..c"), NULL), "ok");

  /* config.json is a directory, or a FIFO nobody writes to (which must not
   * block: the alarm kills the test if it does). */
  mkdir (tmp_path ("dir"), 0755);
  mkdir (tmp_path ("dir/config.json"), 0755);
  check_str (bundle_error (tmp_path ("dir"), &code), "config.json: not a regular file");
  check_int (code, ==, -EINVAL);
  mkdir (tmp_path ("fifo"), 0755);
  if (mkfifo (tmp_path ("fifo/config.json"), 0644) == 0)
    {
      alarm (10);
      check_str (bundle_error (tmp_path ("fifo"), &code), "config.json: not a regular file");
      alarm (0);
    }
  else
    ok (1, "# SKIP mkfifo: %s", strerror (errno));

  /* Missing pieces. */
  mkdir (tmp_path ("empty"), 0755);
  check_str (bundle_error (tmp_path ("empty"), &code), "config.json: cannot open: No such file or directory");
  check_int (code, ==, -ENOENT);
  snprintf (want, sizeof want, "config.json: cannot open directory \"%s\": No such file or directory",
            tmp_path ("nonexistent"));
  check_str (bundle_error (tmp_path ("nonexistent"), NULL), want);

  /* Size: 4 MiB loads, one byte more does not. */
  mkdir (tmp_path ("big"), 0755);
  struct buf b = { 0 };
  doc_of_size (&b, HR_JSON_MAX_BYTES);
  write_file (tmp_path ("big/config.json"), b.s, b.len);
  check_str (bundle_error (tmp_path ("big"), NULL), "ok");
  buf_free (&b);
  doc_of_size (&b, HR_JSON_MAX_BYTES + 1);
  write_file (tmp_path ("big/config.json"), b.s, b.len);
  check_str (bundle_error (tmp_path ("big"), &code), "config.json: larger than 4194304 bytes");
  check_int (code, ==, -EFBIG);
  buf_free (&b);

  /* Parse and type errors pass through with the file's name. */
  mkdir (tmp_path ("bad"), 0755);
  const char *dup = "{\n  \"process\": {\n    \"user\": {\"uid\": 1000},\n    \"User\": {\"uid\": 0}\n  }\n}\n";
  write_file (tmp_path ("bad/config.json"), dup, strlen (dup));
  check_str (bundle_error (tmp_path ("bad"), NULL), "config.json: \"process\": key \"User\" duplicates \"user\"");
  const char *typed = "{\"process\":{\"user\":{\"uid\":4294967296}}}";
  write_file (tmp_path ("bad/config.json"), typed, strlen (typed));
  check_str (bundle_error (tmp_path ("bad"), NULL),
             "config.json: \"process.user.uid\": expected an integer from 0 to 4294967295, got 4294967296");
  write_file (tmp_path ("bad/config.json"), "", 0);
  check_str (bundle_error (tmp_path ("bad"), NULL), "config.json: empty document");
}

static void
test_process_file_load (void)
{
  const char *proc = "{\"terminal\":false,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\",\"-c\",\"id\"],"
                     "\"env\":[\"PATH=/bin\"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}";
  mkdir (tmp_path ("exec"), 0755);
  const char *path = tmp_path ("exec/runc-process1");
  write_file (path, proc, strlen (proc));

  struct hr_doc_file f;
  struct hr_error err = { 0 };
  int r = hr_process_file_load (path, &f, &err);
  ok (r == 0, "a bare process object loads");
  if (r == 0)
    {
      char want[PATH_MAX * 3];
      snprintf (want, sizeof want, "process file \"%s\"", path);
      check_str (f.display, want);
      check_str (f.name, "runc-process1");
      check_str (f.dir, tmp_path ("exec"));
      check_str (hr_json_string (hr_json_at (hr_json_get (f.doc, "args"), 2)), "id");
      cleanup_free char *out = serialize (f.doc, false);
      check_str (out, proc);
      hr_doc_file_release (&f);
    }
  else
    diag ("  %s", err.msg);

  /* A relative name in the current directory. */
  int cwd = open (".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (chdir (tmp_path ("exec")) == 0)
    {
      r = hr_process_file_load ("runc-process1", &f, &err);
      ok (r == 0, "a relative process file loads");
      if (r == 0)
        {
          check_str (f.dir, ".");
          check_str (f.display, "process file \"runc-process1\"");
          hr_doc_file_release (&f);
        }
      if (fchdir (cwd) < 0)
        diag ("cannot go back to the old directory");
    }
  close (cwd);

  /* Type errors name the file and the path inside the process object. */
  const char *bad = "{\"args\":[\"sh\"],\"user\":{\"uid\":-1}}";
  const char *bad_path = tmp_path ("exec/runc-process2");
  write_file (bad_path, bad, strlen (bad));
  char want[PATH_MAX * 3];
  snprintf (want, sizeof want, "process file \"%s\": \"user.uid\": expected an integer from 0 to 4294967295, got -1",
            bad_path);
  check_int (hr_process_file_load (bad_path, &f, &err), ==, -ERANGE);
  check_str (err.msg, want);

  /* Duplicate keys in a process file. */
  const char *dup = "{\"args\":[\"sh\"],\"Args\":[\"id\"]}";
  write_file (bad_path, dup, strlen (dup));
  snprintf (want, sizeof want, "process file \"%s\": line 1: key \"Args\" duplicates \"args\"", bad_path);
  hr_process_file_load (bad_path, &f, &err);
  check_str (err.msg, want);

  /* A symlink, a directory name, an empty path. */
  const char *link_path = tmp_path ("exec/link");
  if (symlink ("runc-process1", link_path) < 0)
    diag ("symlink: %s", strerror (errno));
  snprintf (want, sizeof want, "process file \"%s\": is a symbolic link; refusing to follow it", link_path);
  check_int (hr_process_file_load (link_path, &f, &err), ==, -ELOOP);
  check_str (err.msg, want);
  const char *slash = tmp_path ("exec/");
  snprintf (want, sizeof want, "process file \"%s\": not a file name", slash);
  check_int (hr_process_file_load (slash, &f, &err), ==, -EINVAL);
  check_str (err.msg, want);
  check_int (hr_process_file_load ("", &f, &err), ==, -EINVAL);
  check_str (err.msg, "process file: empty path");
}

static void
remove_tree (const char *dir)
{
  DIR *d = opendir (dir);
  if (d == NULL)
    return;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      char p[PATH_MAX * 2];
      snprintf (p, sizeof p, "%s/%s", dir, de->d_name);
      struct stat st;
      if (lstat (p, &st) == 0 && S_ISDIR (st.st_mode))
        remove_tree (p);
      else
        unlink (p);
    }
  closedir (d);
  rmdir (dir);
}

int
main (void)
{
  const char *t = getenv ("TMPDIR");
  snprintf (tmpdir, sizeof tmpdir, "%s/hardrun-test-json.XXXXXX", t && *t ? t : "/tmp");
  if (mkdtemp (tmpdir) == NULL)
    {
      printf ("Bail out! mkdtemp: %s\n", strerror (errno));
      return 1;
    }

  test_corpus ();
  test_numbers ();
  test_int_value ();
  test_unknown_keys ();
  test_limit_depth ();
  test_limit_members ();
  test_limit_string ();
  test_limit_file ();
  test_limit_nodes ();
  test_duplicates ();
  test_bad_input ();
  test_access ();
  test_mutation ();
  test_spec_validate ();
  test_bundle_load ();
  test_process_file_load ();

  remove_tree (tmpdir);
  return done_testing ();
}
