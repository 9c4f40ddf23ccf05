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

static gboolean
read_digits (const char *p,
             int         n,
             int        *value)
{
  *value = 0;
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      *value = *value * 10 + (p[i] - '0');
    }

  return TRUE;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant). */
static gint64
days_from_civil (int year,
                 int month,
                 int day)
{
  int y = year - (month <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return (gint64)era * 146097 + doe - 719468;
}

/* The servers' own format, "yyyy-MM-ddTHH:mm:ssZ" with an optional
 * fraction, without the time zone cache and allocations of GDateTime:
 * a big wanted page holds thousands of them.
 */
static gboolean
parse_utc_fast (const char *str,
                gsize       len,
                gint64     *unix_seconds)
{
  int year, month, day, hour, minute, second;
  gsize i = 19;

  if (len < 20 || str[4] != '-' || str[7] != '-' || str[10] != 'T' ||
      str[13] != ':' || str[16] != ':' ||
      !read_digits (str, 4, &year) || !read_digits (str + 5, 2, &month) ||
      !read_digits (str + 8, 2, &day) || !read_digits (str + 11, 2, &hour) ||
      !read_digits (str + 14, 2, &minute) || !read_digits (str + 17, 2, &second))
    return FALSE;

  if (str[i] == '.')
    {
      for (i++; i < len && g_ascii_isdigit (str[i]); i++)
        ;
    }
  if (i + 1 != len || str[i] != 'Z')
    return FALSE;

  if (month < 1 || month > 12 || day < 1 || day > g_date_get_days_in_month (month, year) ||
      hour > 23 || minute > 59 || second > 59 || year < 1)
    return FALSE;

  *unix_seconds = days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return TRUE;
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

  if (parse_utc_fast (str, strlen (str), unix_seconds))
    return TRUE;

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

/* A pull scanner for wanted pages.
 *
 * Wanted pages are by far the biggest and most frequent answers: a walk
 * over a large library reads hundreds of them, and building a json-glib
 * tree of every record only to copy a dozen members out of it costs ten
 * times more than receiving the page. This scanner validates the whole
 * text as JSON (RFC 8259, UTF-8) but only materializes the members a
 * VqsWantedItem needs, straight into the compact records.
 */

typedef enum
{
  VALUE_NULL,
  VALUE_STRING,
  VALUE_INT,
  VALUE_DOUBLE,
  VALUE_BOOL,
  VALUE_OTHER,    /* an object or an array, skipped */
} ValueType;

typedef struct
{
  ValueType   type;
  const char *str;      /* VALUE_STRING: the raw text between the quotes */
  gsize       len;
  gboolean    escaped;
  gint64      i;
  double      d;
  gboolean    b;
} Value;

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  const char *problem;      /* the first syntax error */
  gboolean    wrong_shape;  /* valid JSON, but not what we expected */
} Scanner;

typedef gboolean (*MemberFunc) (Scanner     *sc,
                                const Value *key,
                                guint        depth,
                                gpointer     user_data);

static gboolean scan_value (Scanner *sc,
                            Value   *value,
                            guint    depth);

static gboolean
scan_fail (Scanner    *sc,
           const char *problem)
{
  if (sc->problem == NULL)
    sc->problem = problem;
  return FALSE;
}

static gboolean
shape_fail (Scanner *sc)
{
  sc->wrong_shape = TRUE;
  return FALSE;
}

static void
skip_space (Scanner *sc)
{
  const char *p = sc->p;
  const char *end = sc->end;

  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  sc->p = p;
}

/* After skipping white space: is the next character @c? Compact JSON
 * has no white space at all, so look before calling.
 */
static gboolean
next_is (Scanner *sc,
         char     c)
{
  if (sc->p < sc->end && *sc->p == c)
    return TRUE;

  skip_space (sc);
  return sc->p < sc->end && *sc->p == c;
}

static gboolean
consume (Scanner    *sc,
         char        c,
         const char *problem)
{
  if (!next_is (sc, c))
    return scan_fail (sc, problem);

  sc->p++;
  return TRUE;
}

/* Bytes that end the fast loop of scan_string(): the quote, the escape,
 * control characters and anything not ASCII.
 */
static const guchar string_special[256] = {
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
  [0x80 ... 0xff] = 1,
};

#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

/* Whether any byte of @w is one of string_special (the classic "has a
 * zero byte" bit trick, applied to w ^ '"', w ^ '\\' and w < 0x20).
 */
static inline gboolean
has_special_byte (guint64 w)
{
  guint64 quote = w ^ (ONES * '"');
  guint64 backslash = w ^ (ONES * '\\');
  guint64 found = ((quote - ONES) & ~quote) |
                  ((backslash - ONES) & ~backslash) |
                  (w - ONES * 0x20) |
                  w;

  return (found & HIGHS) != 0;
}

/* Multi-byte UTF-8 only ever appears inside strings: outside them any
 * such byte is already a syntax error. So only strings that have one
 * need validating.
 */
static gboolean
scan_utf8 (Scanner     *sc,
           const char **p)
{
  const char *end = NULL;
  gsize avail = sc->end - *p;
  gunichar c = g_utf8_get_char_validated (*p, MIN (avail, 4));

  if (c == (gunichar)-1 || c == (gunichar)-2)
    return scan_fail (sc, N_("invalid UTF-8 in a string"));

  end = g_utf8_next_char (*p);
  *p = end;
  return TRUE;
}

static gboolean
scan_string (Scanner *sc,
             Value   *value)
{
  const char *p = ++sc->p;
  const char *end = sc->end;

  value->escaped = FALSE;
  while (p < end)
    {
      guchar c;

      /* Eight plain bytes at a time: most of a page is string content. */
      while (end - p >= 8)
        {
          guint64 w;

          memcpy (&w, p, 8);
          if (has_special_byte (w))
            break;
          p += 8;
        }
      while (p < end && !string_special[(guchar)*p])
        p++;
      if (p >= end)
        break;

      c = *p;
      if (c == '"')
        {
          value->type = VALUE_STRING;
          value->str = sc->p;
          value->len = p - sc->p;
          sc->p = p + 1;
          return TRUE;
        }
      if (c < 0x20)
        return scan_fail (sc, N_("control character in a string"));
      if (c >= 0x80)
        {
          if (!scan_utf8 (sc, &p))
            return FALSE;
          continue;
        }

      value->escaped = TRUE;
      if (p + 1 >= sc->end)
        break;
      if (strchr ("\"\\/bfnrt", p[1]) != NULL && p[1] != '\0')
        p += 2;
      else if (p[1] == 'u' && sc->end - p >= 6 &&
               g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]) &&
               g_ascii_isxdigit (p[4]) && g_ascii_isxdigit (p[5]))
        p += 6;
      else
        return scan_fail (sc, N_("invalid escape in a string"));
    }

  return scan_fail (sc, N_("unterminated string"));
}

/* Scans digits, accumulating them into *magnitude while it fits; clears
 * *exact when it no longer does.
 */
static gboolean
scan_digits (Scanner  *sc,
             guint64  *magnitude,
             gboolean *exact)
{
  const char *p = sc->p;
  const char *end = sc->end;
  guint64 m = *magnitude;

  for (; p < end && *p >= '0' && *p <= '9'; p++)
    {
      if (m > (G_MAXUINT64 - 9) / 10)
        *exact = FALSE;
      else
        m = m * 10 + (guint64)(*p - '0');
    }

  if (p == sc->p)
    return scan_fail (sc, N_("invalid number"));

  *magnitude = m;
  sc->p = p;
  return TRUE;
}

static void
double_value (const char *text,
              gsize       len,
              Value      *value)
{
  g_autofree char *copy = NULL;
  char buf[64];

  value->type = VALUE_DOUBLE;
  if (len < sizeof buf)
    {
      memcpy (buf, text, len);
      buf[len] = '\0';
      value->d = g_ascii_strtod (buf, NULL);
    }
  else
    {
      copy = g_strndup (text, len);
      value->d = g_ascii_strtod (copy, NULL);
    }
}

static gboolean
scan_number (Scanner *sc,
             Value   *value)
{
  const char *start = sc->p;
  gboolean negative = *sc->p == '-';
  gboolean exact = TRUE;
  guint64 magnitude = 0;
  guint64 ignored = 0;

  if (negative)
    sc->p++;
  if (sc->p < sc->end && *sc->p == '0')
    sc->p++;
  else if (!scan_digits (sc, &magnitude, &exact))
    return FALSE;

  if (sc->p < sc->end && *sc->p == '.')
    {
      exact = FALSE;
      sc->p++;
      if (!scan_digits (sc, &ignored, &exact))
        return FALSE;
    }
  if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E'))
    {
      exact = FALSE;
      sc->p++;
      if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
        sc->p++;
      if (!scan_digits (sc, &ignored, &exact))
        return FALSE;
    }

  if (exact && magnitude <= (guint64)G_MAXINT64 + (negative ? 1 : 0))
    {
      value->type = VALUE_INT;
      value->i = negative ? (gint64)(0 - magnitude) : (gint64)magnitude;
      return TRUE;
    }

  double_value (start, sc->p - start, value);
  return TRUE;
}

static gboolean
scan_literal (Scanner    *sc,
              const char *word,
              Value      *value)
{
  gsize len = strlen (word);

  if ((gsize)(sc->end - sc->p) < len || memcmp (sc->p, word, len) != 0)
    return scan_fail (sc, N_("invalid literal"));

  sc->p += len;
  value->type = word[0] == 'n' ? VALUE_NULL : VALUE_BOOL;
  value->b = word[0] == 't';
  return TRUE;
}

/* Walks the object or array at the cursor; @func sees each member of an
 * object (NULL: skip them all). Elements of arrays are skipped.
 */
static gboolean
scan_container (Scanner    *sc,
                guint       depth,
                MemberFunc  func,
                gpointer    user_data)
{
  gboolean object = *sc->p == '{';
  char close = object ? '}' : ']';

  if (depth >= MAX_NESTING)
    return scan_fail (sc, N_("nested too deeply"));

  sc->p++;
  if (next_is (sc, close))
    {
      sc->p++;
      return TRUE;
    }

  while (TRUE)
    {
      Value key = { 0 };
      Value value = { 0 };

      if (object)
        {
          if (!next_is (sc, '"'))
            return scan_fail (sc, N_("expected a member name"));
          if (!scan_string (sc, &key) || !consume (sc, ':', N_("expected ':'")))
            return FALSE;
        }

      if (object && func != NULL)
        {
          if (!func (sc, &key, depth + 1, user_data))
            return FALSE;
        }
      else if (!scan_value (sc, &value, depth + 1))
        return FALSE;

      if (next_is (sc, ','))
        sc->p++;
      else
        return consume (sc, close, object ? N_("expected ',' or '}'") : N_("expected ',' or ']'"));
    }
}

static gboolean
scan_value (Scanner *sc,
            Value   *value,
            guint    depth)
{
  skip_space (sc);
  if (sc->p >= sc->end)
    return scan_fail (sc, N_("unexpected end of the text"));

  switch (*sc->p)
    {
    case '"':
      return scan_string (sc, value);
    case '{':
    case '[':
      value->type = VALUE_OTHER;
      return scan_container (sc, depth, NULL, NULL);
    case 't':
      return scan_literal (sc, "true", value);
    case 'f':
      return scan_literal (sc, "false", value);
    case 'n':
      return scan_literal (sc, "null", value);
    default:
      if (*sc->p == '-' || g_ascii_isdigit (*sc->p))
        return scan_number (sc, value);
      return scan_fail (sc, N_("unexpected character"));
    }
}

static guint
hex4 (const char *p)
{
  guint value = 0;

  for (int i = 0; i < 4; i++)
    value = value * 16 + g_ascii_xdigit_value (p[i]);

  return value;
}

/* Only called on strings scan_string() accepted. */
static char *
unescape (const char *str,
          gsize       len)
{
  GString *out = g_string_sized_new (len);
  const char *end = str + len;

  for (const char *p = str; p < end; p++)
    {
      gunichar c;

      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }

      switch (*++p)
        {
        case 'b': g_string_append_c (out, '\b'); continue;
        case 'f': g_string_append_c (out, '\f'); continue;
        case 'n': g_string_append_c (out, '\n'); continue;
        case 'r': g_string_append_c (out, '\r'); continue;
        case 't': g_string_append_c (out, '\t'); continue;
        case 'u': break;
        default: g_string_append_c (out, *p); continue;
        }

      c = hex4 (p + 1);
      p += 4;
      if (c >= 0xD800 && c < 0xDC00 && end - p >= 7 && p[1] == '\\' && p[2] == 'u' &&
          hex4 (p + 3) >= 0xDC00 && hex4 (p + 3) < 0xE000)
        {
          c = 0x10000 + ((c - 0xD800) << 10) + (hex4 (p + 3) - 0xDC00);
          p += 6;
        }
      else if (c >= 0xD800 && c < 0xE000)
        c = 0xFFFD;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static char *
value_dup_string (const Value *value)
{
  if (value->type != VALUE_STRING)
    return NULL;

  if (!value->escaped)
    return g_strndup (value->str, value->len);

  return unescape (value->str, value->len);
}

static gint64
value_int (const Value *value,
           gint64       default_value)
{
  if (value->type == VALUE_INT)
    return value->i;

  if (value->type == VALUE_DOUBLE && value->d >= -9.2e18 && value->d <= 9.2e18)
    return (gint64)value->d;

  return default_value;
}

static gboolean
value_bool (const Value *value,
            gboolean     default_value)
{
  return value->type == VALUE_BOOL ? value->b : default_value;
}

static gint64
value_timestamp (const Value *value)
{
  g_autofree char *text = NULL;
  gint64 result = 0;

  if (value->type != VALUE_STRING)
    return 0;

  if (!value->escaped && parse_utc_fast (value->str, value->len, &result))
    return result;

  text = value_dup_string (value);
  if (!_vqs_arr_parse_timestamp (text, &result))
    return 0;

  return result;
}

static gboolean
key_is (const Value *key,
        const char  *name,
        gsize        name_len)
{
  g_autofree char *decoded = NULL;

  if (!key->escaped)
    return key->len == name_len && memcmp (key->str, name, name_len) == 0;

  decoded = unescape (key->str, key->len);
  return strcmp (decoded, name) == 0;
}

#define KEY_IS(key, literal) key_is ((key), literal, sizeof literal - 1)

typedef struct
{
  VqsWantedItem item;
  gint64        release;        /* Radarr's releaseDate */
  gint64        earliest;       /* earliest of its other release dates */
} RecordScan;

static void
note_release (RecordScan  *record,
              const Value *value)
{
  gint64 when = value_timestamp (value);

  if (when != 0 && (record->earliest == 0 || when < record->earliest))
    record->earliest = when;
}

typedef enum
{
  FIELD_OTHER,
  FIELD_ID,
  FIELD_TITLE,
  FIELD_SERIES_ID,
  FIELD_AIR_DATE_UTC,
  FIELD_LAST_SEARCH_TIME,
  FIELD_SEASON_NUMBER,
  FIELD_EPISODE_NUMBER,
  FIELD_MONITORED,
  FIELD_HAS_FILE,
  FIELD_IS_AVAILABLE,
  FIELD_RELEASE_DATE,
  FIELD_OTHER_RELEASE,
} RecordField;

static const struct
{
  const char  *name;
  gsize        len;
  RecordField  field;
} record_fields[] = {
#define FIELD(name, field) { name, sizeof name - 1, field }
  FIELD ("id", FIELD_ID),
  FIELD ("title", FIELD_TITLE),
  FIELD ("seriesId", FIELD_SERIES_ID),
  FIELD ("airDateUtc", FIELD_AIR_DATE_UTC),
  FIELD ("lastSearchTime", FIELD_LAST_SEARCH_TIME),
  FIELD ("seasonNumber", FIELD_SEASON_NUMBER),
  FIELD ("episodeNumber", FIELD_EPISODE_NUMBER),
  FIELD ("monitored", FIELD_MONITORED),
  FIELD ("hasFile", FIELD_HAS_FILE),
  FIELD ("isAvailable", FIELD_IS_AVAILABLE),
  FIELD ("releaseDate", FIELD_RELEASE_DATE),
  FIELD ("inCinemas", FIELD_OTHER_RELEASE),
  FIELD ("physicalRelease", FIELD_OTHER_RELEASE),
  FIELD ("digitalRelease", FIELD_OTHER_RELEASE),
#undef FIELD
};

static RecordField
find_record_field (const char *name,
                   gsize       len)
{
  for (guint i = 0; i < G_N_ELEMENTS (record_fields); i++)
    {
      if (record_fields[i].len == len && memcmp (record_fields[i].name, name, len) == 0)
        return record_fields[i].field;
    }

  return FIELD_OTHER;
}

static RecordField
find_escaped_record_field (const Value *key)
{
  g_autofree char *decoded = unescape (key->str, key->len);

  return find_record_field (decoded, strlen (decoded));
}

#define MATCH(literal, field) \
  if (memcmp (name, literal, sizeof literal - 1) == 0) \
    return field

/* Records have some twenty members of which we keep a dozen: their
 * lengths leave at most two candidates to compare.
 */
static RecordField
record_field (const Value *key)
{
  const char *name = key->str;

  if (key->escaped)
    return find_escaped_record_field (key);

  switch (key->len)
    {
    case 2: MATCH ("id", FIELD_ID); break;
    case 5: MATCH ("title", FIELD_TITLE); break;
    case 7: MATCH ("hasFile", FIELD_HAS_FILE); break;
    case 8: MATCH ("seriesId", FIELD_SERIES_ID); break;
    case 9:
      MATCH ("monitored", FIELD_MONITORED);
      MATCH ("inCinemas", FIELD_OTHER_RELEASE);
      break;
    case 10: MATCH ("airDateUtc", FIELD_AIR_DATE_UTC); break;
    case 11:
      MATCH ("isAvailable", FIELD_IS_AVAILABLE);
      MATCH ("releaseDate", FIELD_RELEASE_DATE);
      break;
    case 12: MATCH ("seasonNumber", FIELD_SEASON_NUMBER); break;
    case 13: MATCH ("episodeNumber", FIELD_EPISODE_NUMBER); break;
    case 14:
      MATCH ("lastSearchTime", FIELD_LAST_SEARCH_TIME);
      MATCH ("digitalRelease", FIELD_OTHER_RELEASE);
      break;
    case 15: MATCH ("physicalRelease", FIELD_OTHER_RELEASE); break;
    default: break;
    }

  return FIELD_OTHER;
}

#undef MATCH

static void
set_record_field (RecordScan  *record,
                  RecordField  field,
                  const Value *value)
{
  VqsWantedItem *item = &record->item;

  switch (field)
    {
    case FIELD_ID:
      item->id = value_int (value, 0);
      break;
    case FIELD_TITLE:
      g_free (item->title);
      item->title = value_dup_string (value);
      break;
    case FIELD_SERIES_ID:
      item->parent_id = value_int (value, 0);
      break;
    case FIELD_AIR_DATE_UTC:
      item->air_date = value_timestamp (value);
      break;
    case FIELD_LAST_SEARCH_TIME:
      item->last_search_time = value_timestamp (value);
      break;
    case FIELD_SEASON_NUMBER:
      item->season_number = (int)CLAMP (value_int (value, -1), -1, G_MAXINT);
      break;
    case FIELD_EPISODE_NUMBER:
      item->episode_number = (int)CLAMP (value_int (value, -1), -1, G_MAXINT);
      break;
    case FIELD_MONITORED:
      item->monitored = value_bool (value, FALSE);
      break;
    case FIELD_HAS_FILE:
      item->has_file = value_bool (value, FALSE);
      break;
    case FIELD_IS_AVAILABLE:
      item->is_available = value_bool (value, FALSE);
      break;
    case FIELD_RELEASE_DATE:
      record->release = value_timestamp (value);
      break;
    case FIELD_OTHER_RELEASE:
      note_release (record, value);
      break;
    case FIELD_OTHER:
    default:
      break;
    }
}

static gboolean
record_member (Scanner     *sc,
               const Value *key,
               guint        depth,
               gpointer     user_data)
{
  Value value = { 0 };

  if (!scan_value (sc, &value, depth))
    return FALSE;

  set_record_field (user_data, record_field (key), &value);
  return TRUE;
}

/* pageSize and totalRecords default to the number of records. */
#define ABSENT G_MININT64

typedef struct
{
  VqsArrKind     kind;
  gint64         now;
  VqsWantedPage *page;
  gint64         page_number;
  gint64         page_size;
  gint64         total;
  gboolean       has_records;
} PageScan;

/* Fills in what the kind derives rather than reads, as fill_wanted_item()
 * does for json-glib objects.
 */
static void
finish_record (RecordScan *record,
               VqsArrKind  kind,
               gint64      now)
{
  VqsWantedItem *item = &record->item;

  if (kind == VQS_ARR_KIND_SONARR)
    {
      item->is_available = item->air_date != 0 && item->air_date <= now;
      return;
    }

  item->parent_id = item->id;
  item->air_date = record->release != 0 ? record->release : record->earliest;
  item->season_number = -1;
  item->episode_number = -1;
}

static gboolean
scan_records (Scanner  *sc,
              guint     depth,
              PageScan *scan)
{
  GArray *items = scan->page->items;

  if (!next_is (sc, '['))
    return shape_fail (sc);
  if (depth >= MAX_NESTING)
    return scan_fail (sc, N_("nested too deeply"));

  /* A repeated member replaces the earlier one, as in json-glib. */
  g_array_set_size (items, 0);
  scan->has_records = TRUE;

  sc->p++;
  if (next_is (sc, ']'))
    {
      sc->p++;
      return TRUE;
    }

  while (TRUE)
    {
      RecordScan record = { { .season_number = -1, .episode_number = -1 } };

      if (!next_is (sc, '{'))
        return shape_fail (sc);
      if (!scan_container (sc, depth + 1, record_member, &record))
        {
          vqs_wanted_item_clear (&record.item);
          return FALSE;
        }

      finish_record (&record, scan->kind, scan->now);
      g_array_append_val (items, record.item);
      if (record.item.id <= 0)
        return shape_fail (sc);

      if (next_is (sc, ','))
        sc->p++;
      else
        return consume (sc, ']', N_("expected ',' or ']'"));
    }
}

static gboolean
page_member (Scanner     *sc,
             const Value *key,
             guint        depth,
             gpointer     user_data)
{
  PageScan *scan = user_data;
  VqsWantedPage *page = scan->page;
  Value value = { 0 };

  if (KEY_IS (key, "records"))
    return scan_records (sc, depth, scan);

  if (!scan_value (sc, &value, depth))
    return FALSE;

  if (KEY_IS (key, "page"))
    scan->page_number = value_int (&value, 1);
  else if (KEY_IS (key, "pageSize"))
    scan->page_size = value_int (&value, ABSENT);
  else if (KEY_IS (key, "totalRecords"))
    scan->total = value_int (&value, ABSENT);
  else if (KEY_IS (key, "sortKey"))
    {
      g_free (page->sort_key);
      page->sort_key = value_dup_string (&value);
    }
  else if (KEY_IS (key, "sortDirection"))
    {
      g_free (page->sort_direction);
      page->sort_direction = value_dup_string (&value);
    }

  return TRUE;
}

static gboolean
scan_page (Scanner  *sc,
           PageScan *scan)
{
  if (!next_is (sc, '{'))
    {
      /* Still tell "not JSON" from "JSON of another shape". */
      Value value = { 0 };

      return scan_value (sc, &value, 0) && (skip_space (sc), sc->p == sc->end) && shape_fail (sc);
    }

  if (!scan_container (sc, 0, page_member, scan))
    return FALSE;

  skip_space (sc);
  if (sc->p != sc->end)
    return scan_fail (sc, N_("text after the end of the answer"));

  return scan->has_records || shape_fail (sc);
}

VqsWantedPage *
_vqs_arr_parse_wanted_page (VqsArrKind   kind,
                            const char  *data,
                            gsize        len,
                            GError     **error)
{
  g_autoptr(VqsWantedPage) page = NULL;
  PageScan scan = { kind, g_get_real_time () / G_USEC_PER_SEC, NULL, 1, ABSENT, ABSENT, FALSE };
  Scanner sc = { NULL, };
  guint n;

  if (data == NULL || len == 0)
    {
      g_set_error_literal (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE,
                           _("The answer was empty."));
      return NULL;
    }

  sc.start = sc.p = data;
  sc.end = data + len;

  page = scan.page = vqs_wanted_page_new ();
  if (!scan_page (&sc, &scan))
    {
      g_autofree char *offset = g_strdup_printf ("%" G_GSIZE_FORMAT, (gsize)(sc.p - sc.start));

      /* The offset is formatted apart because xgettext cannot see past
       * a G_GSIZE_FORMAT inside a translatable string.
       */
      if (sc.problem != NULL)
        g_set_error (error, VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE,
                     /* Translators: the first %s says what is wrong, the
                      * second %s is a byte offset into the answer.
                      */
                     _("The answer is not valid JSON: %s at byte %s."),
                     _(sc.problem), offset);
      else
        fail_shape (error, _("a page of a wanted list"));
      return NULL;
    }

  n = page->items->len;
  page->page = (int)CLAMP (scan.page_number, 0, G_MAXINT);
  page->page_size = (int)CLAMP (scan.page_size != ABSENT ? scan.page_size : n, 0, G_MAXINT);
  page->total_records = MAX (0, scan.total != ABSENT ? scan.total : n);

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
