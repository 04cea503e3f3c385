/* The JSON document model: a tree that keeps what runc would read, exactly.
 *
 * - Object members keep their original order; unknown keys are kept.
 * - Numbers keep their exact source text (seccomp values are uint64 and must
 *   never pass through a double).
 * - Strings are byte-exact, valid UTF-8, and contain no NUL character.
 * - Keys are compared the way Go's encoding/json matches struct fields:
 *   ASCII case-insensitively, with U+212A KELVIN SIGN equal to "k" and
 *   U+017F LATIN SMALL LETTER LONG S equal to "s". The loader rejects two keys
 *   of one object that are equal under that rule, because runc would let the
 *   later one win while hardrun might read the earlier.
 *
 * Every node is owned by its parent; the root is owned by the caller and
 * released with hr_json_free(). */
#ifndef HARDRUN_JSON_H
#define HARDRUN_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum hr_json_type
{
  HR_JSON_NULL,
  HR_JSON_FALSE,
  HR_JSON_TRUE,
  HR_JSON_NUMBER,
  HR_JSON_STRING,
  HR_JSON_ARRAY,
  HR_JSON_OBJECT,
};

struct hr_json
{
  enum hr_json_type type;
  unsigned line;                /* source line, 0 for nodes built in memory */
  union
  {
    struct
    {
      char *s;                  /* owned, NUL-terminated: string bytes or number text */
      size_t len;
    } str;
    struct
    {
      struct hr_json **items;   /* owned */
      size_t len, cap;
    } arr;
    struct
    {
      char **keys;              /* owned */
      struct hr_json **vals;    /* owned */
      size_t len, cap;
    } obj;
  } u;
};

/* Limits on any document hardrun reads. Each has its own error message. */
#define HR_JSON_MAX_BYTES (4u * 1024 * 1024)   /* whole file */
#define HR_JSON_MAX_DEPTH 64                   /* nesting of arrays and objects */
#define HR_JSON_MAX_MEMBERS 65536              /* elements of one array or object */
#define HR_JSON_MAX_STRING (1024u * 1024)      /* bytes of one string or key */
#define HR_JSON_MAX_NODES 1000000              /* values in the whole document */

/* Parses BUF[0..len). NAME is used in messages ("config.json"). On success
 * stores an owned tree in *RET. Errors name the JSON path of the offending
 * value: config.json: "process.user": key "UID" duplicates "uid". */
int hr_json_parse (const char *buf, size_t len, const char *name, struct hr_json **ret,
                   struct hr_error *err);

/* Serializes compactly. *RET is malloc'ed and NUL-terminated; *RET_LEN
 * excludes the NUL. */
int hr_json_serialize (const struct hr_json *v, bool pretty, char **ret, size_t *ret_len,
                       struct hr_error *err);

void hr_json_free (struct hr_json *v);
void hr_json_freep (struct hr_json **v);
#define cleanup_json __attribute__ ((cleanup (hr_json_freep)))

/* Deep copy; NULL on allocation failure. */
struct hr_json *hr_json_copy (const struct hr_json *v);

/* Structural equality (numbers compare by text). */
bool hr_json_equal (const struct hr_json *a, const struct hr_json *b);

/* Go's struct-field key match (see above). */
bool hr_json_key_equal (const char *a, const char *b);

/* ---- constructors: return NULL on allocation failure ---- */
struct hr_json *hr_json_new_null (void);
struct hr_json *hr_json_new_bool (bool b);
struct hr_json *hr_json_new_string (const char *s);
struct hr_json *hr_json_new_u64 (uint64_t n);
struct hr_json *hr_json_new_i64 (int64_t n);
struct hr_json *hr_json_new_array (void);
struct hr_json *hr_json_new_object (void);

/* ---- access (all borrowed results) ---- */
static inline bool hr_json_is_object (const struct hr_json *v) { return v && v->type == HR_JSON_OBJECT; }
static inline bool hr_json_is_array (const struct hr_json *v) { return v && v->type == HR_JSON_ARRAY; }
static inline bool hr_json_is_string (const struct hr_json *v) { return v && v->type == HR_JSON_STRING; }
static inline bool hr_json_is_number (const struct hr_json *v) { return v && v->type == HR_JSON_NUMBER; }
static inline bool hr_json_is_bool (const struct hr_json *v)
{
  return v && (v->type == HR_JSON_TRUE || v->type == HR_JSON_FALSE);
}
static inline const char *hr_json_string (const struct hr_json *v) { return hr_json_is_string (v) ? v->u.str.s : NULL; }
static inline size_t hr_json_len (const struct hr_json *v)
{
  if (v == NULL)
    return 0;
  return v->type == HR_JSON_ARRAY ? v->u.arr.len : v->type == HR_JSON_OBJECT ? v->u.obj.len : 0;
}
static inline struct hr_json *hr_json_at (const struct hr_json *v, size_t i)
{
  return hr_json_is_array (v) && i < v->u.arr.len ? v->u.arr.items[i] : NULL;
}

/* Member of OBJ whose key matches KEY (Go's rule); NULL if none or OBJ is not
 * an object. A JSON null member is returned as a node of type HR_JSON_NULL;
 * use hr_json_get() to treat null as absent, as runc does for pointers. */
struct hr_json *hr_json_member (const struct hr_json *obj, const char *key);
struct hr_json *hr_json_get (const struct hr_json *obj, const char *key);
/* Dotted path of members: hr_json_get_path(spec, "process.user"). */
struct hr_json *hr_json_get_path (const struct hr_json *v, const char *path);
/* Index of KEY's member in OBJ, or -1. */
long hr_json_member_index (const struct hr_json *obj, const char *key);

/* ---- mutation ---- */
/* Sets OBJ[KEY] = VAL, taking ownership of VAL (also on failure). An existing
 * member matching KEY keeps its place and spelling; otherwise VAL is
 * appended. */
int hr_json_set (struct hr_json *obj, const char *key, struct hr_json *val, struct hr_error *err);
/* Returns the object member KEY, creating an empty object there if absent or
 * null. NULL on allocation failure or if a non-object is in the way. */
struct hr_json *hr_json_ensure_object (struct hr_json *obj, const char *key);
struct hr_json *hr_json_ensure_array (struct hr_json *obj, const char *key);
/* Removes and frees OBJ[KEY]; returns true if it was there. */
bool hr_json_remove (struct hr_json *obj, const char *key);
/* Appends / inserts, taking ownership of VAL (also on failure). */
int hr_json_append (struct hr_json *arr, struct hr_json *val, struct hr_error *err);
int hr_json_insert (struct hr_json *arr, size_t at, struct hr_json *val, struct hr_error *err);
/* Removes and frees ARR[i]. */
void hr_json_remove_at (struct hr_json *arr, size_t i);
/* Removes ARR[i] and hands it to the caller; NULL if there is none. */
struct hr_json *hr_json_take_at (struct hr_json *arr, size_t i);
/* Turns V into a string or bool in place, freeing what it held. */
int hr_json_set_string_value (struct hr_json *v, const char *s, struct hr_error *err);

/* Reads a number node as an integer: the text must be a plain integer
 * (optional "-", digits, no fraction or exponent), within [MIN, MAX]. */
bool hr_json_int_value (const struct hr_json *v, int64_t min, int64_t max, int64_t *ret);
bool hr_json_u64_value (const struct hr_json *v, uint64_t *ret);

#endif
