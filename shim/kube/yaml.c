/* libyaml's event stream into trees of struct hr_json, without recursion:
 * an explicit stack of open mappings and sequences. */
#include "config.h"
#include "kube/yaml.h"
#include "cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

struct frame
{
  struct hr_json *node;         /* borrowed: owned by its parent or the document */
  char *key;                    /* owned: a mapping's key awaiting its value */
  unsigned key_line;
};

struct builder
{
  const char *name;
  struct frame stack[HR_JSON_MAX_DEPTH + 1];
  size_t depth;
  struct hr_json *root;         /* owned: the document being built */
  size_t nodes;
};

static void
builder_reset (struct builder *b)
{
  for (size_t i = 0; i < b->depth; i++)
    free (b->stack[i].key);
  b->depth = 0;
  hr_json_free (b->root);
  b->root = NULL;
  b->nodes = 0;
}

static bool
is_plain_int (const char *s)
{
  const char *p = s + (*s == '-' || *s == '+');
  if (*p == '\0')
    return false;
  for (; *p; p++)
    if (*p < '0' || *p > '9')
      return false;
  return true;
}

/* A scalar as Kubernetes' reader types it (see yaml.h). */
static struct hr_json *
scalar_value (const yaml_event_t *ev)
{
  const char *s = (const char *) ev->data.scalar.value;
  const char *tag = (const char *) ev->data.scalar.tag;
  if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || (tag && strcmp (tag, YAML_STR_TAG) == 0))
    return hr_json_new_string (s);
  if (*s == '\0' || strcmp (s, "~") == 0 || strcasecmp (s, "null") == 0)
    return hr_json_new_null ();
  if (strcasecmp (s, "true") == 0)
    return hr_json_new_bool (true);
  if (strcasecmp (s, "false") == 0)
    return hr_json_new_bool (false);
  if (is_plain_int (s))
    {
      errno = 0;
      char *end;
      long long v = strtoll (s, &end, 10);
      if (errno == 0 && *end == '\0')
        return hr_json_new_i64 (v);
    }
  return hr_json_new_string (s);
}

/* Attaches V (owned) where the innermost open container expects a value,
 * or makes it the document. *RET_PUSH tells whether V may be pushed (it
 * stayed alive in the tree). */
static int
attach (struct builder *b, struct hr_json *v, unsigned line, struct hr_error *err)
{
  if (v == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  v->line = line;
  if (++b->nodes > HR_JSON_MAX_NODES)
    {
      hr_json_free (v);
      return hr_error_set (err, E2BIG, "%s:%u: more than %d values in one document", b->name, line,
                           HR_JSON_MAX_NODES);
    }
  if (b->depth == 0)
    {
      b->root = v;
      return 0;
    }
  struct frame *f = &b->stack[b->depth - 1];
  if (hr_json_len (f->node) >= HR_JSON_MAX_MEMBERS)
    {
      hr_json_free (v);
      return hr_error_set (err, E2BIG, "%s:%u: more than %d members", b->name, line, HR_JSON_MAX_MEMBERS);
    }
  if (hr_json_is_array (f->node))
    return hr_json_append (f->node, v, err);
  if (f->key == NULL)
    {
      /* V is a key: only scalars are */
      const char *k = hr_json_string (v);
      if (k == NULL && v->type == HR_JSON_NUMBER)
        k = v->u.str.s;
      if (k == NULL)
        {
          hr_json_free (v);
          return hr_error_set (err, EINVAL, "%s:%u: a key must be a string", b->name, line);
        }
      if (hr_json_member (f->node, k))
        {
          int r = hr_error_set (err, EINVAL, "%s:%u: duplicate key \"%s\"", b->name, line, k);
          hr_json_free (v);
          return r;
        }
      f->key = strdup (k);
      f->key_line = line;
      hr_json_free (v);
      return f->key ? 0 : hr_error_set (err, ENOMEM, "out of memory");
    }
  /* a container value counts from its key's line: where a reader looks */
  if (v->type == HR_JSON_OBJECT || v->type == HR_JSON_ARRAY)
    v->line = f->key_line;
  cleanup_free char *key = steal_pointer (&f->key);
  return hr_json_set (f->node, key, v, err);
}

/* The node attach() just placed: the document, the array's last item or
 * the object's last member. */
static struct hr_json *
last_attached (struct builder *b)
{
  if (b->depth == 0)
    return b->root;
  struct hr_json *p = b->stack[b->depth - 1].node;
  if (hr_json_is_array (p))
    return p->u.arr.items[p->u.arr.len - 1];
  return p->u.obj.vals[p->u.obj.len - 1];
}

static int
on_event (struct builder *b, const yaml_event_t *ev, struct hr_yaml_docs *out, struct hr_error *err)
{
  unsigned line = (unsigned) ev->start_mark.line + 1;
  int r;
  switch (ev->type)
    {
    case YAML_ALIAS_EVENT:
      return hr_error_set (err, EINVAL, "%s:%u: aliases are not supported", b->name, line);
    case YAML_SCALAR_EVENT:
      if (ev->data.scalar.anchor)
        return hr_error_set (err, EINVAL, "%s:%u: anchors are not supported", b->name, line);
      if (ev->data.scalar.length > HR_JSON_MAX_STRING)
        return hr_error_set (err, E2BIG, "%s:%u: a value longer than %u bytes", b->name, line, HR_JSON_MAX_STRING);
      if (memchr (ev->data.scalar.value, '\0', ev->data.scalar.length))
        return hr_error_set (err, EINVAL, "%s:%u: a value contains a NUL character", b->name, line);
      return attach (b, scalar_value (ev), line, err);
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
      if ((ev->type == YAML_MAPPING_START_EVENT ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor))
        return hr_error_set (err, EINVAL, "%s:%u: anchors are not supported", b->name, line);
      if (b->depth >= HR_JSON_MAX_DEPTH)
        return hr_error_set (err, E2BIG, "%s:%u: nested deeper than %d", b->name, line, HR_JSON_MAX_DEPTH);
      r = attach (b, ev->type == YAML_MAPPING_START_EVENT ? hr_json_new_object () : hr_json_new_array (), line, err);
      if (r < 0)
        return r;
      {
        struct hr_json *node = last_attached (b);
        b->stack[b->depth++] = (struct frame) { .node = node };
      }
      return 0;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
      if (b->depth > 0)
        {
          b->depth--;
          free (b->stack[b->depth].key);
        }
      return 0;
    case YAML_DOCUMENT_END_EVENT:
      if (out->n >= HR_YAML_MAX_DOCUMENTS)
        return hr_error_set (err, E2BIG, "%s:%u: more than %d documents", b->name, line, HR_YAML_MAX_DOCUMENTS);
      {
        struct hr_json **docs = realloc (out->docs, (out->n + 1) * sizeof *docs);
        if (docs == NULL)
          return hr_error_set (err, ENOMEM, "out of memory");
        out->docs = docs;
        out->docs[out->n++] = steal_pointer (&b->root);
        b->nodes = 0;
      }
      return 0;
    default:
      return 0;
    }
}

int
hr_yaml_parse (const char *buf, size_t len, const char *name, struct hr_yaml_docs *ret, struct hr_error *err)
{
  struct hr_yaml_docs out = { 0 };
  struct builder b = { .name = name };
  yaml_parser_t parser;
  if (!yaml_parser_initialize (&parser))
    return hr_error_set (err, ENOMEM, "out of memory");
  yaml_parser_set_input_string (&parser, (const unsigned char *) buf, len);
  int r = 0;
  bool done = false;
  while (r == 0 && !done)
    {
      yaml_event_t ev;
      if (!yaml_parser_parse (&parser, &ev))
        {
          r = hr_error_set (err, EINVAL, "%s:%zu: %s%s%s", name, parser.problem_mark.line + 1,
                            parser.problem ? parser.problem : "invalid YAML", parser.context ? " " : "",
                            parser.context ? parser.context : "");
          break;
        }
      done = ev.type == YAML_STREAM_END_EVENT;
      r = on_event (&b, &ev, &out, err);
      yaml_event_delete (&ev);
    }
  yaml_parser_delete (&parser);
  builder_reset (&b);
  if (r < 0)
    {
      hr_yaml_docs_release (&out);
      return r;
    }
  *ret = out;
  return 0;
}

void
hr_yaml_docs_release (struct hr_yaml_docs *d)
{
  for (size_t i = 0; i < d->n; i++)
    hr_json_free (d->docs[i]);
  free (d->docs);
  d->docs = NULL;
  d->n = 0;
}
