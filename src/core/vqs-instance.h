/* vqs-instance.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "vqs-enums.h"
#include "vqs-types.h"

G_BEGIN_DECLS

#define VQS_INSTANCE_DEFAULT_TIMEOUT_SECONDS       30
#define VQS_INSTANCE_MIN_TIMEOUT_SECONDS           1
#define VQS_INSTANCE_MAX_TIMEOUT_SECONDS           300
#define VQS_INSTANCE_DEFAULT_RATE_LIMIT_PER_MINUTE 60
#define VQS_INSTANCE_MIN_RATE_LIMIT_PER_MINUTE     1
#define VQS_INSTANCE_MAX_RATE_LIMIT_PER_MINUTE     600

#define VQS_TYPE_INSTANCE (vqs_instance_get_type ())

G_DECLARE_FINAL_TYPE (VqsInstance, vqs_instance, VQS, INSTANCE, GObject)

VqsInstance *vqs_instance_new                         (const char  *name,
                                                       VqsArrKind   kind,
                                                       const char  *url);

gint64       vqs_instance_get_id                      (VqsInstance *self);
const char  *vqs_instance_get_uuid                    (VqsInstance *self);
GDateTime   *vqs_instance_get_created_at              (VqsInstance *self);
GDateTime   *vqs_instance_get_updated_at              (VqsInstance *self);

const char  *vqs_instance_get_name                    (VqsInstance *self);
void         vqs_instance_set_name                    (VqsInstance *self,
                                                       const char  *name);
VqsArrKind   vqs_instance_get_kind                    (VqsInstance *self);
void         vqs_instance_set_kind                    (VqsInstance *self,
                                                       VqsArrKind   kind);
const char  *vqs_instance_get_url                     (VqsInstance *self);
void         vqs_instance_set_url                     (VqsInstance *self,
                                                       const char  *url);
gboolean     vqs_instance_get_verify_tls              (VqsInstance *self);
void         vqs_instance_set_verify_tls              (VqsInstance *self,
                                                       gboolean     verify_tls);
int          vqs_instance_get_timeout_seconds         (VqsInstance *self);
void         vqs_instance_set_timeout_seconds         (VqsInstance *self,
                                                       int          timeout_seconds);
int          vqs_instance_get_rate_limit_per_minute   (VqsInstance *self);
void         vqs_instance_set_rate_limit_per_minute   (VqsInstance *self,
                                                       int          rate_limit_per_minute);
gboolean     vqs_instance_get_has_api_key             (VqsInstance *self);
void         vqs_instance_set_has_api_key             (VqsInstance *self,
                                                       gboolean     has_api_key);

gboolean     vqs_instance_get_is_healthy              (VqsInstance *self);
void         vqs_instance_set_is_healthy              (VqsInstance *self,
                                                       gboolean     is_healthy);
GDateTime   *vqs_instance_get_last_connection_test    (VqsInstance *self);
void         vqs_instance_set_last_connection_test    (VqsInstance *self,
                                                       GDateTime   *when);
GDateTime   *vqs_instance_get_last_connection_success (VqsInstance *self);
void         vqs_instance_set_last_connection_success (VqsInstance *self,
                                                       GDateTime   *when);
const char  *vqs_instance_get_last_error              (VqsInstance *self);
void         vqs_instance_set_last_error              (VqsInstance *self,
                                                       const char  *last_error);
const char  *vqs_instance_get_version                 (VqsInstance *self);
void         vqs_instance_set_version                 (VqsInstance *self,
                                                       const char  *version);

const char  *vqs_instance_get_security_warning        (VqsInstance *self);

G_END_DECLS
