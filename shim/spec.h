/* The bundle and its spec: config.json (or exec's process file) loaded with
 * limits, type-checked where hardrun reads it, kept as a lossless document. */
#ifndef HARDRUN_SPEC_H
#define HARDRUN_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "error.h"
#include "json.h"

/* Semantic limits, on top of the JSON limits in json.h. */
#define HR_SPEC_MAX_MOUNTS 8192
#define HR_SPEC_MAX_ENV 16384
#define HR_SPEC_MAX_ANNOTATIONS 16384
#define HR_SPEC_MAX_PATH 4096

/* A JSON document read from a file in a directory, ready to be written back
 * in place. */
struct hr_doc_file
{
  int dirfd;                    /* owned: the directory holding the file */
  char *dir;                    /* owned: the directory as given */
  char *name;                   /* owned: the file's name in DIRFD */
  char *display;                /* owned: name used in messages */
  struct stat st;               /* the file as it was read */
  struct hr_json *doc;          /* owned */
};

/* Loads BUNDLE/config.json. BUNDLE NULL means the current directory, as for
 * runc. Refuses a config.json that is a symlink or not a regular file, and a
 * bundle path with ".." components. */
int hr_bundle_load (const char *bundle, struct hr_doc_file *ret, struct hr_error *err);

/* Loads exec's --process FILE: a bare process object. */
int hr_process_file_load (const char *path, struct hr_doc_file *ret, struct hr_error *err);

void hr_doc_file_release (struct hr_doc_file *f);

/* Checks the types and limits of every field the policy reads in a whole
 * spec (config.json) or in a bare process object. NAME prefixes messages. */
int hr_spec_validate (const struct hr_json *spec, const char *name, struct hr_error *err);
int hr_process_validate (const struct hr_json *process, const char *name, struct hr_error *err);

/* Reads the whole file at FD with the JSON size limit. */
int hr_read_fd_limited (int fd, const char *name, size_t max, char **ret, size_t *ret_len, struct hr_error *err);

/* Reads FD (a pipe, a procfs file, any stream) to its end, at most MAX
 * bytes: *RET owned and NUL-terminated. NAME names it in messages. */
int hr_read_stream_limited (int fd, const char *name, size_t max, char **ret, size_t *ret_len, struct hr_error *err);

#endif
