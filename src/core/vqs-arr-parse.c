/* vqs-arr-parse.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-arr-parse"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "vqs-arr-error.h"
#include "vqs-arr-parse-private.h"

/* json-glib 1.6 parses recursively and has no depth limit of its own, so
 * a body of a few MB of "[[[[" would exhaust the stack of a worker thread.
 * Real answers nest less than ten levels.
 */
#define MAX_NESTING 256

#define MAX_ERROR_MESSAGE_CHARS 400

/* Typed member access. The json_object_get_*_member functions warn when
 * a member has an unexpected type, and a server (or a fuzzer) may send
 * anything, so every access goes through these.
 */

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static char *
dup_string (JsonObject *object,
            const char *name)
{
  return g_strdup (get_string (object, name));
}

static gint64
get_int (JsonObject *object,
         const char *name,
         gint64      default_value)
{
  JsonNode *node = member (object, name);
  double value;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return default_value;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);

  if (json_node_get_value_type (node) != G_TYPE_DOUBLE)
    return default_value;

  /* Casting an out-of-range double to an integer is undefined. */
  value = json_node_get_double (node);
  if (!(value >= -9.2e18 && value <= 9.2e18))
    return default_value;

  return (gint64)value;
}

static gboolean
get_bool (JsonObject *object,
          const char *name,
          gboolean    default_value)
{
  JsonNode *node = member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return default_value;

  return json_node_get_boolean (node);
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
array_object (JsonArray *array,
              guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static GDateTime *
get_date_time (JsonObject *object,
               const char *name)
{
  const char *str = get_string (object, name);
  g_autoptr(GTimeZone) utc = NULL;

  if (str == NULL)
    return NULL;

  utc = g_time_zone_new_utc ();
  return g_date_time_new_from_iso8601 (str, utc);
}

static gint64
get_timestamp (JsonObject *object,
               const char *name)
{
  gint64 value = 0;

  if (!_vqs_arr_parse_timestamp (get_string (object, name), &value))
    return 0;

  return value;
}

gboolean
_vqs_arr_parse_timestamp (const char *str,
                          gint64     *unix_seconds)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (unix_seconds != NULL, FALSE);

  if (str == NULL || *str == '\0')
    return FALSE;

  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (str, utc);
  if (dt == NULL)
    return FALSE;

  *unix_seconds = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
nesting_is_sane (const char *data,
                 gsize       len)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_NESTING)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

/* Parses @data and returns its root, checked to be an object or an array
 * as asked. The parser is returned too, since it owns the nodes.
 */
static JsonNode *
load_root (const char  *data,
           gsize        len,
           JsonNodeType expected,
           JsonParser **parser_out,
           GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || len == 0)
    {
      g_set_error_literal (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE,
                           _("The answer was empty."));
      return NULL;
    }

  if (len > G_MAXSSIZE || !nesting_is_sane (data, len))
    {
      g_set_error_literal (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE,
                           _("The answer is nested too deeply to be a real answer."));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize)len, &local_error))
    {
      g_set_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE,
                   _("The answer is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || JSON_NODE_TYPE (root) != expected)
    {
      g_set_error_literal (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE,
                           expected == JSON_NODE_OBJECT
                           ? _("The answer is JSON, but not the expected object.")
                           : _("The answer is JSON, but not the expected list."));
      return NULL;
    }

  *parser_out = g_steal_pointer (&parser);
  return root;
}

static gboolean
fail_shape (GError    **error,
            const char *what)
{
  g_set_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE,
               _("The answer does not look like %s."), what);
  return FALSE;
}

/* System status */

VqsSystemStatus *
_vqs_arr_parse_system_status (const char  *data,
                              gsize        len,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(VqsSystemStatus) status = NULL;
  JsonObject *object;
  JsonNode *root;

  if (!(root = load_root (data, len, JSON_NODE_OBJECT, &parser, error)))
    return NULL;

  object = json_node_get_object (root);

  /* Every Sonarr and Radarr since v3 reports its version; a JSON object
   * without one is some other service on that port.
   */
  if (get_string (object, "version") == NULL)
    {
      fail_shape (error, _("the system status of Sonarr or Radarr"));
      return NULL;
    }

  status = vqs_system_status_new ();
  status->app_name = dup_string (object, "appName");
  status->instance_name = dup_string (object, "instanceName");
  status->version = dup_string (object, "version");
  status->url_base = g_strdup (get_string (object, "urlBase") ?: "");
  status->branch = dup_string (object, "branch");
  status->os_name = dup_string (object, "osName");
  status->start_time = get_date_time (object, "startTime");
  status->is_docker = get_bool (object, "isDocker", FALSE);

  return g_steal_pointer (&status);
}

/* Wanted pages */

static void
fill_sonarr_wanted (VqsWantedItem *item,
                    JsonObject    *record,
                    gint64         now)
{
  item->parent_id = get_int (record, "seriesId", 0);
  item->air_date = get_timestamp (record, "airDateUtc");
  item->season_number = (int)CLAMP (get_int (record, "seasonNumber", -1), -1, G_MAXINT);
  item->episode_number = (int)CLAMP (get_int (record, "episodeNumber", -1), -1, G_MAXINT);
  item->is_available = item->air_date != 0 && item->air_date <= now;
}

/* A movie's release: Radarr's own releaseDate where it exists (5.x), or
 * else the earliest of its release dates.
 */
static gint64
movie_release (JsonObject *record)
{
  static const char * const names[] = { "inCinemas", "physicalRelease", "digitalRelease" };
  gint64 release = get_timestamp (record, "releaseDate");

  if (release != 0)
    return release;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gint64 value = get_timestamp (record, names[i]);

      if (value != 0 && (release == 0 || value < release))
        release = value;
    }

  return release;
}

static void
fill_radarr_wanted (VqsWantedItem *item,
                    JsonObject    *record)
{
  item->parent_id = item->id;
  item->air_date = movie_release (record);
  item->season_number = -1;
  item->episode_number = -1;
  item->is_available = get_bool (record, "isAvailable", FALSE);
}

static gboolean
fill_wanted_item (VqsWantedItem *item,
                  VqsArrKind     kind,
                  JsonObject    *record,
                  gint64         now)
{
  item->id = get_int (record, "id", 0);
  if (item->id <= 0)
    return FALSE;

  item->title = dup_string (record, "title");
  item->last_search_time = get_timestamp (record, "lastSearchTime");
  item->monitored = get_bool (record, "monitored", FALSE);
  item->has_file = get_bool (record, "hasFile", FALSE);

  if (kind == VQS_ARR_KIND_SONARR)
    fill_sonarr_wanted (item, record, now);
  else
    fill_radarr_wanted (item, record);

  return TRUE;
}

VqsWantedPage *
_vqs_arr_parse_wanted_page (VqsArrKind   kind,
                            const char  *data,
                            gsize        len,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(VqsWantedPage) page = NULL;
  JsonObject *object;
  JsonArray *records;
  JsonNode *root;
  gint64 now;
  guint n;

  if (!(root = load_root (data, len, JSON_NODE_OBJECT, &parser, error)))
    return NULL;

  object = json_node_get_object (root);
  if (!(records = get_array (object, "records")))
    {
      fail_shape (error, _("a page of a wanted list"));
      return NULL;
    }

  n = json_array_get_length (records);
  now = g_get_real_time () / G_USEC_PER_SEC;

  page = vqs_wanted_page_new ();
  page->page = (int)CLAMP (get_int (object, "page", 1), 0, G_MAXINT);
  page->page_size = (int)CLAMP (get_int (object, "pageSize", n), 0, G_MAXINT);
  page->total_records = MAX (0, get_int (object, "totalRecords", n));
  page->sort_key = dup_string (object, "sortKey");
  page->sort_direction = dup_string (object, "sortDirection");
  g_array_set_size (page->items, 0);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *record = array_object (records, i);
      VqsWantedItem item = { 0 };

      if (record == NULL || !fill_wanted_item (&item, kind, record, now))
        {
          vqs_wanted_item_clear (&item);
          fail_shape (error, _("a page of a wanted list"));
          return NULL;
        }
      g_array_append_val (page->items, item);
    }

  return g_steal_pointer (&page);
}

/* Commands */

VqsCommand *
_vqs_arr_parse_command (const char  *data,
                        gsize        len,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(VqsCommand) command = NULL;
  JsonObject *object;
  JsonNode *root;

  if (!(root = load_root (data, len, JSON_NODE_OBJECT, &parser, error)))
    return NULL;

  object = json_node_get_object (root);
  if (get_int (object, "id", 0) <= 0 || get_string (object, "name") == NULL)
    {
      fail_shape (error, _("a command"));
      return NULL;
    }

  command = vqs_command_new ();
  command->id = get_int (object, "id", 0);
  command->name = dup_string (object, "name");
  command->command_name = dup_string (object, "commandName");
  command->status = g_strdup (get_string (object, "status") ?: "queued");
  command->result = g_strdup (get_string (object, "result") ?: "unknown");
  command->message = dup_string (object, "message");
  command->queued = get_date_time (object, "queued");
  command->started = get_date_time (object, "started");
  command->ended = get_date_time (object, "ended");

  return g_steal_pointer (&command);
}

/* Quality profiles */

static const char *
profile_item_name (JsonObject *item)
{
  JsonObject *quality = get_object (item, "quality");

  if (quality != NULL)
    return get_string (quality, "name");

  return get_string (item, "name");
}

static gint64
profile_item_id (JsonObject *item)
{
  JsonObject *quality = get_object (item, "quality");

  if (quality != NULL)
    return get_int (quality, "id", -1);

  return get_int (item, "id", -1);
}

/* The cutoff is normally a top-level item (a quality or a group), but
 * search the members of groups too so that an odd profile still gets a
 * name.
 */
static const char *
find_cutoff_name (JsonArray *items,
                  gint64     cutoff,
                  guint      depth)
{
  guint n = json_array_get_length (items);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = array_object (items, i);

      if (item != NULL && profile_item_id (item) == cutoff)
        return profile_item_name (item);
    }

  for (guint i = 0; i < n && depth < 4; i++)
    {
      JsonObject *item = array_object (items, i);
      JsonArray *members = get_array (item, "items");
      const char *name;

      if (members != NULL && (name = find_cutoff_name (members, cutoff, depth + 1)))
        return name;
    }

  return NULL;
}

static GStrv
allowed_names (JsonArray *items)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = json_array_get_length (items);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = array_object (items, i);
      const char *name = profile_item_name (item);

      if (item != NULL && name != NULL && get_bool (item, "allowed", FALSE))
        g_strv_builder_add (builder, name);
    }

  return g_strv_builder_end (builder);
}

static VqsQualityProfile *
parse_quality_profile (JsonObject *object)
{
  VqsQualityProfile *profile;
  JsonArray *items = get_array (object, "items");

  if (get_string (object, "name") == NULL || items == NULL)
    return NULL;

  profile = vqs_quality_profile_new ();
  profile->id = get_int (object, "id", 0);
  profile->name = dup_string (object, "name");
  profile->upgrade_allowed = get_bool (object, "upgradeAllowed", FALSE);
  profile->cutoff_id = get_int (object, "cutoff", 0);
  profile->cutoff_name = g_strdup (find_cutoff_name (items, profile->cutoff_id, 0));
  profile->allowed = allowed_names (items);

  return profile;
}

typedef gpointer (*ParseElementFunc) (JsonObject *object);

/* Shared by the list endpoints: an array of objects, each turned into a
 * model by @parse_element, which returns NULL for an element of the wrong
 * shape.
 */
static GPtrArray *
parse_list (const char       *data,
            gsize             len,
            ParseElementFunc  parse_element,
            GDestroyNotify    element_free,
            const char       *what,
            GError          **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) list = NULL;
  JsonArray *array;
  JsonNode *root;
  guint n;

  if (!(root = load_root (data, len, JSON_NODE_ARRAY, &parser, error)))
    return NULL;

  array = json_node_get_array (root);
  n = json_array_get_length (array);
  list = g_ptr_array_new_full (n, element_free);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = array_object (array, i);
      gpointer element = object != NULL ? parse_element (object) : NULL;

      if (element == NULL)
        {
          fail_shape (error, what);
          return NULL;
        }
      g_ptr_array_add (list, element);
    }

  return g_steal_pointer (&list);
}

GPtrArray *
_vqs_arr_parse_quality_profiles (const char  *data,
                                 gsize        len,
                                 GError     **error)
{
  return parse_list (data, len, (ParseElementFunc)parse_quality_profile,
                     (GDestroyNotify)vqs_quality_profile_unref,
                     _("a list of quality profiles"), error);
}

/* Root folders, tags */

static VqsRootFolder *
parse_root_folder (JsonObject *object)
{
  VqsRootFolder *folder;

  if (get_string (object, "path") == NULL)
    return NULL;

  folder = vqs_root_folder_new ();
  folder->id = get_int (object, "id", 0);
  folder->path = dup_string (object, "path");
  folder->accessible = get_bool (object, "accessible", FALSE);
  folder->free_space = get_int (object, "freeSpace", -1);

  return folder;
}

GPtrArray *
_vqs_arr_parse_root_folders (const char  *data,
                             gsize        len,
                             GError     **error)
{
  return parse_list (data, len, (ParseElementFunc)parse_root_folder,
                     (GDestroyNotify)vqs_root_folder_unref,
                     _("a list of root folders"), error);
}

static VqsTag *
parse_tag (JsonObject *object)
{
  VqsTag *tag;

  if (get_string (object, "label") == NULL)
    return NULL;

  tag = vqs_tag_new ();
  tag->id = get_int (object, "id", 0);
  tag->label = dup_string (object, "label");

  return tag;
}

GPtrArray *
_vqs_arr_parse_tags (const char  *data,
                     gsize        len,
                     GError     **error)
{
  return parse_list (data, len, (ParseElementFunc)parse_tag,
                     (GDestroyNotify)vqs_tag_unref,
                     _("a list of tags"), error);
}

/* Library */

static VqsLibraryItem *
parse_library_item (JsonObject *object)
{
  VqsLibraryItem *item;
  JsonObject *movie_file;

  if (get_int (object, "id", 0) <= 0 || get_string (object, "title") == NULL)
    return NULL;

  item = vqs_library_item_new ();
  item->id = get_int (object, "id", 0);
  item->title = dup_string (object, "title");
  item->sort_title = dup_string (object, "sortTitle");
  item->status = dup_string (object, "status");
  item->path = dup_string (object, "path");
  item->quality_profile_id = get_int (object, "qualityProfileId", 0);
  item->year = (int)CLAMP (get_int (object, "year", 0), 0, G_MAXINT);
  item->monitored = get_bool (object, "monitored", FALSE);
  item->has_file = get_bool (object, "hasFile", FALSE);
  item->is_available = get_bool (object, "isAvailable", FALSE);

  movie_file = get_object (object, "movieFile");
  item->cutoff_not_met = get_bool (movie_file, "qualityCutoffNotMet", FALSE);

  return item;
}

GPtrArray *
_vqs_arr_parse_library (const char  *data,
                        gsize        len,
                        GError     **error)
{
  return parse_list (data, len, (ParseElementFunc)parse_library_item,
                     (GDestroyNotify)vqs_library_item_unref,
                     _("a list of series or movies"), error);
}

/* Queue */

VqsQueuePage *
_vqs_arr_parse_queue_page (const char  *data,
                           gsize        len,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(VqsQueuePage) page = NULL;
  JsonObject *object;
  JsonArray *records;
  JsonNode *root;
  guint n;

  if (!(root = load_root (data, len, JSON_NODE_OBJECT, &parser, error)))
    return NULL;

  object = json_node_get_object (root);
  if (!(records = get_array (object, "records")))
    {
      fail_shape (error, _("a page of the download queue"));
      return NULL;
    }

  n = json_array_get_length (records);
  page = vqs_queue_page_new ();
  page->page = (int)CLAMP (get_int (object, "page", 1), 0, G_MAXINT);
  page->page_size = (int)CLAMP (get_int (object, "pageSize", n), 0, G_MAXINT);
  page->total_records = MAX (0, get_int (object, "totalRecords", n));

  for (guint i = 0; i < n; i++)
    {
      JsonObject *record = array_object (records, i);
      VqsQueueItem item = { 0 };

      if (record == NULL)
        {
          fail_shape (error, _("a page of the download queue"));
          return NULL;
        }

      item.id = get_int (record, "id", 0);
      item.parent_id = get_int (record, "seriesId", get_int (record, "movieId", 0));
      item.episode_id = get_int (record, "episodeId", 0);
      item.title = dup_string (record, "title");
      item.status = dup_string (record, "status");
      item.download_id = dup_string (record, "downloadId");
      g_array_append_val (page->items, item);
    }

  return g_steal_pointer (&page);
}

/* Radarr < 5.6 fallback */

typedef enum
{
  SORT_TITLE,
  SORT_YEAR,
  SORT_IN_CINEMAS,
  SORT_PHYSICAL,
  SORT_DIGITAL,
  SORT_LAST_SEARCH,
} SortField;

typedef struct
{
  VqsWantedItem  item;
  char          *sort_title;  /* collation key */
  gint64         key;
} FallbackMovie;

static SortField
sort_field_from_key (const char *sort_key)
{
  static const struct { const char *key; SortField field; } keys[] = {
    { "movieMetadata.sortTitle", SORT_TITLE },
    { "movieMetadata.year", SORT_YEAR },
    { "movieMetadata.inCinemas", SORT_IN_CINEMAS },
    { "movieMetadata.physicalRelease", SORT_PHYSICAL },
    { "movieMetadata.digitalRelease", SORT_DIGITAL },
    { "movies.lastSearchTime", SORT_LAST_SEARCH },
  };

  /* Like Radarr >= 5.10.4, an unknown key falls back to the default. */
  for (guint i = 0; sort_key != NULL && i < G_N_ELEMENTS (keys); i++)
    {
      if (g_ascii_strcasecmp (sort_key, keys[i].key) == 0)
        return keys[i].field;
    }

  return SORT_TITLE;
}

static gint64
sort_value (JsonObject *movie,
            SortField   field)
{
  switch (field)
    {
    case SORT_YEAR:
      return get_int (movie, "year", 0);
    case SORT_IN_CINEMAS:
      return get_timestamp (movie, "inCinemas");
    case SORT_PHYSICAL:
      return get_timestamp (movie, "physicalRelease");
    case SORT_DIGITAL:
      return get_timestamp (movie, "digitalRelease");
    case SORT_LAST_SEARCH:
      return get_timestamp (movie, "lastSearchTime");
    case SORT_TITLE:
    default:
      return 0;
    }
}

static gboolean
movie_is_wanted (JsonObject    *movie,
                 VqsWantedKind  wanted)
{
  if (wanted == VQS_WANTED_MISSING)
    return get_bool (movie, "monitored", FALSE) &&
           !get_bool (movie, "hasFile", FALSE) &&
           get_bool (movie, "isAvailable", FALSE);

  return get_bool (movie, "hasFile", FALSE) &&
         get_bool (get_object (movie, "movieFile"), "qualityCutoffNotMet", FALSE);
}

static int
compare_fallback (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const FallbackMovie *ma = a;
  const FallbackMovie *mb = b;
  gboolean descending = GPOINTER_TO_INT (user_data);
  int cmp;

  if (ma->key != mb->key)
    cmp = ma->key < mb->key ? -1 : 1;
  else
    cmp = g_strcmp0 (ma->sort_title, mb->sort_title);

  if (cmp == 0)
    cmp = ma->item.id < mb->item.id ? -1 : (ma->item.id > mb->item.id ? 1 : 0);

  return descending ? -cmp : cmp;
}

static void
fallback_movie_clear (FallbackMovie *movie)
{
  vqs_wanted_item_clear (&movie->item);
  g_free (movie->sort_title);
}

static void
collect_wanted_movies (GArray        *movies,
                       JsonArray     *array,
                       VqsWantedKind  wanted,
                       SortField      field)
{
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = array_object (array, i);
      FallbackMovie movie = { { 0 } };
      const char *title;

      if (object == NULL || !movie_is_wanted (object, wanted))
        continue;
      if (!fill_wanted_item (&movie.item, VQS_ARR_KIND_RADARR, object, 0))
        continue;

      title = get_string (object, "sortTitle") ?: movie.item.title ?: "";
      movie.sort_title = g_utf8_casefold (title, -1);
      movie.key = sort_value (object, field);
      g_array_append_val (movies, movie);
    }
}

GArray *
_vqs_arr_parse_movie_wanted (const char     *data,
                             gsize           len,
                             VqsWantedKind   wanted,
                             const char     *sort_key,
                             const char     *sort_direction,
                             GError        **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GArray) movies = NULL;
  GArray *items;
  JsonNode *root;
  gboolean descending;

  if (!(root = load_root (data, len, JSON_NODE_ARRAY, &parser, error)))
    return NULL;

  movies = g_array_new (FALSE, TRUE, sizeof (FallbackMovie));
  g_array_set_clear_func (movies, (GDestroyNotify)fallback_movie_clear);
  collect_wanted_movies (movies, json_node_get_array (root), wanted,
                         sort_field_from_key (sort_key));

  descending = g_strcmp0 (sort_direction, "descending") == 0;
  g_array_sort_with_data (movies, compare_fallback, GINT_TO_POINTER (descending));

  /* Move the compact records out; the titles change owner. */
  items = vqs_wanted_item_array_new (movies->len);
  for (guint i = 0; i < movies->len; i++)
    {
      FallbackMovie *movie = &g_array_index (movies, FallbackMovie, i);

      g_array_append_val (items, movie->item);
      movie->item.title = NULL;
    }

  return items;
}

/* Error bodies */

static char *
join_validation_array (JsonArray *array)
{
  g_autoptr(GString) str = g_string_new (NULL);
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *failure = array_object (array, i);
      const char *message = get_string (failure, "errorMessage");

      if (message == NULL)
        continue;
      if (str->len > 0)
        g_string_append (str, " ");
      g_string_append (str, message);
    }

  return str->len > 0 ? g_string_free (g_steal_pointer (&str), FALSE) : NULL;
}

static char *
join_problem_errors (JsonObject *errors)
{
  g_autoptr(GString) str = g_string_new (NULL);
  JsonObjectIter iter;
  JsonNode *node;

  json_object_iter_init (&iter, errors);
  while (json_object_iter_next (&iter, NULL, &node))
    {
      JsonArray *messages = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
      guint n = messages != NULL ? json_array_get_length (messages) : 0;

      for (guint i = 0; i < n; i++)
        {
          JsonNode *message = json_array_get_element (messages, i);

          if (JSON_NODE_TYPE (message) != JSON_NODE_VALUE ||
              json_node_get_value_type (message) != G_TYPE_STRING)
            continue;
          if (str->len > 0)
            g_string_append (str, " ");
          g_string_append (str, json_node_get_string (message));
        }
    }

  return str->len > 0 ? g_string_free (g_steal_pointer (&str), FALSE) : NULL;
}

static char *
message_from_object (JsonObject *object)
{
  static const char * const names[] = { "message", "errorMessage", "error" };
  JsonObject *errors;
  char *joined;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *message = get_string (object, names[i]);

      if (message != NULL && *message != '\0')
        return g_strdup (message);
    }

  /* Problem details: the per-field errors say more than the title. */
  if ((errors = get_object (object, "errors")) && (joined = join_problem_errors (errors)))
    return joined;

  return dup_string (object, "title");
}

static char *
shorten (char *message)
{
  g_autofree char *stripped = NULL;
  char *end;

  if (message == NULL)
    return NULL;

  /* One line, and not a wall of text in an error dialog. */
  g_strdelimit (message, "\r\n\t", ' ');
  stripped = g_strstrip (message);
  if (*stripped == '\0')
    return NULL;

  if (g_utf8_strlen (stripped, -1) <= MAX_ERROR_MESSAGE_CHARS)
    return g_steal_pointer (&stripped);

  end = g_utf8_offset_to_pointer (stripped, MAX_ERROR_MESSAGE_CHARS);
  *end = '\0';
  return g_strconcat (stripped, "…", NULL);
}

char *
_vqs_arr_parse_error_message (const char *data,
                              gsize       len)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (data == NULL || len == 0 || len > G_MAXSSIZE || !nesting_is_sane (data, len))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize)len, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (root))
    return shorten (message_from_object (json_node_get_object (root)));

  if (JSON_NODE_HOLDS_ARRAY (root))
    return shorten (join_validation_array (json_node_get_array (root)));

  return NULL;
}

/* Versions */

int
_vqs_arr_compare_versions (const char *a,
                           const char *b)
{
  g_auto(GStrv) pa = g_strsplit (a != NULL ? a : "", ".", 0);
  g_auto(GStrv) pb = g_strsplit (b != NULL ? b : "", ".", 0);
  guint na = g_strv_length (pa);
  guint nb = g_strv_length (pb);

  for (guint i = 0; i < MAX (na, nb); i++)
    {
      guint64 va = i < na ? g_ascii_strtoull (pa[i], NULL, 10) : 0;
      guint64 vb = i < nb ? g_ascii_strtoull (pb[i], NULL, 10) : 0;

      if (va != vb)
        return va < vb ? -1 : 1;
    }

  return 0;
}
