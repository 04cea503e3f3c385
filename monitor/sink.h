/* Where alerts go: each sink has its own thread and a bounded queue, so
 * that the code answering seccomp notifications only ever copies a line
 * into a queue. A full queue drops the line and counts it. */
#ifndef HARDRUN_MONITOR_SINK_H
#define HARDRUN_MONITOR_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct hr_sink;

/* Opens a sink. KIND: "file" (TARGET: the path), "stdout", "syslog",
 * "webhook" (TARGET: the URL). QUEUE: lines it may hold. */
int hr_sink_open (const char *kind, const char *target, size_t queue, struct hr_sink **ret, struct hr_error *err);

/* Queues LINE (one JSON object, without newline) with syslog priority
 * PRIORITY; never blocks. Returns false when it was dropped. */
bool hr_sink_push (struct hr_sink *s, const char *line, size_t len, int priority);

/* Asks a file sink to reopen its file (after log rotation). */
void hr_sink_reopen (struct hr_sink *s);

struct hr_sink_stats
{
  const char *kind;
  uint64_t queued, written, dropped, failed;
};
void hr_sink_stats (struct hr_sink *s, struct hr_sink_stats *ret);

/* Writes what is queued (waiting at most TIMEOUT_MS) and closes. */
void hr_sink_close (struct hr_sink *s, int timeout_ms);

#endif
