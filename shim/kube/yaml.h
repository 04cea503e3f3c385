/* YAML (and JSON, which libyaml reads as YAML) into hardrun's JSON model,
 * one tree per document, every node carrying its source line.
 *
 * Plain scalars are typed as Kubernetes' YAML reader types them for the
 * fields hardrun reads: true/false (any case) are booleans, null, ~ and an
 * empty value are null, plain integers are numbers, everything else is a
 * string. Quoted scalars are always strings. Anchors and aliases are
 * refused (an alias bomb is a classic way to make a small file huge), as
 * are duplicate keys. */
#ifndef HARDRUN_KUBE_YAML_H
#define HARDRUN_KUBE_YAML_H

#include <stddef.h>

#include "error.h"
#include "json.h"

#define HR_YAML_MAX_DOCUMENTS 1024

struct hr_yaml_docs
{
  struct hr_json **docs;        /* owned; an empty document is NULL */
  size_t n;
};

/* Parses BUF[0..len). NAME prefixes errors ("deploy.yaml:12: ..."). The
 * limits of json.h apply to every document. */
int hr_yaml_parse (const char *buf, size_t len, const char *name, struct hr_yaml_docs *ret, struct hr_error *err);

void hr_yaml_docs_release (struct hr_yaml_docs *d);

#endif
