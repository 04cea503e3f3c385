/* The container record: what hardrun made a container at create time, kept
 * so that a later exec can be held to it (the exec ceiling).
 *
 * One small JSON file per container, keyed by the runtime's --root and the
 * container ID: <state_dir>/containers/<hash of root>/<id>.json. Written
 * atomically after the spec is hardened, removed on "delete". It also
 * names the runtime the policy chose, for the commands that pass through. */
#ifndef HARDRUN_RECORD_H
#define HARDRUN_RECORD_H

#include <stdbool.h>

#include "error.h"
#include "json.h"

/* A container ID runc would accept: [A-Za-z0-9_+.-]+, not "." or "..". */
bool hr_record_id_valid (const char *id);

/* Writes the record for ID under ROOT (runc's --root, NULL for the default):
 * the hardened process fields of SPEC, the profile name, the bundle, its
 * root.path (as "path"), and
 * the runtime the policy named (RUNTIME, NULL when it named none). */
int hr_record_write (const char *state_dir, const char *root, const char *id, const struct hr_json *spec,
                     const char *profile, const char *bundle, const char *runtime, struct hr_error *err);

/* Loads the record; *RET is NULL (and 0 returned) when there is none.
 * -EPERM for a file that is not hardrun's own: not a regular file of
 * hardrun's user, writable by others, or with more than one link. */
int hr_record_load (const char *state_dir, const char *root, const char *id, struct hr_json **ret,
                    struct hr_error *err);

/* The runtime the policy named when ID was created, so that the commands
 * that follow (state, kill, delete) reach the runtime that holds the
 * container without reading the policy again: 0 with *RET owned (NULL
 * when the policy named none), -ENOENT when there is no record hardrun can
 * trust, or one from before records kept the runtime. */
int hr_record_runtime (const char *state_dir, const char *root, const char *id, char **ret);

/* Removes the record, if any. Never fails loudly: returns negative errno. */
int hr_record_remove (const char *state_dir, const char *root, const char *id);

#endif
