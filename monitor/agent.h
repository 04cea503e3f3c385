/* The seccomp agent: the containers whose filters notify the monitor, the
 * answer to each notification (the errno the profile would have returned),
 * rate limiting, and the alerts, handed to the sinks. Single-threaded: the
 * main loop calls it. */
#ifndef HARDRUN_MONITOR_AGENT_H
#define HARDRUN_MONITOR_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sink.h"

/* Limits on what a connection may bring. */
#define HR_AGENT_MAX_MESSAGE (256 * 1024)
#define HR_AGENT_MAX_FDS 8
#define HR_AGENT_MAX_CONTAINERS 65536

struct hr_agent_config
{
  const char *hostname;         /* borrowed */
  uint64_t rate_interval_ms;    /* one alert per container and syscall per interval; counts after */
  struct hr_sink **sinks;       /* borrowed */
  size_t nsinks;
};

struct hr_agent;

int hr_agent_new (const struct hr_agent_config *cfg, struct hr_agent **ret, struct hr_error *err);
void hr_agent_free (struct hr_agent *a);

/* A whole message from one connection: the seccomp agent's state JSON
 * with FDS (received with it; the agent takes them all), or an event from
 * hardrun or hardrun-hook. Returns the notify descriptor the caller must
 * watch, or -1. */
int hr_agent_message (struct hr_agent *a, const char *text, size_t len, int *fds, size_t nfds);

/* The notify descriptor FD is readable: answer one notification. */
void hr_agent_notification (struct hr_agent *a, int fd);

/* FD hung up (every process under the filter is gone): forget it. The
 * caller closes nothing; the agent closes FD. */
void hr_agent_hangup (struct hr_agent *a, int fd);

/* Called about once a second: the counts of rate-limited alerts. */
void hr_agent_tick (struct hr_agent *a);

struct hr_agent_stats
{
  uint64_t notifications, answered, alerts, suppressed, events, rejected;
  size_t containers, filters;
};
void hr_agent_stats (const struct hr_agent *a, struct hr_agent_stats *ret);

#endif
