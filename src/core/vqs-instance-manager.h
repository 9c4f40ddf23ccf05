/* vqs-instance-manager.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vqs-drift.h"
#include "vqs-instance-store.h"
#include "vqs-instance.h"
#include "vqs-secret-store.h"

G_BEGIN_DECLS

#define VQS_TYPE_INSTANCE_MANAGER (vqs_instance_manager_get_type ())
#define VQS_TYPE_CONNECTION_TEST  (vqs_connection_test_get_type ())
#define VQS_TYPE_DRIFT_REPORT     (vqs_drift_report_get_type ())

G_DECLARE_FINAL_TYPE (VqsInstanceManager, vqs_instance_manager, VQS, INSTANCE_MANAGER, GObject)

/**
 * VqsInstanceChanges:
 * @name: (nullable): the name as typed; %NULL leaves it unchanged
 * @kind: (nullable): "sonarr" or "radarr"; %NULL leaves it unchanged
 * @url: (nullable): the address as typed; %NULL leaves it unchanged
 * @api_key: (nullable): a new key; %NULL keeps the stored one
 * @verify_tls: 0 or 1, or -1 to leave it unchanged (default on)
 * @timeout_seconds: a value, or -1 to leave it unchanged (default 30)
 * @rate_limit_per_minute: a value, or -1 to leave it unchanged (default 60)
 *
 * What the window or the bus asks to create or change. On create, name,
 * kind, url and api_key are required and unset numbers take defaults.
 * Initialise with VQS_INSTANCE_CHANGES_INIT.
 */
typedef struct
{
  const char *name;
  const char *kind;
  const char *url;
  const char *api_key;
  gint64      verify_tls;
  gint64      timeout_seconds;
  gint64      rate_limit_per_minute;
} VqsInstanceChanges;

#define VQS_INSTANCE_CHANGES_INIT { NULL, NULL, NULL, NULL, -1, -1, -1 }

/**
 * VqsConnectionTest:
 * @success: whether the instance answered as expected
 * @message: a one-line summary ("Connected to Sonarr 4.0.19 in 84 ms")
 * @version: the version the instance reported, or ""
 * @response_time_ms: how long the status request took
 * @error_details: the client's error sentence, or "" on success
 * @error: (nullable): the error itself, for callers that act on its code
 */
typedef struct
{
  gboolean  success;
  char     *message;
  char     *version;
  guint     response_time_ms;
  char     *error_details;
  GError   *error;
} VqsConnectionTest;

/**
 * VqsDriftReport:
 * @drift_detected: whether anything changed since the baseline
 * @changes: (element-type VqsDriftChange): the changes, in display order
 * @current_version: the live version
 * @quality_profiles_count: the live number of quality profiles
 * @baseline_taken: %TRUE when this check took the first baseline
 */
typedef struct
{
  gboolean   drift_detected;
  GPtrArray *changes;
  char      *current_version;
  guint      quality_profiles_count;
  gboolean   baseline_taken;
} VqsDriftReport;

GType               vqs_connection_test_get_type  (void) G_GNUC_CONST;
VqsConnectionTest  *vqs_connection_test_copy      (const VqsConnectionTest *self);
void                vqs_connection_test_free      (VqsConnectionTest       *self);
GType               vqs_drift_report_get_type     (void) G_GNUC_CONST;
VqsDriftReport     *vqs_drift_report_copy         (const VqsDriftReport    *self);
void                vqs_drift_report_free         (VqsDriftReport          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsConnectionTest, vqs_connection_test_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsDriftReport, vqs_drift_report_free)

VqsInstanceManager *vqs_instance_manager_new                (VqsInstanceStore    *store,
                                                             VqsSecretStore      *secrets);
VqsInstanceStore   *vqs_instance_manager_get_store          (VqsInstanceManager  *self);
VqsInstance        *vqs_instance_manager_find_by_id         (VqsInstanceManager  *self,
                                                             gint64               id);
VqsInstance        *vqs_instance_manager_find_by_name       (VqsInstanceManager  *self,
                                                             const char          *name);
guint               vqs_instance_manager_get_busy_count     (VqsInstanceManager  *self);
void                vqs_instance_manager_set_retry_policy   (VqsInstanceManager  *self,
                                                             guint                max_retries,
                                                             guint                initial_delay_ms,
                                                             guint                max_delay_ms);

/* Validates as the window types, with the same rules the bus uses. */
gboolean            vqs_instance_manager_validate           (VqsInstanceManager  *self,
                                                             VqsInstance         *editing,
                                                             const VqsInstanceChanges *changes,
                                                             GError             **error);

void                vqs_instance_manager_load_async         (VqsInstanceManager  *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean            vqs_instance_manager_load_finish        (VqsInstanceManager  *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void                vqs_instance_manager_create_async       (VqsInstanceManager  *self,
                                                             const VqsInstanceChanges *settings,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
VqsInstance        *vqs_instance_manager_create_finish      (VqsInstanceManager  *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void                vqs_instance_manager_update_async       (VqsInstanceManager  *self,
                                                             VqsInstance         *instance,
                                                             const VqsInstanceChanges *changes,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean            vqs_instance_manager_update_finish      (VqsInstanceManager  *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void                vqs_instance_manager_delete_async       (VqsInstanceManager  *self,
                                                             VqsInstance         *instance,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean            vqs_instance_manager_delete_finish      (VqsInstanceManager  *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void                vqs_instance_manager_test_connection_async  (VqsInstanceManager  *self,
                                                                 VqsInstance         *instance,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
VqsConnectionTest  *vqs_instance_manager_test_connection_finish (VqsInstanceManager  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
/* Tries settings that are not saved yet (the Add dialog's Test button).
 * With @editing and no api_key in @settings, the stored key is used.
 */
void                vqs_instance_manager_test_settings_async    (VqsInstanceManager  *self,
                                                                 VqsInstance         *editing,
                                                                 const VqsInstanceChanges *settings,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
VqsConnectionTest  *vqs_instance_manager_test_settings_finish   (VqsInstanceManager  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                vqs_instance_manager_check_drift_async      (VqsInstanceManager  *self,
                                                                 VqsInstance         *instance,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
VqsDriftReport     *vqs_instance_manager_check_drift_finish     (VqsInstanceManager  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                vqs_instance_manager_accept_drift_async     (VqsInstanceManager  *self,
                                                                 VqsInstance         *instance,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean            vqs_instance_manager_accept_drift_finish    (VqsInstanceManager  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);

G_END_DECLS
