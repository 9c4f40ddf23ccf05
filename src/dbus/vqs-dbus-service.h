/* vqs-dbus-service.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vqs-instance-manager.h"

G_BEGIN_DECLS

/* How many TestConnection and CheckDrift calls one bus name may make in
 * any 60 seconds, both methods and all instances together.
 */
#define VQS_DBUS_SERVICE_CALLS_PER_MINUTE 10

#define VQS_TYPE_DBUS_SERVICE (vqs_dbus_service_get_type ())

G_DECLARE_FINAL_TYPE (VqsDBusService, vqs_dbus_service, VQS, DBUS_SERVICE, GObject)

VqsDBusService *vqs_dbus_service_new               (VqsInstanceManager *manager,
                                                    const char         *object_path);
const char     *vqs_dbus_service_get_object_path   (VqsDBusService     *self);
gboolean        vqs_dbus_service_export            (VqsDBusService     *self,
                                                    GDBusConnection    *connection,
                                                    GError            **error);
void            vqs_dbus_service_unexport          (VqsDBusService     *self);
void            vqs_dbus_service_set_ready         (VqsDBusService     *self);
gboolean        vqs_dbus_service_get_ready         (VqsDBusService     *self);
guint           vqs_dbus_service_get_pending_calls (VqsDBusService     *self);
char           *vqs_dbus_service_dup_instance_path (VqsDBusService     *self,
                                                    VqsInstance        *instance);

G_END_DECLS
