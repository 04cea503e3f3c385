/* Alert sinks: see sink.h. */
#include "config.h"
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBCURL
#include <curl/curl.h>
#endif

#define WEBHOOK_TRIES 4
#define WEBHOOK_TIMEOUT_MS 5000

struct line
{
  char *text;                   /* owned, newline-terminated */
  size_t len;
  int priority;
};

struct hr_sink
{
  char kind[16];
  char *target;                 /* owned: path or URL */
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct line *ring;            /* owned */
  size_t cap, head, n;
  bool stop, busy;
  atomic_bool reopen;
  uint64_t queued, written, dropped, failed;
  int fd;                       /* file, stdout */
#ifdef HAVE_LIBCURL
  CURL *curl;
  struct curl_slist *headers;
#endif
};

static int
open_file (struct hr_sink *s)
{
  if (s->target == NULL)
    return -EINVAL;
  int fd = open (s->target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0)
    return -errno;
  if (s->fd > 2)
    close (s->fd);
  s->fd = fd;
  return 0;
}

static bool
write_fd (int fd, const char *p, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      p += n;
      len -= (size_t) n;
    }
  return true;
}

#ifdef HAVE_LIBCURL
static size_t
discard (char *p, size_t size, size_t n, void *ud)
{
  (void) p;
  (void) ud;
  return size * n;
}

/* POST with retries: a refused connection or a 5xx is tried again after
 * 0.2, 0.4, 0.8 s; a 4xx is final. */
static bool
post (struct hr_sink *s, const struct line *l)
{
  curl_easy_setopt (s->curl, CURLOPT_POSTFIELDS, l->text);
  curl_easy_setopt (s->curl, CURLOPT_POSTFIELDSIZE, (long) (l->len - 1));
  long delay_ms = 200;
  for (int i = 0; i < WEBHOOK_TRIES; i++)
    {
      long code = 0;
      if (curl_easy_perform (s->curl) == CURLE_OK
          && curl_easy_getinfo (s->curl, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
        {
          if (code >= 200 && code < 300)
            return true;
          if (code >= 400 && code < 500)
            return false;
        }
      if (i + 1 < WEBHOOK_TRIES)
        {
          nanosleep (&(struct timespec) { .tv_sec = delay_ms / 1000, .tv_nsec = (delay_ms % 1000) * 1000000 }, NULL);
          delay_ms *= 2;
        }
    }
  return false;
}
#endif

static bool
deliver (struct hr_sink *s, const struct line *l)
{
  if (strcmp (s->kind, "file") == 0)
    {
      if (atomic_exchange (&s->reopen, false))
        open_file (s);
      return write_fd (s->fd, l->text, l->len);
    }
  if (strcmp (s->kind, "stdout") == 0)
    return write_fd (STDOUT_FILENO, l->text, l->len);
  if (strcmp (s->kind, "syslog") == 0)
    {
      syslog (l->priority, "%.*s", (int) (l->len - 1), l->text);
      return true;
    }
#ifdef HAVE_LIBCURL
  if (strcmp (s->kind, "webhook") == 0)
    return post (s, l);
#endif
  return false;
}

static void *
run (void *arg)
{
  struct hr_sink *s = arg;
  pthread_mutex_lock (&s->mu);
  for (;;)
    {
      while (s->n == 0 && !s->stop)
        pthread_cond_wait (&s->cv, &s->mu);
      if (s->n == 0 && s->stop)
        break;
      struct line l = s->ring[s->head];
      s->head = (s->head + 1) % s->cap;
      s->n--;
      s->busy = true;
      pthread_mutex_unlock (&s->mu);
      bool ok = deliver (s, &l);
      free (l.text);
      pthread_mutex_lock (&s->mu);
      s->busy = false;
      if (ok)
        s->written++;
      else
        s->failed++;
      pthread_cond_broadcast (&s->cv);
    }
  pthread_mutex_unlock (&s->mu);
  return NULL;
}

int
hr_sink_open (const char *kind, const char *target, size_t queue, struct hr_sink **ret, struct hr_error *err)
{
  struct hr_sink *s = calloc (1, sizeof *s);
  if (s == NULL || queue == 0 || (s->ring = calloc (queue, sizeof *s->ring)) == NULL)
    {
      free (s);
      return hr_error_set (err, ENOMEM, "out of memory");
    }
  snprintf (s->kind, sizeof s->kind, "%s", kind);
  s->cap = queue;
  s->fd = -1;
  s->target = target ? strdup (target) : NULL;
  int r = 0;
  if (strcmp (kind, "file") == 0)
    {
      r = open_file (s);
      if (r < 0)
        hr_error_setsys (err, -r, "cannot open \"%s\"", target);
    }
  else if (strcmp (kind, "syslog") == 0)
    openlog ("hardrun-monitor", LOG_PID, LOG_AUTHPRIV);
  else if (strcmp (kind, "webhook") == 0)
    {
#ifdef HAVE_LIBCURL
      s->curl = curl_easy_init ();
      s->headers = curl_slist_append (NULL, "Content-Type: application/json");
      if (s->curl == NULL || s->headers == NULL)
        r = hr_error_set (err, ENOMEM, "cannot set up libcurl");
      else
        {
          curl_easy_setopt (s->curl, CURLOPT_URL, target);
          curl_easy_setopt (s->curl, CURLOPT_HTTPHEADER, s->headers);
          curl_easy_setopt (s->curl, CURLOPT_TIMEOUT_MS, (long) WEBHOOK_TIMEOUT_MS);
          curl_easy_setopt (s->curl, CURLOPT_NOSIGNAL, 1L);
          curl_easy_setopt (s->curl, CURLOPT_WRITEFUNCTION, discard);
          curl_easy_setopt (s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
        }
#else
      r = hr_error_set (err, ENOTSUP, "--webhook: hardrun-monitor was built without libcurl");
#endif
    }
  else if (strcmp (kind, "stdout") != 0)
    r = hr_error_set (err, EINVAL, "unknown sink \"%s\"", kind);
  if (r == 0)
    {
      pthread_mutex_init (&s->mu, NULL);
      pthread_cond_init (&s->cv, NULL);
      if ((r = -pthread_create (&s->thread, NULL, run, s)) < 0)
        hr_error_setsys (err, -r, "cannot start the %s sink", kind);
    }
  if (r < 0)
    {
      free (s->ring);
      free (s->target);
      if (s->fd > 2)
        close (s->fd);
      free (s);
      return r;
    }
  *ret = s;
  return 0;
}

bool
hr_sink_push (struct hr_sink *s, const char *line, size_t len, int priority)
{
  pthread_mutex_lock (&s->mu);
  bool full = s->n == s->cap;
  if (full)
    s->dropped++;
  pthread_mutex_unlock (&s->mu);
  if (full)
    return false;
  char *text = malloc (len + 1);
  if (text == NULL)
    {
      pthread_mutex_lock (&s->mu);
      s->dropped++;
      pthread_mutex_unlock (&s->mu);
      return false;
    }
  memcpy (text, line, len);
  text[len] = '\n';
  pthread_mutex_lock (&s->mu);
  bool ok = s->n < s->cap;
  if (ok)
    {
      s->ring[(s->head + s->n) % s->cap] = (struct line) { .text = text, .len = len + 1, .priority = priority };
      s->n++;
      s->queued++;
      pthread_cond_signal (&s->cv);
    }
  else
    s->dropped++;
  pthread_mutex_unlock (&s->mu);
  if (!ok)
    free (text);
  return ok;
}

void
hr_sink_reopen (struct hr_sink *s)
{
  atomic_store (&s->reopen, true);
}

void
hr_sink_stats (struct hr_sink *s, struct hr_sink_stats *ret)
{
  pthread_mutex_lock (&s->mu);
  *ret = (struct hr_sink_stats) { .kind = s->kind, .queued = s->queued, .written = s->written, .dropped = s->dropped,
                                  .failed = s->failed };
  pthread_mutex_unlock (&s->mu);
}

void
hr_sink_close (struct hr_sink *s, int timeout_ms)
{
  if (s == NULL)
    return;
  struct timespec until;
  clock_gettime (CLOCK_REALTIME, &until);
  until.tv_sec += timeout_ms / 1000;
  until.tv_nsec += (long) (timeout_ms % 1000) * 1000000;
  if (until.tv_nsec >= 1000000000)
    {
      until.tv_sec++;
      until.tv_nsec -= 1000000000;
    }
  pthread_mutex_lock (&s->mu);
  int r = 0;
  while ((s->n > 0 || s->busy) && r == 0)
    r = pthread_cond_timedwait (&s->cv, &s->mu, &until);
  bool drained = s->n == 0 && !s->busy;
  s->stop = true;
  pthread_cond_broadcast (&s->cv);
  pthread_mutex_unlock (&s->mu);
  if (!drained)
    {
      /* a sink stuck in I/O does not hold up the exit */
      pthread_detach (s->thread);
      return;
    }
  pthread_join (s->thread, NULL);
  for (size_t i = 0; i < s->n; i++)
    free (s->ring[(s->head + i) % s->cap].text);
#ifdef HAVE_LIBCURL
  if (s->curl)
    curl_easy_cleanup (s->curl);
  curl_slist_free_all (s->headers);
#endif
  if (s->fd > 2)
    close (s->fd);
  free (s->ring);
  free (s->target);
  free (s);
}
