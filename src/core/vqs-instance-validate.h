/* vqs-instance-validate.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vqs-instance.h"
#include "vqs-types.h"

G_BEGIN_DECLS

#define VQS_INSTANCE_ERROR (vqs_instance_error_quark ())

/**
 * VqsInstanceError:
 * @VQS_INSTANCE_ERROR_INVALID_ARGUMENT: a setting is not valid; see vqs_instance_error_get_field()
 * @VQS_INSTANCE_ERROR_DUPLICATE: another instance already has this name
 * @VQS_INSTANCE_ERROR_NOT_FOUND: no instance with this id (it was deleted)
 * @VQS_INSTANCE_ERROR_KEYRING: the API key could not be stored or read
 * @VQS_INSTANCE_ERROR_FAILED: anything else
 *
 * Errors about instances. Messages are translated sentences for the user
 * and never contain the API key or a complete URL.
 */
typedef enum
{
  VQS_INSTANCE_ERROR_INVALID_ARGUMENT,
  VQS_INSTANCE_ERROR_DUPLICATE,
  VQS_INSTANCE_ERROR_NOT_FOUND,
  VQS_INSTANCE_ERROR_KEYRING,
  VQS_INSTANCE_ERROR_FAILED,
} VqsInstanceError;

/* The names of the fields an error can be about. They equal the property
 * names of VqsInstance, except the API key, which is not a property.
 */
#define VQS_INSTANCE_FIELD_NAME       "name"
#define VQS_INSTANCE_FIELD_KIND       "kind"
#define VQS_INSTANCE_FIELD_URL        "url"
#define VQS_INSTANCE_FIELD_API_KEY    "api-key"
#define VQS_INSTANCE_FIELD_TIMEOUT    "timeout-seconds"
#define VQS_INSTANCE_FIELD_RATE_LIMIT "rate-limit-per-minute"

#define VQS_INSTANCE_NAME_MIN_LENGTH    3
#define VQS_INSTANCE_NAME_MAX_LENGTH    50
#define VQS_INSTANCE_API_KEY_MIN_LENGTH 20
#define VQS_INSTANCE_API_KEY_MAX_LENGTH 128

/**
 * VqsInstanceSettings:
 * @name: the name as typed
 * @kind: "sonarr" or "radarr"
 * @url: the address as typed
 * @api_key: (nullable): the key; %NULL when editing keeps the stored key
 * @timeout_seconds: the request timeout
 * @rate_limit_per_minute: the request budget
 *
 * What a user enters to create or edit an instance, before validation.
 */
typedef struct
{
  const char *name;
  const char *kind;
  const char *url;
  const char *api_key;
  int         timeout_seconds;
  int         rate_limit_per_minute;
} VqsInstanceSettings;

GQuark      vqs_instance_error_quark            (void);
GError     *vqs_instance_error_new              (VqsInstanceError            code,
                                                 const char                 *field,
                                                 const char                 *format,
                                                 ...) G_GNUC_PRINTF (3, 4);
const char *vqs_instance_error_get_field        (const GError               *error);

gboolean    vqs_instance_validate_name          (const char                 *name,
                                                 char                      **out_normalized,
                                                 GError                    **error);
gboolean    vqs_instance_validate_name_unique   (const char                 *name,
                                                 GListModel                 *instances,
                                                 gint64                      ignore_id,
                                                 GError                    **error);
char       *vqs_instance_name_collation_key     (const char                 *name);
char       *vqs_instance_normalize_url          (const char                 *url,
                                                 GError                    **error);
gboolean    vqs_instance_validate_url           (const char                 *url,
                                                 GError                    **error);
gboolean    vqs_instance_validate_api_key       (const char                 *api_key,
                                                 gboolean                    required,
                                                 GError                    **error);
gboolean    vqs_instance_validate_timeout       (int                         timeout_seconds,
                                                 GError                    **error);
gboolean    vqs_instance_validate_rate_limit    (int                         rate_limit_per_minute,
                                                 GError                    **error);
gboolean    vqs_instance_validate_kind          (const char                 *kind,
                                                 VqsArrKind                 *out_kind,
                                                 GError                    **error);
gboolean    vqs_instance_validate_settings      (const VqsInstanceSettings  *settings,
                                                 GListModel                 *instances,
                                                 VqsInstance                *editing,
                                                 char                      **out_name,
                                                 char                      **out_url,
                                                 VqsArrKind                 *out_kind,
                                                 GError                    **error);

char       *vqs_instance_compute_security_warning (const char               *url,
                                                   gboolean                  verify_tls);

G_END_DECLS
