/* vqs-bench.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The "wanted walk" benchmark: how long our client takes to read a whole
 * wanted list, against a floor of bare libsoup requests for the same
 * pages that parse nothing. By default it spawns tests/fake-arr with
 * 100 000 missing episodes; --url measures a real server instead (the key
 * is read from a file so that it never shows in the process list).
 *
 * The last line is machine-readable:
 *   records=N requests=N wall_s=X floor_s=Y ratio=Z peak_rss_kb=N
 * ratio = our wall time / floor wall time; peak_rss_kb is our phase's.
 */

#define G_LOG_DOMAIN "vqs-bench"

#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "vqs-arr-client.h"
#include "vqs-arr-models.h"
#include "vqs-types.h"

#define DEFAULT_FAKE_KEY "0123456789abcdef0123456789abcdef"

typedef struct
{
  char     *url;
  char     *api_key_file;
  char     *kind_name;
  char     *fake_path;
  int       missing;
  int       page_size;
  gboolean  insecure;
} Options;

typedef struct
{
  guint  requests;
  guint  records;
  double wall_s;
  gint64 peak_rss_kb;
} Phase;

static void
options_clear (Options *o)
{
  g_free (o->url);
  g_free (o->api_key_file);
  g_free (o->kind_name);
  g_free (o->fake_path);
}

/* Peak RSS per phase: writing 5 to clear_refs resets VmHWM (Linux >= 4.0)
 * to the current RSS. */
static void
reset_peak_rss (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");

  if (f == NULL)
    return;
  fputs ("5", f);
  fclose (f);
}

static gint64
read_peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10);
}

static void
print_phase (const char  *name,
             const Phase *phase)
{
  printf ("%-6s requests=%u records=%u wall_s=%.3f records_per_s=%.0f peak_rss_kb=%"
          G_GINT64_FORMAT "\n",
          name, phase->requests, phase->records, phase->wall_s,
          phase->wall_s > 0 ? phase->records / phase->wall_s : 0.0, phase->peak_rss_kb);
  fflush (stdout);
}

/* The fake ---------------------------------------------------------------- */

/* Runs in the child before exec: the fake ends with us, even when we
 * crash. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn_fake (const Options  *o,
            char          **url,
            GError        **error)
{
  g_autofree char *missing = g_strdup_printf ("%d", o->missing);
  const char *path = o->fake_path;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GDataInputStream) out = NULL;

  if (path == NULL)
    path = g_getenv ("VQS_FAKE_ARR");
  if (path == NULL)
    path = VQS_FAKE_ARR_PATH;
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fake = g_subprocess_launcher_spawn (launcher, error, path, "--kind", o->kind_name,
                                      "--missing", missing, "--cutoff", "0", NULL);
  if (fake == NULL)
    return NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  *url = g_data_input_stream_read_line_utf8 (out, NULL, NULL, error);
  if (*url == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s printed no URL", path);
      g_subprocess_force_exit (fake);
      return NULL;
    }
  return g_steal_pointer (&fake);
}

static void
stop_fake (GSubprocess *fake)
{
  g_subprocess_send_signal (fake, SIGTERM);
  g_subprocess_wait (fake, NULL, NULL);
}

/* Our client ------------------------------------------------------------- */

typedef struct
{
  VqsWantedList *list;
  GError        *error;
  gboolean       done;
} WalkState;

static void
walk_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  WalkState *state = user_data;

  state->list = vqs_arr_client_get_all_wanted_finish (VQS_ARR_CLIENT (source), result,
                                                      &state->error);
  state->done = TRUE;
}

static gboolean
run_ours (VqsArrKind   kind,
          const char  *url,
          const char  *api_key,
          int          page_size,
          gboolean     insecure,
          Phase       *phase,
          GError     **error)
{
  g_autoptr(VqsArrClient) client = vqs_arr_client_new (kind, url, api_key);
  WalkState state = { 0 };
  gint64 start;

  vqs_arr_client_set_rate_limit_per_minute (client, 0);
  vqs_arr_client_set_timeout_seconds (client, 120);
  if (insecure)
    vqs_arr_client_set_verify_tls (client, FALSE);

  reset_peak_rss ();
  start = g_get_monotonic_time ();
  vqs_arr_client_get_all_wanted_async (client, VQS_WANTED_MISSING, page_size, NULL, NULL, NULL,
                                       NULL, walk_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  phase->wall_s = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  phase->peak_rss_kb = read_peak_rss_kb ();
  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  phase->records = state.list->items->len;
  phase->requests = state.list->requests;
  vqs_wanted_list_unref (state.list);
  return TRUE;
}

/* The floor ------------------------------------------------------------------ */

typedef struct
{
  GBytes   *body;
  GError   *error;
  gboolean  done;
} FetchState;

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  FetchState *state = user_data;

  state->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                   &state->error);
  state->done = TRUE;
}

static gboolean
accept_any_certificate_cb (SoupMessage          *msg,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

/* One page, the same query our client sends, body read and dropped
 * unless @body_out asks for it.
 */
static gboolean
fetch_page (SoupSession  *session,
            const char   *url,
            VqsArrKind    kind,
            const char   *api_key,
            int           page,
            int           page_size,
            gboolean      insecure,
            GBytes      **body_out,
            GError      **error)
{
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  FetchState state = { 0 };

  uri = g_strdup_printf ("%s/api/v3/wanted/missing?page=%d&pageSize=%d&sortKey=%s"
                         "&sortDirection=ascending&monitored=true%s",
                         url, page, page_size,
                         kind == VQS_ARR_KIND_SONARR ? "episodes.airDateUtc"
                                                     : "movieMetadata.sortTitle",
                         kind == VQS_ARR_KIND_SONARR ? "&includeSeries=false" : "");
  msg = soup_message_new ("GET", uri);
  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Invalid URL");
      return FALSE;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Api-Key", api_key);
  if (insecure)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_certificate_cb), NULL);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, fetch_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_bytes_unref (state.body);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Page %d answered HTTP %u", page,
                   soup_message_get_status (msg));
      return FALSE;
    }
  if (body_out != NULL)
    *body_out = g_steal_pointer (&state.body);
  g_clear_pointer (&state.body, g_bytes_unref);
  return TRUE;
}

/* The "totalRecords" of a page envelope by a plain scan, without parsing
 * the JSON: the floor must stay a floor. -1 when it is not there.
 */
static gint64
scan_total_records (GBytes *body)
{
  static const char key[] = "\"totalRecords\"";
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  const char *end = data + len;
  const char *p = data != NULL ? g_strstr_len (data, len, key) : NULL;
  char digits[24];
  gsize n = 0;

  if (p == NULL)
    return -1;
  for (p += strlen (key); p < end && (g_ascii_isspace (*p) || *p == ':'); p++)
    ;
  while (p < end && n < sizeof digits - 1 && g_ascii_isdigit (*p))
    digits[n++] = *p++;
  if (n == 0)
    return -1;
  digits[n] = '\0';
  return g_ascii_strtoll (digits, NULL, 10);
}

/* Exactly the pages our walk requests: the first one, which tells the
 * total, then the rest of ceil (total / page_size).
 */
static gboolean
run_floor (VqsArrKind   kind,
           const char  *url,
           const char  *api_key,
           int          page_size,
           gboolean     insecure,
           Phase       *phase,
           GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autoptr(GBytes) first = NULL;
  gint64 total;
  gint64 pages;
  gint64 start;

  reset_peak_rss ();
  start = g_get_monotonic_time ();
  if (!fetch_page (session, url, kind, api_key, 1, page_size, insecure, &first, error))
    return FALSE;
  if ((total = scan_total_records (first)) < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The first page has no totalRecords");
      return FALSE;
    }
  g_clear_pointer (&first, g_bytes_unref);
  pages = MAX ((total + page_size - 1) / page_size, 1);
  for (gint64 page = 2; page <= pages; page++)
    {
      if (!fetch_page (session, url, kind, api_key, (int) page, page_size, insecure, NULL,
                       error))
        return FALSE;
    }
  phase->wall_s = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  phase->peak_rss_kb = read_peak_rss_kb ();
  phase->requests = (guint) pages;
  phase->records = (guint) total;
  return TRUE;
}

/* Main ------------------------------------------------------------------ */

static gboolean
parse_options (int       *argc,
               char    ***argv,
               Options   *o,
               GError   **error)
{
  const GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &o->url,
      "Measure this server instead of spawning the fake", "URL" },
    { "api-key-file", 0, 0, G_OPTION_ARG_FILENAME, &o->api_key_file,
      "File holding the API key for --url", "FILE" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o->kind_name, "sonarr (default) or radarr", "KIND" },
    { "fake", 0, 0, G_OPTION_ARG_FILENAME, &o->fake_path,
      "The fake-arr program (default: $VQS_FAKE_ARR or the built one)", "PATH" },
    { "missing", 0, 0, G_OPTION_ARG_INT, &o->missing, "Records in the fake (100000)", "N" },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &o->page_size, "Page size (1000)", "N" },
    { "insecure", 0, 0, G_OPTION_ARG_NONE, &o->insecure,
      "Accept any TLS certificate from --url", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- wanted-list walk benchmark");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (o->kind_name == NULL)
    o->kind_name = g_strdup ("sonarr");
  if (o->url != NULL && o->api_key_file == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--url needs --api-key-file");
      return FALSE;
    }
  if (o->page_size <= 0 || o->missing < 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--page-size must be positive and --missing not negative");
      return FALSE;
    }
  return TRUE;
}

static char *
read_api_key (const char  *path,
              GError     **error)
{
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  return g_strstrip (contents);
}

static gboolean
run (const Options  *o,
     VqsArrKind      kind,
     const char     *url,
     const char     *api_key,
     GError        **error)
{
  Phase ours = { 0 };
  Phase floor_phase = { 0 };

  /* Ours first, then the floor, each with its own peak RSS. */
  if (!run_ours (kind, url, api_key, o->page_size, o->insecure, &ours, error))
    return FALSE;
  print_phase ("ours", &ours);

  /* The same pages our walk covers, no more: the comparison is fair. */
  if (!run_floor (kind, url, api_key, o->page_size, o->insecure, &floor_phase, error))
    return FALSE;
  print_phase ("floor", &floor_phase);

  if (o->url == NULL && ours.records != (guint) o->missing)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Our walk returned %u records, not %d",
                   ours.records, o->missing);
      return FALSE;
    }
  printf ("records=%u requests=%u wall_s=%.3f floor_s=%.3f ratio=%.2f peak_rss_kb=%"
          G_GINT64_FORMAT "\n",
          ours.records, ours.requests, ours.wall_s, floor_phase.wall_s,
          floor_phase.wall_s > 0 ? ours.wall_s / floor_phase.wall_s : 0.0, ours.peak_rss_kb);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  Options o = { .missing = 100000, .page_size = 1000 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) fake = NULL;
  g_autofree char *url = NULL;
  g_autofree char *api_key = NULL;
  VqsArrKind kind = VQS_ARR_KIND_SONARR;
  gboolean ok = FALSE;

  if (!parse_options (&argc, &argv, &o, &error))
    goto out;
  if (!vqs_arr_kind_from_string (o.kind_name, &kind))
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "Unknown kind '%s'",
                   o.kind_name);
      goto out;
    }
  if (o.url != NULL)
    {
      url = g_strdup (o.url);
      while (g_str_has_suffix (url, "/"))
        url[strlen (url) - 1] = '\0';
      if ((api_key = read_api_key (o.api_key_file, &error)) == NULL)
        goto out;
    }
  else
    {
      if ((fake = spawn_fake (&o, &url, &error)) == NULL)
        goto out;
      api_key = g_strdup (DEFAULT_FAKE_KEY);
    }
  ok = run (&o, kind, url, api_key, &error);

out:
  if (fake != NULL)
    stop_fake (fake);
  if (!ok)
    g_printerr ("vqs-bench: %s\n", error != NULL ? error->message : "failed");
  options_clear (&o);
  return ok ? 0 : 1;
}
