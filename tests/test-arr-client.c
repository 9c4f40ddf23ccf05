/* test-arr-client.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The *arr client against the fake Sonarr/Radarr over real HTTP on
 * 127.0.0.1. Both run on this thread's main context: every call below
 * iterates it until the client's callback has run.
 */

#define G_LOG_DOMAIN "vqs-test-arr-client"

#include "config.h"

#include <string.h>

#include "vqs-arr-client.h"
#include "vqs-arr-parse-private.h"
#include "vqs-fake-arr.h"

#define KEY       VQS_FAKE_ARR_DEFAULT_API_KEY
#define WRONG_KEY "ffffffffffffffffffffffffffff0000"

/* Timers fire late, never early; requests also spend a little time on
 * the wire between the client's start and the fake's arrival stamp.
 */
#define TOLERANCE_US 5000

typedef struct
{
  VqsFakeArr   *fake;
  VqsArrClient *client;
} Fixture;

/* Log capture: see test_no_key_in_logs(). */
static GString *captured_log;

/* Helpers */

static void
fixture_init (Fixture    *f,
              VqsArrKind  kind,
              const char *version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  f->fake = vqs_fake_arr_new (kind, version, NULL);
  vqs_fake_arr_listen (f->fake, 0, FALSE, &error);
  g_assert_no_error (error);

  url = vqs_fake_arr_get_url (f->fake);
  f->client = vqs_arr_client_new (kind, url, KEY);

  /* Fast by default; the tests of spacing set their own values. */
  vqs_arr_client_set_rate_limit_per_minute (f->client, 0);
  vqs_arr_client_set_retry_delays (f->client, 50, 200);
  vqs_arr_client_set_timeout_seconds (f->client, 5);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->client);
  g_clear_object (&f->fake);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static const VqsFakeRequest *
request_at (VqsFakeArr *fake,
            guint       index)
{
  GPtrArray *requests = vqs_fake_arr_get_requests (fake);

  g_assert_cmpuint (index, <, requests->len);
  return g_ptr_array_index (requests, index);
}

static char *
query_param (const VqsFakeRequest *request,
             const char           *name)
{
  g_autoptr(GHashTable) params = NULL;

  if (request->query == NULL)
    return NULL;

  params = g_uri_parse_params (request->query, -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (params);
  return g_strdup (g_hash_table_lookup (params, name));
}

static void
assert_query_param (const VqsFakeRequest *request,
                    const char           *name,
                    const char           *expected)
{
  g_autofree char *value = query_param (request, name);

  g_assert_cmpstr (value, ==, expected);
}

static gint64
request_gap (VqsFakeArr *fake,
             guint       index)
{
  return request_at (fake, index)->monotonic_us - request_at (fake, index - 1)->monotonic_us;
}

/* Synchronous wrappers, one per call */

static VqsSystemStatus *
get_status (VqsArrClient  *client,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_arr_client_get_status_async (client, cancellable, store_result_cb, &result);
  return vqs_arr_client_get_status_finish (client, wait_for (&result), error);
}

static VqsWantedPage *
get_wanted_page (VqsArrClient   *client,
                 VqsWantedKind   wanted,
                 int             page,
                 int             page_size,
                 const char     *sort_key,
                 const char     *sort_direction,
                 GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_arr_client_get_wanted_page_async (client, wanted, page, page_size, sort_key,
                                        sort_direction, NULL, store_result_cb, &result);
  return vqs_arr_client_get_wanted_page_finish (client, wait_for (&result), error);
}

typedef struct
{
  guint         calls;
  gint64        last_so_far;
  gint64        last_total;
  GCancellable *cancel_after;   /* cancelled at the call given below */
  guint         cancel_at_call;
  gboolean      destroyed;
} Progress;

static void
progress_cb (gint64   records_so_far,
             gint64   total_records,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpint (records_so_far, >=, progress->last_so_far);
  progress->calls++;
  progress->last_so_far = records_so_far;
  progress->last_total = total_records;

  if (progress->cancel_after != NULL && progress->calls == progress->cancel_at_call)
    g_cancellable_cancel (progress->cancel_after);
}

static void
progress_destroy (gpointer user_data)
{
  Progress *progress = user_data;

  progress->destroyed = TRUE;
}

static VqsWantedList *
get_all_wanted (VqsArrClient   *client,
                VqsWantedKind   wanted,
                int             page_size,
                Progress       *progress,
                GCancellable   *cancellable,
                GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_arr_client_get_all_wanted_async (client, wanted, page_size,
                                       progress != NULL ? progress_cb : NULL, progress,
                                       progress != NULL ? progress_destroy : NULL,
                                       cancellable, store_result_cb, &result);
  return vqs_arr_client_get_all_wanted_finish (client, wait_for (&result), error);
}

static VqsCommand *
send_command (VqsArrClient    *client,
              VqsCommandKind   command,
              const gint64    *ids,
              gsize            n_ids,
              gint64           series_id,
              int              season_number,
              GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_arr_client_send_command_async (client, command, ids, n_ids, series_id, season_number,
                                     NULL, store_result_cb, &result);
  return vqs_arr_client_send_command_finish (client, wait_for (&result), error);
}

static VqsCommand *
get_command (VqsArrClient  *client,
             gint64         id,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_arr_client_get_command_async (client, id, NULL, store_result_cb, &result);
  return vqs_arr_client_get_command_finish (client, wait_for (&result), error);
}

typedef enum
{
  LIST_PROFILES,
  LIST_ROOT_FOLDERS,
  LIST_TAGS,
  LIST_LIBRARY,
} ListKind;

static GPtrArray *
get_list (VqsArrClient  *client,
          ListKind       kind,
          GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  switch (kind)
    {
    case LIST_PROFILES:
      vqs_arr_client_get_quality_profiles_async (client, NULL, store_result_cb, &result);
      return vqs_arr_client_get_quality_profiles_finish (client, wait_for (&result), error);
    case LIST_ROOT_FOLDERS:
      vqs_arr_client_get_root_folders_async (client, NULL, store_result_cb, &result);
      return vqs_arr_client_get_root_folders_finish (client, wait_for (&result), error);
    case LIST_TAGS:
      vqs_arr_client_get_tags_async (client, NULL, store_result_cb, &result);
      return vqs_arr_client_get_tags_finish (client, wait_for (&result), error);
    case LIST_LIBRARY:
    default:
      vqs_arr_client_get_library_async (client, NULL, store_result_cb, &result);
      return vqs_arr_client_get_library_finish (client, wait_for (&result), error);
    }
}

static VqsQueuePage *
get_queue_page (VqsArrClient  *client,
                int            page,
                int            page_size,
                GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_arr_client_get_queue_page_async (client, page, page_size, NULL, store_result_cb, &result);
  return vqs_arr_client_get_queue_page_finish (client, wait_for (&result), error);
}

/* Checks that the status call fails with @code after exactly @requests
 * requests, and returns the error for further checks.
 */
static GError *
status_fails_with (Fixture *f,
                   int      code,
                   guint    requests)
{
  g_autoptr(VqsSystemStatus) status = NULL;
  GError *error = NULL;

  status = get_status (f->client, NULL, &error);
  g_assert_null (status);
  g_assert_error (error, VQS_ARR_ERROR, code);
  g_assert_null (strstr (error->message, KEY));
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f->fake), ==, requests);

  return error;
}

/* Settings */

static void
test_properties (void)
{
  g_autoptr(VqsArrClient) client = vqs_arr_client_new (VQS_ARR_KIND_RADARR, "http://nas:7878",
                                                       KEY);
  g_autofree char *base_url = NULL;
  gboolean verify_tls;
  guint timeout, rate, retries;
  guint64 max_body;
  GParamSpec *pspec;
  int kind;

  g_object_get (client,
                "kind", &kind,
                "base-url", &base_url,
                "verify-tls", &verify_tls,
                "timeout-seconds", &timeout,
                "rate-limit-per-minute", &rate,
                "max-retries", &retries,
                "max-body-bytes", &max_body,
                NULL);
  g_assert_cmpint (kind, ==, VQS_ARR_KIND_RADARR);
  g_assert_cmpstr (base_url, ==, "http://nas:7878");
  g_assert_true (verify_tls);
  g_assert_cmpuint (timeout, ==, 30);
  g_assert_cmpuint (rate, ==, 60);
  g_assert_cmpuint (retries, ==, 3);
  g_assert_cmpuint (max_body, ==, 64 * 1024 * 1024);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (client), "api-key");
  g_assert_nonnull (pspec);
  g_assert_false (pspec->flags & G_PARAM_READABLE);

  g_object_set (client, "verify-tls", FALSE, "timeout-seconds", 7, "max-retries", 1,
                "rate-limit-per-minute", 120, "retry-initial-delay-ms", 10,
                "api-key", WRONG_KEY, NULL);
  g_assert_false (vqs_arr_client_get_verify_tls (client));
  g_assert_cmpuint (vqs_arr_client_get_timeout_seconds (client), ==, 7);
  g_assert_cmpuint (vqs_arr_client_get_max_retries (client), ==, 1);
  g_assert_cmpuint (vqs_arr_client_get_rate_limit_per_minute (client), ==, 120);
  g_assert_cmpint (vqs_arr_client_get_kind (client), ==, VQS_ARR_KIND_RADARR);

  vqs_arr_client_set_base_url (client, "https://host/radarr");
  g_assert_cmpstr (vqs_arr_client_get_base_url (client), ==, "https://host/radarr");
}

static guint
uint_default (GObject    *object,
              const char *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);

  g_assert_nonnull (pspec);
  g_assert_true (G_IS_PARAM_SPEC_UINT (pspec));
  return G_PARAM_SPEC_UINT (pspec)->default_value;
}

static void
test_defaults (void)
{
  g_autoptr(VqsArrClient) client = vqs_arr_client_new (VQS_ARR_KIND_SONARR, "http://nas:8989",
                                                       KEY);
  GObject *object = G_OBJECT (client);
  guint initial_ms, max_ms;

  /* The values documented in vqs-arr-client.h. */
  g_assert_cmpuint (vqs_arr_client_get_timeout_seconds (client), ==, 30);
  g_assert_cmpuint (vqs_arr_client_get_max_retries (client), ==, 3);
  g_assert_cmpuint (vqs_arr_client_get_rate_limit_per_minute (client), ==, 60);
  g_assert_true (vqs_arr_client_get_verify_tls (client));

  /* The retry delays have no C getter, but readable properties. */
  g_object_get (client,
                "retry-initial-delay-ms", &initial_ms,
                "retry-max-delay-ms", &max_ms,
                NULL);
  g_assert_cmpuint (initial_ms, ==, 2000);
  g_assert_cmpuint (max_ms, ==, 10000);

  /* The property defaults say the same as a new client. */
  g_assert_cmpuint (uint_default (object, "timeout-seconds"), ==, 30);
  g_assert_cmpuint (uint_default (object, "max-retries"), ==, 3);
  g_assert_cmpuint (uint_default (object, "rate-limit-per-minute"), ==, 60);
  g_assert_cmpuint (uint_default (object, "retry-initial-delay-ms"), ==, 2000);
  g_assert_cmpuint (uint_default (object, "retry-max-delay-ms"), ==, 10000);
}

static void
test_default_retry_delay (void)
{
  g_autoptr(VqsFakeArr) fake = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, NULL, NULL);
  g_autoptr(VqsArrClient) client = NULL;
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  vqs_fake_arr_listen (fake, 0, FALSE, &error);
  g_assert_no_error (error);
  url = vqs_fake_arr_get_url (fake);

  /* The stored default is also the one in use: a fresh client, limited
   * to one retry only, waits the default 2 s before it, longer than the
   * default rate limit's 1 s slot would. The suite's one slow case.
   */
  client = vqs_arr_client_new (VQS_ARR_KIND_SONARR, url, KEY);
  vqs_arr_client_set_max_retries (client, 1);
  vqs_fake_arr_set_fault (fake, VQS_FAKE_FAULT_503, 1);

  status = get_status (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->app_name, ==, "Sonarr");
  g_assert_cmpuint (vqs_fake_arr_get_request_count (fake), ==, 2);
  g_assert_cmpint (request_gap (fake, 1), >=, 1900 * 1000);
  g_assert_cmpint (request_gap (fake, 1), <, 10 * G_USEC_PER_SEC);
}

static void
test_invalid_base_url (void)
{
  static const char * const urls[] = { "", "ftp://nas/", "http://", "   " };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(VqsArrClient) client = vqs_arr_client_new (VQS_ARR_KIND_SONARR, urls[i], KEY);
      g_autoptr(VqsSystemStatus) status = NULL;
      g_autoptr(GError) error = NULL;

      status = get_status (client, NULL, &error);
      g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_CONNECTION_FAILED);
      g_assert_null (status);
    }
}

/* Endpoints */

static void
check_status_for (VqsArrKind  kind,
                  const char *app_name,
                  const char *version)
{
  Fixture f;
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  const VqsFakeRequest *request;

  fixture_init (&f, kind, NULL);
  vqs_fake_arr_set_instance_name (f.fake, "Downstairs");

  status = get_status (f.client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->app_name, ==, app_name);
  g_assert_cmpstr (status->version, ==, version);
  g_assert_cmpstr (status->instance_name, ==, "Downstairs");
  g_assert_cmpstr (status->url_base, ==, "");
  g_assert_nonnull (status->start_time);

  /* The key travels in the header only. */
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 1);
  request = request_at (f.fake, 0);
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/api/v3/system/status");
  g_assert_null (request->query);
  g_assert_cmpstr (request->api_key_header, ==, KEY);

  fixture_clear (&f);
}

static void
test_status (void)
{
  check_status_for (VQS_ARR_KIND_SONARR, "Sonarr", VQS_FAKE_ARR_DEFAULT_SONARR_VERSION);
  check_status_for (VQS_ARR_KIND_RADARR, "Radarr", VQS_FAKE_ARR_DEFAULT_RADARR_VERSION);
}

static void
test_url_base (void)
{
  static const char * const suffixes[] = { "", "/" };
  Fixture f;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_fake_arr_set_url_base (f.fake, "/sonarr");

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *url = vqs_fake_arr_get_url (f.fake);
      g_autofree char *base = g_strconcat (url, suffixes[i], NULL);
      g_autoptr(VqsSystemStatus) status = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (g_str_has_suffix (url, "/sonarr"));
      vqs_arr_client_set_base_url (f.client, base);
      status = get_status (f.client, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (status->url_base, ==, "/sonarr");
      g_assert_cmpstr (request_at (f.fake, i)->path, ==, "/sonarr/api/v3/system/status");
    }

  fixture_clear (&f);
}

static void
test_url_base_missing (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;

  /* The server has a URL base the client lacks: Sonarr answers with a
   * redirect, which is reported with its target, never followed.
   */
  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_fake_arr_set_url_base (f.fake, "/sonarr");
  url = vqs_fake_arr_get_url (f.fake);
  expected = g_strconcat (url, "/api/v3/system/status", NULL);

  error = status_fails_with (&f, VQS_ARR_ERROR_REDIRECTED, 1);
  g_assert_nonnull (strstr (error->message, expected));

  fixture_clear (&f);
}

static void
check_wanted_page (VqsArrKind  kind,
                   const char *default_key)
{
  Fixture f;
  g_autoptr(VqsWantedPage) page = NULL;
  g_autoptr(VqsWantedPage) cutoff = NULL;
  g_autoptr(GError) error = NULL;
  const VqsFakeRequest *request;

  fixture_init (&f, kind, NULL);
  vqs_fake_arr_set_wanted_counts (f.fake, 25, 12);

  page = get_wanted_page (f.client, VQS_WANTED_MISSING, 2, 10, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->page, ==, 2);
  g_assert_cmpint (page->page_size, ==, 10);
  g_assert_cmpint (page->total_records, ==, 25);
  g_assert_cmpstr (page->sort_key, ==, default_key);
  g_assert_cmpstr (page->sort_direction, ==, "ascending");
  g_assert_cmpuint (page->items->len, ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      const VqsWantedItem *item = &g_array_index (page->items, VqsWantedItem, i);

      g_assert_cmpint (item->id, ==, vqs_fake_arr_get_wanted_id (f.fake, FALSE, 10 + i));
      g_assert_nonnull (item->title);
      g_assert_true (item->monitored);
      g_assert_false (item->has_file);
      g_assert_cmpint (item->parent_id, >, 0);
      if (kind == VQS_ARR_KIND_RADARR)
        g_assert_cmpint (item->season_number, ==, -1);
      else
        g_assert_cmpint (item->season_number, >=, 1);
    }

  /* Every parameter is explicit: an omitted direction means descending. */
  request = request_at (f.fake, 0);
  g_assert_cmpstr (request->path, ==, "/api/v3/wanted/missing");
  assert_query_param (request, "page", "2");
  assert_query_param (request, "pageSize", "10");
  assert_query_param (request, "sortKey", default_key);
  assert_query_param (request, "sortDirection", "ascending");
  assert_query_param (request, "monitored", "true");
  assert_query_param (request, "includeSeries",
                      kind == VQS_ARR_KIND_SONARR ? "false" : NULL);

  cutoff = get_wanted_page (f.client, VQS_WANTED_CUTOFF, 2, 10, NULL, "descending", &error);
  g_assert_no_error (error);
  g_assert_cmpint (cutoff->total_records, ==, 12);
  g_assert_cmpuint (cutoff->items->len, ==, 2);
  g_assert_cmpstr (cutoff->sort_direction, ==, "descending");
  g_assert_cmpint (g_array_index (cutoff->items, VqsWantedItem, 0).id, ==,
                   vqs_fake_arr_get_wanted_id (f.fake, TRUE, 1));
  g_assert_true (g_array_index (cutoff->items, VqsWantedItem, 0).has_file);
  g_assert_cmpstr (request_at (f.fake, 1)->path, ==, "/api/v3/wanted/cutoff");

  fixture_clear (&f);
}

static void
test_wanted_page (void)
{
  check_wanted_page (VQS_ARR_KIND_SONARR, "episodes.airDateUtc");
  check_wanted_page (VQS_ARR_KIND_RADARR, "movieMetadata.sortTitle");
}

static void
test_wanted_query_escaping (void)
{
  Fixture f;
  g_autoptr(VqsWantedPage) page = NULL;
  g_autoptr(GError) error = NULL;
  const VqsFakeRequest *request;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_fake_arr_set_wanted_counts (f.fake, 3, 0);

  /* Like Sonarr >= 4.0.9.2421, the fake replaces an unknown key by the
   * default, so the page still arrives; the key must arrive intact.
   */
  page = get_wanted_page (f.client, VQS_WANTED_MISSING, 1, 10, "a b&c=d/é", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 3);

  request = request_at (f.fake, 0);
  g_assert_nonnull (strstr (request->query, "sortKey=a%20b%26c%3Dd%2F%C3%A9&"));
  assert_query_param (request, "page", "1");

  fixture_clear (&f);
}

static void
assert_same_ids (GArray     *items,
                 VqsFakeArr *fake,
                 gboolean    cutoff,
                 guint       first,
                 guint       n)
{
  g_assert_cmpuint (items->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (items, VqsWantedItem, i).id, ==,
                     vqs_fake_arr_get_wanted_id (fake, cutoff, first + i));
}

static void
check_all_wanted (VqsArrKind kind)
{
  Fixture f;
  g_autoptr(VqsWantedList) list = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };

  fixture_init (&f, kind, NULL);
  vqs_fake_arr_set_wanted_counts (f.fake, 95, 4);

  list = get_all_wanted (f.client, VQS_WANTED_MISSING, 10, &progress, NULL, &error);
  g_assert_no_error (error);
  assert_same_ids (list->items, f.fake, FALSE, 0, 95);
  g_assert_cmpint (list->total_records, ==, 95);
  g_assert_cmpuint (list->requests, ==, 10);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 10);
  g_assert_cmpuint (progress.calls, ==, 10);
  g_assert_cmpint (progress.last_so_far, ==, 95);
  g_assert_cmpint (progress.last_total, ==, 95);
  g_assert_true (progress.destroyed);

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *page = g_strdup_printf ("%u", i + 1);

      assert_query_param (request_at (f.fake, i), "page", page);
    }

  fixture_clear (&f);
}

static void
test_all_wanted (void)
{
  check_all_wanted (VQS_ARR_KIND_SONARR);
  check_all_wanted (VQS_ARR_KIND_RADARR);
}

static void
test_all_wanted_dedupe (void)
{
  Fixture f;
  g_autoptr(VqsWantedList) list = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };

  /* From page 2 on, three rows appear in front: page 2 repeats the last
   * three records of page 1 and the total grows to 98.
   */
  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_fake_arr_set_wanted_counts (f.fake, 95, 0);
  vqs_fake_arr_set_page_shift (f.fake, 3);

  list = get_all_wanted (f.client, VQS_WANTED_MISSING, 10, &progress, NULL, &error);
  g_assert_no_error (error);
  assert_same_ids (list->items, f.fake, FALSE, 0, 95);
  g_assert_cmpint (list->total_records, ==, 98);
  g_assert_cmpuint (list->requests, <=, 11);
  g_assert_cmpuint (list->requests, ==, vqs_fake_arr_get_request_count (f.fake));
  g_assert_cmpint (progress.last_so_far, ==, 95);

  fixture_clear (&f);
}

static void
test_all_wanted_empty (void)
{
  Fixture f;
  g_autoptr(VqsWantedList) list = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };

  fixture_init (&f, VQS_ARR_KIND_RADARR, NULL);
  vqs_fake_arr_set_wanted_counts (f.fake, 0, 0);

  list = get_all_wanted (f.client, VQS_WANTED_CUTOFF, 50, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->items->len, ==, 0);
  g_assert_cmpint (list->total_records, ==, 0);
  g_assert_cmpuint (list->requests, ==, 1);
  g_assert_cmpuint (progress.calls, ==, 1);

  fixture_clear (&f);
}

static void
test_all_wanted_cancel (void)
{
  Fixture f;
  g_autoptr(VqsWantedList) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Progress progress = { 0 };
  guint requests;

  /* 100 pages at 10 a second; cancel after the third. */
  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_fake_arr_set_wanted_counts (f.fake, 5000, 0);
  vqs_arr_client_set_rate_limit_per_minute (f.client, 600);
  progress.cancel_after = cancellable;
  progress.cancel_at_call = 3;

  list = get_all_wanted (f.client, VQS_WANTED_MISSING, 50, &progress, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (list);
  g_assert_cmpuint (progress.calls, ==, 3);
  g_assert_true (progress.destroyed);

  /* At most the request in flight when it was cancelled, and none after. */
  requests = vqs_fake_arr_get_request_count (f.fake);
  g_assert_cmpuint (requests, <=, 4);
  spin (250);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, requests);

  fixture_clear (&f);
}

/* Radarr < 5.6 has no wanted endpoints: the client filters /movie and
 * must give the same answers as a newer Radarr with the same data.
 */
static void
test_radarr_fallback (void)
{
  Fixture old, modern;
  g_autoptr(GError) error = NULL;

  fixture_init (&old, VQS_ARR_KIND_RADARR, "5.5.3.8819");
  fixture_init (&modern, VQS_ARR_KIND_RADARR, NULL);
  vqs_fake_arr_set_wanted_counts (old.fake, 23, 7);
  vqs_fake_arr_set_wanted_counts (modern.fake, 23, 7);

  for (int wanted = VQS_WANTED_MISSING; wanted <= VQS_WANTED_CUTOFF; wanted++)
    {
      for (int number = 1; number <= 3; number++)
        {
          g_autoptr(VqsWantedPage) a = NULL;
          g_autoptr(VqsWantedPage) b = NULL;

          a = get_wanted_page (old.client, wanted, number, 10, NULL, NULL, &error);
          g_assert_no_error (error);
          b = get_wanted_page (modern.client, wanted, number, 10, NULL, NULL, &error);
          g_assert_no_error (error);

          g_assert_cmpint (a->total_records, ==, b->total_records);
          g_assert_cmpint (a->page, ==, b->page);
          g_assert_cmpuint (a->items->len, ==, b->items->len);
          for (guint i = 0; i < a->items->len; i++)
            {
              const VqsWantedItem *x = &g_array_index (a->items, VqsWantedItem, i);
              const VqsWantedItem *y = &g_array_index (b->items, VqsWantedItem, i);

              g_assert_cmpint (x->id, ==, y->id);
              g_assert_cmpstr (x->title, ==, y->title);
              g_assert_cmpint (x->has_file, ==, y->has_file);
              g_assert_cmpint (x->air_date, ==, y->air_date);
            }
        }
    }

  /* The 404 was seen once; after it, only /movie is asked. */
  g_assert_cmpstr (request_at (old.fake, 0)->path, ==, "/api/v3/wanted/missing");
  g_assert_cmpstr (request_at (old.fake, 1)->path, ==, "/api/v3/movie");
  g_assert_cmpuint (vqs_fake_arr_get_request_count (old.fake), ==, 7);
  for (guint i = 2; i < 7; i++)
    g_assert_cmpstr (request_at (old.fake, i)->path, ==, "/api/v3/movie");

  fixture_clear (&old);
  fixture_clear (&modern);
}

static void
test_radarr_fallback_all (void)
{
  Fixture f;
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(VqsWantedList) list = NULL;
  g_autoptr(VqsWantedList) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  Progress progress = { 0 };

  fixture_init (&f, VQS_ARR_KIND_RADARR, "4.7.5.7809");
  vqs_fake_arr_set_wanted_counts (f.fake, 23, 7);

  /* Discovered by the 404 on the first page: pages + 1 requests. */
  list = get_all_wanted (f.client, VQS_WANTED_CUTOFF, 5, &progress, NULL, &error);
  g_assert_no_error (error);
  assert_same_ids (list->items, f.fake, TRUE, 0, 7);
  g_assert_cmpint (list->total_records, ==, 7);
  g_assert_cmpuint (list->requests, ==, 2);
  g_assert_cmpuint (progress.calls, ==, 2);
  g_assert_cmpint (progress.last_so_far, ==, 7);

  /* Known from the version: no 404 first, and the walk is one request. */
  url = vqs_fake_arr_get_url (f.fake);
  g_clear_object (&f.client);
  f.client = vqs_arr_client_new (VQS_ARR_KIND_RADARR, url, KEY);
  vqs_arr_client_set_rate_limit_per_minute (f.client, 0);
  vqs_fake_arr_clear_requests (f.fake);

  status = get_status (f.client, NULL, &error);
  g_assert_no_error (error);
  again = get_all_wanted (f.client, VQS_WANTED_MISSING, 5, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same_ids (again->items, f.fake, FALSE, 0, 23);
  g_assert_cmpuint (again->requests, ==, 1);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 2);
  g_assert_cmpstr (request_at (f.fake, 1)->path, ==, "/api/v3/movie");

  fixture_clear (&f);
}

/* Commands */

static void
assert_posted (VqsFakeArr *fake,
               guint       index,
               const char *name,
               const char *body_part)
{
  GPtrArray *commands = vqs_fake_arr_get_commands (fake);
  const VqsFakeCommand *command;

  g_assert_cmpuint (index, <, commands->len);
  command = g_ptr_array_index (commands, index);
  g_assert_cmpstr (command->name, ==, name);
  if (body_part != NULL)
    g_assert_nonnull (strstr (command->body, body_part));
}

static void
test_commands_sonarr (void)
{
  const gint64 ids[] = { 4411, 4102 };
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsCommand) episode = NULL;
  g_autoptr(VqsCommand) season = NULL;
  g_autoptr(VqsCommand) series = NULL;
  g_autoptr(VqsCommand) missing = NULL;
  g_autoptr(VqsCommand) cutoff = NULL;
  g_autoptr(VqsCommand) started = NULL;
  g_autoptr(VqsCommand) finished = NULL;
  g_autofree char *path = NULL;
  const VqsFakeCommand *posted;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);

  episode = send_command (f.client, VQS_COMMAND_EPISODE_SEARCH, ids, 2, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (episode->name, ==, "EpisodeSearch");
  g_assert_cmpstr (episode->command_name, ==, "Episode Search");
  g_assert_cmpstr (episode->status, ==, "queued");
  g_assert_cmpint (episode->id, >, 0);
  g_assert_false (vqs_command_is_finished (episode));
  assert_posted (f.fake, 0, "EpisodeSearch", "\"episodeIds\":[4411,4102]");
  g_assert_cmpstr (request_at (f.fake, 0)->method, ==, "POST");
  g_assert_cmpstr (request_at (f.fake, 0)->path, ==, "/api/v3/command");
  g_assert_true (g_str_has_prefix (request_at (f.fake, 0)->content_type, "application/json"));

  season = send_command (f.client, VQS_COMMAND_SEASON_SEARCH, NULL, 0, 12, 2, &error);
  g_assert_no_error (error);
  assert_posted (f.fake, 1, "SeasonSearch", "\"seasonNumber\":2");
  assert_posted (f.fake, 1, "SeasonSearch", "\"seriesId\":12");

  series = send_command (f.client, VQS_COMMAND_SERIES_SEARCH, NULL, 0, 12, 0, &error);
  g_assert_no_error (error);
  assert_posted (f.fake, 2, "SeriesSearch", "\"seriesId\":12");

  missing = send_command (f.client, VQS_COMMAND_MISSING_EPISODE_SEARCH, NULL, 0, 0, 0, &error);
  g_assert_no_error (error);
  assert_posted (f.fake, 3, "MissingEpisodeSearch", "\"monitored\":true");
  posted = g_ptr_array_index (vqs_fake_arr_get_commands (f.fake), 3);
  g_assert_null (strstr (posted->body, "seriesId"));

  cutoff = send_command (f.client, VQS_COMMAND_CUTOFF_UNMET_EPISODE_SEARCH, NULL, 0, 3, 0,
                         &error);
  g_assert_no_error (error);
  assert_posted (f.fake, 4, "CutoffUnmetEpisodeSearch", "\"seriesId\":3");

  /* The fake moves a command one state per poll. */
  started = get_command (f.client, episode->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (started->id, ==, episode->id);
  g_assert_cmpstr (started->status, ==, "started");
  g_assert_nonnull (started->started);
  finished = get_command (f.client, episode->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (finished->status, ==, "completed");
  g_assert_true (vqs_command_is_finished (finished));
  path = g_strdup_printf ("/api/v3/command/%" G_GINT64_FORMAT, episode->id);
  g_assert_cmpstr (request_at (f.fake, 6)->path, ==, path);

  fixture_clear (&f);
}

static void
test_commands_radarr (void)
{
  const gint64 ids[] = { 7 };
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsCommand) movies = NULL;
  g_autoptr(VqsCommand) missing = NULL;
  g_autoptr(VqsCommand) cutoff = NULL;
  g_autoptr(VqsCommand) unknown = NULL;
  g_autoptr(VqsCommand) polled = NULL;

  fixture_init (&f, VQS_ARR_KIND_RADARR, NULL);

  movies = send_command (f.client, VQS_COMMAND_MOVIES_SEARCH, ids, 1, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (movies->name, ==, "MoviesSearch");
  assert_posted (f.fake, 0, "MoviesSearch", "\"movieIds\":[7]");

  missing = send_command (f.client, VQS_COMMAND_MISSING_MOVIES_SEARCH, NULL, 0, 0, 0, &error);
  g_assert_no_error (error);
  assert_posted (f.fake, 1, "MissingMoviesSearch", NULL);

  cutoff = send_command (f.client, VQS_COMMAND_CUTOFF_UNMET_MOVIES_SEARCH, NULL, 0, 0, 0, &error);
  g_assert_no_error (error);
  assert_posted (f.fake, 2, "CutoffUnmetMoviesSearch", NULL);

  polled = get_command (f.client, movies->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (polled->id, ==, movies->id);
  g_assert_cmpstr (polled->name, ==, "MoviesSearch");
  g_assert_false (vqs_command_is_finished (polled));

  /* A command the server no longer has: the 404 problem-details. */
  unknown = get_command (f.client, 987654, &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_NOT_FOUND);
  g_assert_null (unknown);

  fixture_clear (&f);
}

static void
test_commands_invalid (void)
{
  const gint64 ids[] = { 1 };
  Fixture sonarr, radarr;
  g_autoptr(VqsCommand) command = NULL;
  GError *error = NULL;

  fixture_init (&sonarr, VQS_ARR_KIND_SONARR, NULL);
  fixture_init (&radarr, VQS_ARR_KIND_RADARR, NULL);

  /* Checked before anything is sent. */
  command = send_command (radarr.client, VQS_COMMAND_EPISODE_SEARCH, ids, 1, 0, 0, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  command = send_command (sonarr.client, VQS_COMMAND_MOVIES_SEARCH, ids, 1, 0, 0, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  command = send_command (sonarr.client, VQS_COMMAND_EPISODE_SEARCH, NULL, 0, 0, 0, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  command = send_command (sonarr.client, VQS_COMMAND_SEASON_SEARCH, NULL, 0, 0, 1, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (command);

  g_assert_cmpuint (vqs_fake_arr_get_request_count (sonarr.fake), ==, 0);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (radarr.fake), ==, 0);

  fixture_clear (&sonarr);
  fixture_clear (&radarr);
}

/* Configuration, library, queue */

static void
check_configuration (VqsArrKind  kind,
                     const char *root)
{
  Fixture f;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GError) error = NULL;
  const VqsQualityProfile *hd = NULL;

  fixture_init (&f, kind, NULL);
  vqs_fake_arr_add_root_folder (f.fake, "/media2/");
  vqs_fake_arr_add_tag (f.fake, "kids");

  profiles = get_list (f.client, LIST_PROFILES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 2);
  for (guint i = 0; i < profiles->len; i++)
    {
      const VqsQualityProfile *profile = g_ptr_array_index (profiles, i);

      if (profile->id == 4)
        hd = profile;
    }
  g_assert_nonnull (hd);
  g_assert_cmpstr (hd->name, ==, "HD-1080p");
  g_assert_cmpint (hd->cutoff_id, ==, 1001);
  g_assert_cmpstr (hd->cutoff_name, ==, "WEB 1080p");
  g_assert_true (g_strv_contains ((const char * const *)hd->allowed, "WEB 1080p"));

  folders = get_list (f.client, LIST_ROOT_FOLDERS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folders->len, ==, 2);
  g_assert_cmpstr (((VqsRootFolder *)g_ptr_array_index (folders, 0))->path, ==, root);
  g_assert_cmpstr (((VqsRootFolder *)g_ptr_array_index (folders, 1))->path, ==, "/media2/");

  tags = get_list (f.client, LIST_TAGS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tags->len, ==, 3);
  g_assert_cmpstr (((VqsTag *)g_ptr_array_index (tags, 2))->label, ==, "kids");

  g_assert_cmpstr (request_at (f.fake, 0)->path, ==, "/api/v3/qualityprofile");
  g_assert_cmpstr (request_at (f.fake, 1)->path, ==, "/api/v3/rootfolder");
  g_assert_cmpstr (request_at (f.fake, 2)->path, ==, "/api/v3/tag");

  fixture_clear (&f);
}

static void
test_configuration (void)
{
  check_configuration (VQS_ARR_KIND_SONARR, "/tv/");
  check_configuration (VQS_ARR_KIND_RADARR, "/movies/");
}

static void
test_library (void)
{
  Fixture sonarr, radarr;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GPtrArray) movies = NULL;
  g_autoptr(GError) error = NULL;
  guint n_cutoff = 0;

  fixture_init (&sonarr, VQS_ARR_KIND_SONARR, NULL);
  fixture_init (&radarr, VQS_ARR_KIND_RADARR, NULL);
  vqs_fake_arr_set_wanted_counts (radarr.fake, 5, 4);

  series = get_list (sonarr.client, LIST_LIBRARY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, >, 0);
  g_assert_cmpstr (request_at (sonarr.fake, 0)->path, ==, "/api/v3/series");
  for (guint i = 0; i < series->len; i++)
    {
      const VqsLibraryItem *item = g_ptr_array_index (series, i);

      g_assert_cmpint (item->id, >, 0);
      g_assert_nonnull (item->title);
    }

  movies = get_list (radarr.client, LIST_LIBRARY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request_at (radarr.fake, 0)->path, ==, "/api/v3/movie");
  for (guint i = 0; i < movies->len; i++)
    {
      const VqsLibraryItem *item = g_ptr_array_index (movies, i);

      if (item->has_file && item->cutoff_not_met)
        n_cutoff++;
    }
  g_assert_cmpuint (n_cutoff, ==, 4);

  fixture_clear (&sonarr);
  fixture_clear (&radarr);
}

static void
check_queue (VqsArrKind kind)
{
  Fixture f;
  g_autoptr(VqsQueuePage) page = NULL;
  g_autoptr(GError) error = NULL;
  const VqsQueueItem *item;

  fixture_init (&f, kind, NULL);
  vqs_fake_arr_add_queue_item (f.fake, 12, 4411);
  vqs_fake_arr_add_queue_item (f.fake, 12, 4412);
  vqs_fake_arr_add_queue_item (f.fake, 3, 4102);

  page = get_queue_page (f.client, 2, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->total_records, ==, 3);
  g_assert_cmpuint (page->items->len, ==, 1);
  item = &g_array_index (page->items, VqsQueueItem, 0);
  g_assert_nonnull (item->title);
  g_assert_nonnull (item->download_id);
  g_assert_cmpint (item->id, >, 0);
  if (kind == VQS_ARR_KIND_SONARR)
    {
      g_assert_cmpint (item->parent_id, ==, 3);
      g_assert_cmpint (item->episode_id, ==, 4102);
    }
  else
    {
      /* A movie is its own parent, there is no episode. */
      g_assert_cmpint (item->parent_id, ==, 4102);
      g_assert_cmpint (item->episode_id, ==, 0);
    }
  g_assert_cmpstr (request_at (f.fake, 0)->path, ==, "/api/v3/queue");
  assert_query_param (request_at (f.fake, 0), "page", "2");
  assert_query_param (request_at (f.fake, 0), "pageSize", "2");

  fixture_clear (&f);
}

static void
test_queue (void)
{
  check_queue (VQS_ARR_KIND_SONARR);
  check_queue (VQS_ARR_KIND_RADARR);
}

/* Errors */

static void
test_unauthorized (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_arr_client_set_api_key (f.client, WRONG_KEY);

  /* The UI shows the message; it must say what happened and never
   * carry either key. Never retried.
   */
  error = status_fails_with (&f, VQS_ARR_ERROR_UNAUTHORIZED, 1);
  g_assert_nonnull (strstr (error->message, "API key rejected (401)"));
  g_assert_null (strstr (error->message, WRONG_KEY));
  g_assert_cmpstr (request_at (f.fake, 0)->api_key_header, ==, WRONG_KEY);

  fixture_clear (&f);
}

static void
test_not_retried (void)
{
  static const struct { VqsFakeFault fault; int code; const char *text; } cases[] = {
    { VQS_FAKE_FAULT_NOT_FOUND, VQS_ARR_ERROR_NOT_FOUND, "URL base" },
    { VQS_FAKE_FAULT_500, VQS_ARR_ERROR_SERVER_ERROR, "Fake failure injected" },
    { VQS_FAKE_FAULT_HTML, VQS_ARR_ERROR_INVALID_RESPONSE, "web page" },
    { VQS_FAKE_FAULT_TRUNCATED_JSON, VQS_ARR_ERROR_INVALID_RESPONSE, "not valid JSON" },
    { VQS_FAKE_FAULT_WRONG_SHAPE, VQS_ARR_ERROR_INVALID_RESPONSE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Fixture f;
      g_autoptr(GError) error = NULL;

      fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
      vqs_fake_arr_set_fault (f.fake, cases[i].fault, 5);

      error = status_fails_with (&f, cases[i].code, 1);
      g_test_message ("%s", error->message);
      if (cases[i].text != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].text));
      g_assert_nonnull (strstr (error->message, "127.0.0.1"));

      fixture_clear (&f);
    }
}

static void
test_wrong_shape_list (void)
{
  Fixture f;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GError) error = NULL;

  fixture_init (&f, VQS_ARR_KIND_RADARR, NULL);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_WRONG_SHAPE, 1);

  tags = get_list (f.client, LIST_TAGS, &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);
  g_assert_null (tags);

  fixture_clear (&f);
}

static void
test_bad_request (void)
{
  Fixture f;
  g_autoptr(VqsWantedPage) page = NULL;
  g_autoptr(GError) error = NULL;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);

  /* The problem-details message reaches the user. */
  page = get_wanted_page (f.client, VQS_WANTED_MISSING, 1, 10, NULL, "asc", &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "asc"));
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 1);

  fixture_clear (&f);
}

static void
test_key_redacted (void)
{
  Fixture f;
  g_autoptr(VqsWantedPage) page = NULL;
  g_autoptr(GError) error = NULL;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);

  /* A server that echoes what it got must not leak the key into the
   * message either; the caller sent it on purpose here.
   */
  page = get_wanted_page (f.client, VQS_WANTED_MISSING, 1, 10, NULL, KEY, &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_BAD_REQUEST);
  g_assert_null (strstr (error->message, KEY));
  g_assert_nonnull (strstr (error->message, "********"));

  fixture_clear (&f);
}

static void
test_wrong_application (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  /* A Radarr where a Sonarr was configured. */
  fixture_init (&f, VQS_ARR_KIND_RADARR, NULL);
  url = vqs_fake_arr_get_url (f.fake);
  g_clear_object (&f.client);
  f.client = vqs_arr_client_new (VQS_ARR_KIND_SONARR, url, KEY);

  error = status_fails_with (&f, VQS_ARR_ERROR_WRONG_APPLICATION, 1);
  g_assert_nonnull (strstr (error->message, "Radarr"));
  g_assert_nonnull (strstr (error->message, "Sonarr"));

  fixture_clear (&f);
}

static void
test_body_cap (void)
{
  Fixture f;
  g_autoptr(GPtrArray) movies = NULL;
  g_autoptr(GError) error = NULL;

  fixture_init (&f, VQS_ARR_KIND_RADARR, NULL);
  vqs_fake_arr_set_huge_size (f.fake, 2 * 1024 * 1024);

  /* Over the cap: refused while reading, whatever the length. */
  vqs_arr_client_set_max_body_bytes (f.client, 1024 * 1024);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_HUGE, 1);
  movies = get_list (f.client, LIST_LIBRARY, &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);
  g_assert_null (movies);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 1);
  g_clear_error (&error);

  /* A big library announced by Content-Length: refused before reading. */
  vqs_fake_arr_set_wanted_counts (f.fake, 2000, 0);
  movies = get_list (f.client, LIST_LIBRARY, &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);
  g_assert_null (movies);
  g_clear_error (&error);

  /* Under the cap, the same 2 MB parse in a worker thread. */
  vqs_arr_client_set_max_body_bytes (f.client, 64 * 1024 * 1024);
  movies = get_list (f.client, LIST_LIBRARY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (movies->len, >=, 2000);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 3);

  fixture_clear (&f);
}

/* Off-main-thread parsing */

typedef struct
{
  gint64 last_us;
  gint64 max_gap_us;
  guint  ticks;
} Heartbeat;

static gboolean
heartbeat_cb (gpointer user_data)
{
  Heartbeat *heartbeat = user_data;
  gint64 now = g_get_monotonic_time ();

  heartbeat->max_gap_us = MAX (heartbeat->max_gap_us, now - heartbeat->last_us);
  heartbeat->last_us = now;
  heartbeat->ticks++;

  return G_SOURCE_CONTINUE;
}

static void
test_threaded_parse (void)
{
  const guint records = 5000;
  Fixture f;
  Heartbeat heartbeat = { 0 };
  g_autoptr(VqsWantedPage) small = NULL;
  g_autoptr(VqsWantedPage) page = NULL;
  g_autoptr(GError) error = NULL;
  GThread *parse_thread;
  guint heartbeat_id;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_fake_arr_set_wanted_counts (f.fake, records, 0);

  /* The control: a small page is parsed right here. */
  small = get_wanted_page (f.client, VQS_WANTED_MISSING, 1, 10, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (small->items->len, ==, 10);
  g_assert_true (_vqs_arr_client_get_last_parse_thread_for_testing () == g_thread_self ());

  /* A page of 5000 episodes, well over the 256 KiB threshold, while the
   * main loop keeps ticking every 5 ms.
   */
  heartbeat.last_us = g_get_monotonic_time ();
  heartbeat_id = g_timeout_add (5, heartbeat_cb, &heartbeat);
  page = get_wanted_page (f.client, VQS_WANTED_MISSING, 1, records, NULL, NULL, &error);
  heartbeat_cb (&heartbeat);
  g_source_remove (heartbeat_id);

  g_assert_no_error (error);
  g_assert_cmpint (page->total_records, ==, records);
  g_assert_cmpuint (page->items->len, ==, records);
  g_assert_cmpint (g_array_index (page->items, VqsWantedItem, 0).id, ==,
                   vqs_fake_arr_get_wanted_id (f.fake, FALSE, 0));
  g_assert_cmpint (g_array_index (page->items, VqsWantedItem, records - 1).id, ==,
                   vqs_fake_arr_get_wanted_id (f.fake, FALSE, records - 1));

  /* Proved by where it ran, not by how long the loop stalled. */
  parse_thread = _vqs_arr_client_get_last_parse_thread_for_testing ();
  g_assert_nonnull (parse_thread);
  g_assert_true (parse_thread != g_thread_self ());

  /* Information only: the gaps depend on the machine. */
  g_test_message ("largest main-loop gap during the %u-record page: %.1f ms (%u ticks)",
                  records, heartbeat.max_gap_us / 1000.0, heartbeat.ticks);

  fixture_clear (&f);
}

static void
test_retries (void)
{
  static const VqsFakeFault faults[] = {
    VQS_FAKE_FAULT_502, VQS_FAKE_FAULT_503, VQS_FAKE_FAULT_504,
  };
  static const int codes[] = {
    VQS_ARR_ERROR_SERVER_ERROR, VQS_ARR_ERROR_STARTING_UP, VQS_ARR_ERROR_SERVER_ERROR,
  };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      Fixture f;
      g_autoptr(GError) error = NULL;

      /* Three retries after 50, 100 and 200 ms, then the error. */
      fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
      vqs_fake_arr_set_fault (f.fake, faults[i], -1);

      error = status_fails_with (&f, codes[i], 4);
      g_assert_cmpint (request_gap (f.fake, 1), >=, 50 * 1000);
      g_assert_cmpint (request_gap (f.fake, 2), >=, 100 * 1000);
      g_assert_cmpint (request_gap (f.fake, 3), >=, 200 * 1000);

      fixture_clear (&f);
    }
}

static void
test_retry_then_success (void)
{
  Fixture f;
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_arr_client_set_max_retries (f.client, 2);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_503, 2);

  status = get_status (f.client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->app_name, ==, "Sonarr");
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 3);

  fixture_clear (&f);
}

static void
test_retry_after (void)
{
  Fixture f;
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  /* The 429's Retry-After: 1 wins over the 50 ms backoff. */
  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_fake_arr_set_retry_after (f.fake, 1);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_429, 1);

  status = get_status (f.client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 2);
  g_assert_cmpint (request_gap (f.fake, 1), >=, G_USEC_PER_SEC);
  g_clear_pointer (&status, vqs_system_status_unref);

  /* Without retries left, the 429 is the answer. */
  vqs_arr_client_set_max_retries (f.client, 0);
  vqs_fake_arr_clear_requests (f.fake);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_429, 1);
  g_clear_error (&error);
  error = status_fails_with (&f, VQS_ARR_ERROR_RATE_LIMITED, 1);

  fixture_clear (&f);
}

static void
test_retry_backoff_cap (void)
{
  static const gint64 expected_ms[] = { 50, 100, 100, 100, 100, 100 };
  Fixture f;
  g_autoptr(GError) error = NULL;

  /* The delay doubles from 50 ms up to the 100 ms cap and stays there.
   * Six retries rather than four: uncapped, the gaps would grow to 800
   * and 1600 ms, so the loose upper bound catches a missing cap without
   * timing anything tightly.
   */
  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_arr_client_set_retry_delays (f.client, 50, 100);
  vqs_arr_client_set_max_retries (f.client, G_N_ELEMENTS (expected_ms));
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_503, -1);

  error = status_fails_with (&f, VQS_ARR_ERROR_STARTING_UP, G_N_ELEMENTS (expected_ms) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (expected_ms); i++)
    {
      gint64 gap = request_gap (f.fake, i + 1);

      g_test_message ("gap %u: %" G_GINT64_FORMAT " us", i + 1, gap);
      g_assert_cmpint (gap, >=, expected_ms[i] * 1000);
      g_assert_cmpint (gap, <, G_USEC_PER_SEC);
    }

  fixture_clear (&f);
}

static void
test_connection_refused (void)
{
  g_autoptr(VqsFakeArr) fake = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, NULL, NULL);
  g_autoptr(VqsArrClient) client = NULL;
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  gint64 start;

  /* A port that was just free. */
  vqs_fake_arr_listen (fake, 0, FALSE, &error);
  g_assert_no_error (error);
  url = vqs_fake_arr_get_url (fake);
  g_clear_object (&fake);

  client = vqs_arr_client_new (VQS_ARR_KIND_SONARR, url, KEY);
  vqs_arr_client_set_retry_delays (client, 50, 200);
  vqs_arr_client_set_max_retries (client, 2);
  vqs_arr_client_set_rate_limit_per_minute (client, 0);

  /* Retried twice (50 + 100 ms), then reported. */
  start = g_get_monotonic_time ();
  status = get_status (client, NULL, &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_CONNECTION_FAILED);
  g_assert_null (status);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

static void
test_timeout (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* A server that accepts and never answers: one timeout, one retry,
   * one more timeout.
   */
  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_arr_client_set_timeout_seconds (f.client, 1);
  vqs_arr_client_set_max_retries (f.client, 1);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_HANG, -1);

  start = g_get_monotonic_time ();
  error = status_fails_with (&f, VQS_ARR_ERROR_TIMEOUT, 2);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (request_gap (f.fake, 1), >=, G_USEC_PER_SEC + 50 * 1000);

  fixture_clear (&f);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_hanging (void)
{
  Fixture f;
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 start;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_arr_client_set_timeout_seconds (f.client, 10);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_HANG, -1);

  /* Cancelled, not a timeout, not retried. */
  start = g_get_monotonic_time ();
  g_timeout_add (200, cancel_cb, cancellable);
  status = get_status (f.client, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (status);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 1);

  fixture_clear (&f);
}

static void
test_cancel_waiting (void)
{
  Fixture f;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VqsSystemStatus) first = NULL;
  g_autoptr(VqsSystemStatus) second = NULL;
  g_autoptr(GError) error = NULL;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);

  /* While waiting for a rate-limit slot: never sent. */
  vqs_arr_client_set_rate_limit_per_minute (f.client, 6);
  first = get_status (f.client, NULL, &error);
  g_assert_no_error (error);
  g_timeout_add (100, cancel_cb, cancellable);
  second = get_status (f.client, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 1);
  g_clear_error (&error);

  /* While waiting to retry: no second attempt. */
  vqs_arr_client_set_rate_limit_per_minute (f.client, 0);
  vqs_arr_client_set_retry_delays (f.client, 5000, 5000);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_503, -1);
  g_clear_object (&cancellable);
  cancellable = g_cancellable_new ();
  g_timeout_add (100, cancel_cb, cancellable);
  second = get_status (f.client, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 2);

  fixture_clear (&f);
}

static void
test_redirect (void)
{
  Fixture f;
  g_autoptr(VqsFakeArr) other = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *other_url = NULL;
  g_autofree char *target = NULL;

  vqs_fake_arr_listen (other, 0, FALSE, &error);
  g_assert_no_error (error);
  other_url = vqs_fake_arr_get_url (other);
  target = g_strconcat (other_url, "/api/v3/system/status", NULL);

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_fake_arr_set_redirect_target (f.fake, other_url);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_REDIRECT, -1);

  /* Named so that the user can fix the address; never followed, so the
   * other port never saw the key.
   */
  error = status_fails_with (&f, VQS_ARR_ERROR_REDIRECTED, 1);
  g_assert_nonnull (strstr (error->message, target));
  spin (100);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (other), ==, 0);

  fixture_clear (&f);
}

static void
test_tls (void)
{
  Fixture f;
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  f.fake = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, NULL, NULL);
  vqs_fake_arr_listen (f.fake, 0, TRUE, &error);
  g_assert_no_error (error);
  url = vqs_fake_arr_get_url (f.fake);
  g_assert_true (g_str_has_prefix (url, "https://"));
  f.client = vqs_arr_client_new (VQS_ARR_KIND_SONARR, url, KEY);
  vqs_arr_client_set_rate_limit_per_minute (f.client, 0);

  /* A self-signed certificate: refused, and not retried... */
  error = status_fails_with (&f, VQS_ARR_ERROR_TLS_CERTIFICATE, 0);
  g_clear_error (&error);

  /* ...unless verification is off for this server. */
  vqs_arr_client_set_verify_tls (f.client, FALSE);
  status = get_status (f.client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->app_name, ==, "Sonarr");
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 1);
  g_clear_pointer (&status, vqs_system_status_unref);

  /* And back on: the connection accepted before is not reused. */
  vqs_arr_client_set_verify_tls (f.client, TRUE);
  status = get_status (f.client, NULL, &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_TLS_CERTIFICATE);

  fixture_clear (&f);
}

/* Rate limiting, measured by the server */

typedef struct
{
  int          *done;
  GAsyncResult *result;
} Pending;

static void
pending_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pending *pending = user_data;

  pending->result = g_object_ref (result);
  (*pending->done)++;
}

static void
test_rate_limit (void)
{
  static const char * const paths[] = {
    "/api/v3/system/status", "/api/v3/tag", "/api/v3/rootfolder",
    "/api/v3/qualityprofile", "/api/v3/series",
  };
  const gint64 interval_us = 200 * 1000;
  Fixture f;
  Pending pending[G_N_ELEMENTS (paths)] = { { 0 } };
  int done = 0;
  gint64 span;
  g_autoptr(VqsSystemStatus) warm_up = NULL;

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_arr_client_set_rate_limit_per_minute (f.client, 300);

  /* A first request opens the connection, whose setup would otherwise
   * delay the first arrival below.
   */
  warm_up = get_status (f.client, NULL, NULL);
  g_assert_nonnull (warm_up);
  vqs_fake_arr_clear_requests (f.fake);

  for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
    pending[i].done = &done;

  /* Issued all at once; they must start 200 ms apart, in order. */
  vqs_arr_client_get_status_async (f.client, NULL, pending_cb, &pending[0]);
  vqs_arr_client_get_tags_async (f.client, NULL, pending_cb, &pending[1]);
  vqs_arr_client_get_root_folders_async (f.client, NULL, pending_cb, &pending[2]);
  vqs_arr_client_get_quality_profiles_async (f.client, NULL, pending_cb, &pending[3]);
  vqs_arr_client_get_library_async (f.client, NULL, pending_cb, &pending[4]);
  while (done < (int)G_N_ELEMENTS (pending))
    g_main_context_iteration (NULL, TRUE);

  /* The fake shares this main loop, so a busy loop (a sanitizer build
   * on a loaded machine) delays single arrivals by several ms: each gap
   * seen by the server gets 15% of slack. The limiter's own test checks
   * that grants are never less than an interval apart, and the span
   * below that nothing is lost over the run.
   */
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, G_N_ELEMENTS (paths));
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_assert_cmpstr (request_at (f.fake, i)->path, ==, paths[i]);
      if (i > 0)
        g_assert_cmpint (request_gap (f.fake, i), >=, interval_us * 85 / 100);
      g_object_unref (pending[i].result);
    }
  span = request_at (f.fake, G_N_ELEMENTS (paths) - 1)->monotonic_us -
         request_at (f.fake, 0)->monotonic_us;
  g_assert_cmpint (span, >=, (G_N_ELEMENTS (paths) - 1) * interval_us - 2 * TOLERANCE_US);

  fixture_clear (&f);
}

static void
test_rate_limit_retries (void)
{
  const gint64 interval_us = 500 * 1000;
  Fixture f;
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  /* Every retry takes a slot of its own: with retry delays far below the
   * 500 ms interval of 120 requests a minute, it is the limiter that
   * spaces the three attempts. Same 15% slack as above.
   */
  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_arr_client_set_rate_limit_per_minute (f.client, 120);
  vqs_arr_client_set_retry_delays (f.client, 10, 20);
  vqs_arr_client_set_max_retries (f.client, 2);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_503, 2);

  status = get_status (f.client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->app_name, ==, "Sonarr");
  g_assert_cmpuint (vqs_fake_arr_get_request_count (f.fake), ==, 3);
  for (guint i = 1; i < 3; i++)
    {
      g_assert_cmpstr (request_at (f.fake, i)->path, ==, "/api/v3/system/status");
      g_assert_cmpint (request_gap (f.fake, i), >=, interval_us * 85 / 100);
    }

  fixture_clear (&f);
}

/* Log capture: the key must never reach a log line or an error */

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (captured_log != NULL)
    {
      for (gsize i = 0; i < n_fields; i++)
        {
          gssize len = fields[i].length;

          if (g_strcmp0 (fields[i].key, "MESSAGE") != 0 &&
              g_strcmp0 (fields[i].key, "GLIB_DOMAIN") != 0)
            continue;
          if (len < 0)
            len = strlen (fields[i].value);
          g_string_append_len (captured_log, fields[i].value, len);
          g_string_append_c (captured_log, ' ');
        }
      g_string_append_c (captured_log, '\n');

      if (level & G_LOG_LEVEL_DEBUG)
        return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
collect_error (GString  *errors,
               GError  **error)
{
  if (*error != NULL)
    g_string_append_printf (errors, "%s\n", (*error)->message);
  g_clear_error (error);
}

static void
drop (gpointer        result,
      GDestroyNotify  unref)
{
  if (result != NULL)
    unref (result);
}

static void
test_no_key_in_logs (void)
{
  const gint64 ids[] = { 1, 2 };
  Fixture f;
  g_autoptr(GString) errors = g_string_new (NULL);
  g_autoptr(VqsFakeArr) other = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, NULL, NULL);
  g_autofree char *other_url = NULL;
  GError *error = NULL;
  GPtrArray *requests;

  captured_log = g_string_new (NULL);
  g_log_set_debug_enabled (TRUE);

  vqs_fake_arr_listen (other, 0, FALSE, &error);
  g_assert_no_error (error);
  other_url = vqs_fake_arr_get_url (other);

  fixture_init (&f, VQS_ARR_KIND_SONARR, NULL);
  vqs_fake_arr_set_wanted_counts (f.fake, 30, 5);

  /* A session of successes and of every kind of failure. */
  drop (get_status (f.client, NULL, &error), (GDestroyNotify)vqs_system_status_unref);
  collect_error (errors, &error);
  drop (get_all_wanted (f.client, VQS_WANTED_MISSING, 10, NULL, NULL, &error),
        (GDestroyNotify)vqs_wanted_list_unref);
  collect_error (errors, &error);
  drop (send_command (f.client, VQS_COMMAND_EPISODE_SEARCH, ids, 2, 0, 0, &error),
        (GDestroyNotify)vqs_command_unref);
  collect_error (errors, &error);

  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_503, 1);
  drop (get_status (f.client, NULL, &error), (GDestroyNotify)vqs_system_status_unref);
  collect_error (errors, &error);

  vqs_fake_arr_set_redirect_target (f.fake, other_url);
  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_REDIRECT, 1);
  g_assert_null (get_status (f.client, NULL, &error));
  collect_error (errors, &error);

  vqs_fake_arr_set_fault (f.fake, VQS_FAKE_FAULT_500, 1);
  g_assert_null (get_status (f.client, NULL, &error));
  collect_error (errors, &error);

  g_assert_null (get_wanted_page (f.client, VQS_WANTED_MISSING, 1, 10, NULL, "asc", &error));
  collect_error (errors, &error);

  vqs_arr_client_set_api_key (f.client, WRONG_KEY);
  g_assert_null (get_status (f.client, NULL, &error));
  collect_error (errors, &error);
  vqs_arr_client_set_api_key (f.client, KEY);

  g_log_set_debug_enabled (FALSE);

  /* The session did log and fail, so the checks below are meaningful. */
  g_assert_nonnull (strstr (captured_log->str, "GET /api/v3/system/status"));
  g_assert_nonnull (strstr (captured_log->str, "POST /api/v3/command"));
  g_assert_nonnull (strstr (errors->str, "redirected"));
  g_assert_nonnull (strstr (errors->str, "API key rejected (401)"));
  g_assert_null (strstr (captured_log->str, KEY));
  g_assert_null (strstr (captured_log->str, WRONG_KEY));
  g_assert_null (strstr (errors->str, KEY));
  g_assert_null (strstr (errors->str, WRONG_KEY));

  /* Nor in any URL: only in the header, only to this server. */
  requests = vqs_fake_arr_get_requests (f.fake);
  g_assert_cmpuint (requests->len, >, 5);
  for (guint i = 0; i < requests->len; i++)
    {
      const VqsFakeRequest *request = g_ptr_array_index (requests, i);

      g_assert_null (strstr (request->path, KEY));
      g_assert_true (request->query == NULL || strstr (request->query, KEY) == NULL);
      g_assert_nonnull (request->api_key_header);
    }
  g_assert_cmpuint (vqs_fake_arr_get_request_count (other), ==, 0);

  g_string_free (g_steal_pointer (&captured_log), TRUE);
  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/vqs/arr-client/properties", test_properties);
  g_test_add_func ("/vqs/arr-client/defaults", test_defaults);
  g_test_add_func ("/vqs/arr-client/defaults/retry-delay", test_default_retry_delay);
  g_test_add_func ("/vqs/arr-client/invalid-base-url", test_invalid_base_url);
  g_test_add_func ("/vqs/arr-client/status", test_status);
  g_test_add_func ("/vqs/arr-client/url-base", test_url_base);
  g_test_add_func ("/vqs/arr-client/url-base-missing", test_url_base_missing);
  g_test_add_func ("/vqs/arr-client/wanted-page", test_wanted_page);
  g_test_add_func ("/vqs/arr-client/wanted-query-escaping", test_wanted_query_escaping);
  g_test_add_func ("/vqs/arr-client/all-wanted", test_all_wanted);
  g_test_add_func ("/vqs/arr-client/all-wanted/dedupe", test_all_wanted_dedupe);
  g_test_add_func ("/vqs/arr-client/all-wanted/empty", test_all_wanted_empty);
  g_test_add_func ("/vqs/arr-client/all-wanted/cancel", test_all_wanted_cancel);
  g_test_add_func ("/vqs/arr-client/radarr-fallback/pages", test_radarr_fallback);
  g_test_add_func ("/vqs/arr-client/radarr-fallback/all", test_radarr_fallback_all);
  g_test_add_func ("/vqs/arr-client/commands/sonarr", test_commands_sonarr);
  g_test_add_func ("/vqs/arr-client/commands/radarr", test_commands_radarr);
  g_test_add_func ("/vqs/arr-client/commands/invalid", test_commands_invalid);
  g_test_add_func ("/vqs/arr-client/configuration", test_configuration);
  g_test_add_func ("/vqs/arr-client/library", test_library);
  g_test_add_func ("/vqs/arr-client/queue", test_queue);
  g_test_add_func ("/vqs/arr-client/errors/unauthorized", test_unauthorized);
  g_test_add_func ("/vqs/arr-client/errors/not-retried", test_not_retried);
  g_test_add_func ("/vqs/arr-client/errors/wrong-shape-list", test_wrong_shape_list);
  g_test_add_func ("/vqs/arr-client/errors/bad-request", test_bad_request);
  g_test_add_func ("/vqs/arr-client/errors/key-redacted", test_key_redacted);
  g_test_add_func ("/vqs/arr-client/errors/wrong-application", test_wrong_application);
  g_test_add_func ("/vqs/arr-client/errors/body-cap", test_body_cap);
  g_test_add_func ("/vqs/arr-client/threaded-parse", test_threaded_parse);
  g_test_add_func ("/vqs/arr-client/errors/connection-refused", test_connection_refused);
  g_test_add_func ("/vqs/arr-client/errors/timeout", test_timeout);
  g_test_add_func ("/vqs/arr-client/errors/redirect", test_redirect);
  g_test_add_func ("/vqs/arr-client/errors/tls", test_tls);
  g_test_add_func ("/vqs/arr-client/retries", test_retries);
  g_test_add_func ("/vqs/arr-client/retries/then-success", test_retry_then_success);
  g_test_add_func ("/vqs/arr-client/retries/retry-after", test_retry_after);
  g_test_add_func ("/vqs/arr-client/retries/backoff-cap", test_retry_backoff_cap);
  g_test_add_func ("/vqs/arr-client/cancel/hanging", test_cancel_hanging);
  g_test_add_func ("/vqs/arr-client/cancel/waiting", test_cancel_waiting);
  g_test_add_func ("/vqs/arr-client/rate-limit", test_rate_limit);
  g_test_add_func ("/vqs/arr-client/rate-limit/retries", test_rate_limit_retries);
  g_test_add_func ("/vqs/arr-client/no-key-in-logs", test_no_key_in_logs);

  ret = g_test_run ();

  /* The TLS test ran handshakes in pool threads; see the fixture. */
  vqs_fake_arr_release_pool_threads ();

  return ret;
}
