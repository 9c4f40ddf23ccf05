/* test-arr-parse.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vqs-arr-parse-private.h"

static GBytes *
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

#define DATA(bytes) g_bytes_get_data ((bytes), NULL), g_bytes_get_size ((bytes))

static gint64
utc (int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, second);

  return g_date_time_to_unix (dt);
}

/* System status */

static void
test_status_sonarr (void)
{
  g_autoptr(GBytes) bytes = load ("sonarr-status.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsSystemStatus) status = NULL;

  status = _vqs_arr_parse_system_status (DATA (bytes), &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);
  g_assert_cmpstr (status->app_name, ==, "Sonarr");
  g_assert_cmpstr (status->instance_name, ==, "Sonarr (living room)");
  g_assert_cmpstr (status->version, ==, "4.0.19.2979");
  g_assert_cmpstr (status->url_base, ==, "/sonarr");
  g_assert_cmpstr (status->branch, ==, "main");
  g_assert_cmpstr (status->os_name, ==, "ubuntu");
  g_assert_true (status->is_docker);
  g_assert_nonnull (status->start_time);
  g_assert_cmpint (g_date_time_to_unix (status->start_time), ==, utc (2026, 7, 1, 8, 0, 0));

  /* Reference counting keeps it alive past one unref. */
  vqs_system_status_ref (status);
  vqs_system_status_unref (status);
  g_assert_cmpstr (status->app_name, ==, "Sonarr");
}

static void
test_status_radarr (void)
{
  g_autoptr(GBytes) bytes = load ("radarr-status.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsSystemStatus) status = NULL;

  status = _vqs_arr_parse_system_status (DATA (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->app_name, ==, "Radarr");
  g_assert_cmpstr (status->version, ==, "5.5.3.8819");
  g_assert_cmpstr (status->url_base, ==, "");
  g_assert_false (status->is_docker);
  g_assert_null (status->start_time);
}

static void
test_status_invalid (void)
{
  static const char * const bodies[] = {
    "",
    "[]",
    "{}",
    "{\"appName\":\"Sonarr\"}",
    "{\"appName\":\"Sonarr\",\"version\":4}",
    "null",
    "42",
    "{\"version\":\"4.0\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VqsSystemStatus) status = NULL;

      status = _vqs_arr_parse_system_status (bodies[i], strlen (bodies[i]), &error);
      g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);
      g_assert_null (status);
    }
}

/* Wanted pages */

static void
test_wanted_sonarr (void)
{
  g_autoptr(GBytes) bytes = load ("sonarr-wanted-missing.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsWantedPage) page = NULL;
  const VqsWantedItem *item;

  page = _vqs_arr_parse_wanted_page (VQS_ARR_KIND_SONARR, DATA (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->page, ==, 1);
  g_assert_cmpint (page->page_size, ==, 2);
  g_assert_cmpint (page->total_records, ==, 137);
  g_assert_cmpstr (page->sort_key, ==, "episodes.airDateUtc");
  g_assert_cmpstr (page->sort_direction, ==, "ascending");
  g_assert_cmpuint (page->items->len, ==, 2);

  item = &g_array_index (page->items, VqsWantedItem, 0);
  g_assert_cmpint (item->id, ==, 4411);
  g_assert_cmpint (item->parent_id, ==, 12);
  g_assert_cmpstr (item->title, ==, "The Return");
  g_assert_cmpint (item->season_number, ==, 2);
  g_assert_cmpint (item->episode_number, ==, 7);
  g_assert_cmpint (item->air_date, ==, utc (2025, 3, 3, 2, 0, 0));
  g_assert_cmpint (item->last_search_time, ==, utc (2025, 6, 1, 10, 11, 12));
  g_assert_true (item->monitored);
  g_assert_false (item->has_file);
  g_assert_true (item->is_available);

  item = &g_array_index (page->items, VqsWantedItem, 1);
  g_assert_cmpint (item->id, ==, 4102);
  g_assert_cmpint (item->parent_id, ==, 3);
  g_assert_cmpint (item->last_search_time, ==, 0);
}

static void
test_wanted_radarr (void)
{
  g_autoptr(GBytes) bytes = load ("radarr-wanted-cutoff.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsWantedPage) page = NULL;
  const VqsWantedItem *item;

  page = _vqs_arr_parse_wanted_page (VQS_ARR_KIND_RADARR, DATA (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->page, ==, 2);
  g_assert_cmpint (page->total_records, ==, 3);
  g_assert_cmpuint (page->items->len, ==, 1);

  item = &g_array_index (page->items, VqsWantedItem, 0);
  g_assert_cmpint (item->id, ==, 77);
  g_assert_cmpint (item->parent_id, ==, 77);
  g_assert_cmpstr (item->title, ==, "Zeta Movie");
  g_assert_cmpint (item->season_number, ==, -1);
  g_assert_cmpint (item->episode_number, ==, -1);
  g_assert_cmpint (item->air_date, ==, utc (2019, 8, 1, 0, 0, 0));
  g_assert_cmpint (item->last_search_time, ==, utc (2025, 1, 2, 3, 4, 5));
  g_assert_true (item->has_file);
  g_assert_true (item->is_available);
}

static void
test_wanted_tolerant_types (void)
{
  g_autoptr(GBytes) bytes = load ("malformed-wrong-types.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsWantedPage) page = NULL;
  const VqsWantedItem *item;

  /* Members of the wrong type count as absent; they do not poison the
   * page, nor make json-glib warn.
   */
  page = _vqs_arr_parse_wanted_page (VQS_ARR_KIND_SONARR, DATA (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->page, ==, 1);
  g_assert_cmpint (page->page_size, ==, 2);
  g_assert_cmpint (page->total_records, ==, 0);
  g_assert_null (page->sort_key);
  g_assert_cmpuint (page->items->len, ==, 2);

  item = &g_array_index (page->items, VqsWantedItem, 0);
  g_assert_cmpint (item->id, ==, 10);
  g_assert_null (item->title);
  g_assert_cmpint (item->parent_id, ==, 0);
  g_assert_cmpint (item->season_number, ==, 1);
  g_assert_cmpint (item->episode_number, ==, -1);
  g_assert_cmpint (item->air_date, ==, 0);
  g_assert_cmpint (item->last_search_time, ==, 0);
  g_assert_false (item->has_file);
  g_assert_false (item->monitored);
  g_assert_false (item->is_available);

  item = &g_array_index (page->items, VqsWantedItem, 1);
  g_assert_cmpint (item->id, ==, 11);
  g_assert_cmpint (item->parent_id, ==, 0);
  g_assert_cmpstr (item->title, ==, "Fine");
}

static void
assert_wanted_invalid (const char *data,
                       gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsWantedPage) page = NULL;

  page = _vqs_arr_parse_wanted_page (VQS_ARR_KIND_SONARR, data, len, &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);
  g_assert_null (page);
}

static void
test_wanted_malformed (void)
{
  static const char * const files[] = {
    "malformed-truncated.json",
    "malformed-login-page.html",
    "malformed-record-not-object.json",
    "malformed-no-records.json",
    "tags.json",
  };
  const char *no_id = "{\"records\":[{\"title\":\"x\"}]}";

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GBytes) bytes = load (files[i]);

      g_test_message ("%s", files[i]);
      assert_wanted_invalid (DATA (bytes));
    }

  /* A record without a usable id cannot be deduplicated or searched. */
  assert_wanted_invalid (no_id, strlen (no_id));
  assert_wanted_invalid (NULL, 0);
}

static void
test_invalid_utf8 (void)
{
  static const char body[] = "{\"records\":[],\"sortKey\":\"\xff\xfe\"}";
  static const char with_nul[] = "{\"records\":[]}\0garbage";

  assert_wanted_invalid (body, sizeof body - 1);
  assert_wanted_invalid (with_nul, sizeof with_nul - 1);
}

static void
test_deep_nesting (void)
{
  GString *deep = g_string_new ("{\"records\":");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  /* Deep enough to exhaust a thread's stack in a recursive parser. */
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');

  assert_wanted_invalid (deep->str, deep->len);
  message = _vqs_arr_parse_error_message (deep->str, deep->len);
  g_assert_null (message);
  g_assert_null (_vqs_arr_parse_library (deep->str + 11, deep->len - 11, &error));
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);

  g_string_free (deep, TRUE);

  /* The same inside a record, where the wanted-page scanner recurses. */
  deep = g_string_new ("{\"records\":[{\"id\":1,\"images\":");
  for (guint i = 0; i < 200000; i++)
    g_string_append (deep, "[{\"a\":");
  assert_wanted_invalid (deep->str, deep->len);
  g_string_free (deep, TRUE);
}

static void
test_wanted_json_syntax (void)
{
  static const char * const invalid[] = {
    "{\"records\":[]",
    "{\"records\":[]}}",
    "{\"records\":[],}",
    "{\"records\":[{\"id\":1,}]}",
    "{\"records\" []}",
    "{records:[]}",
    "{\"records\":[{\"id\":01}]}",
    "{\"records\":[{\"id\":1.}]}",
    "{\"records\":[{\"id\":-}]}",
    "{\"records\":[{\"id\":1e}]}",
    "{\"records\":[{\"id\":1,\"title\":\"a\\x\"}]}",
    "{\"records\":[{\"id\":1,\"title\":\"a\\u12\"}]}",
    "{\"records\":[{\"id\":1,\"title\":\"a\tb\"}]}",
    "{\"records\":[{\"id\":1,\"monitored\":tru}]}",
    "{\"records\":[{\"id\":1,\"x\":[1 2]}]}",
    "{\"records\":[{\"id\":1}] \"page\":1}",
    "{\"records\":[{\"id\":1,\"title\":\"unterminated}]}",
    "[1,2",
    "\"records\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("%s", invalid[i]);
      assert_wanted_invalid (invalid[i], strlen (invalid[i]));
    }
}

static void
test_wanted_json_values (void)
{
  const char *text =
    " {\"pageSize\":1, \"r\\u0065cords\" : [ {\"id\":9223372036854775807,"
    "\"title\":\"Caf\\u00e9 \\ud83c\\udfac \\ud800 \\\"q\\\" \\/\\n\","
    "\"seriesId\":-5e0, \"seasonNumber\":2.9E1, \"episodeNumber\":-0,"
    "\"nested\":{\"id\":7,\"title\":\"not me\"}, \"list\":[{},[],\"x\",null,true,1.5e-3],"
    "\"monitored\":true, \"hasFile\":null} ], \"totalRecords\":12345678901234567890 }\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsWantedPage) page = NULL;
  const VqsWantedItem *item;

  page = _vqs_arr_parse_wanted_page (VQS_ARR_KIND_SONARR, text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_cmpint (page->total_records, ==, 1);   /* out of range: as if absent */

  item = &g_array_index (page->items, VqsWantedItem, 0);
  g_assert_cmpint (item->id, ==, G_MAXINT64);
  g_assert_cmpstr (item->title, ==, "Café 🎬 \xef\xbf\xbd \"q\" /\n");
  g_assert_cmpint (item->parent_id, ==, -5);
  g_assert_cmpint (item->season_number, ==, 29);
  g_assert_cmpint (item->episode_number, ==, 0);
  g_assert_true (item->monitored);
  g_assert_false (item->has_file);
}

/* Commands */

static void
test_command (void)
{
  g_autoptr(GBytes) queued_bytes = load ("command.json");
  g_autoptr(GBytes) done_bytes = load ("command-completed.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsCommand) queued = NULL;
  g_autoptr(VqsCommand) done = NULL;

  queued = _vqs_arr_parse_command (DATA (queued_bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpint (queued->id, ==, 1234);
  g_assert_cmpstr (queued->name, ==, "EpisodeSearch");
  g_assert_cmpstr (queued->command_name, ==, "Episode Search");
  g_assert_cmpstr (queued->status, ==, "queued");
  g_assert_cmpstr (queued->result, ==, "unknown");
  g_assert_null (queued->message);
  g_assert_nonnull (queued->queued);
  g_assert_null (queued->started);
  g_assert_null (queued->ended);
  g_assert_false (vqs_command_is_finished (queued));

  done = _vqs_arr_parse_command (DATA (done_bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->id, ==, 1235);
  g_assert_cmpstr (done->status, ==, "completed");
  g_assert_cmpstr (done->result, ==, "successful");
  g_assert_cmpstr (done->message, ==, "Completed search for 2 movies. 1 reports downloaded.");
  g_assert_cmpint (g_date_time_to_unix (done->ended), ==, utc (2025, 7, 1, 10, 0, 4));
  g_assert_true (vqs_command_is_finished (done));
}

static void
test_command_finished_states (void)
{
  static const struct { const char *status; gboolean finished; } states[] = {
    { "queued", FALSE }, { "started", FALSE }, { "completed", TRUE }, { "failed", TRUE },
    { "aborted", TRUE }, { "cancelled", TRUE }, { "orphaned", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(VqsCommand) command = vqs_command_new ();

      command->status = g_strdup (states[i].status);
      g_assert_cmpint (vqs_command_is_finished (command), ==, states[i].finished);
    }
}

static void
test_command_invalid (void)
{
  static const char * const bodies[] = {
    "[]", "{\"name\":\"EpisodeSearch\"}", "{\"id\":5}", "{\"id\":\"5\",\"name\":\"x\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VqsCommand) command = NULL;

      command = _vqs_arr_parse_command (bodies[i], strlen (bodies[i]), &error);
      g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);
      g_assert_null (command);
    }
}

/* Configuration */

static void
test_quality_profiles (void)
{
  g_autoptr(GBytes) bytes = load ("quality-profiles.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  const VqsQualityProfile *profile;

  profiles = _vqs_arr_parse_quality_profiles (DATA (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 3);

  /* The cutoff is a group, named by the group. */
  profile = g_ptr_array_index (profiles, 0);
  g_assert_cmpint (profile->id, ==, 4);
  g_assert_cmpstr (profile->name, ==, "HD-1080p");
  g_assert_true (profile->upgrade_allowed);
  g_assert_cmpint (profile->cutoff_id, ==, 1001);
  g_assert_cmpstr (profile->cutoff_name, ==, "WEB 1080p");
  g_assert_cmpuint (g_strv_length (profile->allowed), ==, 2);
  g_assert_cmpstr (profile->allowed[0], ==, "WEB 1080p");
  g_assert_cmpstr (profile->allowed[1], ==, "Bluray-1080p");

  /* The cutoff is a quality inside a disallowed group. */
  profile = g_ptr_array_index (profiles, 1);
  g_assert_cmpstr (profile->name, ==, "Any");
  g_assert_false (profile->upgrade_allowed);
  g_assert_cmpstr (profile->cutoff_name, ==, "WEBDL-1080p");
  g_assert_cmpuint (g_strv_length (profile->allowed), ==, 1);
  g_assert_cmpstr (profile->allowed[0], ==, "SDTV");

  profile = g_ptr_array_index (profiles, 2);
  g_assert_cmpint (profile->cutoff_id, ==, 999);
  g_assert_null (profile->cutoff_name);
  g_assert_nonnull (profile->allowed);
  g_assert_cmpuint (g_strv_length (profile->allowed), ==, 0);
}

static void
test_root_folders_tags (void)
{
  g_autoptr(GBytes) folder_bytes = load ("root-folders.json");
  g_autoptr(GBytes) tag_bytes = load ("tags.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  const VqsRootFolder *folder;
  const VqsTag *tag;

  folders = _vqs_arr_parse_root_folders (DATA (folder_bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folders->len, ==, 2);
  folder = g_ptr_array_index (folders, 0);
  g_assert_cmpint (folder->id, ==, 1);
  g_assert_cmpstr (folder->path, ==, "/tv/");
  g_assert_true (folder->accessible);
  g_assert_cmpint (folder->free_space, ==, G_GINT64_CONSTANT (1234567890123));
  folder = g_ptr_array_index (folders, 1);
  g_assert_false (folder->accessible);
  g_assert_cmpint (folder->free_space, ==, -1);

  tags = _vqs_arr_parse_tags (DATA (tag_bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tags->len, ==, 2);
  tag = g_ptr_array_index (tags, 1);
  g_assert_cmpint (tag->id, ==, 2);
  g_assert_cmpstr (tag->label, ==, "4k");

  /* An object where a list belongs, and a list of the wrong things. */
  g_clear_pointer (&tags, g_ptr_array_unref);
  tags = _vqs_arr_parse_tags (DATA (folder_bytes), &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);
  g_assert_null (tags);
  g_clear_error (&error);

  tags = _vqs_arr_parse_tags ("{\"label\":\"x\"}", strlen ("{\"label\":\"x\"}"), &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);
  g_assert_null (tags);
}

/* Library and queue */

static void
test_library (void)
{
  g_autoptr(GBytes) series_bytes = load ("sonarr-series.json");
  g_autoptr(GBytes) movie_bytes = load ("radarr-movies.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GPtrArray) movies = NULL;
  const VqsLibraryItem *item;

  series = _vqs_arr_parse_library (DATA (series_bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, ==, 2);
  item = g_ptr_array_index (series, 0);
  g_assert_cmpint (item->id, ==, 12);
  g_assert_cmpstr (item->title, ==, "The Show");
  g_assert_cmpstr (item->sort_title, ==, "show");
  g_assert_cmpstr (item->status, ==, "continuing");
  g_assert_cmpstr (item->path, ==, "/tv/The Show");
  g_assert_cmpint (item->quality_profile_id, ==, 4);
  g_assert_cmpint (item->year, ==, 2021);
  g_assert_true (item->monitored);

  movies = _vqs_arr_parse_library (DATA (movie_bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (movies->len, ==, 7);
  item = g_ptr_array_index (movies, 4);
  g_assert_cmpint (item->id, ==, 5);
  g_assert_true (item->has_file);
  g_assert_true (item->is_available);
  g_assert_true (item->cutoff_not_met);
  item = g_ptr_array_index (movies, 2);
  g_assert_false (item->is_available);
  g_assert_false (item->cutoff_not_met);
}

static void
test_queue (void)
{
  g_autoptr(GBytes) bytes = load ("queue.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsQueuePage) page = NULL;
  const VqsQueueItem *item;

  page = _vqs_arr_parse_queue_page (DATA (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->total_records, ==, 2);
  g_assert_cmpint (page->page_size, ==, 50);
  g_assert_cmpuint (page->items->len, ==, 2);

  item = &g_array_index (page->items, VqsQueueItem, 0);
  g_assert_cmpint (item->id, ==, 1843012345);
  g_assert_cmpint (item->parent_id, ==, 12);
  g_assert_cmpint (item->episode_id, ==, 4411);
  g_assert_cmpstr (item->title, ==, "Show.S02E07.1080p.WEB-DL");
  g_assert_cmpstr (item->status, ==, "downloading");
  g_assert_cmpstr (item->download_id, ==, "SABnzbd_nzo_abc123");

  item = &g_array_index (page->items, VqsQueueItem, 1);
  g_assert_cmpint (item->parent_id, ==, 77);
  g_assert_cmpint (item->episode_id, ==, 0);
}

/* Radarr < 5.6 fallback */

static void
assert_ids (GArray       *items,
            const gint64 *expected,
            guint         n)
{
  g_assert_cmpuint (items->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (items, VqsWantedItem, i).id, ==, expected[i]);
}

static void
test_movie_wanted (void)
{
  g_autoptr(GBytes) bytes = load ("radarr-movies.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) missing = NULL;
  g_autoptr(GArray) missing_desc = NULL;
  g_autoptr(GArray) cutoff = NULL;
  g_autoptr(GArray) by_year = NULL;
  const gint64 missing_ids[] = { 2, 1 };          /* apple pie, banana split */
  const gint64 missing_desc_ids[] = { 1, 2 };
  const gint64 cutoff_ids[] = { 7, 5 };           /* another low, low quality */
  const gint64 by_year_ids[] = { 7, 5 };          /* 2012, 2015 */
  const VqsWantedItem *item;

  /* Missing: monitored, no file and available; "Coming Soon" is not
   * available yet and "Unwatched" is not monitored.
   */
  missing = _vqs_arr_parse_movie_wanted (DATA (bytes), VQS_WANTED_MISSING, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_ids (missing, missing_ids, G_N_ELEMENTS (missing_ids));
  item = &g_array_index (missing, VqsWantedItem, 1);
  g_assert_cmpstr (item->title, ==, "Banana Split");
  g_assert_cmpint (item->parent_id, ==, 1);
  g_assert_cmpint (item->air_date, ==, utc (2020, 2, 1, 0, 0, 0));
  g_assert_cmpint (item->season_number, ==, -1);

  missing_desc = _vqs_arr_parse_movie_wanted (DATA (bytes), VQS_WANTED_MISSING,
                                              "movieMetadata.sortTitle", "descending", &error);
  g_assert_no_error (error);
  assert_ids (missing_desc, missing_desc_ids, G_N_ELEMENTS (missing_desc_ids));

  /* Cutoff: a file below the cutoff, monitored or not, as the endpoint. */
  cutoff = _vqs_arr_parse_movie_wanted (DATA (bytes), VQS_WANTED_CUTOFF,
                                        "no.such.key", "ascending", &error);
  g_assert_no_error (error);
  assert_ids (cutoff, cutoff_ids, G_N_ELEMENTS (cutoff_ids));

  by_year = _vqs_arr_parse_movie_wanted (DATA (bytes), VQS_WANTED_CUTOFF,
                                         "movieMetadata.year", "ascending", &error);
  g_assert_no_error (error);
  assert_ids (by_year, by_year_ids, G_N_ELEMENTS (by_year_ids));
}

static void
test_movie_wanted_invalid (void)
{
  g_autoptr(GBytes) bytes = load ("radarr-status.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = NULL;

  items = _vqs_arr_parse_movie_wanted (DATA (bytes), VQS_WANTED_MISSING, NULL, NULL, &error);
  g_assert_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE);
  g_assert_null (items);
}

/* Error bodies */

static void
test_error_messages (void)
{
  static const struct { const char *file; const char *expected; } cases[] = {
    { "error-message.json", "Sequence contains no matching element" },
    { "error-starting-up.json", "Sonarr is starting up, please try again later" },
    { "error-problem-details.json", "The value 'asc' is not valid for SortDirection." },
    { "error-not-found.json", "Not Found" },
    { "error-validation.json", "'Name' must not be empty. 'Path' is not a valid path." },
    { "error-v3-unauthorized.json", "Unauthorized" },
    { "malformed-login-page.html", NULL },
    { "malformed-truncated.json", NULL },
    { "tags.json", NULL },
  };
  const char *blank;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = load (cases[i].file);
      g_autofree char *message = _vqs_arr_parse_error_message (DATA (bytes));

      g_test_message ("%s", cases[i].file);
      g_assert_cmpstr (message, ==, cases[i].expected);
    }
  blank = "{\"message\":\"  \"}";

  g_assert_null (_vqs_arr_parse_error_message (NULL, 0));
  g_assert_null (_vqs_arr_parse_error_message (blank, strlen (blank)));
}

static void
test_error_message_long (void)
{
  GString *body = g_string_new ("{\"message\":\"line one\\nline two ");
  g_autofree char *message = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append (body, "é");
  g_string_append (body, "\"}");

  /* One line, cut at a character boundary. */
  message = _vqs_arr_parse_error_message (body->str, body->len);
  g_assert_nonnull (message);
  g_assert_null (strchr (message, '\n'));
  g_assert_true (g_str_has_prefix (message, "line one line two "));
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (message, -1), <=, 401);

  g_string_free (body, TRUE);
}

/* Helpers */

static void
test_versions (void)
{
  g_assert_cmpint (_vqs_arr_compare_versions ("5.5.3.8819", "5.6"), <, 0);
  g_assert_cmpint (_vqs_arr_compare_versions ("5.6.0.8846", "5.6"), >, 0);
  g_assert_cmpint (_vqs_arr_compare_versions ("5.6", "5.6.0"), ==, 0);
  g_assert_cmpint (_vqs_arr_compare_versions ("5.10.4", "5.6"), >, 0);
  g_assert_cmpint (_vqs_arr_compare_versions ("4.7.5", "5.6"), <, 0);
  g_assert_cmpint (_vqs_arr_compare_versions ("6.0.3.10276", "5.6"), >, 0);
  g_assert_cmpint (_vqs_arr_compare_versions (NULL, "5.6"), <, 0);
  g_assert_cmpint (_vqs_arr_compare_versions ("garbage", "0"), ==, 0);
}

static void
test_timestamps (void)
{
  gint64 value = -1;

  g_assert_true (_vqs_arr_parse_timestamp ("2025-03-03T02:00:00Z", &value));
  g_assert_cmpint (value, ==, utc (2025, 3, 3, 2, 0, 0));
  g_assert_true (_vqs_arr_parse_timestamp ("2025-03-03T02:00:00.5+01:00", &value));
  g_assert_cmpint (value, ==, utc (2025, 3, 3, 1, 0, 0));
  g_assert_false (_vqs_arr_parse_timestamp ("yesterday", &value));
  g_assert_false (_vqs_arr_parse_timestamp ("", &value));
  g_assert_false (_vqs_arr_parse_timestamp (NULL, &value));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vqs/arr-parse/status/sonarr", test_status_sonarr);
  g_test_add_func ("/vqs/arr-parse/status/radarr", test_status_radarr);
  g_test_add_func ("/vqs/arr-parse/status/invalid", test_status_invalid);
  g_test_add_func ("/vqs/arr-parse/wanted/sonarr", test_wanted_sonarr);
  g_test_add_func ("/vqs/arr-parse/wanted/radarr", test_wanted_radarr);
  g_test_add_func ("/vqs/arr-parse/wanted/tolerant-types", test_wanted_tolerant_types);
  g_test_add_func ("/vqs/arr-parse/wanted/malformed", test_wanted_malformed);
  g_test_add_func ("/vqs/arr-parse/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/vqs/arr-parse/deep-nesting", test_deep_nesting);
  g_test_add_func ("/vqs/arr-parse/wanted/json-syntax", test_wanted_json_syntax);
  g_test_add_func ("/vqs/arr-parse/wanted/json-values", test_wanted_json_values);
  g_test_add_func ("/vqs/arr-parse/command", test_command);
  g_test_add_func ("/vqs/arr-parse/command/finished-states", test_command_finished_states);
  g_test_add_func ("/vqs/arr-parse/command/invalid", test_command_invalid);
  g_test_add_func ("/vqs/arr-parse/quality-profiles", test_quality_profiles);
  g_test_add_func ("/vqs/arr-parse/root-folders-tags", test_root_folders_tags);
  g_test_add_func ("/vqs/arr-parse/library", test_library);
  g_test_add_func ("/vqs/arr-parse/queue", test_queue);
  g_test_add_func ("/vqs/arr-parse/movie-wanted", test_movie_wanted);
  g_test_add_func ("/vqs/arr-parse/movie-wanted/invalid", test_movie_wanted_invalid);
  g_test_add_func ("/vqs/arr-parse/error-messages", test_error_messages);
  g_test_add_func ("/vqs/arr-parse/error-message-long", test_error_message_long);
  g_test_add_func ("/vqs/arr-parse/versions", test_versions);
  g_test_add_func ("/vqs/arr-parse/timestamps", test_timestamps);

  return g_test_run ();
}
