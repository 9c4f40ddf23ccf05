/* vqs-arr-client.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-arr-client"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vqs-arr-client.h"
#include "vqs-arr-parse-private.h"
#include "vqs-enums.h"
#include "vqs-rate-limiter.h"

/* How a request travels:
 *
 *   fetch   rate-limiter slot → send → read the body with a size cap →
 *           map the status to a VqsArrError → retry with backoff when the
 *           failure is transient (each retry takes a new slot);
 *   parse   the pure parsers of vqs-arr-parse.c, in a worker thread when
 *           the body is big enough to stall the main loop;
 *   call    fetch + parse (+ a check), the shape of every public call.
 *
 * The API key only ever goes into the X-Api-Key header of a message to
 * the configured origin: redirects are not followed, logs carry the
 * method and path only, and error texts are scrubbed of the key in case a
 * server echoes it.
 */

#define DEFAULT_TIMEOUT_SECONDS   30
#define DEFAULT_RATE_LIMIT        60
#define DEFAULT_MAX_RETRIES       3
#define DEFAULT_RETRY_INITIAL_MS  2000
#define DEFAULT_RETRY_MAX_MS      10000
#define DEFAULT_MAX_BODY_BYTES    (G_GUINT64_CONSTANT (64) * 1024 * 1024)
#define ERROR_BODY_MAX_BYTES      (64 * 1024)
#define THREADED_PARSE_BYTES      (256 * 1024)
#define READ_CHUNK_BYTES          (64 * 1024)
#define READ_LARGE_CHUNK_BYTES    (1024 * 1024)
#define MAX_RETRY_AFTER_SECONDS   60
#define RADARR_WANTED_VERSION     "5.6"
#define REDACTED                  "********"

#define URI_FLAGS (G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY | \
                   G_URI_FLAGS_ENCODED_FRAGMENT | G_URI_FLAGS_SCHEME_NORMALIZE)

typedef enum
{
  WANTED_MODE_UNKNOWN,
  WANTED_MODE_ENDPOINT,
  WANTED_MODE_FALLBACK,   /* Radarr < 5.6: filter /movie ourselves */
} WantedMode;

struct _VqsArrClient
{
  GObject         parent_instance;

  VqsArrKind      kind;
  char           *base_url;
  GUri           *base_uri;   /* path ends in '/'; NULL when unusable */
  char           *api_key;
  gboolean        verify_tls;
  guint           timeout_seconds;
  guint           max_retries;
  guint           retry_initial_ms;
  guint           retry_max_ms;
  guint64         max_body_bytes;

  SoupSession    *session;
  VqsRateLimiter *limiter;

  char           *server_version;
  WantedMode      wanted_mode;
};

G_DEFINE_FINAL_TYPE (VqsArrClient, vqs_arr_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_BASE_URL,
  PROP_API_KEY,
  PROP_VERIFY_TLS,
  PROP_TIMEOUT_SECONDS,
  PROP_RATE_LIMIT_PER_MINUTE,
  PROP_MAX_RETRIES,
  PROP_RETRY_INITIAL_DELAY_MS,
  PROP_RETRY_MAX_DELAY_MS,
  PROP_MAX_BODY_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers */

static char *
redact (VqsArrClient *self,
        const char   *text)
{
  GString *str;

  if (text == NULL)
    return NULL;

  if (self->api_key == NULL || strlen (self->api_key) < 4 || strstr (text, self->api_key) == NULL)
    return g_strdup (text);

  str = g_string_new (text);
  g_string_replace (str, self->api_key, REDACTED, 0);
  return g_string_free (str, FALSE);
}

static GError *
client_error (VqsArrClient *self,
              VqsArrError   code,
              const char   *format,
              ...) G_GNUC_PRINTF (3, 4);

static GError *
client_error (VqsArrClient *self,
              VqsArrError   code,
              const char   *format,
              ...)
{
  g_autofree char *message = NULL;
  g_autofree char *redacted = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  redacted = redact (self, message);
  return g_error_new_literal (VQS_ARR_ERROR, code, redacted);
}

static char *
host_label (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  gboolean ipv6 = strchr (host, ':') != NULL;
  int port = g_uri_get_port (uri);

  if (port < 0)
    return g_strdup_printf (ipv6 ? "[%s]" : "%s", host);

  return g_strdup_printf (ipv6 ? "[%s]:%d" : "%s:%d", host, port);
}

/* Accepts "host:port" without a scheme, drops user info, query and
 * fragment, and makes the path end in '/' so that relative references
 * such as "api/v3/tag" land below the URL base.
 */
static GUri *
parse_base_url (const char *base_url)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (base_url != NULL ? base_url : ""));
  g_autofree char *with_scheme = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (*trimmed == '\0')
    return NULL;

  if (strstr (trimmed, "://") == NULL)
    with_scheme = g_strconcat ("http://", trimmed, NULL);

  uri = g_uri_parse (with_scheme != NULL ? with_scheme : trimmed, URI_FLAGS, NULL);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if ((g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      host == NULL || *host == '\0')
    return NULL;

  if (g_str_has_suffix (g_uri_get_path (uri), "/"))
    path = g_strdup (g_uri_get_path (uri));
  else
    path = g_strconcat (g_uri_get_path (uri), "/", NULL);

  return g_uri_build (URI_FLAGS, scheme, NULL, host, g_uri_get_port (uri), path, NULL, NULL);
}

static void
query_add (GString    *query,
           const char *key,
           const char *value)
{
  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append_uri_escaped (query, key, NULL, FALSE);
  g_string_append_c (query, '=');
  g_string_append_uri_escaped (query, value, NULL, FALSE);
}

static void
query_add_int (GString    *query,
               const char *key,
               gint64      value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  query_add (query, key, buf);
}

/* Fetch: one HTTP exchange with rate limiting, timeout and retries */

typedef struct
{
  GBytes *body;
  guint   status;
  guint   requests;     /* attempts it took */
  char   *host;
  char   *path;         /* absolute path, with the URL base; no query */
} FetchResult;

typedef struct
{
  char         *method;
  char         *path;
  char         *query;
  GBytes       *body;
  GUri         *uri;
  char         *host;
  guint         attempts;

  /* The attempt in progress */
  SoupMessage  *msg;
  GCancellable *attempt_cancellable;
  gulong        cancel_handler;
  GSource      *timeout_source;
  gboolean      timed_out;
  gint64        start_us;
  GInputStream *stream;
  GByteArray   *buffer;
  gsize         read_offset;
  gsize         expected;     /* Content-Length, 0 when not announced */
  gboolean      at_eof;
  gsize         cap;

  /* Between attempts */
  GSource      *delay_source;
  GSource      *delay_cancel_source;
  guint         retry_after_ms;
} Fetch;

static void
fetch_result_free (FetchResult *result)
{
  g_clear_pointer (&result->body, g_bytes_unref);
  g_free (result->host);
  g_free (result->path);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FetchResult, fetch_result_free)

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Ends the attempt in progress. An unfinished body is abandoned: the
 * attempt's cancellable stops libsoup's I/O, and the asynchronous close
 * never blocks the main loop as the synchronous close in dispose could.
 */
static void
attempt_end (Fetch   *fetch,
             GTask   *task,
             gboolean abandon)
{
  GCancellable *caller = g_task_get_cancellable (task);

  clear_source (&fetch->timeout_source);
  if (fetch->cancel_handler != 0)
    g_cancellable_disconnect (caller, fetch->cancel_handler);
  fetch->cancel_handler = 0;

  /* A body read to its end leaves the connection fit for reuse. */
  if (abandon && !fetch->at_eof && fetch->attempt_cancellable != NULL)
    g_cancellable_cancel (fetch->attempt_cancellable);

  if (fetch->stream != NULL)
    g_input_stream_close_async (fetch->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  g_clear_object (&fetch->stream);
  g_clear_object (&fetch->msg);
  g_clear_object (&fetch->attempt_cancellable);
  g_clear_pointer (&fetch->buffer, g_byte_array_unref);
}

static void
fetch_free (Fetch *fetch)
{
  g_assert (fetch->msg == NULL);
  g_assert (fetch->delay_source == NULL);

  g_free (fetch->method);
  g_free (fetch->path);
  g_free (fetch->query);
  g_clear_pointer (&fetch->body, g_bytes_unref);
  g_clear_pointer (&fetch->uri, g_uri_unref);
  g_free (fetch->host);
  g_free (fetch);
}

static gint64
elapsed_ms (Fetch *fetch)
{
  return (g_get_monotonic_time () - fetch->start_us) / 1000;
}

static void start_attempt (GTask *task);

static gboolean
accept_any_certificate_cb (SoupMessage          *msg,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

static void
chain_cancel_cb (GCancellable *caller,
                 GCancellable *attempt_cancellable)
{
  g_cancellable_cancel (attempt_cancellable);
}

static gboolean
attempt_timed_out_cb (gpointer user_data)
{
  Fetch *fetch = user_data;

  fetch->timed_out = TRUE;
  g_clear_pointer (&fetch->timeout_source, g_source_unref);
  g_cancellable_cancel (fetch->attempt_cancellable);

  return G_SOURCE_REMOVE;
}

static guint
retry_delay_ms (VqsArrClient *self,
                Fetch        *fetch)
{
  guint64 delay = self->retry_initial_ms;

  for (guint i = 1; i < fetch->attempts && delay < self->retry_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->retry_max_ms);

  return (guint)MAX (delay, fetch->retry_after_ms);
}

static void
clear_delay (Fetch *fetch)
{
  clear_source (&fetch->delay_source);
  clear_source (&fetch->delay_cancel_source);
}

static gboolean
retry_delay_elapsed_cb (gpointer user_data)
{
  GTask *task = user_data;
  Fetch *fetch = g_task_get_task_data (task);

  /* The wait's task reference goes on to the next attempt. */
  clear_delay (fetch);
  start_attempt (task);

  return G_SOURCE_REMOVE;
}

static gboolean
retry_delay_cancelled_cb (GCancellable *cancellable,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);

  clear_delay (fetch);
  g_debug ("%s %s cancelled while waiting to retry", fetch->method, g_uri_get_path (fetch->uri));
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "The operation was cancelled");

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (GTask *task,
                guint  delay_ms)
{
  Fetch *fetch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  /* Whichever source fires first destroys the other and takes over the
   * task reference held by the wait.
   */
  fetch->delay_source = g_timeout_source_new (delay_ms);
  g_source_set_static_name (fetch->delay_source, "[vqs] retry delay");
  g_source_set_callback (fetch->delay_source, retry_delay_elapsed_cb, task, NULL);
  g_source_attach (fetch->delay_source, g_main_context_get_thread_default ());

  if (cancellable != NULL)
    {
      fetch->delay_cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_static_name (fetch->delay_cancel_source, "[vqs] retry cancel");
      g_source_set_callback (fetch->delay_cancel_source,
                             G_SOURCE_FUNC (retry_delay_cancelled_cb), task, NULL);
      g_source_attach (fetch->delay_cancel_source, g_main_context_get_thread_default ());
    }
}

/* Takes ownership of @task and @error. */
static void
attempt_failed (GTask   *task,
                GError  *error,
                gboolean retryable)
{
  VqsArrClient *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  attempt_end (fetch, task, TRUE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("%s %s cancelled", fetch->method, g_uri_get_path (fetch->uri));
    }
  else if (retryable && fetch->attempts <= self->max_retries &&
           !g_cancellable_is_cancelled (cancellable))
    {
      guint delay = retry_delay_ms (self, fetch);

      g_debug ("%s %s failed (%s), retry %u of %u in %u ms", fetch->method,
               g_uri_get_path (fetch->uri), vqs_arr_error_to_nick (error->code),
               fetch->attempts, self->max_retries, delay);
      g_error_free (error);
      schedule_retry (task, delay);
      return;
    }
  else
    {
      g_debug ("%s %s failed: %s", fetch->method, g_uri_get_path (fetch->uri), error->message);
    }

  g_task_return_error (task, error);
  g_object_unref (task);
}

static GError *
transport_error (VqsArrClient *self,
                 Fetch        *fetch,
                 GError       *error,
                 gboolean     *retryable)
{
  *retryable = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !fetch->timed_out)
    return g_error_copy (error);

  if (fetch->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      *retryable = TRUE;
      return client_error (self, VQS_ARR_ERROR_TIMEOUT,
                           _("%s did not answer %s within %u seconds."),
                           fetch->host, g_uri_get_path (fetch->uri), self->timeout_seconds);
    }

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return client_error (self, VQS_ARR_ERROR_TLS_CERTIFICATE,
                         _("The TLS certificate of %s is not trusted. If the server uses a "
                           "self-signed certificate, turn off certificate verification for it."),
                         fetch->host);

  if (error->domain == G_TLS_ERROR)
    return client_error (self, VQS_ARR_ERROR_CONNECTION_FAILED,
                         _("The secure connection to %s failed: %s"), fetch->host, error->message);

  if (g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING) ||
      g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING))
    return client_error (self, VQS_ARR_ERROR_INVALID_RESPONSE,
                         _("%s does not answer like a web server: %s"),
                         fetch->host, error->message);

  *retryable = TRUE;
  if (error->domain == G_RESOLVER_ERROR)
    return client_error (self, VQS_ARR_ERROR_CONNECTION_FAILED,
                         _("Could not find the server %s: %s"), fetch->host, error->message);

  return client_error (self, VQS_ARR_ERROR_CONNECTION_FAILED,
                       _("Could not connect to %s: %s"), fetch->host, error->message);
}

/* Takes ownership of @task. */
static void
attempt_transport_failed (GTask  *task,
                          GError *error)
{
  VqsArrClient *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  gboolean retryable;
  GError *mapped = transport_error (self, fetch, error, &retryable);

  g_debug ("%s %s -> no answer after %" G_GINT64_FORMAT " ms", fetch->method,
           g_uri_get_path (fetch->uri), elapsed_ms (fetch));
  attempt_failed (task, mapped, retryable);
}

static guint
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) now = NULL;
  guint64 seconds;

  if (value == NULL)
    return 0;

  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &seconds, NULL))
    return (guint)MIN (seconds, MAX_RETRY_AFTER_SECONDS) * 1000;

  if (!(date = soup_date_time_new_from_http_string (value)))
    return 0;

  now = g_date_time_new_now_utc ();
  seconds = (guint64)CLAMP (g_date_time_difference (date, now) / G_USEC_PER_SEC,
                            0, MAX_RETRY_AFTER_SECONDS);
  return (guint)seconds * 1000;
}

static char *
redirect_target (Fetch *fetch)
{
  const char *location = soup_message_headers_get_one (
    soup_message_get_response_headers (fetch->msg), "Location");
  g_autoptr(GUri) target = NULL;

  if (location == NULL)
    return g_strdup (_("an unnamed address"));

  /* The query is left out: it is no business of the user's, and in
   * theory it could carry a credential.
   */
  target = g_uri_parse_relative (fetch->uri, location, URI_FLAGS, NULL);
  if (target == NULL)
    return g_strdup (_("an invalid address"));

  return g_uri_join (URI_FLAGS, g_uri_get_scheme (target), NULL, g_uri_get_host (target),
                     g_uri_get_port (target), g_uri_get_path (target), NULL, NULL);
}

static GError *
status_error_5xx (VqsArrClient *self,
                  Fetch        *fetch,
                  guint         status,
                  const char   *message,
                  gboolean     *retryable)
{
  const char *path = g_uri_get_path (fetch->uri);

  *retryable = status == 502 || status == 503 || status == 504;

  if (status == 503 && message != NULL && strstr (message, "starting up") != NULL)
    return client_error (self, VQS_ARR_ERROR_STARTING_UP,
                         _("%s is starting up. Try again in a moment."), fetch->host);

  if (message != NULL)
    return client_error (self, VQS_ARR_ERROR_SERVER_ERROR,
                         _("%s failed to answer %s (%u): %s"), fetch->host, path, status, message);

  return client_error (self, VQS_ARR_ERROR_SERVER_ERROR,
                       _("%s failed to answer %s (%u %s)."), fetch->host, path, status,
                       soup_status_get_phrase (status));
}

static GError *
status_error (VqsArrClient *self,
              Fetch        *fetch,
              guint         status,
              GBytes       *body,
              gboolean     *retryable)
{
  const char *path = g_uri_get_path (fetch->uri);
  const char *app = vqs_arr_kind_display_name (self->kind);
  g_autofree char *message = NULL;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  *retryable = FALSE;
  message = _vqs_arr_parse_error_message (data, len);

  switch (status)
    {
    case 401:
      return client_error (self, VQS_ARR_ERROR_UNAUTHORIZED,
                           _("API key rejected (401) by %s. Copy the key again from Settings → "
                             "General in %s."), fetch->host, app);
    case 403:
      return client_error (self, VQS_ARR_ERROR_UNAUTHORIZED,
                           _("Access denied (403) by %s. Check the API key, and any proxy in "
                             "front of %s."), fetch->host, app);
    case 404:
      return client_error (self, VQS_ARR_ERROR_NOT_FOUND,
                           _("%s has nothing at %s (404). Check the URL base in the server "
                             "address, for example “http://host:8989/sonarr”."),
                           fetch->host, path);
    case 429:
      *retryable = TRUE;
      return client_error (self, VQS_ARR_ERROR_RATE_LIMITED,
                           _("%s is limiting the rate of requests (429). Try again later."),
                           fetch->host);
    default:
      break;
    }

  if (status >= 500)
    return status_error_5xx (self, fetch, status, message, retryable);

  if (message != NULL)
    return client_error (self, VQS_ARR_ERROR_BAD_REQUEST,
                         _("%s rejected the request for %s (%u): %s"), fetch->host, path,
                         status, message);

  return client_error (self, VQS_ARR_ERROR_BAD_REQUEST,
                       _("%s rejected the request for %s (%u %s)."), fetch->host, path, status,
                       soup_status_get_phrase (status));
}

/* Takes ownership of @task. */
static void
body_complete (GTask *task)
{
  VqsArrClient *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  guint status = soup_message_get_status (fetch->msg);
  g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&fetch->buffer));
  FetchResult *result;
  gboolean retryable;
  GError *error;

  g_debug ("%s %s -> %u (%" G_GSIZE_FORMAT " bytes, %" G_GINT64_FORMAT " ms)",
           fetch->method, g_uri_get_path (fetch->uri), status, g_bytes_get_size (body),
           elapsed_ms (fetch));

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      error = status_error (self, fetch, status, body, &retryable);
      if (status == 429 || status == 503)
        fetch->retry_after_ms = parse_retry_after (fetch->msg);
      attempt_failed (task, error, retryable);
      return;
    }

  attempt_end (fetch, task, FALSE);

  result = g_new0 (FetchResult, 1);
  result->body = g_steal_pointer (&body);
  result->status = status;
  result->requests = fetch->attempts;
  result->host = g_strdup (fetch->host);
  result->path = g_strdup (g_uri_get_path (fetch->uri));
  g_task_return_pointer (task, result, (GDestroyNotify)fetch_result_free);
  g_object_unref (task);
}

static void read_next (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  VqsArrClient *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      attempt_transport_failed (task, error);
      return;
    }

  g_byte_array_set_size (fetch->buffer, fetch->read_offset + n);

  if (n == 0)
    {
      fetch->at_eof = TRUE;
      body_complete (task);
      return;
    }

  /* An error body only needs its beginning for the message. */
  if (fetch->buffer->len > fetch->cap &&
      !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (fetch->msg)))
    {
      g_byte_array_set_size (fetch->buffer, fetch->cap);
      body_complete (task);
      return;
    }

  if (fetch->buffer->len > fetch->cap)
    {
      g_autofree char *cap = g_format_size (fetch->cap);

      attempt_failed (task,
                      client_error (self, VQS_ARR_ERROR_INVALID_RESPONSE,
                                    _("The answer of %s to %s is larger than %s."),
                                    fetch->host, g_uri_get_path (fetch->uri), cap),
                      FALSE);
      return;
    }

  read_next (task);
}

static void
read_next (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  gsize chunk = MIN (READ_CHUNK_BYTES, fetch->cap + 1 - fetch->buffer->len);

  /* Reading one byte past the cap tells a body of exactly the cap from a
   * bigger one without trusting Content-Length. With a length announced,
   * the buffer was allocated for it: reads that stay inside it (plus the
   * byte that sees the end) never reallocate it.
   */
  if (fetch->expected > fetch->buffer->len)
    chunk = MIN (MAX (chunk, READ_LARGE_CHUNK_BYTES), fetch->expected - fetch->buffer->len);
  else if (fetch->expected > 0 && fetch->expected == fetch->buffer->len)
    chunk = 1;

  fetch->read_offset = fetch->buffer->len;
  g_byte_array_set_size (fetch->buffer, fetch->read_offset + chunk);
  g_input_stream_read_async (fetch->stream, fetch->buffer->data + fetch->read_offset, chunk,
                             G_PRIORITY_DEFAULT, fetch->attempt_cancellable, read_cb, task);
}

static gboolean
is_html (SoupMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                            NULL);

  return type != NULL && (g_ascii_strcasecmp (type, "text/html") == 0 ||
                          g_ascii_strcasecmp (type, "application/xhtml+xml") == 0);
}

/* Checks the headers of a successful answer before reading its body.
 * Returns an error when there is no point in reading it.
 */
static GError *
check_success_headers (VqsArrClient *self,
                       Fetch        *fetch)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (fetch->msg);

  if (is_html (fetch->msg))
    return client_error (self, VQS_ARR_ERROR_INVALID_RESPONSE,
                         _("%s answered %s with a web page instead of data. A login page or a "
                           "proxy may be in front of %s, or the address may be wrong."),
                         fetch->host, g_uri_get_path (fetch->uri),
                         vqs_arr_kind_display_name (self->kind));

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64)soup_message_headers_get_content_length (headers) > fetch->cap)
    {
      g_autofree char *size = g_format_size (soup_message_headers_get_content_length (headers));
      g_autofree char *cap = g_format_size (fetch->cap);

      return client_error (self, VQS_ARR_ERROR_INVALID_RESPONSE,
                           _("The answer of %s to %s is %s, more than the limit of %s."),
                           fetch->host, g_uri_get_path (fetch->uri), size, cap);
    }

  return NULL;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  VqsArrClient *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  guint status;
  goffset length;

  fetch->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (fetch->stream == NULL)
    {
      attempt_transport_failed (task, error);
      return;
    }

  status = soup_message_get_status (fetch->msg);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_autofree char *target = redirect_target (fetch);

      g_debug ("%s %s -> %u, not followed", fetch->method, g_uri_get_path (fetch->uri), status);
      attempt_failed (task,
                      client_error (self, VQS_ARR_ERROR_REDIRECTED,
                                    _("%s redirected the request to %s. Redirects are not "
                                      "followed, so that the API key is never sent elsewhere: "
                                      "if that address is right, use it as the server address."),
                                    fetch->host, target),
                      FALSE);
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      GError *header_error;

      /* GByteArray lengths are guint. */
      fetch->cap = (gsize)MIN (self->max_body_bytes, G_MAXUINT / 2);
      if ((header_error = check_success_headers (self, fetch)))
        {
          attempt_failed (task, header_error, FALSE);
          return;
        }
    }
  else
    fetch->cap = (gsize)MIN (self->max_body_bytes, ERROR_BODY_MAX_BYTES);

  headers = soup_message_get_response_headers (fetch->msg);
  length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
           ? soup_message_headers_get_content_length (headers) : 0;
  fetch->expected = (gsize)CLAMP (length, 0, (goffset)fetch->cap);
  fetch->buffer = g_byte_array_sized_new ((guint)(fetch->expected + 1));
  read_next (task);
}

static void
send_attempt (GTask *task)
{
  VqsArrClient *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  GCancellable *caller = g_task_get_cancellable (task);
  SoupMessageHeaders *headers;

  fetch->attempts++;
  fetch->timed_out = FALSE;
  fetch->at_eof = FALSE;
  fetch->retry_after_ms = 0;

  fetch->msg = soup_message_new_from_uri (fetch->method, fetch->uri);
  soup_message_set_flags (fetch->msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (fetch->msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->api_key != NULL && *self->api_key != '\0')
    soup_message_headers_replace (headers, "X-Api-Key", self->api_key);
  if (fetch->body != NULL)
    soup_message_set_request_body_from_bytes (fetch->msg, "application/json", fetch->body);
  if (!self->verify_tls)
    g_signal_connect (fetch->msg, "accept-certificate",
                      G_CALLBACK (accept_any_certificate_cb), NULL);

  /* The attempt has its own cancellable so that our timeout can stop it
   * and still be told apart from the caller cancelling.
   */
  fetch->attempt_cancellable = g_cancellable_new ();
  if (caller != NULL)
    fetch->cancel_handler = g_cancellable_connect (caller, G_CALLBACK (chain_cancel_cb),
                                                   g_object_ref (fetch->attempt_cancellable),
                                                   g_object_unref);
  if (self->timeout_seconds > 0)
    {
      fetch->timeout_source = g_timeout_source_new (self->timeout_seconds * 1000);
      g_source_set_static_name (fetch->timeout_source, "[vqs] request timeout");
      g_source_set_callback (fetch->timeout_source, attempt_timed_out_cb, fetch, NULL);
      g_source_attach (fetch->timeout_source, g_main_context_get_thread_default ());
    }

  fetch->start_us = g_get_monotonic_time ();
  soup_session_send_async (self->session, fetch->msg, G_PRIORITY_DEFAULT,
                           fetch->attempt_cancellable, sent_cb, task);
}

static void
slot_acquired_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;

  if (!vqs_rate_limiter_acquire_finish (VQS_RATE_LIMITER (object), result, &error))
    {
      g_debug ("%s %s cancelled before it was sent", fetch->method, g_uri_get_path (fetch->uri));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  send_attempt (task);
}

/* Takes ownership of @task. Every attempt, first or retry, waits for its
 * own rate-limiter slot.
 */
static void
start_attempt (GTask *task)
{
  VqsArrClient *self = g_task_get_source_object (task);

  vqs_rate_limiter_acquire_async (self->limiter, g_task_get_cancellable (task),
                                  slot_acquired_cb, task);
}

/* @query: (transfer full) (nullable): the encoded query
 * @body: (transfer full) (nullable): a JSON request body
 */
static void
fetch_async (VqsArrClient        *self,
             const char          *method,
             const char          *path,
             char                *query,
             GBytes              *body,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *reference = NULL;
  Fetch *fetch;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fetch_async);

  fetch = g_new0 (Fetch, 1);
  fetch->method = g_strdup (method);
  fetch->path = g_strdup (path);
  fetch->query = query;
  fetch->body = body;
  g_task_set_task_data (task, fetch, (GDestroyNotify)fetch_free);

  if (self->base_uri == NULL)
    {
      g_task_return_error (task, client_error (self, VQS_ARR_ERROR_CONNECTION_FAILED,
                                               _("“%s” is not a valid server address. Use the "
                                                 "form http://host:port, followed by the URL "
                                                 "base if the server has one."),
                                               self->base_url != NULL ? self->base_url : ""));
      return;
    }

  reference = query != NULL ? g_strconcat (path, "?", query, NULL) : g_strdup (path);
  fetch->uri = g_uri_parse_relative (self->base_uri, reference, URI_FLAGS, NULL);
  g_assert (fetch->uri != NULL);
  fetch->host = host_label (fetch->uri);

  start_attempt (g_steal_pointer (&task));
}

static FetchResult *
fetch_finish (VqsArrClient  *self,
              GAsyncResult  *result,
              GError       **error)
{
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Parse: inline for small bodies, in a worker thread for big ones */

typedef gpointer (*ParseFunc) (const char *data,
                               gsize       len,
                               gpointer    parse_data,
                               GError    **error);

typedef struct
{
  GBytes         *body;
  ParseFunc       parse;
  gpointer        parse_data;
  GDestroyNotify  parse_data_free;
  GDestroyNotify  result_free;
} ParseJob;

static void
parse_job_free (ParseJob *job)
{
  g_clear_pointer (&job->body, g_bytes_unref);
  if (job->parse_data_free != NULL)
    g_clear_pointer (&job->parse_data, job->parse_data_free);
  g_free (job);
}

/* The thread of the last parse, for the tests only: they compare it
 * with a live thread and never use it otherwise.
 */
static GThread *last_parse_thread;

GThread *
_vqs_arr_client_get_last_parse_thread_for_testing (void)
{
  return g_atomic_pointer_get (&last_parse_thread);
}

static void
parse_job_run (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ParseJob *job = task_data;
  GError *error = NULL;
  gpointer result;
  gsize len;
  const char *data = g_bytes_get_data (job->body, &len);

  g_atomic_pointer_set (&last_parse_thread, g_thread_self ());
  result = job->parse (data, len, job->parse_data, &error);

  /* The JSON text is dropped as soon as the compact models exist. */
  g_clear_pointer (&job->body, g_bytes_unref);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, job->result_free);
}

/* @body: (transfer full) */
static void
parse_async (VqsArrClient        *self,
             GBytes              *body,
             ParseFunc            parse,
             gpointer             parse_data,
             GDestroyNotify       parse_data_free,
             GDestroyNotify       result_free,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ParseJob *job = g_new0 (ParseJob, 1);

  g_task_set_source_tag (task, parse_async);
  job->body = body;
  job->parse = parse;
  job->parse_data = parse_data;
  job->parse_data_free = parse_data_free;
  job->result_free = result_free;
  g_task_set_task_data (task, job, (GDestroyNotify)parse_job_free);

  if (g_bytes_get_size (body) > THREADED_PARSE_BYTES)
    g_task_run_in_thread (task, parse_job_run);
  else
    parse_job_run (task, self, job, cancellable);
}

static gpointer
parse_finish (VqsArrClient  *self,
              GAsyncResult  *result,
              GError       **error)
{
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
prefix_parse_error (GError      **error,
                    FetchResult  *fetched)
{
  /* A cancellation during a threaded parse says nothing about the answer. */
  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_prefix_error (error, _("Unexpected answer from %s for %s. "), fetched->host, fetched->path);
}

/* Adapters from the parsers' signatures to ParseFunc */

static gpointer
parse_status (const char *data, gsize len, gpointer parse_data, GError **error)
{
  return _vqs_arr_parse_system_status (data, len, error);
}

static gpointer
parse_wanted_page (const char *data, gsize len, gpointer parse_data, GError **error)
{
  return _vqs_arr_parse_wanted_page (GPOINTER_TO_INT (parse_data), data, len, error);
}

static gpointer
parse_command (const char *data, gsize len, gpointer parse_data, GError **error)
{
  return _vqs_arr_parse_command (data, len, error);
}

static gpointer
parse_quality_profiles (const char *data, gsize len, gpointer parse_data, GError **error)
{
  return _vqs_arr_parse_quality_profiles (data, len, error);
}

static gpointer
parse_root_folders (const char *data, gsize len, gpointer parse_data, GError **error)
{
  return _vqs_arr_parse_root_folders (data, len, error);
}

static gpointer
parse_tags (const char *data, gsize len, gpointer parse_data, GError **error)
{
  return _vqs_arr_parse_tags (data, len, error);
}

static gpointer
parse_library (const char *data, gsize len, gpointer parse_data, GError **error)
{
  return _vqs_arr_parse_library (data, len, error);
}

static gpointer
parse_queue_page (const char *data, gsize len, gpointer parse_data, GError **error)
{
  return _vqs_arr_parse_queue_page (data, len, error);
}

/* Call: fetch + parse + an optional check, the shape of the simple calls */

typedef gboolean (*CheckFunc) (VqsArrClient  *self,
                               gpointer       result,
                               FetchResult   *fetched,
                               GError       **error);

typedef struct
{
  ParseFunc       parse;
  gpointer        parse_data;
  GDestroyNotify  result_free;
  CheckFunc       check;
  FetchResult    *fetched;
} Call;

static void
call_free (Call *call)
{
  g_clear_pointer (&call->fetched, fetch_result_free);
  g_free (call);
}

static void
call_parsed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VqsArrClient *self = VQS_ARR_CLIENT (object);
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  gpointer parsed;

  if (!(parsed = parse_finish (self, result, &error)))
    {
      prefix_parse_error (&error, call->fetched);
      g_task_return_error (task, error);
      return;
    }

  if (call->check != NULL && !call->check (self, parsed, call->fetched, &error))
    {
      call->result_free (parsed);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, parsed, call->result_free);
}

static void
call_fetched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VqsArrClient *self = VQS_ARR_CLIENT (object);
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;

  if (!(call->fetched = fetch_finish (self, result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  parse_async (self, g_steal_pointer (&call->fetched->body), call->parse, call->parse_data,
               NULL, call->result_free, g_task_get_cancellable (task), call_parsed_cb,
               g_object_ref (task));
}

static void
call_async (VqsArrClient        *self,
            gpointer             source_tag,
            const char          *method,
            const char          *path,
            char                *query,
            GBytes              *body,
            ParseFunc            parse,
            gpointer             parse_data,
            GDestroyNotify       result_free,
            CheckFunc            check,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, source_tag);
  call->parse = parse;
  call->parse_data = parse_data;
  call->result_free = result_free;
  call->check = check;
  g_task_set_task_data (task, call, (GDestroyNotify)call_free);

  fetch_async (self, method, path, query, body, cancellable, call_fetched_cb,
               g_steal_pointer (&task));
}

static gpointer
call_finish (VqsArrClient  *self,
             GAsyncResult  *result,
             gpointer       source_tag,
             GError       **error)
{
  g_return_val_if_fail (VQS_IS_ARR_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
reset_session (VqsArrClient *self)
{
  /* Messages in flight keep the old session alive until they finish.
   * A new session also drops pooled connections, so a connection whose
   * certificate was accepted unverified is never reused once
   * verification is back on.
   */
  g_clear_object (&self->session);
  self->session = soup_session_new_with_options ("user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                                 "timeout", 0,
                                                 NULL);
}

static void
vqs_arr_client_dispose (GObject *object)
{
  VqsArrClient *self = (VqsArrClient *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->limiter);

  G_OBJECT_CLASS (vqs_arr_client_parent_class)->dispose (object);
}

static void
vqs_arr_client_finalize (GObject *object)
{
  VqsArrClient *self = (VqsArrClient *)object;

  g_free (self->base_url);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  g_free (self->server_version);

  G_OBJECT_CLASS (vqs_arr_client_parent_class)->finalize (object);
}

static void
vqs_arr_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VqsArrClient *self = VQS_ARR_CLIENT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_VERIFY_TLS:
      g_value_set_boolean (value, self->verify_tls);
      break;
    case PROP_TIMEOUT_SECONDS:
      g_value_set_uint (value, self->timeout_seconds);
      break;
    case PROP_RATE_LIMIT_PER_MINUTE:
      g_value_set_uint (value, vqs_rate_limiter_get_per_minute (self->limiter));
      break;
    case PROP_MAX_RETRIES:
      g_value_set_uint (value, self->max_retries);
      break;
    case PROP_RETRY_INITIAL_DELAY_MS:
      g_value_set_uint (value, self->retry_initial_ms);
      break;
    case PROP_RETRY_MAX_DELAY_MS:
      g_value_set_uint (value, self->retry_max_ms);
      break;
    case PROP_MAX_BODY_BYTES:
      g_value_set_uint64 (value, self->max_body_bytes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_arr_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VqsArrClient *self = VQS_ARR_CLIENT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_BASE_URL:
      vqs_arr_client_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_API_KEY:
      vqs_arr_client_set_api_key (self, g_value_get_string (value));
      break;
    case PROP_VERIFY_TLS:
      vqs_arr_client_set_verify_tls (self, g_value_get_boolean (value));
      break;
    case PROP_TIMEOUT_SECONDS:
      vqs_arr_client_set_timeout_seconds (self, g_value_get_uint (value));
      break;
    case PROP_RATE_LIMIT_PER_MINUTE:
      vqs_arr_client_set_rate_limit_per_minute (self, g_value_get_uint (value));
      break;
    case PROP_MAX_RETRIES:
      vqs_arr_client_set_max_retries (self, g_value_get_uint (value));
      break;
    case PROP_RETRY_INITIAL_DELAY_MS:
      vqs_arr_client_set_retry_delays (self, g_value_get_uint (value), self->retry_max_ms);
      break;
    case PROP_RETRY_MAX_DELAY_MS:
      vqs_arr_client_set_retry_delays (self, self->retry_initial_ms, g_value_get_uint (value));
      break;
    case PROP_MAX_BODY_BYTES:
      vqs_arr_client_set_max_body_bytes (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_arr_client_class_init (VqsArrClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = vqs_arr_client_dispose;
  object_class->finalize = vqs_arr_client_finalize;
  object_class->get_property = vqs_arr_client_get_property;
  object_class->set_property = vqs_arr_client_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       VQS_TYPE_ARR_KIND, VQS_ARR_KIND_SONARR,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL, flags);
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERIFY_TLS] =
    g_param_spec_boolean ("verify-tls", NULL, NULL, TRUE, flags);
  properties[PROP_TIMEOUT_SECONDS] =
    g_param_spec_uint ("timeout-seconds", NULL, NULL,
                       0, 3600, DEFAULT_TIMEOUT_SECONDS, flags);
  properties[PROP_RATE_LIMIT_PER_MINUTE] =
    g_param_spec_uint ("rate-limit-per-minute", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_RATE_LIMIT, flags);
  properties[PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL, 0, 100, DEFAULT_MAX_RETRIES, flags);
  properties[PROP_RETRY_INITIAL_DELAY_MS] =
    g_param_spec_uint ("retry-initial-delay-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_RETRY_INITIAL_MS, flags);
  properties[PROP_RETRY_MAX_DELAY_MS] =
    g_param_spec_uint ("retry-max-delay-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_RETRY_MAX_MS, flags);
  properties[PROP_MAX_BODY_BYTES] =
    g_param_spec_uint64 ("max-body-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_MAX_BODY_BYTES, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vqs_arr_client_init (VqsArrClient *self)
{
  self->verify_tls = TRUE;
  self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->retry_initial_ms = DEFAULT_RETRY_INITIAL_MS;
  self->retry_max_ms = DEFAULT_RETRY_MAX_MS;
  self->max_body_bytes = DEFAULT_MAX_BODY_BYTES;
  self->limiter = vqs_rate_limiter_new (DEFAULT_RATE_LIMIT);
  reset_session (self);
}

/* Settings */

VqsArrClient *
vqs_arr_client_new (VqsArrKind  kind,
                    const char *base_url,
                    const char *api_key)
{
  return g_object_new (VQS_TYPE_ARR_CLIENT,
                       "kind", kind,
                       "base-url", base_url,
                       "api-key", api_key,
                       NULL);
}

VqsArrKind
vqs_arr_client_get_kind (VqsArrClient *self)
{
  g_return_val_if_fail (VQS_IS_ARR_CLIENT (self), VQS_ARR_KIND_SONARR);

  return self->kind;
}

const char *
vqs_arr_client_get_base_url (VqsArrClient *self)
{
  g_return_val_if_fail (VQS_IS_ARR_CLIENT (self), NULL);

  return self->base_url;
}

void
vqs_arr_client_set_base_url (VqsArrClient *self,
                             const char   *base_url)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  if (g_strcmp0 (self->base_url, base_url) == 0)
    return;

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  self->base_uri = parse_base_url (base_url);

  /* What we learnt about the server applied to the old address. */
  g_clear_pointer (&self->server_version, g_free);
  self->wanted_mode = WANTED_MODE_UNKNOWN;
  reset_session (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

void
vqs_arr_client_set_api_key (VqsArrClient *self,
                            const char   *api_key)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  if (g_strcmp0 (self->api_key, api_key) == 0)
    return;

  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  self->api_key = g_strdup (api_key);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_KEY]);
}

gboolean
vqs_arr_client_get_verify_tls (VqsArrClient *self)
{
  g_return_val_if_fail (VQS_IS_ARR_CLIENT (self), TRUE);

  return self->verify_tls;
}

void
vqs_arr_client_set_verify_tls (VqsArrClient *self,
                               gboolean      verify_tls)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  verify_tls = !!verify_tls;
  if (self->verify_tls == verify_tls)
    return;

  self->verify_tls = verify_tls;
  reset_session (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFY_TLS]);
}

guint
vqs_arr_client_get_timeout_seconds (VqsArrClient *self)
{
  g_return_val_if_fail (VQS_IS_ARR_CLIENT (self), 0);

  return self->timeout_seconds;
}

void
vqs_arr_client_set_timeout_seconds (VqsArrClient *self,
                                    guint         timeout_seconds)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  if (self->timeout_seconds == timeout_seconds)
    return;

  self->timeout_seconds = timeout_seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT_SECONDS]);
}

guint
vqs_arr_client_get_rate_limit_per_minute (VqsArrClient *self)
{
  g_return_val_if_fail (VQS_IS_ARR_CLIENT (self), 0);

  return vqs_rate_limiter_get_per_minute (self->limiter);
}

void
vqs_arr_client_set_rate_limit_per_minute (VqsArrClient *self,
                                          guint         per_minute)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  if (vqs_rate_limiter_get_per_minute (self->limiter) == per_minute)
    return;

  vqs_rate_limiter_set_per_minute (self->limiter, per_minute);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMIT_PER_MINUTE]);
}

/**
 * vqs_arr_client_get_rate_limiter:
 *
 * Returns: (transfer none): the limiter every request of @self waits for
 */
VqsRateLimiter *
vqs_arr_client_get_rate_limiter (VqsArrClient *self)
{
  g_return_val_if_fail (VQS_IS_ARR_CLIENT (self), NULL);

  return self->limiter;
}

/**
 * vqs_arr_client_share_rate_limiter:
 * @other: a client of the same server
 *
 * Makes @self wait for the same start slots as @other, so that a second
 * client for one server (trying unsaved settings, say) never adds to the
 * rate the server sees. The limit is then @other's.
 */
void
vqs_arr_client_share_rate_limiter (VqsArrClient *self,
                                   VqsArrClient *other)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));
  g_return_if_fail (VQS_IS_ARR_CLIENT (other));

  if (self->limiter == other->limiter)
    return;

  g_set_object (&self->limiter, other->limiter);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMIT_PER_MINUTE]);
}

guint
vqs_arr_client_get_max_retries (VqsArrClient *self)
{
  g_return_val_if_fail (VQS_IS_ARR_CLIENT (self), 0);

  return self->max_retries;
}

void
vqs_arr_client_set_max_retries (VqsArrClient *self,
                                guint         max_retries)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  if (self->max_retries == max_retries)
    return;

  self->max_retries = max_retries;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_RETRIES]);
}

void
vqs_arr_client_set_retry_delays (VqsArrClient *self,
                                 guint         initial_ms,
                                 guint         max_ms)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  max_ms = MAX (max_ms, initial_ms);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->retry_initial_ms != initial_ms)
    {
      self->retry_initial_ms = initial_ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_INITIAL_DELAY_MS]);
    }
  if (self->retry_max_ms != max_ms)
    {
      self->retry_max_ms = max_ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_MAX_DELAY_MS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
vqs_arr_client_set_max_body_bytes (VqsArrClient *self,
                                   gsize         max_body_bytes)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));
  g_return_if_fail (max_body_bytes > 0);

  if (self->max_body_bytes == max_body_bytes)
    return;

  self->max_body_bytes = max_body_bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BODY_BYTES]);
}

/* System status */

static void
learn_version (VqsArrClient *self,
               const char   *version)
{
  g_free (self->server_version);
  self->server_version = g_strdup (version);

  if (self->kind != VQS_ARR_KIND_RADARR || version == NULL)
    return;

  self->wanted_mode = _vqs_arr_compare_versions (version, RADARR_WANTED_VERSION) < 0
                      ? WANTED_MODE_FALLBACK : WANTED_MODE_ENDPOINT;
}

static gboolean
check_status (VqsArrClient  *self,
              gpointer       result,
              FetchResult   *fetched,
              GError       **error)
{
  VqsSystemStatus *status = result;
  const char *expected = vqs_arr_kind_display_name (self->kind);

  /* Sonarr and Radarr have named themselves since v3; a server that
   * does not is given the benefit of the doubt rather than refused.
   */
  if (status->app_name == NULL || *status->app_name == '\0')
    {
      g_debug ("%s does not name its application; assuming %s", fetched->host, expected);
      g_free (status->app_name);
      status->app_name = g_strdup (expected);
    }
  else if (g_ascii_strcasecmp (status->app_name, expected) != 0)
    {
      g_autofree char *found = g_utf8_make_valid (status->app_name, -1);

      g_propagate_error (error,
                         client_error (self, VQS_ARR_ERROR_WRONG_APPLICATION,
                                       _("%s runs %s, but this server is set up as %s. Check "
                                         "the address and the port."),
                                       fetched->host, found, expected));
      return FALSE;
    }

  learn_version (self, status->version);
  return TRUE;
}

void
vqs_arr_client_get_status_async (VqsArrClient        *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  call_async (self, vqs_arr_client_get_status_async, "GET", "api/v3/system/status", NULL, NULL,
              parse_status, NULL, (GDestroyNotify)vqs_system_status_unref, check_status,
              cancellable, callback, user_data);
}

VqsSystemStatus *
vqs_arr_client_get_status_finish (VqsArrClient  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return call_finish (self, result, vqs_arr_client_get_status_async, error);
}

/* Wanted: the endpoints, and the Radarr < 5.6 fallback */

typedef struct
{
  VqsWantedKind  wanted;
  int            page;
  int            page_size;
  char          *sort_key;
  char          *sort_direction;
} WantedQuery;

static void
wanted_query_free (WantedQuery *query)
{
  g_free (query->sort_key);
  g_free (query->sort_direction);
  g_free (query);
}

/* Sonarr v3 named its sort keys without the table; passing a v4 key to
 * it reaches SQL and fails.
 */
static const char *
default_sort_key (VqsArrClient *self)
{
  if (self->kind == VQS_ARR_KIND_RADARR)
    return "movieMetadata.sortTitle";

  if (self->server_version != NULL && _vqs_arr_compare_versions (self->server_version, "4") < 0)
    return "airDateUtc";

  return "episodes.airDateUtc";
}

static WantedQuery *
wanted_query_new (VqsArrClient  *self,
                  VqsWantedKind  wanted,
                  int            page,
                  int            page_size,
                  const char    *sort_key,
                  const char    *sort_direction)
{
  WantedQuery *query = g_new0 (WantedQuery, 1);

  query->wanted = wanted;
  query->page = MAX (page, 1);
  query->page_size = MAX (page_size, 1);
  query->sort_key = g_strdup (sort_key != NULL ? sort_key : default_sort_key (self));
  query->sort_direction = g_strdup (sort_direction != NULL ? sort_direction : "ascending");
  return query;
}

static WantedQuery *
wanted_query_copy (const WantedQuery *query)
{
  WantedQuery *copy = g_memdup2 (query, sizeof *query);

  copy->sort_key = g_strdup (query->sort_key);
  copy->sort_direction = g_strdup (query->sort_direction);
  return copy;
}

static gboolean
use_fallback (VqsArrClient *self)
{
  return self->kind == VQS_ARR_KIND_RADARR && self->wanted_mode == WANTED_MODE_FALLBACK;
}

static gboolean
should_fall_back (VqsArrClient *self,
                  const GError *error)
{
  return self->kind == VQS_ARR_KIND_RADARR &&
         self->wanted_mode != WANTED_MODE_ENDPOINT &&
         g_error_matches (error, VQS_ARR_ERROR, VQS_ARR_ERROR_NOT_FOUND);
}

/* Always an explicit sort direction: the servers sort descending when it
 * is omitted, which is not what "default" suggests.
 */
static void
fetch_wanted_page (VqsArrClient        *self,
                   const WantedQuery   *query,
                   int                  page,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GString *params = g_string_new (NULL);
  const char *path;

  query_add_int (params, "page", page);
  query_add_int (params, "pageSize", query->page_size);
  query_add (params, "sortKey", query->sort_key);
  query_add (params, "sortDirection", query->sort_direction);
  query_add (params, "monitored", "true");
  if (self->kind == VQS_ARR_KIND_SONARR)
    query_add (params, "includeSeries", "false");

  path = query->wanted == VQS_WANTED_MISSING ? "api/v3/wanted/missing" : "api/v3/wanted/cutoff";
  fetch_async (self, "GET", path, g_string_free (params, FALSE), NULL, cancellable, callback,
               user_data);
}

static gpointer
parse_movie_wanted (const char *data, gsize len, gpointer parse_data, GError **error)
{
  WantedQuery *query = parse_data;

  return _vqs_arr_parse_movie_wanted (data, len, query->wanted, query->sort_key,
                                      query->sort_direction, error);
}

/* Fetches /movie and parses it into the whole filtered, sorted list. */
static void
fetch_movie_wanted (VqsArrClient        *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  fetch_async (self, "GET", "api/v3/movie", NULL, NULL, cancellable, callback, user_data);
}

static void
parse_movie_wanted_async (VqsArrClient        *self,
                          FetchResult         *fetched,
                          const WantedQuery   *query,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  parse_async (self, g_steal_pointer (&fetched->body), parse_movie_wanted,
               wanted_query_copy (query), (GDestroyNotify)wanted_query_free,
               (GDestroyNotify)g_array_unref, cancellable, callback, user_data);
}

typedef struct
{
  WantedQuery *query;
  FetchResult *fetched;
} WantedCall;

static void
wanted_call_free (WantedCall *call)
{
  g_clear_pointer (&call->query, wanted_query_free);
  g_clear_pointer (&call->fetched, fetch_result_free);
  g_free (call);
}

static VqsWantedPage *
page_from_list (GArray            *items,
                const WantedQuery *query)
{
  VqsWantedPage *page = vqs_wanted_page_new ();
  gsize first = (gsize)(query->page - 1) * (gsize)query->page_size;

  page->page = query->page;
  page->page_size = query->page_size;
  page->total_records = items->len;
  page->sort_key = g_strdup (query->sort_key);
  page->sort_direction = g_strdup (query->sort_direction);

  for (gsize i = first; i < items->len && i < first + (gsize)query->page_size; i++)
    {
      VqsWantedItem *item = &g_array_index (items, VqsWantedItem, i);

      g_array_append_val (page->items, *item);
      item->title = NULL;
    }

  return page;
}

static void
wanted_fallback_parsed_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WantedCall *call = g_task_get_task_data (task);
  g_autoptr(GArray) items = NULL;
  GError *error = NULL;

  if (!(items = parse_finish (VQS_ARR_CLIENT (object), result, &error)))
    {
      prefix_parse_error (&error, call->fetched);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, page_from_list (items, call->query),
                         (GDestroyNotify)vqs_wanted_page_unref);
}

static void
wanted_fallback_fetched_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VqsArrClient *self = VQS_ARR_CLIENT (object);
  WantedCall *call = g_task_get_task_data (task);
  GError *error = NULL;

  if (!(call->fetched = fetch_finish (self, result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  self->wanted_mode = WANTED_MODE_FALLBACK;
  parse_movie_wanted_async (self, call->fetched, call->query, g_task_get_cancellable (task),
                            wanted_fallback_parsed_cb, g_object_ref (task));
}

static void
wanted_page_parsed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WantedCall *call = g_task_get_task_data (task);
  GError *error = NULL;
  VqsWantedPage *page;

  if (!(page = parse_finish (VQS_ARR_CLIENT (object), result, &error)))
    {
      prefix_parse_error (&error, call->fetched);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, page, (GDestroyNotify)vqs_wanted_page_unref);
}

static void
wanted_page_fetched_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VqsArrClient *self = VQS_ARR_CLIENT (object);
  WantedCall *call = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!(call->fetched = fetch_finish (self, result, &error)))
    {
      if (should_fall_back (self, error))
        {
          g_debug ("No wanted endpoints on this Radarr: filtering /movie instead");
          g_error_free (error);
          fetch_movie_wanted (self, cancellable, wanted_fallback_fetched_cb,
                              g_steal_pointer (&task));
          return;
        }

      g_task_return_error (task, error);
      return;
    }

  if (self->kind == VQS_ARR_KIND_RADARR)
    self->wanted_mode = WANTED_MODE_ENDPOINT;

  parse_async (self, g_steal_pointer (&call->fetched->body), parse_wanted_page,
               GINT_TO_POINTER (self->kind), NULL, (GDestroyNotify)vqs_wanted_page_unref,
               cancellable, wanted_page_parsed_cb, g_object_ref (task));
}

void
vqs_arr_client_get_wanted_page_async (VqsArrClient        *self,
                                      VqsWantedKind        wanted,
                                      int                  page,
                                      int                  page_size,
                                      const char          *sort_key,
                                      const char          *sort_direction,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WantedCall *call;

  g_return_if_fail (VQS_IS_ARR_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vqs_arr_client_get_wanted_page_async);
  call = g_new0 (WantedCall, 1);
  call->query = wanted_query_new (self, wanted, page, page_size, sort_key, sort_direction);
  g_task_set_task_data (task, call, (GDestroyNotify)wanted_call_free);

  if (use_fallback (self))
    fetch_movie_wanted (self, cancellable, wanted_fallback_fetched_cb, g_steal_pointer (&task));
  else
    fetch_wanted_page (self, call->query, call->query->page, cancellable,
                       wanted_page_fetched_cb, g_steal_pointer (&task));
}

VqsWantedPage *
vqs_arr_client_get_wanted_page_finish (VqsArrClient  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return call_finish (self, result, vqs_arr_client_get_wanted_page_async, error);
}

/* All wanted pages.
 *
 * One request is in flight at a time, but page N + 1 is requested as soon
 * as page N has arrived, while page N is still being parsed (in a worker
 * thread when it is big): the network and the parser overlap. Parsed
 * pages are merged strictly in page order, deduplicating by id since
 * rows move between pages while we walk.
 */

typedef struct
{
  WantedQuery           *query;
  VqsWantedProgressFunc  progress;
  gpointer               progress_data;
  GDestroyNotify         progress_destroy;
  VqsWantedList         *list;
  GHashTable            *seen;        /* gint64 ids already in list */
  GHashTable            *parsed;      /* page number → VqsWantedPage not merged yet */
  int                    next_fetch;
  int                    next_merge;
  int                    last_page;
  gboolean               last_page_known;
  guint                  fetching;
  guint                  parsing;
  GQueue                 to_parse;    /* WalkStep, fetched and waiting */
  gboolean               finished;
} Walk;

typedef struct
{
  GTask       *task;
  int          page;
  FetchResult *fetched;
} WalkStep;

/* Requests still in flight when the walk ends keep it alive for a
 * moment; the caller's progress data must not wait for them.
 */
static void
walk_drop_progress (Walk *walk)
{
  GDestroyNotify destroy = g_steal_pointer (&walk->progress_destroy);

  walk->progress = NULL;
  if (destroy != NULL)
    destroy (g_steal_pointer (&walk->progress_data));
}

static void
walk_free (Walk *walk)
{
  walk_drop_progress (walk);
  g_clear_pointer (&walk->query, wanted_query_free);
  g_clear_pointer (&walk->list, vqs_wanted_list_unref);
  g_clear_pointer (&walk->seen, g_hash_table_unref);
  g_clear_pointer (&walk->parsed, g_hash_table_unref);
  g_free (walk);
}

static void
walk_step_free (WalkStep *step)
{
  g_clear_object (&step->task);
  g_clear_pointer (&step->fetched, fetch_result_free);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WalkStep, walk_step_free)

static void
walk_fail (GTask  *task,
           GError *error)
{
  Walk *walk = g_task_get_task_data (task);

  walk->finished = TRUE;
  walk_drop_progress (walk);
  g_task_return_error (task, error);

  /* Queued steps hold references on the task: let them go. */
  g_queue_clear_full (&walk->to_parse, (GDestroyNotify)walk_step_free);
}

static void
walk_report (Walk *walk)
{
  if (walk->progress != NULL)
    walk->progress (walk->list->items->len, walk->list->total_records, walk->progress_data);
}

static void
walk_complete (GTask *task)
{
  Walk *walk = g_task_get_task_data (task);

  walk->finished = TRUE;
  walk_drop_progress (walk);
  g_task_return_pointer (task, vqs_wanted_list_ref (walk->list),
                         (GDestroyNotify)vqs_wanted_list_unref);
}

/* The set of ids already in the list. Where a pointer holds a gint64,
 * ids are stored in the pointers themselves: no allocation per record.
 */
static GHashTable *
seen_new (void)
{
#if GLIB_SIZEOF_VOID_P >= 8
  return g_hash_table_new (g_direct_hash, NULL);
#else
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
#endif
}

/* Returns FALSE if @id was already in @seen. */
static gboolean
seen_add (GHashTable *seen,
          gint64      id)
{
#if GLIB_SIZEOF_VOID_P >= 8
  return g_hash_table_add (seen, (gpointer)(gintptr)id);
#else
  if (g_hash_table_contains (seen, &id))
    return FALSE;
  return g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
#endif
}

static void
walk_merge_page (Walk          *walk,
                 int            number,
                 VqsWantedPage *page)
{
  GArray *items = walk->list->items;
  gint64 total = page->total_records;
  int page_size = walk->query->page_size;

  for (guint i = 0; i < page->items->len; i++)
    {
      VqsWantedItem *item = &g_array_index (page->items, VqsWantedItem, i);

      if (!seen_add (walk->seen, item->id))
        continue;

      g_array_append_val (items, *item);
      item->title = NULL;
    }

  /* The latest total decides how far to go; a short page is the end
   * whatever the total claims, so a shrinking list cannot make us loop.
   */
  walk->list->total_records = total;
  walk->last_page = (int)MIN ((total + page_size - 1) / page_size, G_MAXINT);
  if (page->items->len < (guint)page_size)
    walk->last_page = MIN (walk->last_page, number);
  walk->last_page_known = TRUE;

  walk_report (walk);
}

static void
walk_merge (Walk *walk)
{
  VqsWantedPage *page;

  while ((page = g_hash_table_lookup (walk->parsed, GINT_TO_POINTER (walk->next_merge))))
    {
      walk_merge_page (walk, walk->next_merge, page);
      g_hash_table_remove (walk->parsed, GINT_TO_POINTER (walk->next_merge));
      walk->next_merge++;
    }
}

static void walk_fetch (GTask *task);

/* Starts the next request if there is one to make, or completes the walk
 * when nothing is left in flight.
 */
static void
walk_pump (GTask *task)
{
  Walk *walk = g_task_get_task_data (task);
  GError *error = NULL;

  if (walk->finished)
    return;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      walk_fail (task, error);
      return;
    }

  /* Two pages waiting for the parser hold the next request back: a slow
   * parser never lets JSON pile up in memory, while one page of slack
   * keeps the network busy through the usual jitter.
   */
  if (walk->fetching > 0 || walk->to_parse.length > 1 || !walk->last_page_known)
    return;

  if (walk->next_fetch <= walk->last_page)
    walk_fetch (task);
  else if (walk->parsing == 0 && g_hash_table_size (walk->parsed) == 0)
    walk_complete (task);
}

static void walk_page_parsed_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data);

/* One page is parsed at a time: with the server, the network and this
 * process sharing a few cores, two parser threads would mostly take
 * time from the server producing the next page.
 */
static void
walk_parse_next (GTask *task)
{
  VqsArrClient *self = g_task_get_source_object (task);
  Walk *walk = g_task_get_task_data (task);
  WalkStep *step;
  GBytes *body;

  if (walk->finished || walk->parsing > 0 || !(step = g_queue_pop_head (&walk->to_parse)))
    return;

  body = g_steal_pointer (&step->fetched->body);
  walk->parsing++;
  parse_async (self, body, parse_wanted_page, GINT_TO_POINTER (self->kind), NULL,
               (GDestroyNotify)vqs_wanted_page_unref, g_task_get_cancellable (task),
               walk_page_parsed_cb, step);
}

static void
walk_page_parsed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(WalkStep) step = user_data;
  Walk *walk = g_task_get_task_data (step->task);
  GError *error = NULL;
  VqsWantedPage *page;

  walk->parsing--;
  page = parse_finish (VQS_ARR_CLIENT (object), result, &error);
  if (walk->finished)
    {
      g_clear_pointer (&page, vqs_wanted_page_unref);
      g_clear_error (&error);
      return;
    }

  if (page == NULL)
    {
      prefix_parse_error (&error, step->fetched);
      walk_fail (step->task, error);
      return;
    }

  g_hash_table_insert (walk->parsed, GINT_TO_POINTER (step->page), page);
  walk_merge (walk);
  walk_parse_next (step->task);
  walk_pump (step->task);
}

static void walk_fallback (GTask *task);

static void
walk_page_fetched_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(WalkStep) step = user_data;
  g_autoptr(GTask) task = g_object_ref (step->task);
  VqsArrClient *self = VQS_ARR_CLIENT (object);
  Walk *walk = g_task_get_task_data (task);
  GError *error = NULL;

  walk->fetching--;
  step->fetched = fetch_finish (self, result, &error);
  if (walk->finished)
    {
      g_clear_error (&error);
      return;
    }

  if (step->fetched == NULL)
    {
      if (step->page == 1 && should_fall_back (self, error))
        {
          g_debug ("No wanted endpoints on this Radarr: filtering /movie instead");
          g_error_free (error);
          walk->list->requests++;
          walk_fallback (step->task);
          return;
        }
      walk_fail (step->task, error);
      return;
    }

  if (self->kind == VQS_ARR_KIND_RADARR)
    self->wanted_mode = WANTED_MODE_ENDPOINT;
  walk->list->requests += step->fetched->requests;

  g_queue_push_tail (&walk->to_parse, g_steal_pointer (&step));
  walk_parse_next (task);
  walk_pump (task);
}

static void
walk_fetch (GTask *task)
{
  VqsArrClient *self = g_task_get_source_object (task);
  Walk *walk = g_task_get_task_data (task);
  WalkStep *step = g_new0 (WalkStep, 1);

  step->task = g_object_ref (task);
  step->page = walk->next_fetch++;
  walk->fetching++;
  fetch_wanted_page (self, walk->query, step->page, g_task_get_cancellable (task),
                     walk_page_fetched_cb, step);
}

static void
walk_fallback_parsed_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(WalkStep) step = user_data;
  Walk *walk = g_task_get_task_data (step->task);
  GError *error = NULL;
  GArray *items;

  if (!(items = parse_finish (VQS_ARR_CLIENT (object), result, &error)))
    {
      prefix_parse_error (&error, step->fetched);
      walk_fail (step->task, error);
      return;
    }

  g_clear_pointer (&walk->list->items, g_array_unref);
  walk->list->items = items;
  walk->list->total_records = items->len;

  /* The whole list arrived at once; report it a page at a time anyway so
   * that callers see the same progress as with the real endpoints.
   */
  if (walk->progress != NULL)
    {
      gint64 total = items->len;

      for (gint64 done = MIN (walk->query->page_size, total); ;
           done = MIN (done + walk->query->page_size, total))
        {
          walk->progress (done, total, walk->progress_data);
          if (done >= total)
            break;
        }
    }

  walk_complete (step->task);
}

static void
walk_fallback_fetched_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(WalkStep) step = user_data;
  VqsArrClient *self = VQS_ARR_CLIENT (object);
  Walk *walk = g_task_get_task_data (step->task);
  GCancellable *cancellable;
  FetchResult *fetched;
  GError *error = NULL;

  if (!(step->fetched = fetch_finish (self, result, &error)))
    {
      walk_fail (step->task, error);
      return;
    }

  self->wanted_mode = WANTED_MODE_FALLBACK;
  walk->list->requests += step->fetched->requests;
  fetched = step->fetched;
  cancellable = g_task_get_cancellable (step->task);
  parse_movie_wanted_async (self, fetched, walk->query, cancellable, walk_fallback_parsed_cb,
                            g_steal_pointer (&step));
}

static void
walk_fallback (GTask *task)
{
  VqsArrClient *self = g_task_get_source_object (task);
  WalkStep *step = g_new0 (WalkStep, 1);

  step->task = g_object_ref (task);
  fetch_movie_wanted (self, g_task_get_cancellable (task), walk_fallback_fetched_cb, step);
}

void
vqs_arr_client_get_all_wanted_async (VqsArrClient          *self,
                                     VqsWantedKind          wanted,
                                     int                    page_size,
                                     VqsWantedProgressFunc  progress,
                                     gpointer               progress_data,
                                     GDestroyNotify         progress_destroy,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  Walk *walk;

  g_return_if_fail (VQS_IS_ARR_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vqs_arr_client_get_all_wanted_async);

  walk = g_new0 (Walk, 1);
  walk->query = wanted_query_new (self, wanted, 1, page_size, NULL, NULL);
  walk->progress = progress;
  walk->progress_data = progress_data;
  walk->progress_destroy = progress_destroy;
  walk->list = vqs_wanted_list_new ();
  walk->seen = seen_new ();
  walk->parsed = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)vqs_wanted_page_unref);
  walk->next_fetch = 1;
  walk->next_merge = 1;
  g_task_set_task_data (task, walk, (GDestroyNotify)walk_free);

  if (use_fallback (self))
    walk_fallback (task);
  else
    walk_fetch (task);
}

VqsWantedList *
vqs_arr_client_get_all_wanted_finish (VqsArrClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return call_finish (self, result, vqs_arr_client_get_all_wanted_async, error);
}

/* Commands */

static const struct
{
  const char *name;
  VqsArrKind  kind;
} command_info[] = {
  [VQS_COMMAND_EPISODE_SEARCH] = { "EpisodeSearch", VQS_ARR_KIND_SONARR },
  [VQS_COMMAND_SEASON_SEARCH] = { "SeasonSearch", VQS_ARR_KIND_SONARR },
  [VQS_COMMAND_SERIES_SEARCH] = { "SeriesSearch", VQS_ARR_KIND_SONARR },
  [VQS_COMMAND_MISSING_EPISODE_SEARCH] = { "MissingEpisodeSearch", VQS_ARR_KIND_SONARR },
  [VQS_COMMAND_CUTOFF_UNMET_EPISODE_SEARCH] = { "CutoffUnmetEpisodeSearch", VQS_ARR_KIND_SONARR },
  [VQS_COMMAND_MOVIES_SEARCH] = { "MoviesSearch", VQS_ARR_KIND_RADARR },
  [VQS_COMMAND_MISSING_MOVIES_SEARCH] = { "MissingMoviesSearch", VQS_ARR_KIND_RADARR },
  [VQS_COMMAND_CUTOFF_UNMET_MOVIES_SEARCH] = { "CutoffUnmetMoviesSearch", VQS_ARR_KIND_RADARR },
};

static gboolean
check_command (VqsArrClient    *self,
               VqsCommandKind   command,
               const gint64    *ids,
               gsize            n_ids,
               gint64           series_id,
               GError         **error)
{
  if ((guint)command >= G_N_ELEMENTS (command_info))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown search command %d."), command);
      return FALSE;
    }

  if (command_info[command].kind != self->kind)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s is a %s command and cannot be sent to %s."),
                   command_info[command].name,
                   vqs_arr_kind_display_name (command_info[command].kind),
                   vqs_arr_kind_display_name (self->kind));
      return FALSE;
    }

  if ((command == VQS_COMMAND_EPISODE_SEARCH || command == VQS_COMMAND_MOVIES_SEARCH) &&
      (ids == NULL || n_ids == 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s needs at least one id."), command_info[command].name);
      return FALSE;
    }

  if ((command == VQS_COMMAND_SEASON_SEARCH || command == VQS_COMMAND_SERIES_SEARCH) &&
      series_id <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s needs a series."), command_info[command].name);
      return FALSE;
    }

  return TRUE;
}

static void
add_id_array (JsonBuilder  *builder,
              const char   *name,
              const gint64 *ids,
              gsize         n_ids)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (gsize i = 0; i < n_ids; i++)
    json_builder_add_int_value (builder, ids[i]);
  json_builder_end_array (builder);
}

static GBytes *
command_body (VqsCommandKind  command,
              const gint64   *ids,
              gsize           n_ids,
              gint64          series_id,
              int             season_number)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize len;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, command_info[command].name);

  switch (command)
    {
    case VQS_COMMAND_EPISODE_SEARCH:
      add_id_array (builder, "episodeIds", ids, n_ids);
      break;
    case VQS_COMMAND_MOVIES_SEARCH:
      add_id_array (builder, "movieIds", ids, n_ids);
      break;
    case VQS_COMMAND_SEASON_SEARCH:
      json_builder_set_member_name (builder, "seasonNumber");
      json_builder_add_int_value (builder, season_number);
      G_GNUC_FALLTHROUGH;
    case VQS_COMMAND_SERIES_SEARCH:
      json_builder_set_member_name (builder, "seriesId");
      json_builder_add_int_value (builder, series_id);
      break;
    case VQS_COMMAND_MISSING_EPISODE_SEARCH:
    case VQS_COMMAND_CUTOFF_UNMET_EPISODE_SEARCH:
      if (series_id > 0)
        {
          json_builder_set_member_name (builder, "seriesId");
          json_builder_add_int_value (builder, series_id);
        }
      json_builder_set_member_name (builder, "monitored");
      json_builder_add_boolean_value (builder, TRUE);
      break;
    case VQS_COMMAND_MISSING_MOVIES_SEARCH:
    case VQS_COMMAND_CUTOFF_UNMET_MOVIES_SEARCH:
    default:
      break;
    }

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);

  return g_bytes_new_take (text, len);
}

void
vqs_arr_client_send_command_async (VqsArrClient        *self,
                                   VqsCommandKind       command,
                                   const gint64        *ids,
                                   gsize                n_ids,
                                   gint64               series_id,
                                   int                  season_number,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GError *error = NULL;

  g_return_if_fail (VQS_IS_ARR_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!check_command (self, command, ids, n_ids, series_id, &error))
    {
      g_task_report_error (self, callback, user_data, vqs_arr_client_send_command_async, error);
      return;
    }

  call_async (self, vqs_arr_client_send_command_async, "POST", "api/v3/command", NULL,
              command_body (command, ids, n_ids, series_id, season_number),
              parse_command, NULL, (GDestroyNotify)vqs_command_unref, NULL,
              cancellable, callback, user_data);
}

VqsCommand *
vqs_arr_client_send_command_finish (VqsArrClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return call_finish (self, result, vqs_arr_client_send_command_async, error);
}

void
vqs_arr_client_get_command_async (VqsArrClient        *self,
                                  gint64               command_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (VQS_IS_ARR_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  path = g_strdup_printf ("api/v3/command/%" G_GINT64_FORMAT, command_id);
  call_async (self, vqs_arr_client_get_command_async, "GET", path, NULL, NULL,
              parse_command, NULL, (GDestroyNotify)vqs_command_unref, NULL,
              cancellable, callback, user_data);
}

VqsCommand *
vqs_arr_client_get_command_finish (VqsArrClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return call_finish (self, result, vqs_arr_client_get_command_async, error);
}

/* Configuration lists, library, queue */

void
vqs_arr_client_get_quality_profiles_async (VqsArrClient        *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  call_async (self, vqs_arr_client_get_quality_profiles_async, "GET", "api/v3/qualityprofile",
              NULL, NULL, parse_quality_profiles, NULL, (GDestroyNotify)g_ptr_array_unref, NULL,
              cancellable, callback, user_data);
}

GPtrArray *
vqs_arr_client_get_quality_profiles_finish (VqsArrClient  *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  return call_finish (self, result, vqs_arr_client_get_quality_profiles_async, error);
}

void
vqs_arr_client_get_root_folders_async (VqsArrClient        *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  call_async (self, vqs_arr_client_get_root_folders_async, "GET", "api/v3/rootfolder",
              NULL, NULL, parse_root_folders, NULL, (GDestroyNotify)g_ptr_array_unref, NULL,
              cancellable, callback, user_data);
}

GPtrArray *
vqs_arr_client_get_root_folders_finish (VqsArrClient  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return call_finish (self, result, vqs_arr_client_get_root_folders_async, error);
}

void
vqs_arr_client_get_tags_async (VqsArrClient        *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  call_async (self, vqs_arr_client_get_tags_async, "GET", "api/v3/tag",
              NULL, NULL, parse_tags, NULL, (GDestroyNotify)g_ptr_array_unref, NULL,
              cancellable, callback, user_data);
}

GPtrArray *
vqs_arr_client_get_tags_finish (VqsArrClient  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return call_finish (self, result, vqs_arr_client_get_tags_async, error);
}

void
vqs_arr_client_get_library_async (VqsArrClient        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  call_async (self, vqs_arr_client_get_library_async, "GET",
              self->kind == VQS_ARR_KIND_RADARR ? "api/v3/movie" : "api/v3/series",
              NULL, NULL, parse_library, NULL, (GDestroyNotify)g_ptr_array_unref, NULL,
              cancellable, callback, user_data);
}

GPtrArray *
vqs_arr_client_get_library_finish (VqsArrClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return call_finish (self, result, vqs_arr_client_get_library_async, error);
}

void
vqs_arr_client_get_queue_page_async (VqsArrClient        *self,
                                     int                  page,
                                     int                  page_size,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GString *params;

  g_return_if_fail (VQS_IS_ARR_CLIENT (self));

  params = g_string_new (NULL);
  query_add_int (params, "page", MAX (page, 1));
  query_add_int (params, "pageSize", MAX (page_size, 1));
  query_add (params, "sortKey", "timeleft");
  query_add (params, "sortDirection", "ascending");

  call_async (self, vqs_arr_client_get_queue_page_async, "GET", "api/v3/queue",
              g_string_free (params, FALSE), NULL, parse_queue_page, NULL,
              (GDestroyNotify)vqs_queue_page_unref, NULL, cancellable, callback, user_data);
}

VqsQueuePage *
vqs_arr_client_get_queue_page_finish (VqsArrClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return call_finish (self, result, vqs_arr_client_get_queue_page_async, error);
}
