/* fuzz-json: the JSON document model.
 *
 * Input: any bytes, read as a JSON document. The checks, for every document
 * hr_json_parse accepts:
 *
 *  - compact and pretty serializations parse again into an equal tree, and
 *    serializing that tree again gives the same bytes (a fixed point);
 *  - hr_json_copy gives an equal tree;
 *  - in every object, looking a key up (Go's case-folding match) finds that
 *    very member: the loader let no two keys through that runc would
 *    confuse;
 *  - every number keeps source text that is a JSON number (RFC 8259), so
 *    that runc's decoder reads the same document.
 * A refused document must come with a message and a negative errno. */
#include "config.h"
#include "fuzz.h"
#include "json.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
json_number (const char *s)
{
  if (*s == '-')
    s++;
  if (*s == '0')
    s++;
  else if (*s >= '1' && *s <= '9')
    while (*s >= '0' && *s <= '9')
      s++;
  else
    return false;
  if (*s == '.')
    {
      s++;
      if (*s < '0' || *s > '9')
        return false;
      while (*s >= '0' && *s <= '9')
        s++;
    }
  if (*s == 'e' || *s == 'E')
    {
      s++;
      if (*s == '+' || *s == '-')
        s++;
      if (*s < '0' || *s > '9')
        return false;
      while (*s >= '0' && *s <= '9')
        s++;
    }
  return *s == '\0';
}

static void
check_tree (const struct hr_json *v, unsigned depth)
{
  FUZZ_INVARIANT ("depth-limit", depth <= HR_JSON_MAX_DEPTH, "a tree %u levels deep", depth);
  switch (v->type)
    {
    case HR_JSON_STRING:
      FUZZ_INVARIANT ("string-no-nul", strlen (v->u.str.s) == v->u.str.len, "a string holds a NUL byte");
      break;
    case HR_JSON_NUMBER:
      FUZZ_INVARIANT ("number-grammar", strlen (v->u.str.s) == v->u.str.len && json_number (v->u.str.s),
                      "number text \"%s\" is not a JSON number", v->u.str.s);
      break;
    case HR_JSON_ARRAY:
      for (size_t i = 0; i < v->u.arr.len; i++)
        check_tree (v->u.arr.items[i], depth + 1);
      break;
    case HR_JSON_OBJECT:
      for (size_t i = 0; i < v->u.obj.len; i++)
        {
          long at = hr_json_member_index (v, v->u.obj.keys[i]);
          FUZZ_INVARIANT ("keys-distinct", at == (long) i, "key \"%s\" (member %zu) finds member %ld", v->u.obj.keys[i],
                          i, at);
          check_tree (v->u.obj.vals[i], depth + 1);
        }
      break;
    default:
      break;
    }
}

/* Serializes DOC, parses the text and serializes again: same tree, same
 * bytes. */
static void
check_round_trip (const struct hr_json *doc, bool pretty)
{
  const char *how = pretty ? "pretty" : "compact";
  char *out = NULL, *out2 = NULL;
  size_t len = 0, len2 = 0;
  struct hr_json *again = NULL;
  struct hr_error err = { 0 };

  int r = hr_json_serialize (doc, pretty, &out, &len, &err);
  FUZZ_INVARIANT ("serializes", r == 0, "%s: %s", how, err.msg);
  if (r < 0)
    return;
  FUZZ_INVARIANT ("serialized-length", strlen (out) == len, "%s: length %zu, text of %zu bytes", how, len, strlen (out));
  r = hr_json_parse (out, len, "serialized", &again, &err);
  FUZZ_INVARIANT ("round-trip-parses", r == 0, "%s: %s\n%.2000s", how, err.msg, out);
  if (r == 0)
    {
      FUZZ_INVARIANT ("round-trip-equal", hr_json_equal (doc, again), "%s: the tree changed:\n%.2000s", how, out);
      r = hr_json_serialize (again, pretty, &out2, &len2, &err);
      FUZZ_INVARIANT ("serializes", r == 0, "%s, second time: %s", how, err.msg);
      if (r == 0)
        FUZZ_INVARIANT ("round-trip-fixed-point", len == len2 && memcmp (out, out2, len) == 0,
                        "%s: serializing again gave other bytes:\n%.2000s\n%.2000s", how, out, out2);
    }
  free (out2);
  hr_json_free (again);
  free (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct hr_json *doc = NULL;
  struct hr_error err = { 0 };
  int r = hr_json_parse ((const char *) data, size, "input", &doc, &err);
  if (r < 0)
    {
      FUZZ_INVARIANT ("refusal-explained", doc == NULL && err.code > 0 && r == -err.code && err.msg[0],
                      "refused with %d, code %d, message \"%s\"", r, err.code, err.msg);
      return 0;
    }
  FUZZ_INVARIANT ("parse-result", doc != NULL, "accepted without a tree");
  check_tree (doc, 0);
  check_round_trip (doc, false);
  check_round_trip (doc, true);

  struct hr_json *copy = hr_json_copy (doc);
  FUZZ_INVARIANT ("copy-equal", copy && hr_json_equal (doc, copy), "hr_json_copy gave another tree");
  hr_json_free (copy);
  hr_json_free (doc);
  return 0;
}
