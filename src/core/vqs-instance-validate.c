/* vqs-instance-validate.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-instance-validate"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vqs-instance-validate.h"
#include "vqs-instance.h"

#define URL_MAX_LENGTH 2048

/* Which field an error is about travels inside the GError itself (an
 * extended error domain, GLib 2.68), so it survives g_task_return_error(),
 * g_propagate_error() and g_error_copy() without a second out-parameter on
 * every function between the validator and the form that shows it.
 */
typedef struct
{
  const char *field;  /* interned */
} VqsInstanceErrorPrivate;

static void
vqs_instance_error_private_init (VqsInstanceErrorPrivate *priv)
{
  priv->field = NULL;
}

static void
vqs_instance_error_private_copy (const VqsInstanceErrorPrivate *src,
                                 VqsInstanceErrorPrivate       *dest)
{
  dest->field = src->field;
}

static void
vqs_instance_error_private_clear (VqsInstanceErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (VqsInstanceError, vqs_instance_error)

/**
 * vqs_instance_error_new:
 * @code: a #VqsInstanceError
 * @field: (nullable): the field the error is about, e.g. %VQS_INSTANCE_FIELD_URL
 * @format: a printf() format for the translated message
 *
 * Returns: (transfer full): a new #GError in the %VQS_INSTANCE_ERROR domain
 */
GError *
vqs_instance_error_new (VqsInstanceError  code,
                        const char       *field,
                        const char       *format,
                        ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (VQS_INSTANCE_ERROR, code, format, args);
  va_end (args);

  vqs_instance_error_get_private (error)->field = g_intern_string (field);

  return error;
}

/**
 * vqs_instance_error_get_field:
 * @error: (nullable): any error
 *
 * Returns: (nullable): the field (%VQS_INSTANCE_FIELD_NAME…) that @error
 *   is about, or %NULL if it is not about one field or not in the
 *   %VQS_INSTANCE_ERROR domain
 */
const char *
vqs_instance_error_get_field (const GError *error)
{
  if (error == NULL || error->domain != VQS_INSTANCE_ERROR)
    return NULL;

  return vqs_instance_error_get_private (error)->field;
}

static gboolean
fail (GError     **error,
      const char  *field,
      const char  *message)
{
  g_propagate_error (error,
                     vqs_instance_error_new (VQS_INSTANCE_ERROR_INVALID_ARGUMENT,
                                             field, "%s", message));
  return FALSE;
}

/* g_strstrip() only knows ASCII spaces; pasted names and addresses may
 * carry no-break or ideographic spaces too.
 */
static char *
strip_unicode (const char *text)
{
  const char *start = text;
  const char *end = text + strlen (text);

  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  while (end > start)
    {
      const char *prev = g_utf8_find_prev_char (start, end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  return g_strndup (start, end - start);
}

static gboolean
is_printable (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isprint (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

/**
 * vqs_instance_validate_name:
 * @name: (nullable): the name as typed
 * @out_normalized: (out) (optional): the trimmed, NFC-normalised name
 * @error: return location for an error
 *
 * A name is valid UTF-8 of 3 to 50 printable characters once surrounding
 * white space is removed.
 *
 * Returns: %TRUE if @name is valid
 */
gboolean
vqs_instance_validate_name (const char  *name,
                            char       **out_normalized,
                            GError     **error)
{
  g_autofree char *trimmed = NULL;
  glong length;

  if (name == NULL)
    return fail (error, VQS_INSTANCE_FIELD_NAME, _("Enter a name for the instance."));
  if (!g_utf8_validate (name, -1, NULL))
    return fail (error, VQS_INSTANCE_FIELD_NAME, _("The name is not valid text."));

  trimmed = strip_unicode (name);
  if (*trimmed == '\0')
    return fail (error, VQS_INSTANCE_FIELD_NAME, _("Enter a name for the instance."));
  if (!is_printable (trimmed))
    return fail (error, VQS_INSTANCE_FIELD_NAME,
                 _("The name cannot contain control characters or invisible formatting."));

  length = g_utf8_strlen (trimmed, -1);
  if (length < VQS_INSTANCE_NAME_MIN_LENGTH)
    return fail (error, VQS_INSTANCE_FIELD_NAME,
                 _("The name must be at least 3 characters long."));
  if (length > VQS_INSTANCE_NAME_MAX_LENGTH)
    return fail (error, VQS_INSTANCE_FIELD_NAME,
                 _("The name must be at most 50 characters long."));

  if (out_normalized != NULL)
    *out_normalized = g_utf8_normalize (trimmed, -1, G_NORMALIZE_DEFAULT_COMPOSE);

  return TRUE;
}

/**
 * vqs_instance_name_collation_key:
 * @name: a valid name
 *
 * Two names that differ only in case or Unicode compatibility forms
 * ("Ｓｏｎａｒｒ", "SONARR", "sonarr") have the same key. The database keeps
 * keys unique.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL for invalid UTF-8
 */
char *
vqs_instance_name_collation_key (const char *name)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *compat = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;

  trimmed = strip_unicode (name);
  compat = g_utf8_normalize (trimmed, -1, G_NORMALIZE_ALL_COMPOSE);
  if (compat == NULL)
    return NULL;

  return g_utf8_casefold (compat, -1);
}

static gboolean
check_unique (const char   *name,
              GListModel   *instances,
              VqsInstance  *ignore,
              gint64        ignore_id,
              GError      **error)
{
  g_autofree char *key = vqs_instance_name_collation_key (name);
  guint n_items;

  if (key == NULL || instances == NULL)
    return TRUE;

  n_items = g_list_model_get_n_items (instances);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VqsInstance) other = g_list_model_get_item (instances, i);
      g_autofree char *other_key = NULL;

      if (!VQS_IS_INSTANCE (other) || other == ignore)
        continue;
      if (ignore_id != 0 && vqs_instance_get_id (other) == ignore_id)
        continue;

      other_key = vqs_instance_name_collation_key (vqs_instance_get_name (other));
      if (g_strcmp0 (key, other_key) != 0)
        continue;

      g_propagate_error (error,
                         vqs_instance_error_new (VQS_INSTANCE_ERROR_DUPLICATE,
                                                 VQS_INSTANCE_FIELD_NAME,
                                                 _("An instance named “%s” already exists."),
                                                 vqs_instance_get_name (other)));
      return FALSE;
    }

  return TRUE;
}

/**
 * vqs_instance_validate_name_unique:
 * @name: a valid name
 * @instances: (nullable): a list of #VqsInstance
 * @ignore_id: the id of the instance being edited, or 0
 * @error: return location for an error
 *
 * Returns: %TRUE if no instance other than @ignore_id has this name,
 *   compared case-insensitively; otherwise %VQS_INSTANCE_ERROR_DUPLICATE
 */
gboolean
vqs_instance_validate_name_unique (const char  *name,
                                   GListModel  *instances,
                                   gint64       ignore_id,
                                   GError     **error)
{
  g_return_val_if_fail (instances == NULL || G_IS_LIST_MODEL (instances), FALSE);

  return check_unique (name, instances, NULL, ignore_id, error);
}

static gboolean
is_valid_label (const char *label)
{
  gsize length = strlen (label);

  if (length == 0 || length > 63)
    return FALSE;
  if (label[0] == '-' || label[length - 1] == '-')
    return FALSE;

  for (const char *p = label; *p != '\0'; p++)
    {
      /* '_' is not valid in DNS names, but container and NetBIOS names
       * use it and the resolver accepts it.
       */
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_all_digits (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return TRUE;
}

/* Returns the lower-case ASCII form of @host, or %NULL if it is neither an
 * IP address nor a plausible host name. GUri has already turned an
 * internationalised name into punycode.
 */
static char *
normalize_host (const char *host)
{
  g_autofree char *lower = NULL;
  g_auto(GStrv) labels = NULL;
  guint n_labels;

  if (g_hostname_is_ip_address (host))
    return g_ascii_strdown (host, -1);

  lower = g_ascii_strdown (host, -1);
  if (!g_str_is_ascii (lower) || strlen (lower) > 253)
    return NULL;

  labels = g_strsplit (lower, ".", -1);
  n_labels = g_strv_length (labels);
  for (guint i = 0; i < n_labels; i++)
    {
      if (!is_valid_label (labels[i]))
        return NULL;
    }

  /* No top-level domain is numeric: "1.2.3" or "300.1.1.1" is a mistyped
   * IPv4 address, not a name.
   */
  if (is_all_digits (labels[n_labels - 1]))
    return NULL;

  return g_steal_pointer (&lower);
}

static char *
strip_trailing_slashes (const char *path)
{
  gsize length = strlen (path);

  while (length > 0 && path[length - 1] == '/')
    length--;

  return g_strndup (path, length);
}

static gboolean
check_uri_parts (GUri    *uri,
                 GError **error)
{
  const char *scheme = g_uri_get_scheme (uri);

  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return fail (error, VQS_INSTANCE_FIELD_URL,
                 _("The address must start with http:// or https://."));
  if (g_uri_get_userinfo (uri) != NULL)
    return fail (error, VQS_INSTANCE_FIELD_URL,
                 _("The address cannot contain a user name or password. "
                   "Enter the API key in its own field."));
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return fail (error, VQS_INSTANCE_FIELD_URL, _("The address has no server name."));
  if (g_uri_get_port (uri) == 0)
    return fail (error, VQS_INSTANCE_FIELD_URL, _("The port must be between 1 and 65535."));
  if (g_uri_get_query (uri) != NULL)
    return fail (error, VQS_INSTANCE_FIELD_URL,
                 _("The address cannot contain a query (the part after “?”)."));
  if (g_uri_get_fragment (uri) != NULL)
    return fail (error, VQS_INSTANCE_FIELD_URL,
                 _("The address cannot contain a fragment (the part after “#”)."));

  return TRUE;
}

static GUri *
parse_url (const char  *url,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GUri *uri;

  if (strstr (url, "://") == NULL)
    {
      fail (error, VQS_INSTANCE_FIELD_URL, _("The address must start with http:// or https://."));
      return NULL;
    }

  /* ENCODED keeps the path as typed (%-escapes and all) instead of
   * decoding it and encoding it again differently.
   */
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &local_error);
  if (uri != NULL)
    return uri;

  if (g_error_matches (local_error, G_URI_ERROR, G_URI_ERROR_BAD_PORT))
    fail (error, VQS_INSTANCE_FIELD_URL, _("The port must be between 1 and 65535."));
  else
    fail (error, VQS_INSTANCE_FIELD_URL, _("The address is not a valid URL."));

  return NULL;
}

/**
 * vqs_instance_normalize_url:
 * @url: (nullable): the address as typed, e.g. "HTTP://NAS:8989/sonarr/"
 * @error: return location for an error
 *
 * Accepts http and https addresses with a host, an optional port (1–65535)
 * and an optional path (the URL base), and nothing else: no user name or
 * password, no query, no fragment. Error messages never repeat the
 * address, which could contain credentials.
 *
 * Returns: (transfer full) (nullable): the address with scheme and host in
 *   lower case and without trailing slashes, e.g. "http://nas:8989/sonarr"
 */
char *
vqs_instance_normalize_url (const char  *url,
                            GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GUri) uri = NULL;

  if (url == NULL || (url[0] != '\0' && !g_utf8_validate (url, -1, NULL)))
    {
      fail (error, VQS_INSTANCE_FIELD_URL, _("Enter the address of the server."));
      return NULL;
    }

  trimmed = strip_unicode (url);
  if (*trimmed == '\0')
    {
      fail (error, VQS_INSTANCE_FIELD_URL, _("Enter the address of the server."));
      return NULL;
    }
  if (strlen (trimmed) > URL_MAX_LENGTH)
    {
      fail (error, VQS_INSTANCE_FIELD_URL, _("The address is too long."));
      return NULL;
    }

  uri = parse_url (trimmed, error);
  if (uri == NULL || !check_uri_parts (uri, error))
    return NULL;

  host = normalize_host (g_uri_get_host (uri));
  if (host == NULL)
    {
      fail (error, VQS_INSTANCE_FIELD_URL, _("The server name in the address is not valid."));
      return NULL;
    }

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  path = strip_trailing_slashes (g_uri_get_path (uri));

  return g_uri_join (G_URI_FLAGS_ENCODED, scheme, NULL, host, g_uri_get_port (uri), path,
                     NULL, NULL);
}

gboolean
vqs_instance_validate_url (const char  *url,
                           GError     **error)
{
  g_autofree char *normalized = vqs_instance_normalize_url (url, error);

  return normalized != NULL;
}

/**
 * vqs_instance_validate_api_key:
 * @api_key: (nullable): the key as typed
 * @required: whether %NULL is an error (creating) or means "keep the
 *   stored key" (editing)
 * @error: return location for an error
 *
 * Sonarr and Radarr keys are 32 hexadecimal digits; other *arr versions
 * and proxies use other lengths, so 20–128 letters and digits are
 * accepted. The messages never contain the key.
 *
 * Returns: %TRUE if @api_key is acceptable
 */
gboolean
vqs_instance_validate_api_key (const char  *api_key,
                               gboolean     required,
                               GError     **error)
{
  gsize length;

  if (api_key == NULL && !required)
    return TRUE;
  if (api_key == NULL || *api_key == '\0')
    return fail (error, VQS_INSTANCE_FIELD_API_KEY,
                 _("Enter the API key. You find it in the server’s Settings, under General."));

  for (const char *p = api_key; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        return fail (error, VQS_INSTANCE_FIELD_API_KEY,
                     _("The API key can only contain the letters A to Z and the digits 0 to 9."));
    }

  length = strlen (api_key);
  if (length < VQS_INSTANCE_API_KEY_MIN_LENGTH || length > VQS_INSTANCE_API_KEY_MAX_LENGTH)
    return fail (error, VQS_INSTANCE_FIELD_API_KEY,
                 _("The API key must be between 20 and 128 characters long."));

  return TRUE;
}

gboolean
vqs_instance_validate_timeout (int       timeout_seconds,
                               GError  **error)
{
  if (timeout_seconds < VQS_INSTANCE_MIN_TIMEOUT_SECONDS ||
      timeout_seconds > VQS_INSTANCE_MAX_TIMEOUT_SECONDS)
    return fail (error, VQS_INSTANCE_FIELD_TIMEOUT,
                 _("The timeout must be between 1 and 300 seconds."));

  return TRUE;
}

gboolean
vqs_instance_validate_rate_limit (int       rate_limit_per_minute,
                                  GError  **error)
{
  if (rate_limit_per_minute < VQS_INSTANCE_MIN_RATE_LIMIT_PER_MINUTE ||
      rate_limit_per_minute > VQS_INSTANCE_MAX_RATE_LIMIT_PER_MINUTE)
    return fail (error, VQS_INSTANCE_FIELD_RATE_LIMIT,
                 _("The rate limit must be between 1 and 600 requests per minute."));

  return TRUE;
}

/**
 * vqs_instance_validate_kind:
 * @kind: (nullable): "sonarr" or "radarr", in any case
 * @out_kind: (out) (optional): the parsed kind
 * @error: return location for an error
 *
 * Returns: %TRUE if @kind names a supported application
 */
gboolean
vqs_instance_validate_kind (const char  *kind,
                            VqsArrKind  *out_kind,
                            GError     **error)
{
  g_autofree char *lower = NULL;
  VqsArrKind parsed;

  if (kind != NULL)
    lower = g_ascii_strdown (kind, -1);

  if (lower == NULL || !vqs_arr_kind_from_string (lower, &parsed))
    return fail (error, VQS_INSTANCE_FIELD_KIND, _("The application must be Sonarr or Radarr."));

  if (out_kind != NULL)
    *out_kind = parsed;

  return TRUE;
}

/**
 * vqs_instance_validate_settings:
 * @settings: what the user entered
 * @instances: (nullable): the existing instances, for the unique name check
 * @editing: (nullable): the instance being edited, or %NULL when creating
 * @out_name: (out) (optional): the normalised name
 * @out_url: (out) (optional): the normalised URL
 * @out_kind: (out) (optional): the parsed kind
 * @error: return location for an error
 *
 * Checks every field in form order and reports the first problem. An API
 * key is required when creating; when editing, %NULL keeps the stored one.
 *
 * Returns: %TRUE if the settings can be saved
 */
gboolean
vqs_instance_validate_settings (const VqsInstanceSettings  *settings,
                                GListModel                 *instances,
                                VqsInstance                *editing,
                                char                      **out_name,
                                char                      **out_url,
                                VqsArrKind                 *out_kind,
                                GError                    **error)
{
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  VqsArrKind kind;

  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (instances == NULL || G_IS_LIST_MODEL (instances), FALSE);
  g_return_val_if_fail (editing == NULL || VQS_IS_INSTANCE (editing), FALSE);

  if (!vqs_instance_validate_name (settings->name, &name, error) ||
      !vqs_instance_validate_kind (settings->kind, &kind, error))
    return FALSE;

  url = vqs_instance_normalize_url (settings->url, error);
  if (url == NULL)
    return FALSE;

  if (!vqs_instance_validate_api_key (settings->api_key, editing == NULL, error) ||
      !vqs_instance_validate_timeout (settings->timeout_seconds, error) ||
      !vqs_instance_validate_rate_limit (settings->rate_limit_per_minute, error) ||
      !check_unique (name, instances, editing,
                     editing != NULL ? vqs_instance_get_id (editing) : 0, error))
    return FALSE;

  if (out_name != NULL)
    *out_name = g_steal_pointer (&name);
  if (out_url != NULL)
    *out_url = g_steal_pointer (&url);
  if (out_kind != NULL)
    *out_kind = kind;

  return TRUE;
}

static gboolean
address_is_local (GInetAddress *address)
{
  const guint8 *bytes;

  if (g_inet_address_get_is_loopback (address) ||
      g_inet_address_get_is_site_local (address) ||
      g_inet_address_get_is_link_local (address))
    return TRUE;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return FALSE;

  bytes = g_inet_address_to_bytes (address);

  /* fc00::/7, unique local addresses: GLib's "site local" is only the
   * deprecated fec0::/10.
   */
  if ((bytes[0] & 0xfe) == 0xfc)
    return TRUE;

  /* ::ffff:a.b.c.d is an IPv4 address written as IPv6. */
  if (memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
    {
      g_autoptr(GInetAddress) v4 = g_inet_address_new_from_bytes (bytes + 12,
                                                                  G_SOCKET_FAMILY_IPV4);

      return address_is_local (v4);
    }

  return FALSE;
}

/* Plain http is only acceptable when the key never leaves the user's
 * network. For names that is a guess: names without a dot and the
 * reserved home suffixes are resolved locally; any other name probably
 * goes over the internet.
 */
static gboolean
host_is_local (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *lower = NULL;
  char *zone;

  lower = g_ascii_strdown (host, -1);
  zone = strchr (lower, '%');
  if (zone != NULL)
    *zone = '\0';

  address = g_inet_address_new_from_string (lower);
  if (address != NULL)
    return address_is_local (address);

  if (g_str_has_suffix (lower, "."))
    lower[strlen (lower) - 1] = '\0';

  return (strcmp (lower, "localhost") == 0 ||
          strchr (lower, '.') == NULL ||
          g_str_has_suffix (lower, ".localhost") ||
          g_str_has_suffix (lower, ".local") ||
          g_str_has_suffix (lower, ".lan") ||
          g_str_has_suffix (lower, ".home.arpa"));
}

/**
 * vqs_instance_compute_security_warning:
 * @url: (nullable): an instance URL
 * @verify_tls: whether TLS certificates are verified
 *
 * Explains what puts the API key at risk: plain http to a server outside
 * the local network, or https without certificate verification. Invalid
 * URLs give no warning; validation reports them.
 *
 * Returns: (transfer full) (nullable): a translated sentence, or %NULL
 */
char *
vqs_instance_compute_security_warning (const char *url,
                                       gboolean    verify_tls)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (url == NULL)
    return NULL;

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    return NULL;

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return NULL;

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 && !host_is_local (host))
    return g_strdup (_("This connection is not encrypted and the server does not seem to be "
                       "on your local network, so the API key would cross the internet "
                       "readable by anyone on the way. Use https."));

  /* Certificate checks only exist for https; for plain http the setting
   * has no effect, so it gets no warning of its own.
   */
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 && !verify_tls)
    return g_strdup (_("Certificate verification is turned off, so another machine could "
                       "pretend to be this server and receive the API key."));

  return NULL;
}
