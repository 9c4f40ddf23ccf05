/* vqs-instance-store.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vqs-instance.h"

G_BEGIN_DECLS

#define VQS_TYPE_INSTANCE_STORE (vqs_instance_store_get_type ())

G_DECLARE_FINAL_TYPE (VqsInstanceStore, vqs_instance_store, VQS, INSTANCE_STORE, GObject)

char             *vqs_instance_store_get_default_path  (void);
VqsInstanceStore *vqs_instance_store_new               (const char           *path);
const char       *vqs_instance_store_get_path          (VqsInstanceStore     *self);

void              vqs_instance_store_load_async        (VqsInstanceStore     *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GPtrArray        *vqs_instance_store_load_finish       (VqsInstanceStore     *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

void              vqs_instance_store_insert_async      (VqsInstanceStore     *self,
                                                        VqsInstance          *instance,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          vqs_instance_store_insert_finish     (VqsInstanceStore     *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

void              vqs_instance_store_update_async      (VqsInstanceStore     *self,
                                                        VqsInstance          *instance,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          vqs_instance_store_update_finish     (VqsInstanceStore     *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

void              vqs_instance_store_update_health_async  (VqsInstanceStore  *self,
                                                           VqsInstance       *instance,
                                                           GCancellable      *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer           user_data);
gboolean          vqs_instance_store_update_health_finish (VqsInstanceStore  *self,
                                                           GAsyncResult      *result,
                                                           GError           **error);

void              vqs_instance_store_delete_async      (VqsInstanceStore     *self,
                                                        gint64                id,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          vqs_instance_store_delete_finish     (VqsInstanceStore     *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

void              vqs_instance_store_save_baseline_async  (VqsInstanceStore  *self,
                                                           gint64             id,
                                                           const char        *baseline_json,
                                                           GDateTime         *taken_at,
                                                           GCancellable      *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer           user_data);
gboolean          vqs_instance_store_save_baseline_finish (VqsInstanceStore  *self,
                                                           GAsyncResult      *result,
                                                           GError           **error);

void              vqs_instance_store_load_baseline_async  (VqsInstanceStore  *self,
                                                           gint64             id,
                                                           GCancellable      *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer           user_data);
char             *vqs_instance_store_load_baseline_finish (VqsInstanceStore  *self,
                                                           GAsyncResult      *result,
                                                           GDateTime        **out_taken_at,
                                                           GError           **error);

G_END_DECLS
