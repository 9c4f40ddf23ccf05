/* test-fake-arr.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Sanity tests of the fake Sonarr/Radarr with a plain SoupSession, so that
 * the client's tests can trust it. */

#define G_LOG_DOMAIN "vqs-test-fake-arr"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vqs-fake-arr.h"

#define KEY VQS_FAKE_ARR_DEFAULT_API_KEY

typedef struct
{
  GBytes   *body;
  GError   *error;
  gboolean  done;
} Fetch;

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fetch *fetch = user_data;

  fetch->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                   &fetch->error);
  fetch->done = TRUE;
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return TRUE;
}

/* Builds a message for fake's URL + path_and_query; key goes to X-Api-Key
 * when not NULL. Redirects are never followed. */
static SoupMessage *
new_message (VqsFakeArr *fake,
             const char *method,
             const char *path_and_query,
             const char *key)
{
  g_autofree char *base = vqs_fake_arr_get_url (fake);
  g_autofree char *url = g_strconcat (base, path_and_query, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Api-Key", key);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
  return msg;
}

/* Sends msg and iterates the main context (where the fake runs) until the
 * answer is in. Returns the body, or NULL with *error set. */
static GBytes *
send_message (SoupSession  *session,
              SoupMessage  *msg,
              GError      **error)
{
  Fetch fetch = { 0 };

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, fetch_cb, &fetch);
  while (!fetch.done)
    g_main_context_iteration (NULL, TRUE);
  if (fetch.error != NULL)
    g_propagate_error (error, fetch.error);
  return fetch.body;
}

static guint
get (SoupSession  *session,
     VqsFakeArr   *fake,
     const char   *path_and_query,
     const char   *key,
     GBytes      **body,
     SoupMessage **msg_out)
{
  g_autoptr(SoupMessage) msg = new_message (fake, "GET", path_and_query, key);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = send_message (session, msg, &error);
  guint status;

  g_assert_no_error (error);
  status = soup_message_get_status (msg);
  if (body != NULL)
    *body = g_steal_pointer (&bytes);
  if (msg_out != NULL)
    *msg_out = g_steal_pointer (&msg);
  return status;
}

static char *
body_text (GBytes *body)
{
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static JsonNode *
parse_json (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                              &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static JsonObject *
get_object (SoupSession *session,
            VqsFakeArr  *fake,
            const char  *path_and_query)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpuint (get (session, fake, path_and_query, KEY, &body, NULL), ==, 200);
  root = parse_json (body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static JsonArray *
get_array (SoupSession *session,
           VqsFakeArr  *fake,
           const char  *path_and_query)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpuint (get (session, fake, path_and_query, KEY, &body, NULL), ==, 200);
  root = parse_json (body);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_ref (json_node_get_array (root));
}

static VqsFakeArr *
new_listening_fake (VqsArrKind  kind,
                    const char *version)
{
  g_autoptr(GError) error = NULL;
  VqsFakeArr *fake = vqs_fake_arr_new (kind, version, NULL);

  vqs_fake_arr_listen (fake, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vqs_fake_arr_get_port (fake), >, 0);
  return fake;
}

static gint64
record_id (JsonArray *records,
           guint      index)
{
  return json_object_get_int_member (json_array_get_object_element (records, index), "id");
}

static void
test_auth_no_key (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) wrong = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) wrong_body = NULL;
  g_autoptr(GBytes) ping = NULL;
  g_autofree char *ping_text = NULL;
  SoupMessageHeaders *headers;

  g_assert_cmpuint (get (session, fake, "/api/v3/system/status", NULL, &body, &msg), ==, 401);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
  headers = soup_message_get_response_headers (msg);
  g_assert_null (soup_message_headers_get_one (headers, "X-Application-Version"));
  g_assert_null (soup_message_headers_get_one (headers, "WWW-Authenticate"));
  g_assert_null (soup_message_headers_get_one (headers, "Location"));

  g_assert_cmpuint (get (session, fake, "/api/v3/system/status", "wrong", &wrong_body, &wrong),
                    ==, 401);
  g_assert_cmpuint (g_bytes_get_size (wrong_body), ==, 0);

  /* /ping is anonymous. */
  g_assert_cmpuint (get (session, fake, "/ping", NULL, &ping, NULL), ==, 200);
  ping_text = body_text (ping);
  g_assert_cmpstr (ping_text, ==, "{\"status\":\"OK\"}");
}

static void
test_auth_precedence (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) ok = NULL;
  g_autoptr(SoupMessage) bearer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  /* A wrong key in the query wins over a right header (v4+). */
  g_assert_cmpuint (get (session, fake, "/api/v3/system/status?apikey=nope", KEY, NULL, NULL),
                    ==, 401);
  /* The query name is case-insensitive and wins over a wrong header. */
  g_assert_cmpuint (get (session, fake, "/api/v3/system/status?ApiKey=" KEY, "nope", NULL, &ok),
                    ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (ok),
                                                 "X-Application-Version"),
                   ==, VQS_FAKE_ARR_DEFAULT_SONARR_VERSION);

  bearer = new_message (fake, "GET", "/api/v3/system/status", NULL);
  soup_message_headers_replace (soup_message_get_request_headers (bearer), "Authorization",
                                "Bearer " KEY);
  body = send_message (session, bearer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (bearer), ==, 200);

  /* Sonarr v3 read the header first. */
  vqs_fake_arr_set_version (fake, "3.0.10.1567");
  g_assert_cmpuint (get (session, fake, "/api/v3/system/status?apikey=nope", KEY, NULL, NULL),
                    ==, 200);
}

static void
test_status (void)
{
  static const char * const fields[] = {
    "appName", "instanceName", "version", "buildTime", "isDebug", "isProduction", "isAdmin",
    "isUserInteractive", "startupPath", "appData", "osName", "osVersion", "isNetCore",
    "isLinux", "isOsx", "isWindows", "isDocker", "mode", "branch", "authentication",
    "databaseType", "databaseVersion", "migrationVersion", "urlBase", "runtimeVersion",
    "runtimeName", "startTime", "packageVersion", "packageAuthor", "packageUpdateMechanism",
    "packageUpdateMechanismMessage",
  };
  g_autoptr(VqsFakeArr) sonarr = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(VqsFakeArr) radarr = new_listening_fake (VQS_ARR_KIND_RADARR, "5.2.6.8376");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) radarr_status = NULL;
  g_autoptr(GDateTime) start = NULL;

  vqs_fake_arr_set_instance_name (sonarr, "Sonarr 4K \"main\"");
  status = get_object (session, sonarr, "/api/v3/system/status");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (json_object_has_member (status, fields[i]));
  g_assert_cmpuint (json_object_get_size (status), ==, G_N_ELEMENTS (fields));
  g_assert_cmpstr (json_object_get_string_member (status, "appName"), ==, "Sonarr");
  g_assert_cmpstr (json_object_get_string_member (status, "instanceName"), ==,
                   "Sonarr 4K \"main\"");
  g_assert_cmpstr (json_object_get_string_member (status, "version"), ==,
                   VQS_FAKE_ARR_DEFAULT_SONARR_VERSION);
  g_assert_cmpstr (json_object_get_string_member (status, "urlBase"), ==, "");
  start = g_date_time_new_from_iso8601 (json_object_get_string_member (status, "startTime"),
                                        NULL);
  g_assert_nonnull (start);

  radarr_status = get_object (session, radarr, "/api/v3/system/status");
  g_assert_cmpstr (json_object_get_string_member (radarr_status, "appName"), ==, "Radarr");
  g_assert_cmpstr (json_object_get_string_member (radarr_status, "instanceName"), ==, "Radarr");
  g_assert_cmpstr (json_object_get_string_member (radarr_status, "version"), ==, "5.2.6.8376");
}

static void
test_wanted_paging (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(JsonObject) empty = NULL;
  g_autoptr(JsonObject) all = NULL;

  vqs_fake_arr_set_wanted_counts (fake, 25, 7);
  for (int page = 1; page <= 4; page++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v3/wanted/missing?page=%d&pageSize=10"
                                               "&sortKey=episodes.airDateUtc"
                                               "&sortDirection=ascending", page);
      g_autoptr(JsonObject) envelope = get_object (session, fake, path);
      JsonArray *records = json_object_get_array_member (envelope, "records");
      guint expected = page < 3 ? 10 : page == 3 ? 5 : 0;

      g_assert_cmpint (json_object_get_int_member (envelope, "page"), ==, page);
      g_assert_cmpint (json_object_get_int_member (envelope, "pageSize"), ==, 10);
      g_assert_cmpint (json_object_get_int_member (envelope, "totalRecords"), ==, 25);
      g_assert_cmpuint (json_array_get_length (records), ==, expected);
      for (guint i = 0; i < expected; i++)
        {
          JsonObject *record = json_array_get_object_element (records, i);
          gint64 *id = g_new (gint64, 1);

          *id = json_object_get_int_member (record, "id");
          g_assert_cmpint (*id, ==, vqs_fake_arr_get_wanted_id (fake, FALSE,
                                                                (page - 1) * 10 + i));
          g_assert_false (json_object_get_boolean_member (record, "hasFile"));
          g_assert_true (json_object_get_boolean_member (record, "monitored"));
          g_assert_true (json_object_has_member (record, "airDateUtc"));
          g_assert_true (json_object_has_member (record, "seriesId"));
          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, id);
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 25);

  empty = get_object (session, fake, "/api/v3/wanted/cutoff?pageSize=0");
  g_assert_cmpint (json_object_get_int_member (empty, "totalRecords"), ==, 7);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (empty, "records")),
                    ==, 0);
  all = get_object (session, fake, "/api/v3/wanted/cutoff?pageSize=-1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (all, "records")),
                    ==, 7);
  g_assert_true (json_object_get_boolean_member (
    json_array_get_object_element (json_object_get_array_member (all, "records"), 0),
    "hasFile"));
}

static void
test_wanted_sort (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonObject) omitted = NULL;
  g_autoptr(JsonObject) literal = NULL;
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) series = NULL;
  g_autoptr(JsonNode) problem = NULL;
  g_autoptr(GBytes) body = NULL;
  JsonArray *records;

  vqs_fake_arr_set_wanted_counts (fake, 30, 0);

  /* Omitted sortDirection means descending. */
  omitted = get_object (session, fake, "/api/v3/wanted/missing?pageSize=5");
  g_assert_cmpstr (json_object_get_string_member (omitted, "sortDirection"), ==, "descending");
  g_assert_cmpstr (json_object_get_string_member (omitted, "sortKey"), ==,
                   "episodes.airDateUtc");
  records = json_object_get_array_member (omitted, "records");
  g_assert_cmpint (record_id (records, 0), ==, 30);
  g_assert_cmpint (record_id (records, 4), ==, 26);

  /* The literal "default" means ascending. */
  literal = get_object (session, fake, "/api/v3/wanted/missing?pageSize=5&sortDirection=default");
  g_assert_cmpstr (json_object_get_string_member (literal, "sortDirection"), ==, "ascending");
  g_assert_cmpint (record_id (json_object_get_array_member (literal, "records"), 0), ==, 1);

  /* Unknown keys fall back to the default key, echoed. */
  unknown = get_object (session, fake,
                        "/api/v3/wanted/missing?sortKey=title&sortDirection=ascending");
  g_assert_cmpstr (json_object_get_string_member (unknown, "sortKey"), ==,
                   "episodes.airDateUtc");

  /* series.sortTitle groups the records by series. */
  series = get_object (session, fake, "/api/v3/wanted/missing?sortKey=series.sortTitle"
                       "&sortDirection=ascending&pageSize=-1");
  records = json_object_get_array_member (series, "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 30);
  for (guint i = 1; i < 30; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (records, i - 1),
                                                 "seriesId"),
                     <=,
                     json_object_get_int_member (json_array_get_object_element (records, i),
                                                 "seriesId"));

  /* Invalid text is a 400 problem-details. */
  g_assert_cmpuint (get (session, fake, "/api/v3/wanted/missing?sortDirection=asc", KEY, &body,
                         NULL),
                    ==, 400);
  problem = parse_json (body);
  g_assert_true (json_object_has_member (json_object_get_object_member (
    json_node_get_object (problem), "errors"), "sortDirection"));
}

static guint
post_command (SoupSession  *session,
              VqsFakeArr   *fake,
              const char   *content_type,
              const char   *json,
              JsonNode    **answer)
{
  g_autoptr(SoupMessage) msg = new_message (fake, "POST", "/api/v3/command", KEY);
  g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, content_type, request);
  body = send_message (session, msg, &error);
  g_assert_no_error (error);
  if (answer != NULL)
    *answer = g_bytes_get_size (body) > 0 ? parse_json (body) : NULL;
  if (soup_message_get_status (msg) == 201)
    g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Location"));
  return soup_message_get_status (msg);
}

static void
test_command (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) blank = NULL;
  g_autoptr(JsonNode) unknown = NULL;
  g_autoptr(JsonNode) form = NULL;
  g_autofree char *path = NULL;
  const char *body = "{\"name\":\"EpisodeSearch\",\"episodeIds\":[4411,4102]}";
  const char *states[] = { "started", "completed" };
  GPtrArray *commands;
  gint64 id;

  g_assert_cmpuint (post_command (session, fake, "application/x-www-form-urlencoded", body,
                                  &form),
                    ==, 415);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (form), "status"), ==, 415);

  g_assert_cmpuint (post_command (session, fake, "application/json", body, &first), ==, 201);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (first), "status"), ==,
                   "queued");
  id = json_object_get_int_member (json_node_get_object (first), "id");
  g_assert_cmpuint (post_command (session, fake, "application/json; charset=utf-8", body, &again),
                    ==, 201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (again), "id"), ==, id);

  g_assert_cmpuint (post_command (session, fake, "application/json", "{\"name\":\" \"}", &blank),
                    ==, 400);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (blank));
  g_assert_cmpuint (post_command (session, fake, "application/json", "{\"name\":\"Nope\"}",
                                  &unknown),
                    ==, 500);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (unknown), "message"), ==,
                   "Sequence contains no matching element");

  path = g_strdup_printf ("/api/v3/command/%" G_GINT64_FORMAT, id);
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(JsonObject) command = get_object (session, fake, path);

      g_assert_cmpstr (json_object_get_string_member (command, "status"), ==, states[i]);
      g_assert_true (json_object_has_member (command, "started"));
    }
  g_assert_cmpuint (get (session, fake, "/api/v3/command/999999", KEY, NULL, NULL), ==, 404);

  commands = vqs_fake_arr_get_commands (fake);
  g_assert_cmpuint (commands->len, ==, 2);
  for (guint i = 0; i < commands->len; i++)
    {
      VqsFakeCommand *command = g_ptr_array_index (commands, i);

      g_assert_cmpint (command->id, ==, id);
      g_assert_cmpstr (command->name, ==, "EpisodeSearch");
      g_assert_cmpstr (command->body, ==, body);
    }
}

static void
check_fault (SoupSession  *session,
             VqsFakeArr   *fake,
             VqsFakeFault  fault,
             guint         expected_status)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) normal = NULL;
  SoupMessageHeaders *headers;
  g_autofree char *data = NULL;

  vqs_fake_arr_set_fault (fake, fault, 1);
  g_assert_cmpuint (get (session, fake, "/api/v3/system/status", KEY, &body, &msg), ==,
                    expected_status);
  headers = soup_message_get_response_headers (msg);
  data = body_text (body);
  switch (fault)
    {
    case VQS_FAKE_FAULT_500:
      g_assert_nonnull (strstr (data, "\"description\":\"System.Exception"));
      break;
    case VQS_FAKE_FAULT_503:
      g_assert_cmpstr (data, ==, "{\"errorMessage\":\"Sonarr is starting up, please try again "
                       "later\"}");
      break;
    case VQS_FAKE_FAULT_429:
      g_assert_cmpstr (soup_message_headers_get_one (headers, "Retry-After"), ==, "7");
      break;
    case VQS_FAKE_FAULT_TRUNCATED_JSON:
      {
        g_autoptr(JsonParser) parser = json_parser_new ();

        g_assert_cmpuint (g_bytes_get_size (body), >, 10);
        g_assert_false (json_parser_load_from_data (parser, data, g_bytes_get_size (body),
                                                    NULL));
      }
      break;
    case VQS_FAKE_FAULT_HTML:
    case VQS_FAKE_FAULT_502:
    case VQS_FAKE_FAULT_504:
      g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL),
                                       "text/html"));
      break;
    case VQS_FAKE_FAULT_REDIRECT:
      g_assert_cmpstr (soup_message_headers_get_one (headers, "Location"), ==,
                       "http://elsewhere.invalid:8989/api/v3/system/status");
      break;
    case VQS_FAKE_FAULT_NOT_FOUND:
      g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
      break;
    case VQS_FAKE_FAULT_WRONG_SHAPE:
      {
        g_autoptr(JsonNode) root = parse_json (body);

        g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
      }
      break;
    case VQS_FAKE_FAULT_NONE:
    case VQS_FAKE_FAULT_HANG:
    case VQS_FAKE_FAULT_HUGE:
    default:
      g_assert_not_reached ();
    }

  /* The fault was for one request only. */
  g_assert_cmpuint (get (session, fake, "/api/v3/system/status", KEY, &normal, NULL), ==, 200);
}

static void
test_faults (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();

  vqs_fake_arr_set_retry_after (fake, 7);
  vqs_fake_arr_set_redirect_target (fake, "http://elsewhere.invalid:8989");
  check_fault (session, fake, VQS_FAKE_FAULT_500, 500);
  check_fault (session, fake, VQS_FAKE_FAULT_502, 502);
  check_fault (session, fake, VQS_FAKE_FAULT_503, 503);
  check_fault (session, fake, VQS_FAKE_FAULT_504, 504);
  check_fault (session, fake, VQS_FAKE_FAULT_429, 429);
  check_fault (session, fake, VQS_FAKE_FAULT_TRUNCATED_JSON, 200);
  check_fault (session, fake, VQS_FAKE_FAULT_HTML, 200);
  check_fault (session, fake, VQS_FAKE_FAULT_REDIRECT, 302);
  check_fault (session, fake, VQS_FAKE_FAULT_NOT_FOUND, 404);
  check_fault (session, fake, VQS_FAKE_FAULT_WRONG_SHAPE, 200);

  /* A fault path restricts the fault; -1 keeps it on. */
  vqs_fake_arr_set_fault_path (fake, "/api/v3/wanted");
  vqs_fake_arr_set_fault (fake, VQS_FAKE_FAULT_500, -1);
  g_assert_cmpuint (get (session, fake, "/api/v3/system/status", KEY, NULL, NULL), ==, 200);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (get (session, fake, "/api/v3/wanted/missing", KEY, NULL, NULL), ==, 500);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *fired = user_data;

  *fired = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_fault_hang (void)
{
  VqsFakeArr *fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = new_message (fake, "GET", "/api/v3/system/status", KEY);
  Fetch fetch = { 0 };
  gboolean fired = FALSE;

  vqs_fake_arr_set_fault (fake, VQS_FAKE_FAULT_HANG, 1);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, fetch_cb, &fetch);
  while (vqs_fake_arr_get_request_count (fake) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_timeout_add (300, timeout_cb, &fired);
  while (!fired)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (fetch.done);

  /* Disposing the fake releases the hung request. */
  g_object_unref (fake);
  while (!fetch.done)
    g_main_context_iteration (NULL, TRUE);
  if (fetch.error == NULL)
    g_assert_cmpuint (soup_message_get_status (msg), !=, 200);
  g_clear_error (&fetch.error);
  g_clear_pointer (&fetch.body, g_bytes_unref);
}

static void
test_fault_huge (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) list = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) list_root = NULL;

  vqs_fake_arr_set_huge_size (fake, 1024 * 1024);
  vqs_fake_arr_set_fault (fake, VQS_FAKE_FAULT_HUGE, 2);
  g_assert_cmpuint (get (session, fake, "/api/v3/wanted/missing", KEY, &body, NULL), ==, 200);
  g_assert_cmpuint (g_bytes_get_size (body), >, 1024 * 1024);
  root = parse_json (body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_cmpuint (get (session, fake, "/api/v3/tag", KEY, &list, NULL), ==, 200);
  list_root = parse_json (list);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (list_root));
}

static void
test_url_base (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) bad = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autofree char *url = NULL;
  g_autofree char *plain = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) bad_body = NULL;

  vqs_fake_arr_set_url_base (fake, "sonarr/");
  url = vqs_fake_arr_get_url (fake);
  g_assert_true (g_str_has_suffix (url, "/sonarr"));
  status = get_object (session, fake, "/api/v3/system/status");
  g_assert_cmpstr (json_object_get_string_member (status, "urlBase"), ==, "/sonarr");

  /* Without the base: authenticated requests are redirected, others not. */
  plain = g_strdup_printf ("http://127.0.0.1:%u/api/v3/wanted/missing?page=2",
                           vqs_fake_arr_get_port (fake));
  msg = soup_message_new ("GET", plain);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Api-Key", KEY);
  body = send_message (session, msg, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 307);
  uri = g_uri_parse_relative (soup_message_get_uri (msg),
                              soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                            "Location"),
                              G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/sonarr/api/v3/wanted/missing");
  g_assert_cmpstr (g_uri_get_query (uri), ==, "page=2");

  bad = soup_message_new ("GET", plain);
  soup_message_add_flags (bad, SOUP_MESSAGE_NO_REDIRECT);
  bad_body = send_message (session, bad, NULL);
  g_assert_cmpuint (soup_message_get_status (bad), ==, 401);
  g_assert_cmpuint (g_bytes_get_size (bad_body), ==, 0);
}

static void
collect_ids (JsonArray  *array,
             GArray     *ids,
             gboolean    filter_missing,
             gboolean    filter_cutoff)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *movie = json_array_get_object_element (array, i);
      gint64 id = json_object_get_int_member (movie, "id");
      gboolean has_file = json_object_get_boolean_member (movie, "hasFile");

      if (filter_missing && !(json_object_get_boolean_member (movie, "monitored") && !has_file
                              && json_object_get_boolean_member (movie, "isAvailable")))
        continue;
      if (filter_cutoff && !(has_file && json_object_get_boolean_member (
                               json_object_get_object_member (movie, "movieFile"),
                               "qualityCutoffNotMet")))
        continue;
      g_array_append_val (ids, id);
    }
}

static void
test_radarr_versions (void)
{
  g_autoptr(VqsFakeArr) old = new_listening_fake (VQS_ARR_KIND_RADARR, "5.2.6.8376");
  g_autoptr(VqsFakeArr) current = new_listening_fake (VQS_ARR_KIND_RADARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonArray) movies = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(JsonObject) cutoff = NULL;
  g_autoptr(GArray) fallback_missing = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) fallback_cutoff = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) wanted_missing = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) wanted_cutoff = g_array_new (FALSE, FALSE, sizeof (gint64));

  vqs_fake_arr_set_wanted_counts (old, 12, 4);
  vqs_fake_arr_set_wanted_counts (current, 12, 4);
  g_assert_cmpuint (get (session, old, "/api/v3/wanted/missing", KEY, &body, NULL), ==, 404);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);

  movies = get_array (session, old, "/api/v3/movie");
  g_assert_cmpuint (json_array_get_length (movies), >, 16);
  collect_ids (movies, fallback_missing, TRUE, FALSE);
  collect_ids (movies, fallback_cutoff, FALSE, TRUE);

  missing = get_object (session, current, "/api/v3/wanted/missing?pageSize=100"
                        "&sortKey=movieMetadata.sortTitle&sortDirection=ascending");
  cutoff = get_object (session, current, "/api/v3/wanted/cutoff?pageSize=100"
                       "&sortKey=movieMetadata.sortTitle&sortDirection=ascending");
  collect_ids (json_object_get_array_member (missing, "records"), wanted_missing, FALSE, FALSE);
  collect_ids (json_object_get_array_member (cutoff, "records"), wanted_cutoff, FALSE, FALSE);

  g_assert_cmpuint (wanted_missing->len, ==, 12);
  g_assert_cmpuint (wanted_cutoff->len, ==, 4);
  g_assert_cmpmem (fallback_missing->data, fallback_missing->len * sizeof (gint64),
                   wanted_missing->data, wanted_missing->len * sizeof (gint64));
  g_assert_cmpmem (fallback_cutoff->data, fallback_cutoff->len * sizeof (gint64),
                   wanted_cutoff->data, wanted_cutoff->len * sizeof (gint64));
}

static void
test_page_shift (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonObject) page1 = NULL;
  g_autoptr(JsonObject) page2 = NULL;
  JsonArray *records1, *records2;

  vqs_fake_arr_set_wanted_counts (fake, 20, 0);
  vqs_fake_arr_set_page_shift (fake, 3);
  page1 = get_object (session, fake, "/api/v3/wanted/missing?page=1&pageSize=10"
                      "&sortDirection=ascending");
  page2 = get_object (session, fake, "/api/v3/wanted/missing?page=2&pageSize=10"
                      "&sortDirection=ascending");
  records1 = json_object_get_array_member (page1, "records");
  records2 = json_object_get_array_member (page2, "records");
  g_assert_cmpint (json_object_get_int_member (page2, "totalRecords"), ==, 23);
  /* The last three rows of page 1 come again at the top of page 2. */
  g_assert_cmpint (record_id (records2, 0), ==, record_id (records1, 7));
  g_assert_cmpint (record_id (records2, 2), ==, record_id (records1, 9));
  g_assert_cmpint (record_id (records2, 3), ==, 11);
}

static void
test_drift_and_lists (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_SONARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonArray) profiles = NULL;
  g_autoptr(JsonArray) folders = NULL;
  g_autoptr(JsonArray) tags = NULL;
  g_autoptr(JsonArray) series = NULL;
  g_autoptr(JsonObject) queue = NULL;
  g_autoptr(JsonObject) hd = NULL;
  gint64 new_profile;

  vqs_fake_arr_set_profile_cutoff (fake, 4, "Bluray-1080p");
  vqs_fake_arr_set_profile_upgrade_allowed (fake, 4, FALSE);
  vqs_fake_arr_set_profile_allowed (fake, 4, "WEBDL-1080p", FALSE);
  new_profile = vqs_fake_arr_add_profile (fake, "Ultra");
  vqs_fake_arr_remove_profile (fake, 1);
  vqs_fake_arr_add_root_folder (fake, "/tv2/");
  vqs_fake_arr_remove_tag (fake, "anime");
  vqs_fake_arr_add_queue_item (fake, 3, 17);

  profiles = get_array (session, fake, "/api/v3/qualityprofile");
  g_assert_cmpuint (json_array_get_length (profiles), ==, 2);
  hd = get_object (session, fake, "/api/v3/qualityprofile/4");
  g_assert_cmpint (json_object_get_int_member (hd, "cutoff"), ==, 7);
  g_assert_false (json_object_get_boolean_member (hd, "upgradeAllowed"));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (profiles, 1), "id"),
                   ==, new_profile);
  g_assert_cmpuint (get (session, fake, "/api/v3/qualityprofile/1", KEY, NULL, NULL), ==, 404);

  folders = get_array (session, fake, "/api/v3/rootfolder");
  g_assert_cmpuint (json_array_get_length (folders), ==, 2);
  tags = get_array (session, fake, "/api/v3/tag");
  g_assert_cmpuint (json_array_get_length (tags), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tags, 0),
                                                  "label"),
                   ==, "4k");
  series = get_array (session, fake, "/api/v3/series");
  g_assert_cmpuint (json_array_get_length (series), >, 0);
  queue = get_object (session, fake, "/api/v3/queue?pageSize=50");
  g_assert_cmpint (json_object_get_int_member (queue, "totalRecords"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (
    json_array_get_object_element (json_object_get_array_member (queue, "records"), 0),
    "episodeId"), ==, 17);
}

static void
on_request_cb (VqsFakeArr           *fake,
               const VqsFakeRequest *request,
               guint                *count)
{
  (*count)++;
}

static void
test_request_log (void)
{
  g_autoptr(VqsFakeArr) fake = new_listening_fake (VQS_ARR_KIND_RADARR, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  GPtrArray *requests;
  guint signalled = 0;
  VqsFakeRequest *first, *second;

  g_signal_connect (fake, "request", G_CALLBACK (on_request_cb), &signalled);
  get (session, fake, "/api/v3/movie?tmdbId=500001", KEY, NULL, NULL);
  get (session, fake, "/ping", NULL, NULL, NULL);
  requests = vqs_fake_arr_get_requests (fake);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (fake), ==, 2);
  g_assert_cmpuint (signalled, ==, 2);
  first = g_ptr_array_index (requests, 0);
  second = g_ptr_array_index (requests, 1);
  g_assert_cmpstr (first->method, ==, "GET");
  g_assert_cmpstr (first->path, ==, "/api/v3/movie");
  g_assert_cmpstr (first->query, ==, "tmdbId=500001");
  g_assert_cmpstr (first->api_key_header, ==, KEY);
  g_assert_null (second->api_key_header);
  g_assert_null (second->query);
  g_assert_cmpint (second->monotonic_us, >=, first->monotonic_us);
  vqs_fake_arr_clear_requests (fake);
  g_assert_cmpuint (vqs_fake_arr_get_request_count (fake), ==, 0);
}

static void
test_tls (void)
{
  g_autoptr(VqsFakeArr) fake = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autofree char *url = NULL;

  vqs_fake_arr_listen (fake, 0, TRUE, &error);
  g_assert_no_error (error);
  url = vqs_fake_arr_get_url (fake);
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));
  status = get_object (session, fake, "/api/v3/system/status");
  g_assert_cmpstr (json_object_get_string_member (status, "appName"), ==, "Sonarr");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vqs/fake-arr/auth/no-key", test_auth_no_key);
  g_test_add_func ("/vqs/fake-arr/auth/precedence", test_auth_precedence);
  g_test_add_func ("/vqs/fake-arr/status", test_status);
  g_test_add_func ("/vqs/fake-arr/wanted/paging", test_wanted_paging);
  g_test_add_func ("/vqs/fake-arr/wanted/sort", test_wanted_sort);
  g_test_add_func ("/vqs/fake-arr/wanted/page-shift", test_page_shift);
  g_test_add_func ("/vqs/fake-arr/command", test_command);
  g_test_add_func ("/vqs/fake-arr/faults/each", test_faults);
  g_test_add_func ("/vqs/fake-arr/faults/hang", test_fault_hang);
  g_test_add_func ("/vqs/fake-arr/faults/huge", test_fault_huge);
  g_test_add_func ("/vqs/fake-arr/url-base", test_url_base);
  g_test_add_func ("/vqs/fake-arr/radarr/versions", test_radarr_versions);
  g_test_add_func ("/vqs/fake-arr/drift", test_drift_and_lists);
  g_test_add_func ("/vqs/fake-arr/request-log", test_request_log);
  g_test_add_func ("/vqs/fake-arr/tls", test_tls);

  status = g_test_run ();
  vqs_fake_arr_release_pool_threads ();
  return status;
}
