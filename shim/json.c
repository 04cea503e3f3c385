/* JSON document model on yajl: strict loading, exact-text serialization. */
#include "config.h"
#include "json.h"
#include "cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

/* ------------------------------------------------------------------ */
/* Nodes                                                               */

static struct hr_json *
node_new (enum hr_json_type t)
{
  struct hr_json *v = calloc (1, sizeof *v);
  if (v)
    v->type = t;
  return v;
}

static void
node_clear (struct hr_json *v)
{
  switch (v->type)
    {
    case HR_JSON_NUMBER:
    case HR_JSON_STRING:
      free (v->u.str.s);
      break;
    case HR_JSON_ARRAY:
      for (size_t i = 0; i < v->u.arr.len; i++)
        hr_json_free (v->u.arr.items[i]);
      free (v->u.arr.items);
      break;
    case HR_JSON_OBJECT:
      for (size_t i = 0; i < v->u.obj.len; i++)
        {
          free (v->u.obj.keys[i]);
          hr_json_free (v->u.obj.vals[i]);
        }
      free (v->u.obj.keys);
      free (v->u.obj.vals);
      break;
    default:
      break;
    }
  memset (&v->u, 0, sizeof v->u);
}

void
hr_json_free (struct hr_json *v)
{
  if (v == NULL)
    return;
  node_clear (v);
  free (v);
}

void
hr_json_freep (struct hr_json **v)
{
  hr_json_free (*v);
  *v = NULL;
}

static struct hr_json *
new_text (enum hr_json_type t, const char *s, size_t len)
{
  struct hr_json *v = node_new (t);
  if (v == NULL)
    return NULL;
  v->u.str.s = malloc (len + 1);
  if (v->u.str.s == NULL)
    {
      free (v);
      return NULL;
    }
  memcpy (v->u.str.s, s, len);
  v->u.str.s[len] = '\0';
  v->u.str.len = len;
  return v;
}

struct hr_json *hr_json_new_null (void) { return node_new (HR_JSON_NULL); }
struct hr_json *hr_json_new_bool (bool b) { return node_new (b ? HR_JSON_TRUE : HR_JSON_FALSE); }
struct hr_json *hr_json_new_array (void) { return node_new (HR_JSON_ARRAY); }
struct hr_json *hr_json_new_object (void) { return node_new (HR_JSON_OBJECT); }

struct hr_json *
hr_json_new_string (const char *s)
{
  return new_text (HR_JSON_STRING, s, strlen (s));
}

struct hr_json *
hr_json_new_u64 (uint64_t n)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%" PRIu64, n);
  return new_text (HR_JSON_NUMBER, buf, (size_t) len);
}

struct hr_json *
hr_json_new_i64 (int64_t n)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%" PRId64, n);
  return new_text (HR_JSON_NUMBER, buf, (size_t) len);
}

static int
grow (void **items, size_t *cap, size_t need, size_t elem)
{
  if (need <= *cap)
    return 0;
  size_t ncap = *cap ? *cap * 2 : 4;
  while (ncap < need)
    ncap *= 2;
  void *n = realloc (*items, ncap * elem);
  if (n == NULL)
    return -ENOMEM;
  *items = n;
  *cap = ncap;
  return 0;
}

static int
obj_grow (struct hr_json *obj, size_t need)
{
  size_t cap = obj->u.obj.cap;
  if (grow ((void **) &obj->u.obj.keys, &cap, need, sizeof (char *)) < 0)
    return -ENOMEM;
  cap = obj->u.obj.cap;
  if (grow ((void **) &obj->u.obj.vals, &cap, need, sizeof (struct hr_json *)) < 0)
    return -ENOMEM;
  obj->u.obj.cap = cap;
  return 0;
}

/* Appends without a duplicate check; takes ownership of KEY and VAL. */
static int
obj_push (struct hr_json *obj, char *key, struct hr_json *val)
{
  if (obj_grow (obj, obj->u.obj.len + 1) < 0)
    return -ENOMEM;
  obj->u.obj.keys[obj->u.obj.len] = key;
  obj->u.obj.vals[obj->u.obj.len] = val;
  obj->u.obj.len++;
  return 0;
}

static int
arr_push (struct hr_json *arr, struct hr_json *val)
{
  if (grow ((void **) &arr->u.arr.items, &arr->u.arr.cap, arr->u.arr.len + 1, sizeof (struct hr_json *)) < 0)
    return -ENOMEM;
  arr->u.arr.items[arr->u.arr.len++] = val;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */

/* Next folded unit of a key: ASCII letters lowercased, KELVIN SIGN as 'k',
 * LONG S as 's', any other non-ASCII byte kept apart from ASCII. */
static int
fold_next (const unsigned char **pp)
{
  const unsigned char *p = *pp;
  if (p[0] == 0xe2 && p[1] == 0x84 && p[2] == 0xaa)
    {
      *pp = p + 3;
      return 'k';
    }
  if (p[0] == 0xc5 && p[1] == 0xbf)
    {
      *pp = p + 2;
      return 's';
    }
  *pp = p + 1;
  if (p[0] >= 'A' && p[0] <= 'Z')
    return p[0] + ('a' - 'A');
  return p[0] < 0x80 ? p[0] : 0x100 + p[0];
}

static int
key_cmp (const char *a, const char *b)
{
  const unsigned char *pa = (const unsigned char *) a, *pb = (const unsigned char *) b;
  for (;;)
    {
      /* Equal ASCII bytes fold alike and end no multi-byte sequence. */
      while (*pa == *pb && *pa != 0 && *pa < 0x80)
        pa++, pb++;
      if (*pa == 0 || *pb == 0)
        return (int) *pa - (int) *pb;
      int ca = fold_next (&pa), cb = fold_next (&pb);
      if (ca != cb)
        return ca - cb;
    }
}

bool
hr_json_key_equal (const char *a, const char *b)
{
  return key_cmp (a, b) == 0;
}

long
hr_json_member_index (const struct hr_json *obj, const char *key)
{
  if (!hr_json_is_object (obj))
    return -1;
  for (size_t i = 0; i < obj->u.obj.len; i++)
    if (key_cmp (obj->u.obj.keys[i], key) == 0)
      return (long) i;
  return -1;
}

struct hr_json *
hr_json_member (const struct hr_json *obj, const char *key)
{
  long i = hr_json_member_index (obj, key);
  return i < 0 ? NULL : obj->u.obj.vals[i];
}

struct hr_json *
hr_json_get (const struct hr_json *obj, const char *key)
{
  struct hr_json *v = hr_json_member (obj, key);
  return v && v->type == HR_JSON_NULL ? NULL : v;
}

struct hr_json *
hr_json_get_path (const struct hr_json *v, const char *path)
{
  char key[128];
  while (v && *path)
    {
      const char *dot = strchr (path, '.');
      size_t n = dot ? (size_t) (dot - path) : strlen (path);
      if (n >= sizeof key)
        return NULL;
      memcpy (key, path, n);
      key[n] = '\0';
      v = hr_json_get (v, key);
      path += n + (dot ? 1 : 0);
    }
  return (struct hr_json *) v;
}

/* ------------------------------------------------------------------ */
/* Mutation                                                            */

int
hr_json_set (struct hr_json *obj, const char *key, struct hr_json *val, struct hr_error *err)
{
  if (val == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  if (!hr_json_is_object (obj))
    {
      hr_json_free (val);
      return hr_error_set (err, EINVAL, "cannot set \"%s\" on a non-object", key);
    }
  long i = hr_json_member_index (obj, key);
  if (i >= 0)
    {
      hr_json_free (obj->u.obj.vals[i]);
      obj->u.obj.vals[i] = val;
      return 0;
    }
  char *k = strdup (key);
  if (k == NULL || obj_push (obj, k, val) < 0)
    {
      free (k);
      hr_json_free (val);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

static struct hr_json *
ensure (struct hr_json *obj, const char *key, enum hr_json_type t)
{
  struct hr_json *v = hr_json_get (obj, key);
  if (v)
    return v->type == t ? v : NULL;
  v = node_new (t);
  if (v == NULL || hr_json_set (obj, key, v, NULL) < 0)
    return NULL;
  return v;
}

struct hr_json *hr_json_ensure_object (struct hr_json *obj, const char *key) { return ensure (obj, key, HR_JSON_OBJECT); }
struct hr_json *hr_json_ensure_array (struct hr_json *obj, const char *key) { return ensure (obj, key, HR_JSON_ARRAY); }

bool
hr_json_remove (struct hr_json *obj, const char *key)
{
  long i = hr_json_member_index (obj, key);
  if (i < 0)
    return false;
  free (obj->u.obj.keys[i]);
  hr_json_free (obj->u.obj.vals[i]);
  size_t rest = obj->u.obj.len - (size_t) i - 1;
  memmove (obj->u.obj.keys + i, obj->u.obj.keys + i + 1, rest * sizeof (char *));
  memmove (obj->u.obj.vals + i, obj->u.obj.vals + i + 1, rest * sizeof (struct hr_json *));
  obj->u.obj.len--;
  return true;
}

int
hr_json_append (struct hr_json *arr, struct hr_json *val, struct hr_error *err)
{
  if (!hr_json_is_array (arr))
    {
      hr_json_free (val);
      return hr_error_set (err, EINVAL, "cannot append to a non-array");
    }
  return hr_json_insert (arr, arr->u.arr.len, val, err);
}

int
hr_json_insert (struct hr_json *arr, size_t at, struct hr_json *val, struct hr_error *err)
{
  if (val == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  if (!hr_json_is_array (arr) || at > arr->u.arr.len)
    {
      hr_json_free (val);
      return hr_error_set (err, EINVAL, "cannot insert into a non-array");
    }
  if (arr_push (arr, val) < 0)
    {
      hr_json_free (val);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  struct hr_json **items = arr->u.arr.items;
  memmove (items + at + 1, items + at, (arr->u.arr.len - 1 - at) * sizeof *items);
  items[at] = val;
  return 0;
}

struct hr_json *
hr_json_take_at (struct hr_json *arr, size_t i)
{
  if (!hr_json_is_array (arr) || i >= arr->u.arr.len)
    return NULL;
  struct hr_json *v = arr->u.arr.items[i];
  memmove (arr->u.arr.items + i, arr->u.arr.items + i + 1, (arr->u.arr.len - i - 1) * sizeof (struct hr_json *));
  arr->u.arr.len--;
  return v;
}

void
hr_json_remove_at (struct hr_json *arr, size_t i)
{
  if (!hr_json_is_array (arr) || i >= arr->u.arr.len)
    return;
  hr_json_free (arr->u.arr.items[i]);
  memmove (arr->u.arr.items + i, arr->u.arr.items + i + 1, (arr->u.arr.len - i - 1) * sizeof (struct hr_json *));
  arr->u.arr.len--;
}

int
hr_json_set_string_value (struct hr_json *v, const char *s, struct hr_error *err)
{
  char *dup = strdup (s);
  if (dup == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  node_clear (v);
  v->type = HR_JSON_STRING;
  v->u.str.s = dup;
  v->u.str.len = strlen (dup);
  return 0;
}

struct hr_json *
hr_json_copy (const struct hr_json *v)
{
  if (v == NULL)
    return NULL;
  struct hr_json *c;
  switch (v->type)
    {
    case HR_JSON_NUMBER:
    case HR_JSON_STRING:
      c = new_text (v->type, v->u.str.s, v->u.str.len);
      break;
    case HR_JSON_ARRAY:
      c = node_new (HR_JSON_ARRAY);
      for (size_t i = 0; c && i < v->u.arr.len; i++)
        {
          struct hr_json *e = hr_json_copy (v->u.arr.items[i]);
          if (e == NULL || arr_push (c, e) < 0)
            {
              hr_json_free (e);
              hr_json_free (c);
              return NULL;
            }
        }
      break;
    case HR_JSON_OBJECT:
      c = node_new (HR_JSON_OBJECT);
      if (c && obj_grow (c, v->u.obj.len) < 0)
        {
          hr_json_free (c);
          return NULL;
        }
      for (size_t i = 0; c && i < v->u.obj.len; i++)
        {
          char *k = strdup (v->u.obj.keys[i]);
          struct hr_json *e = hr_json_copy (v->u.obj.vals[i]);
          if (k == NULL || e == NULL || obj_push (c, k, e) < 0)
            {
              free (k);
              hr_json_free (e);
              hr_json_free (c);
              return NULL;
            }
        }
      break;
    default:
      c = node_new (v->type);
      break;
    }
  if (c)
    c->line = v->line;
  return c;
}

bool
hr_json_equal (const struct hr_json *a, const struct hr_json *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->type != b->type)
    return false;
  switch (a->type)
    {
    case HR_JSON_NUMBER:
    case HR_JSON_STRING:
      return a->u.str.len == b->u.str.len && memcmp (a->u.str.s, b->u.str.s, a->u.str.len) == 0;
    case HR_JSON_ARRAY:
      if (a->u.arr.len != b->u.arr.len)
        return false;
      for (size_t i = 0; i < a->u.arr.len; i++)
        if (!hr_json_equal (a->u.arr.items[i], b->u.arr.items[i]))
          return false;
      return true;
    case HR_JSON_OBJECT:
      if (a->u.obj.len != b->u.obj.len)
        return false;
      for (size_t i = 0; i < a->u.obj.len; i++)
        if (strcmp (a->u.obj.keys[i], b->u.obj.keys[i]) != 0
            || !hr_json_equal (a->u.obj.vals[i], b->u.obj.vals[i]))
          return false;
      return true;
    default:
      return true;
    }
}

/* Plain integer text: "-"? digits, no leading "+", no fraction/exponent. */
static bool
parse_int_text (const char *s, bool *neg, uint64_t *mag)
{
  *neg = false;
  if (*s == '-')
    {
      *neg = true;
      s++;
    }
  if (*s < '0' || *s > '9')
    return false;
  uint64_t v = 0;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9')
        return false;
      unsigned d = (unsigned) (*s - '0');
      if (v > (UINT64_MAX - d) / 10)
        return false;
      v = v * 10 + d;
    }
  *mag = v;
  return true;
}

bool
hr_json_int_value (const struct hr_json *v, int64_t min, int64_t max, int64_t *ret)
{
  bool neg;
  uint64_t mag;
  if (!hr_json_is_number (v) || !parse_int_text (v->u.str.s, &neg, &mag))
    return false;
  if (neg)
    {
      if (mag > (uint64_t) INT64_MAX + 1)
        return false;
      int64_t x = mag == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) mag;
      if (x < min || x > max)
        return false;
      *ret = x;
      return true;
    }
  if (mag > (uint64_t) INT64_MAX || (int64_t) mag > max || (int64_t) mag < min)
    return false;
  *ret = (int64_t) mag;
  return true;
}

bool
hr_json_u64_value (const struct hr_json *v, uint64_t *ret)
{
  bool neg;
  uint64_t mag;
  if (!hr_json_is_number (v) || !parse_int_text (v->u.str.s, &neg, &mag) || (neg && mag != 0))
    return false;
  *ret = mag;
  return true;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

struct frame
{
  struct hr_json *node;
  char *pending_key;            /* owned: key waiting for its value (objects) */
};

struct parser
{
  const char *name;
  struct hr_error *err;
  bool failed;
  unsigned line;
  size_t nodes;
  struct frame stack[HR_JSON_MAX_DEPTH + 1];
  size_t depth;
  struct hr_json *root;
};

/* Writes the JSON path of the current position into BUF: process.user,
 * mounts[3].destination. A frame with an open container below it names that
 * container (its last member); the innermost frame names the value being
 * read (its pending key, or the next array index), if any. */
static void
path_of (const struct parser *p, char *buf, size_t size)
{
  size_t off = 0;
  buf[0] = '\0';
  for (size_t d = 0; d < p->depth && off < size; d++)
    {
      const struct hr_json *node = p->stack[d].node;
      bool inner = d + 1 < p->depth;
      int n = 0;
      if (node->type == HR_JSON_OBJECT)
        {
          const char *k = inner ? node->u.obj.keys[node->u.obj.len - 1] : p->stack[d].pending_key;
          if (k)
            n = snprintf (buf + off, size - off, "%s%s", off ? "." : "", k);
        }
      else
        n = snprintf (buf + off, size - off, "[%zu]", node->u.arr.len - (inner ? 1 : 0));
      if (n > 0)
        off += (size_t) n;
    }
  if (off >= size && size > 4)
    strcpy (buf + size - 4, "...");
}

static int
fail (struct parser *p, const char *fmt, const char *a, const char *b)
{
  char path[512];
  char what[768];
  if (p->failed)
    return 0;
  p->failed = true;
  path_of (p, path, sizeof path);
  snprintf (what, sizeof what, fmt, a ? a : "", b ? b : "");
  if (path[0])
    hr_error_set (p->err, EINVAL, "%s: \"%s\": %s", p->name, path, what);
  else
    hr_error_set (p->err, EINVAL, "%s: line %u: %s", p->name, p->line, what);
  return 0;
}

/* Strict UTF-8 as Go decodes it: no overlong forms, no surrogates, nothing
 * above U+10FFFF. */
static bool
utf8_valid (const unsigned char *s, size_t len)
{
  size_t i = 0;
  while (i < len)
    {
      unsigned c = s[i];
      if (c < 0x80)
        {
          i++;
          continue;
        }
      size_t n;
      unsigned cp;
      if (c >= 0xc2 && c <= 0xdf)
        n = 1, cp = c & 0x1f;
      else if (c >= 0xe0 && c <= 0xef)
        n = 2, cp = c & 0x0f;
      else if (c >= 0xf0 && c <= 0xf4)
        n = 3, cp = c & 0x07;
      else
        return false;
      for (size_t k = 1; k <= n; k++)
        {
          if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
            return false;
          cp = (cp << 6) | (s[i + k] & 0x3f);
        }
      if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff
          || (cp >= 0xd800 && cp <= 0xdfff))
        return false;
      i += n + 1;
    }
  return true;
}

/* Attaches V (owned) at the current position. */
static int
attach (struct parser *p, struct hr_json *v)
{
  if (v == NULL)
    {
      hr_error_set (p->err, ENOMEM, "%s: out of memory", p->name);
      p->failed = true;
      return 0;
    }
  v->line = p->line;
  if (++p->nodes > HR_JSON_MAX_NODES)
    {
      hr_json_free (v);
      return fail (p, "more than 1000000 values%s%s", NULL, NULL);
    }
  if (p->depth == 0)
    {
      p->root = v;
      return 1;
    }
  struct frame *f = &p->stack[p->depth - 1];
  if (f->node->type == HR_JSON_ARRAY)
    {
      if (f->node->u.arr.len >= HR_JSON_MAX_MEMBERS)
        {
          hr_json_free (v);
          return fail (p, "array has more than 65536 elements%s%s", NULL, NULL);
        }
      if (arr_push (f->node, v) < 0)
        {
          hr_json_free (v);
          hr_error_set (p->err, ENOMEM, "%s: out of memory", p->name);
          p->failed = true;
          return 0;
        }
      return 1;
    }
  if (obj_push (f->node, f->pending_key, v) < 0)
    {
      hr_json_free (v);
      hr_error_set (p->err, ENOMEM, "%s: out of memory", p->name);
      p->failed = true;
      return 0;
    }
  f->pending_key = NULL;
  return 1;
}

static int
cb_null (void *ctx)
{
  return attach (ctx, node_new (HR_JSON_NULL));
}

static int
cb_boolean (void *ctx, int b)
{
  return attach (ctx, node_new (b ? HR_JSON_TRUE : HR_JSON_FALSE));
}

static int
cb_number (void *ctx, const char *s, size_t len)
{
  return attach (ctx, new_text (HR_JSON_NUMBER, s, len));
}

static int
check_text (struct parser *p, const unsigned char *s, size_t len, const char *what)
{
  if (len > HR_JSON_MAX_STRING)
    return fail (p, "%s longer than 1048576 bytes%s", what, NULL);
  if (memchr (s, 0, len))
    return fail (p, "%s contains a NUL character%s", what, NULL);
  if (!utf8_valid (s, len))
    return fail (p, "%s is not valid UTF-8%s", what, NULL);
  return 1;
}

static int
cb_string (void *ctx, const unsigned char *s, size_t len)
{
  struct parser *p = ctx;
  if (!check_text (p, s, len, "string"))
    return 0;
  return attach (p, new_text (HR_JSON_STRING, (const char *) s, len));
}

static int
push_container (struct parser *p, enum hr_json_type t)
{
  if (p->depth >= HR_JSON_MAX_DEPTH)
    return fail (p, "nested deeper than 64 levels%s%s", NULL, NULL);
  struct hr_json *v = node_new (t);
  if (!attach (p, v))
    return 0;
  p->stack[p->depth++] = (struct frame) { .node = v };
  return 1;
}

static int
cb_start_map (void *ctx)
{
  return push_container (ctx, HR_JSON_OBJECT);
}

static int
cb_start_array (void *ctx)
{
  return push_container (ctx, HR_JSON_ARRAY);
}

static int
cb_map_key (void *ctx, const unsigned char *s, size_t len)
{
  struct parser *p = ctx;
  struct frame *f = &p->stack[p->depth - 1];
  if (!check_text (p, s, len, "key"))
    return 0;
  if (f->node->u.obj.len >= HR_JSON_MAX_MEMBERS)
    return fail (p, "object has more than 65536 members%s%s", NULL, NULL);
  f->pending_key = malloc (len + 1);
  if (f->pending_key == NULL)
    {
      hr_error_set (p->err, ENOMEM, "%s: out of memory", p->name);
      p->failed = true;
      return 0;
    }
  memcpy (f->pending_key, s, len);
  f->pending_key[len] = '\0';
  return 1;
}

static const struct hr_json *sort_obj;

static int
cmp_key_index (const void *a, const void *b)
{
  size_t ia = *(const size_t *) a, ib = *(const size_t *) b;
  int c = key_cmp (sort_obj->u.obj.keys[ia], sort_obj->u.obj.keys[ib]);
  if (c)
    return c;
  return ia < ib ? -1 : ia > ib;
}

/* Finds two members of OBJ whose keys match under Go's rule: 1 if found,
 * 0 if not, -ENOMEM if it could not look. */
static int
find_duplicate (const struct hr_json *obj, size_t *ret_first, size_t *ret_second)
{
  size_t n = obj->u.obj.len;
  if (n < 16)
    {
      for (size_t j = 1; j < n; j++)
        for (size_t i = 0; i < j; i++)
          if (key_cmp (obj->u.obj.keys[i], obj->u.obj.keys[j]) == 0)
            {
              *ret_first = i;
              *ret_second = j;
              return 1;
            }
      return 0;
    }
  cleanup_free size_t *idx = malloc (n * sizeof *idx);
  if (idx == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  sort_obj = obj;
  qsort (idx, n, sizeof *idx, cmp_key_index);
  sort_obj = NULL;
  for (size_t i = 1; i < n; i++)
    if (key_cmp (obj->u.obj.keys[idx[i - 1]], obj->u.obj.keys[idx[i]]) == 0)
      {
        *ret_first = idx[i - 1];
        *ret_second = idx[i];
        return 1;
      }
  return 0;
}

static int
cb_end_map (void *ctx)
{
  struct parser *p = ctx;
  struct hr_json *obj = p->stack[p->depth - 1].node;
  size_t a, b;
  int dup = find_duplicate (obj, &a, &b);
  if (dup < 0)
    {
      /* Not knowing is not "no duplicate". */
      hr_error_set (p->err, ENOMEM, "%s: out of memory", p->name);
      p->failed = true;
      return 0;
    }
  if (dup > 0)
    {
      /* Without a path (the top level), name the line of the later key
       * rather than that of the closing brace. */
      p->line = obj->u.obj.vals[b]->line;
      return fail (p, "key \"%s\" duplicates \"%s\"", obj->u.obj.keys[b], obj->u.obj.keys[a]);
    }
  p->depth--;
  return 1;
}

static int
cb_end_array (void *ctx)
{
  struct parser *p = ctx;
  p->depth--;
  return 1;
}

static const yajl_callbacks callbacks = {
  .yajl_null = cb_null,
  .yajl_boolean = cb_boolean,
  .yajl_number = cb_number,
  .yajl_string = cb_string,
  .yajl_start_map = cb_start_map,
  .yajl_map_key = cb_map_key,
  .yajl_end_map = cb_end_map,
  .yajl_start_array = cb_start_array,
  .yajl_end_array = cb_end_array,
};

static int
hexval (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static long
u_escape (const char *s, size_t left)
{
  if (left < 6 || s[0] != '\\' || s[1] != 'u')
    return -1;
  long v = 0;
  for (int k = 2; k < 6; k++)
    {
      int h = hexval (s[k]);
      if (h < 0)
        return -1;
      v = v * 16 + h;
    }
  return v;
}

/* yajl decodes "\u0000" and lone surrogate escapes silently; Go turns lone
 * surrogates into U+FFFD. Both would let hardrun and runc read different
 * strings, so they are refused before yajl sees them. */
static unsigned
line_at (const char *buf, size_t off)
{
  unsigned line = 1;
  for (const char *p = buf; (p = memchr (p, '\n', (size_t) (buf + off - p))) != NULL; p++)
    line++;
  return line;
}

/* A backslash can only stand inside a string in a document yajl accepts,
 * so only backslashes are looked at. */
static int
scan_escapes (const char *buf, size_t len, const char *name, struct hr_error *err)
{
  const char *end = buf + len, *p = buf;
  while ((p = memchr (p, '\\', (size_t) (end - p))) != NULL)
    {
      size_t i = (size_t) (p - buf);
      if (i + 1 >= len)
        break;
      long u = u_escape (p, len - i);
      if (u == 0)
        return hr_error_set (err, EINVAL, "%s: line %u: string contains a NUL character (\\u0000)", name,
                             line_at (buf, i));
      if (u >= 0xdc00 && u <= 0xdfff)
        return hr_error_set (err, EINVAL, "%s: line %u: string has a lone surrogate escape", name, line_at (buf, i));
      if (u >= 0xd800 && u <= 0xdbff)
        {
          long lo = u_escape (p + 6, len - i - 6);
          if (lo < 0xdc00 || lo > 0xdfff)
            return hr_error_set (err, EINVAL, "%s: line %u: string has a lone surrogate escape", name,
                                 line_at (buf, i));
          p += 12;
          continue;
        }
      p += 2;                   /* the backslash and the escaped character */
    }
  return 0;
}

int
hr_json_parse (const char *buf, size_t len, const char *name, struct hr_json **ret, struct hr_error *err)
{
  if (len > HR_JSON_MAX_BYTES)
    return hr_error_set (err, EFBIG, "%s: larger than %u bytes", name, HR_JSON_MAX_BYTES);
  if (len == 0)
    return hr_error_set (err, EINVAL, "%s: empty document", name);
  if (memchr (buf, 0, len))
    return hr_error_set (err, EINVAL, "%s: contains a NUL byte", name);
  int r = scan_escapes (buf, len, name, err);
  if (r < 0)
    return r;

  struct parser p = { .name = name, .err = err, .line = 1 };
  yajl_handle h = yajl_alloc (&callbacks, NULL, &p);
  if (h == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");

  /* Feed line by line so that callbacks know the line they are on. */
  yajl_status st = yajl_status_ok;
  size_t off = 0;
  while (off < len && st == yajl_status_ok)
    {
      const char *nl = memchr (buf + off, '\n', len - off);
      size_t n = nl ? (size_t) (nl - (buf + off)) + 1 : len - off;
      st = yajl_parse (h, (const unsigned char *) buf + off, n);
      off += n;
      if (st == yajl_status_ok)
        p.line++;
    }
  if (st == yajl_status_ok)
    {
      p.line--;
      st = yajl_complete_parse (h);
    }

  if (st != yajl_status_ok && !p.failed)
    {
      unsigned char *msg = yajl_get_error (h, 0, (const unsigned char *) buf, len);
      char *m = (char *) msg;
      size_t ml = m ? strlen (m) : 0;
      while (ml > 0 && (m[ml - 1] == '\n' || m[ml - 1] == ' '))
        m[--ml] = '\0';
      hr_error_set (err, EINVAL, "%s: line %u: invalid JSON: %s", name, p.line, m ? m : "parse error");
      yajl_free_error (h, msg);
      p.failed = true;
    }
  yajl_free (h);

  for (size_t d = 0; d < p.depth; d++)
    free (p.stack[d].pending_key);
  if (p.failed || p.root == NULL)
    {
      hr_json_free (p.root);
      if (!p.failed)
        return hr_error_set (err, EINVAL, "%s: empty document", name);
      return -(err ? err->code : EINVAL);
    }
  *ret = p.root;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Serialization                                                       */

static yajl_gen_status
gen (yajl_gen g, const struct hr_json *v)
{
  yajl_gen_status s;
  switch (v->type)
    {
    case HR_JSON_NULL:
      return yajl_gen_null (g);
    case HR_JSON_TRUE:
      return yajl_gen_bool (g, 1);
    case HR_JSON_FALSE:
      return yajl_gen_bool (g, 0);
    case HR_JSON_NUMBER:
      return yajl_gen_number (g, v->u.str.s, v->u.str.len);
    case HR_JSON_STRING:
      return yajl_gen_string (g, (const unsigned char *) v->u.str.s, v->u.str.len);
    case HR_JSON_ARRAY:
      if ((s = yajl_gen_array_open (g)) != yajl_gen_status_ok)
        return s;
      for (size_t i = 0; i < v->u.arr.len; i++)
        if ((s = gen (g, v->u.arr.items[i])) != yajl_gen_status_ok)
          return s;
      return yajl_gen_array_close (g);
    case HR_JSON_OBJECT:
      if ((s = yajl_gen_map_open (g)) != yajl_gen_status_ok)
        return s;
      for (size_t i = 0; i < v->u.obj.len; i++)
        {
          const char *k = v->u.obj.keys[i];
          if ((s = yajl_gen_string (g, (const unsigned char *) k, strlen (k))) != yajl_gen_status_ok)
            return s;
          if ((s = gen (g, v->u.obj.vals[i])) != yajl_gen_status_ok)
            return s;
        }
      return yajl_gen_map_close (g);
    }
  return yajl_gen_invalid_string;
}

struct outbuf
{
  char *p;
  size_t len, cap;
  bool oom;
};

/* yajl's print callback: straight into the buffer hr_json_serialize
 * returns, instead of yajl's own buffer and a copy of it. */
static void
out_print (void *ctx, const char *s, size_t n)
{
  struct outbuf *o = ctx;
  if (o->oom)
    return;
  if (o->len + n + 1 > o->cap)
    {
      size_t cap = o->cap ? o->cap : 16384;
      while (cap < o->len + n + 1)
        cap *= 2;
      char *np = realloc (o->p, cap);
      if (np == NULL)
        {
          o->oom = true;
          return;
        }
      o->p = np;
      o->cap = cap;
    }
  memcpy (o->p + o->len, s, n);
  o->len += n;
}

int
hr_json_serialize (const struct hr_json *v, bool pretty, char **ret, size_t *ret_len, struct hr_error *err)
{
  struct outbuf o = { 0 };
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  yajl_gen_config (g, yajl_gen_print_callback, out_print, &o);
  if (pretty)
    {
      yajl_gen_config (g, yajl_gen_beautify, 1);
      yajl_gen_config (g, yajl_gen_indent_string, "  ");
    }
  yajl_gen_status s = gen (g, v);
  yajl_gen_free (g);
  if (s != yajl_gen_status_ok || o.oom)
    {
      free (o.p);
      if (o.oom)
        return hr_error_set (err, ENOMEM, "out of memory");
      return hr_error_set (err, EINVAL, "cannot serialize JSON (yajl status %d)", (int) s);
    }
  if (o.p == NULL && (o.p = malloc (1)) == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  o.p[o.len] = '\0';
  *ret = o.p;
  *ret_len = o.len;
  return 0;
}
