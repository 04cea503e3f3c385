#include "config.h"
#include "spec.h"
#include "heap.h"
#include "cleanup.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Schema of the fields hardrun reads                                  */

enum kind
{
  K_ANY,
  K_STRING,
  K_PATH,                       /* string of at most HR_SPEC_MAX_PATH bytes */
  K_BOOL,
  K_U32,
  K_I64,
  K_OBJECT,
  K_ARRAY,
  K_STRMAP,                     /* object of strings */
};

struct field;

struct schema
{
  enum kind kind;
  const struct field *fields;   /* K_OBJECT: known members, NULL-key terminated */
  const struct schema *elem;    /* K_ARRAY: element schema */
  size_t max;                   /* K_ARRAY / K_STRMAP: member limit, 0 = JSON limit */
};

struct field
{
  const char *key;
  const struct schema *s;
};

#define OBJ(f) (&(const struct schema) { .kind = K_OBJECT, .fields = (f) })
#define ARR(e, m) (&(const struct schema) { .kind = K_ARRAY, .elem = (e), .max = (m) })
#define MAP(m) (&(const struct schema) { .kind = K_STRMAP, .max = (m) })
#define FIELDS(...) ((const struct field[]) { __VA_ARGS__, { NULL, NULL } })

static const struct schema string_s = { K_STRING, NULL, NULL, 0 };
static const struct schema path_s = { K_PATH, NULL, NULL, 0 };
static const struct schema bool_s = { K_BOOL, NULL, NULL, 0 };
static const struct schema u32_s = { K_U32, NULL, NULL, 0 };
static const struct schema i64_s = { K_I64, NULL, NULL, 0 };
static const struct schema any_s = { K_ANY, NULL, NULL, 0 };

static const struct schema strings_s = { K_ARRAY, NULL, &string_s, 0 };
static const struct schema paths_s = { K_ARRAY, NULL, &path_s, 4096 };
static const struct schema caps_s = { K_ARRAY, NULL, &string_s, 256 };

static const struct schema user_s = {
  K_OBJECT,
  FIELDS ({ "uid", &u32_s }, { "gid", &u32_s }, { "umask", &u32_s },
          { "additionalGids", ARR (&u32_s, 0) }, { "username", &string_s }),
  NULL, 0,
};

static const struct schema process_s = {
  K_OBJECT,
  FIELDS ({ "terminal", &bool_s },
          { "user", &user_s },
          { "args", &strings_s },
          { "commandLine", &string_s },
          { "env", ARR (&string_s, HR_SPEC_MAX_ENV) },
          { "cwd", &path_s },
          { "capabilities", OBJ (FIELDS ({ "bounding", &caps_s }, { "effective", &caps_s },
                                       { "inheritable", &caps_s }, { "permitted", &caps_s },
                                       { "ambient", &caps_s })) },
          { "rlimits", ARR (&any_s, 256) },
          { "noNewPrivileges", &bool_s },
          { "apparmorProfile", &string_s },
          { "oomScoreAdj", &i64_s },
          { "selinuxLabel", &string_s }),
  NULL, 0,
};

static const struct schema mount_s = {
  K_OBJECT,
  FIELDS ({ "destination", &path_s }, { "type", &string_s }, { "source", &path_s },
          { "options", ARR (&string_s, 256) }),
  NULL, 0,
};

static const struct schema hook_s = {
  K_OBJECT,
  FIELDS ({ "path", &path_s }, { "args", &strings_s }, { "env", &strings_s }, { "timeout", &i64_s }),
  NULL, 0,
};
static const struct schema hooks_s = { K_ARRAY, NULL, &hook_s, 256 };

static const struct schema idmap_s = {
  K_OBJECT, FIELDS ({ "containerID", &u32_s }, { "hostID", &u32_s }, { "size", &u32_s }), NULL, 0,
};

static const struct schema linux_s = {
  K_OBJECT,
  FIELDS ({ "namespaces", ARR (OBJ (FIELDS ({ "type", &string_s }, { "path", &path_s })), 64) },
          { "uidMappings", ARR (&idmap_s, 340) },
          { "gidMappings", ARR (&idmap_s, 340) },
          { "devices", ARR (OBJ (FIELDS ({ "type", &string_s }, { "path", &path_s },
                                               { "major", &i64_s }, { "minor", &i64_s })), 4096) },
          { "resources", OBJ (FIELDS ({ "devices", ARR (OBJ (FIELDS ({ "allow", &bool_s }, { "type", &string_s },
                                                                         { "major", &i64_s }, { "minor", &i64_s },
                                                                         { "access", &string_s })), 4096) },
                                    { "pids", OBJ (FIELDS ({ "limit", &i64_s })) })) },
          { "sysctl", MAP (1024) },
          { "seccomp", OBJ (FIELDS ({ "defaultAction", &string_s }, { "listenerPath", &path_s })) },
          { "maskedPaths", &paths_s },
          { "readonlyPaths", &paths_s },
          { "rootfsPropagation", &string_s },
          { "mountLabel", &string_s }),
  NULL, 0,
};

static const struct schema spec_s = {
  K_OBJECT,
  FIELDS ({ "ociVersion", &string_s },
          { "process", &process_s },
          { "root", OBJ (FIELDS ({ "path", &path_s }, { "readonly", &bool_s })) },
          { "hostname", &string_s },
          { "mounts", ARR (&mount_s, HR_SPEC_MAX_MOUNTS) },
          { "hooks", OBJ (FIELDS ({ "prestart", &hooks_s }, { "createRuntime", &hooks_s },
                                { "createContainer", &hooks_s }, { "startContainer", &hooks_s },
                                { "poststart", &hooks_s }, { "poststop", &hooks_s })) },
          { "annotations", MAP (HR_SPEC_MAX_ANNOTATIONS) },
          { "linux", &linux_s }),
  NULL, 0,
};

static const char *
kind_name (enum kind k)
{
  switch (k)
    {
    case K_STRING:
    case K_PATH:
      return "a string";
    case K_BOOL:
      return "a boolean";
    case K_U32:
      return "an integer from 0 to 4294967295";
    case K_I64:
      return "a 64-bit integer";
    case K_OBJECT:
    case K_STRMAP:
      return "an object";
    case K_ARRAY:
      return "an array";
    default:
      return "a value";
    }
}

/* Where check() is: a chain of keys and indexes, formatted only for a
 * message (formatting it for every value costs more than the checks). */
struct where
{
  const struct where *up;
  const char *key;              /* NULL: an array index */
  size_t index;
};

static size_t
format_where (const struct where *w, char *buf, size_t size)
{
  if (w == NULL || size == 0)
    return 0;
  size_t off = format_where (w->up, buf, size);
  if (off >= size)
    return off;
  int n = w->key ? snprintf (buf + off, size - off, "%s%s", off ? "." : "", w->key)
                 : snprintf (buf + off, size - off, "[%zu]", w->index);
  return off + (n > 0 ? (size_t) n : 0);
}

static int
check (const struct hr_json *v, const struct schema *s, const char *name, const struct where *at,
       struct hr_error *err)
{
  char path[1024];
#define PATH() (path[0] = '\0', format_where (at, path, sizeof path), path)
  if (v->type == HR_JSON_NULL)
    return 0;                   /* null is "absent" for runc's pointers and slices */
  bool ok = true;
  int64_t i64;
  switch (s->kind)
    {
    case K_ANY:
      return 0;
    case K_STRING:
      ok = hr_json_is_string (v);
      break;
    case K_PATH:
      ok = hr_json_is_string (v);
      if (ok && v->u.str.len > HR_SPEC_MAX_PATH)
        return hr_error_set (err, ENAMETOOLONG, "%s: \"%s\": path longer than %d bytes", name, PATH (),
                             HR_SPEC_MAX_PATH);
      break;
    case K_BOOL:
      ok = hr_json_is_bool (v);
      break;
    case K_U32:
      ok = hr_json_int_value (v, 0, UINT32_MAX, &i64);
      break;
    case K_I64:
      ok = hr_json_int_value (v, INT64_MIN, INT64_MAX, &i64);
      break;
    case K_OBJECT:
    case K_STRMAP:
      ok = hr_json_is_object (v);
      break;
    case K_ARRAY:
      ok = hr_json_is_array (v);
      break;
    }
  if (!ok)
    {
      if (v->type == HR_JSON_NUMBER && (s->kind == K_U32 || s->kind == K_I64))
        return hr_error_set (err, ERANGE, "%s: \"%s\": expected %s, got %s", name, PATH (), kind_name (s->kind),
                             v->u.str.s);
      return hr_error_set (err, EINVAL, "%s: \"%s\": expected %s", name, PATH (), kind_name (s->kind));
    }

  if (s->kind == K_ARRAY)
    {
      if (s->max && v->u.arr.len > s->max)
        return hr_error_set (err, E2BIG, "%s: \"%s\": more than %zu entries", name, PATH (), s->max);
      for (size_t i = 0; i < v->u.arr.len; i++)
        {
          const struct hr_json *e = v->u.arr.items[i];
          struct where w = { at, NULL, i };
          /* null means absent only for a member: as an element, Go decodes
           * it to a zero value ("", 0) that the policy would not see. */
          if (e->type == HR_JSON_NULL && s->elem->kind != K_ANY)
            {
              char epath[1024] = "";
              format_where (&w, epath, sizeof epath);
              return hr_error_set (err, EINVAL, "%s: \"%s\": expected %s", name, epath, kind_name (s->elem->kind));
            }
          int r = check (e, s->elem, name, &w, err);
          if (r < 0)
            return r;
        }
    }
  else if (s->kind == K_STRMAP)
    {
      if (s->max && v->u.obj.len > s->max)
        return hr_error_set (err, E2BIG, "%s: \"%s\": more than %zu entries", name, PATH (), s->max);
      for (size_t i = 0; i < v->u.obj.len; i++)
        if (!hr_json_is_string (v->u.obj.vals[i]))
          return hr_error_set (err, EINVAL, "%s: \"%s.%s\": expected a string", name, PATH (), v->u.obj.keys[i]);
    }
  else if (s->kind == K_OBJECT && s->fields)
    {
      for (const struct field *f = s->fields; f->key; f++)
        {
          const struct hr_json *m = hr_json_member (v, f->key);
          if (m == NULL)
            continue;
          struct where w = { at, f->key, 0 };
          int r = check (m, f->s, name, &w, err);
          if (r < 0)
            return r;
        }
    }
#undef PATH
  return 0;
}

int
hr_spec_validate (const struct hr_json *spec, const char *name, struct hr_error *err)
{
  if (!hr_json_is_object (spec))
    return hr_error_set (err, EINVAL, "%s: expected a JSON object", name);
  return check (spec, &spec_s, name, NULL, err);
}

int
hr_process_validate (const struct hr_json *process, const char *name, struct hr_error *err)
{
  if (!hr_json_is_object (process))
    return hr_error_set (err, EINVAL, "%s: expected a JSON object", name);
  return check (process, &process_s, name, NULL, err);
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

int
hr_read_stream_limited (int fd, const char *name, size_t max, char **ret, size_t *ret_len, struct hr_error *err)
{
  size_t cap = 4096, len = 0;
  cleanup_free char *buf = malloc (cap + 1);
  if (buf == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  for (;;)
    {
      if (len == cap)
        {
          if (cap > max)
            return hr_error_set (err, EFBIG, "%s: larger than %zu bytes", name, max);
          char *n = realloc (buf, 2 * cap + 1);
          if (n == NULL)
            return hr_error_set (err, ENOMEM, "out of memory");
          buf = n;
          cap *= 2;
        }
      ssize_t n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hr_error_setsys (err, errno, "%s: read", name);
      if (n == 0)
        break;
      len += (size_t) n;
    }
  if (len > max)
    return hr_error_set (err, EFBIG, "%s: larger than %zu bytes", name, max);
  buf[len] = '\0';
  *ret = steal_pointer (&buf);
  *ret_len = len;
  return 0;
}

int
hr_read_fd_limited (int fd, const char *name, size_t max, char **ret, size_t *ret_len, struct hr_error *err)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return hr_error_setsys (err, errno, "%s: stat", name);
  if (!S_ISREG (st.st_mode))
    return hr_error_set (err, EINVAL, "%s: not a regular file", name);
  if ((uint64_t) st.st_size > max)
    return hr_error_set (err, EFBIG, "%s: larger than %zu bytes", name, max);
  size_t cap = (size_t) st.st_size + 1;
  cleanup_free char *buf = malloc (cap + 1);
  if (buf == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  size_t len = 0;
  for (;;)
    {
      ssize_t n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hr_error_setsys (err, errno, "%s: read", name);
      if (n == 0)
        break;
      len += (size_t) n;
      if (len == cap)
        {
          /* The file grew while being read. */
          return hr_error_set (err, EFBIG, "%s: larger than %zu bytes or changing while read", name, max);
        }
    }
  buf[len] = '\0';
  *ret = steal_pointer (&buf);
  *ret_len = len;
  return 0;
}

static bool
has_dotdot (const char *path)
{
  const char *p = path;
  while (*p)
    {
      if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0') && (p == path || p[-1] == '/'))
        return true;
      p++;
    }
  return false;
}

static int
load_file (const char *dir, const char *name, const char *display, bool bare_process,
           struct hr_doc_file *ret, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  ret->dirfd = -1;
  if (has_dotdot (dir))
    return hr_error_set (err, EINVAL, "%s: the path \"%s\" has a \"..\" component", display, dir);
  if (strlen (dir) >= PATH_MAX)
    return hr_error_set (err, ENAMETOOLONG, "%s: path too long", display);

  cleanup_close int dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return hr_error_setsys (err, errno, "%s: cannot open directory \"%s\"", display, dir);
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      int e = errno;
      if (e == ELOOP)
        return hr_error_set (err, ELOOP, "%s: is a symbolic link; refusing to follow it", display);
      return hr_error_setsys (err, e, "%s: cannot open", display);
    }
  if (fstat (fd, &ret->st) < 0)
    return hr_error_setsys (err, errno, "%s: stat", display);
  if (!S_ISREG (ret->st.st_mode))
    return hr_error_set (err, EINVAL, "%s: not a regular file", display);

  /* best effort: what cannot be populated faults in page by page; a file
   * over the limit is refused below, before it costs any memory */
  if ((uint64_t) ret->st.st_size <= HR_JSON_MAX_BYTES)
    hr_heap_prefault (hr_heap_estimate ((size_t) ret->st.st_size));
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r = hr_read_fd_limited (fd, display, HR_JSON_MAX_BYTES, &buf, &len, err);
  if (r < 0)
    return r;
  r = hr_json_parse (buf, len, display, &ret->doc, err);
  if (r < 0)
    return r;
  r = bare_process ? hr_process_validate (ret->doc, display, err) : hr_spec_validate (ret->doc, display, err);
  if (r < 0)
    {
      hr_doc_file_release (ret);
      return r;
    }
  ret->dir = strdup (dir);
  ret->name = strdup (name);
  ret->display = strdup (display);
  if (ret->dir == NULL || ret->name == NULL || ret->display == NULL)
    {
      hr_doc_file_release (ret);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  ret->dirfd = steal_fd (&dirfd);
  return 0;
}

int
hr_bundle_load (const char *bundle, struct hr_doc_file *ret, struct hr_error *err)
{
  if (bundle == NULL || *bundle == '\0')
    bundle = ".";
  return load_file (bundle, "config.json", "config.json", false, ret, err);
}

int
hr_process_file_load (const char *path, struct hr_doc_file *ret, struct hr_error *err)
{
  if (path == NULL || *path == '\0')
    return hr_error_set (err, EINVAL, "process file: empty path");
  cleanup_free char *dir = strdup (path);
  if (dir == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  char *slash = strrchr (dir, '/');
  const char *name;
  if (slash == NULL)
    {
      name = path;
      strcpy (dir, ".");
    }
  else
    {
      name = path + (slash - dir) + 1;
      if (slash == dir)
        slash[1] = '\0';
      else
        *slash = '\0';
    }
  if (*name == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return hr_error_set (err, EINVAL, "process file \"%s\": not a file name", path);
  char display[PATH_MAX + 32];
  snprintf (display, sizeof display, "process file \"%s\"", path);
  return load_file (dir, name, display, true, ret, err);
}

void
hr_doc_file_release (struct hr_doc_file *f)
{
  if (f == NULL)
    return;
  if (f->dirfd >= 0)
    close (f->dirfd);
  f->dirfd = -1;
  free (f->dir);
  free (f->name);
  free (f->display);
  hr_json_free (f->doc);
  f->dir = f->name = f->display = NULL;
  f->doc = NULL;
}
