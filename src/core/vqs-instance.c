/* vqs-instance.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-instance"

#include "config.h"

#include "vqs-enums.h"
#include "vqs-instance-private.h"
#include "vqs-instance-validate.h"
#include "vqs-instance.h"

/* One configured Sonarr or Radarr server. The object holds no secret: the
 * API key lives in the keyring, and has-api-key only says whether it does.
 */
struct _VqsInstance
{
  GObject     parent_instance;

  gint64      id;
  char       *uuid;
  char       *name;
  char       *url;
  char       *last_error;
  char       *version;
  char       *security_warning;
  GDateTime  *last_connection_test;
  GDateTime  *last_connection_success;
  GDateTime  *created_at;
  GDateTime  *updated_at;
  VqsArrKind  kind;
  int         timeout_seconds;
  int         rate_limit_per_minute;
  guint       verify_tls : 1;
  guint       has_api_key : 1;
  guint       is_healthy : 1;
};

G_DEFINE_FINAL_TYPE (VqsInstance, vqs_instance, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_UUID,
  PROP_NAME,
  PROP_KIND,
  PROP_URL,
  PROP_VERIFY_TLS,
  PROP_TIMEOUT_SECONDS,
  PROP_RATE_LIMIT_PER_MINUTE,
  PROP_HAS_API_KEY,
  PROP_IS_HEALTHY,
  PROP_LAST_CONNECTION_TEST,
  PROP_LAST_CONNECTION_SUCCESS,
  PROP_LAST_ERROR,
  PROP_VERSION,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_SECURITY_WARNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Both helpers return whether the field changed, so that setters can
 * return early without a notification when the value is the same.
 */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
replace_date_time (GDateTime **field,
                   GDateTime  *value)
{
  if (*field == value)
    return FALSE;
  if (*field != NULL && value != NULL && g_date_time_equal (*field, value))
    return FALSE;

  g_clear_pointer (field, g_date_time_unref);
  if (value != NULL)
    *field = g_date_time_ref (value);
  return TRUE;
}

/* The warning depends on url and verify-tls. It is cached so that it is
 * only notified when its text really changes, e.g. not when one public
 * host is replaced by another.
 */
static void
update_security_warning (VqsInstance *self)
{
  g_autofree char *warning = NULL;

  warning = vqs_instance_compute_security_warning (self->url, self->verify_tls);
  if (g_strcmp0 (warning, self->security_warning) == 0)
    return;

  g_free (self->security_warning);
  self->security_warning = g_steal_pointer (&warning);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY_WARNING]);
}

static void
vqs_instance_finalize (GObject *object)
{
  VqsInstance *self = (VqsInstance *)object;

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->version, g_free);
  g_clear_pointer (&self->security_warning, g_free);
  g_clear_pointer (&self->last_connection_test, g_date_time_unref);
  g_clear_pointer (&self->last_connection_success, g_date_time_unref);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (vqs_instance_parent_class)->finalize (object);
}

static void
vqs_instance_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VqsInstance *self = VQS_INSTANCE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, vqs_instance_get_id (self));
      break;
    case PROP_UUID:
      g_value_set_string (value, vqs_instance_get_uuid (self));
      break;
    case PROP_NAME:
      g_value_set_string (value, vqs_instance_get_name (self));
      break;
    case PROP_KIND:
      g_value_set_enum (value, vqs_instance_get_kind (self));
      break;
    case PROP_URL:
      g_value_set_string (value, vqs_instance_get_url (self));
      break;
    case PROP_VERIFY_TLS:
      g_value_set_boolean (value, vqs_instance_get_verify_tls (self));
      break;
    case PROP_TIMEOUT_SECONDS:
      g_value_set_int (value, vqs_instance_get_timeout_seconds (self));
      break;
    case PROP_RATE_LIMIT_PER_MINUTE:
      g_value_set_int (value, vqs_instance_get_rate_limit_per_minute (self));
      break;
    case PROP_HAS_API_KEY:
      g_value_set_boolean (value, vqs_instance_get_has_api_key (self));
      break;
    case PROP_IS_HEALTHY:
      g_value_set_boolean (value, vqs_instance_get_is_healthy (self));
      break;
    case PROP_LAST_CONNECTION_TEST:
      g_value_set_boxed (value, vqs_instance_get_last_connection_test (self));
      break;
    case PROP_LAST_CONNECTION_SUCCESS:
      g_value_set_boxed (value, vqs_instance_get_last_connection_success (self));
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, vqs_instance_get_last_error (self));
      break;
    case PROP_VERSION:
      g_value_set_string (value, vqs_instance_get_version (self));
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, vqs_instance_get_created_at (self));
      break;
    case PROP_UPDATED_AT:
      g_value_set_boxed (value, vqs_instance_get_updated_at (self));
      break;
    case PROP_SECURITY_WARNING:
      g_value_set_string (value, vqs_instance_get_security_warning (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_instance_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VqsInstance *self = VQS_INSTANCE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      vqs_instance_set_name (self, g_value_get_string (value));
      break;
    case PROP_KIND:
      vqs_instance_set_kind (self, g_value_get_enum (value));
      break;
    case PROP_URL:
      vqs_instance_set_url (self, g_value_get_string (value));
      break;
    case PROP_VERIFY_TLS:
      vqs_instance_set_verify_tls (self, g_value_get_boolean (value));
      break;
    case PROP_TIMEOUT_SECONDS:
      vqs_instance_set_timeout_seconds (self, g_value_get_int (value));
      break;
    case PROP_RATE_LIMIT_PER_MINUTE:
      vqs_instance_set_rate_limit_per_minute (self, g_value_get_int (value));
      break;
    case PROP_HAS_API_KEY:
      vqs_instance_set_has_api_key (self, g_value_get_boolean (value));
      break;
    case PROP_IS_HEALTHY:
      vqs_instance_set_is_healthy (self, g_value_get_boolean (value));
      break;
    case PROP_LAST_CONNECTION_TEST:
      vqs_instance_set_last_connection_test (self, g_value_get_boxed (value));
      break;
    case PROP_LAST_CONNECTION_SUCCESS:
      vqs_instance_set_last_connection_success (self, g_value_get_boxed (value));
      break;
    case PROP_LAST_ERROR:
      vqs_instance_set_last_error (self, g_value_get_string (value));
      break;
    case PROP_VERSION:
      vqs_instance_set_version (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_properties (GObjectClass *object_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, VQS_TYPE_ARR_KIND, VQS_ARR_KIND_SONARR, rw);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL, rw);
  properties[PROP_VERIFY_TLS] =
    g_param_spec_boolean ("verify-tls", NULL, NULL, TRUE, rw);
  properties[PROP_TIMEOUT_SECONDS] =
    g_param_spec_int ("timeout-seconds", NULL, NULL,
                      VQS_INSTANCE_MIN_TIMEOUT_SECONDS, VQS_INSTANCE_MAX_TIMEOUT_SECONDS,
                      VQS_INSTANCE_DEFAULT_TIMEOUT_SECONDS, rw);
  properties[PROP_RATE_LIMIT_PER_MINUTE] =
    g_param_spec_int ("rate-limit-per-minute", NULL, NULL,
                      VQS_INSTANCE_MIN_RATE_LIMIT_PER_MINUTE,
                      VQS_INSTANCE_MAX_RATE_LIMIT_PER_MINUTE,
                      VQS_INSTANCE_DEFAULT_RATE_LIMIT_PER_MINUTE, rw);
  properties[PROP_HAS_API_KEY] =
    g_param_spec_boolean ("has-api-key", NULL, NULL, FALSE, rw);
  properties[PROP_IS_HEALTHY] =
    g_param_spec_boolean ("is-healthy", NULL, NULL, FALSE, rw);
  properties[PROP_LAST_CONNECTION_TEST] =
    g_param_spec_boxed ("last-connection-test", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_LAST_CONNECTION_SUCCESS] =
    g_param_spec_boxed ("last-connection-success", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, rw);
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL, rw);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_SECURITY_WARNING] =
    g_param_spec_string ("security-warning", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vqs_instance_class_init (VqsInstanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vqs_instance_finalize;
  object_class->get_property = vqs_instance_get_property;
  object_class->set_property = vqs_instance_set_property;

  install_properties (object_class);
}

static void
vqs_instance_init (VqsInstance *self)
{
  self->kind = VQS_ARR_KIND_SONARR;
  self->verify_tls = TRUE;
  self->timeout_seconds = VQS_INSTANCE_DEFAULT_TIMEOUT_SECONDS;
  self->rate_limit_per_minute = VQS_INSTANCE_DEFAULT_RATE_LIMIT_PER_MINUTE;
}

/**
 * vqs_instance_new:
 * @name: (nullable): the display name, already validated
 * @kind: Sonarr or Radarr
 * @url: (nullable): the normalised base URL
 *
 * Creates an instance that is not stored yet: its id is 0 until
 * vqs_instance_store_insert_async() assigns one.
 *
 * Returns: (transfer full): a new #VqsInstance
 */
VqsInstance *
vqs_instance_new (const char *name,
                  VqsArrKind  kind,
                  const char *url)
{
  return g_object_new (VQS_TYPE_INSTANCE,
                       "name", name,
                       "kind", kind,
                       "url", url,
                       NULL);
}

gint64
vqs_instance_get_id (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), 0);

  return self->id;
}

void
_vqs_instance_set_id (VqsInstance *self,
                      gint64       id)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));
  g_return_if_fail (id >= 0);

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
vqs_instance_get_uuid (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->uuid;
}

void
_vqs_instance_set_uuid (VqsInstance *self,
                        const char  *uuid)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  if (replace_string (&self->uuid, uuid))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UUID]);
}

/**
 * vqs_instance_get_created_at:
 *
 * Returns: (transfer none) (nullable): when the instance was first stored
 */
GDateTime *
vqs_instance_get_created_at (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->created_at;
}

void
_vqs_instance_set_created_at (VqsInstance *self,
                              GDateTime   *created_at)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  if (replace_date_time (&self->created_at, created_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

/**
 * vqs_instance_get_updated_at:
 *
 * Returns: (transfer none) (nullable): when the settings were last saved
 */
GDateTime *
vqs_instance_get_updated_at (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->updated_at;
}

void
_vqs_instance_set_updated_at (VqsInstance *self,
                              GDateTime   *updated_at)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  if (replace_date_time (&self->updated_at, updated_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

const char *
vqs_instance_get_name (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->name;
}

void
vqs_instance_set_name (VqsInstance *self,
                       const char  *name)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  if (replace_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

VqsArrKind
vqs_instance_get_kind (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), VQS_ARR_KIND_SONARR);

  return self->kind;
}

void
vqs_instance_set_kind (VqsInstance *self,
                       VqsArrKind   kind)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));
  g_return_if_fail (kind == VQS_ARR_KIND_SONARR || kind == VQS_ARR_KIND_RADARR);

  if (self->kind == kind)
    return;

  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

const char *
vqs_instance_get_url (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->url;
}

void
vqs_instance_set_url (VqsInstance *self,
                      const char  *url)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  if (!replace_string (&self->url, url))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  update_security_warning (self);
}

gboolean
vqs_instance_get_verify_tls (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), TRUE);

  return self->verify_tls;
}

void
vqs_instance_set_verify_tls (VqsInstance *self,
                             gboolean     verify_tls)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  verify_tls = !!verify_tls;
  if (self->verify_tls == verify_tls)
    return;

  self->verify_tls = verify_tls;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFY_TLS]);
  update_security_warning (self);
}

int
vqs_instance_get_timeout_seconds (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), VQS_INSTANCE_DEFAULT_TIMEOUT_SECONDS);

  return self->timeout_seconds;
}

/* Out-of-range values are a programming error here: user input goes
 * through vqs_instance_validate_timeout() first.
 */
void
vqs_instance_set_timeout_seconds (VqsInstance *self,
                                  int          timeout_seconds)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));
  g_return_if_fail (timeout_seconds >= VQS_INSTANCE_MIN_TIMEOUT_SECONDS &&
                    timeout_seconds <= VQS_INSTANCE_MAX_TIMEOUT_SECONDS);

  if (self->timeout_seconds == timeout_seconds)
    return;

  self->timeout_seconds = timeout_seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT_SECONDS]);
}

int
vqs_instance_get_rate_limit_per_minute (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), VQS_INSTANCE_DEFAULT_RATE_LIMIT_PER_MINUTE);

  return self->rate_limit_per_minute;
}

void
vqs_instance_set_rate_limit_per_minute (VqsInstance *self,
                                        int          rate_limit_per_minute)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));
  g_return_if_fail (rate_limit_per_minute >= VQS_INSTANCE_MIN_RATE_LIMIT_PER_MINUTE &&
                    rate_limit_per_minute <= VQS_INSTANCE_MAX_RATE_LIMIT_PER_MINUTE);

  if (self->rate_limit_per_minute == rate_limit_per_minute)
    return;

  self->rate_limit_per_minute = rate_limit_per_minute;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMIT_PER_MINUTE]);
}

gboolean
vqs_instance_get_has_api_key (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), FALSE);

  return self->has_api_key;
}

void
vqs_instance_set_has_api_key (VqsInstance *self,
                              gboolean     has_api_key)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  has_api_key = !!has_api_key;
  if (self->has_api_key == has_api_key)
    return;

  self->has_api_key = has_api_key;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_API_KEY]);
}

gboolean
vqs_instance_get_is_healthy (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), FALSE);

  return self->is_healthy;
}

void
vqs_instance_set_is_healthy (VqsInstance *self,
                             gboolean     is_healthy)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  is_healthy = !!is_healthy;
  if (self->is_healthy == is_healthy)
    return;

  self->is_healthy = is_healthy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_HEALTHY]);
}

/**
 * vqs_instance_get_last_connection_test:
 *
 * Returns: (transfer none) (nullable): when the connection was last
 *   tested, or %NULL if it never was
 */
GDateTime *
vqs_instance_get_last_connection_test (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->last_connection_test;
}

void
vqs_instance_set_last_connection_test (VqsInstance *self,
                                       GDateTime   *when)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  if (replace_date_time (&self->last_connection_test, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_CONNECTION_TEST]);
}

/**
 * vqs_instance_get_last_connection_success:
 *
 * Returns: (transfer none) (nullable): when a test last succeeded
 */
GDateTime *
vqs_instance_get_last_connection_success (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->last_connection_success;
}

void
vqs_instance_set_last_connection_success (VqsInstance *self,
                                          GDateTime   *when)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  if (replace_date_time (&self->last_connection_success, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_CONNECTION_SUCCESS]);
}

/**
 * vqs_instance_get_last_error:
 *
 * Returns: (nullable): the message of the last failed test, or %NULL
 */
const char *
vqs_instance_get_last_error (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->last_error;
}

void
vqs_instance_set_last_error (VqsInstance *self,
                             const char  *last_error)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  if (replace_string (&self->last_error, last_error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/**
 * vqs_instance_get_version:
 *
 * Returns: (nullable): the server version seen at the last test
 */
const char *
vqs_instance_get_version (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->version;
}

void
vqs_instance_set_version (VqsInstance *self,
                          const char  *version)
{
  g_return_if_fail (VQS_IS_INSTANCE (self));

  if (replace_string (&self->version, version))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

/**
 * vqs_instance_get_security_warning:
 *
 * Returns: (nullable): a translated sentence explaining why the
 *   connection settings put the API key at risk, or %NULL
 */
const char *
vqs_instance_get_security_warning (VqsInstance *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE (self), NULL);

  return self->security_warning;
}
